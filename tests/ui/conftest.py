"""Window settings go to a temporary folder: a test never touches the buyer's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _private_window_settings(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "qsettings"
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    yield folder


@pytest.fixture
def window_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def _collect_cycles_while_qt_is_alive() -> Iterator[None]:
    """Free each test's Qt objects caught in reference cycles before the next test.

    Left for the collector's final pass at the end of the session, unparented
    QObjects (a Workspace with its undo stack and thread pool) were torn down
    after Qt's own clean-up and crashed the interpreter on the way out.
    """
    yield
    import gc

    gc.collect()
