"""The PySide6 6.12.0 + CPython 3.11 trap must stay shut (docs/architecture.md).

That combination loses a reference to None on every void Qt call and aborts
after about 5,000 of them with "Fatal Python error: none_dealloc".
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
TRAP = Version("6.12.0")
PYSIDE_DISTRIBUTIONS = {"pyside6", "pyside6-essentials", "pyside6-addons"}


def test_fifty_thousand_void_qt_calls_do_not_abort_the_interpreter() -> None:
    # In a child process: an abort there is a failed test, not a dead test run.
    script = textwrap.dedent(
        """
        from PySide6.QtCore import QCoreApplication, QObject, QTimer

        app = QCoreApplication([])
        owner = QObject()
        timer = QTimer()
        for i in range(50_000):
            owner.setObjectName("supplier")  # returns void
            timer.stop()  # returns void
        print("done", owner.objectName())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done supplier"


def test_the_installed_pyside6_is_not_the_trapped_combination() -> None:
    installed = Version(version("PySide6-Essentials"))
    assert not (installed == TRAP and sys.version_info[:2] == (3, 11)), (
        f"PySide6 {installed} on Python {sys.version.split()[0]} aborts after a few thousand "
        "void Qt calls; install PySide6 < 6.12 on Python 3.11"
    )


def _pyside_pins(python_version: str) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    environment = {"python_version": python_version, "python_full_version": f"{python_version}.0"}
    pins = []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        if requirement.name.lower() not in PYSIDE_DISTRIBUTIONS:
            continue
        if requirement.marker is None or requirement.marker.evaluate(environment):
            pins.append(requirement)
    return pins


def test_the_dependency_pins_rule_out_pyside6_6_12_0_on_python_3_11() -> None:
    pins = _pyside_pins("3.11")
    assert {pin.name.lower() for pin in pins} >= {"pyside6-essentials", "pyside6-addons"}
    for pin in pins:
        assert not pin.specifier.contains(str(TRAP)), f"{pin} lets 6.12.0 in on Python 3.11"
        assert pin.specifier.contains("6.11.3"), f"{pin} shuts out the known-good 6.11.3"
