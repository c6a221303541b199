"""Imports only point down: ui → services → db → domain (docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_the_import_contracts_in_pyproject_are_all_kept() -> None:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    names = [contract["name"] for contract in contracts]
    assert len(names) == 4

    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for name in names:
        assert f"{name} KEPT" in report, report
    assert "Contracts: 4 kept, 0 broken." in report
