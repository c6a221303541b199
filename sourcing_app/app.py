"""Composition root of the desktop app: database → services → main window (DESIGN.md 7).

Nothing happens at import time; Qt and the database are touched only when
`run_desktop` is called.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget
    from sqlalchemy import Engine

    from sourcing_app.domain.evaluation_types import SupplierScore
    from sourcing_app.ui.main_window import MainWindow

EXIT_OK = 0
EXIT_FAILED = 1

DEMO_SUPPLIERS = 200
DEMO_LINES = 30_000
DEMO_SEED = 20261127


def run_desktop(url: str, *, demo: bool = False) -> int:
    """Open the database (asking the buyer when it can't be), show the window, run Qt."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    engine = open_database(url)
    if engine is None:
        return EXIT_FAILED
    try:
        window = build_main_window(engine, url, demo=demo)
        window.show()
        window.refresh()
        return int(app.exec())
    finally:
        engine.dispose()


def open_database(url: str, parent: QWidget | None = None) -> Engine | None:
    """prepare_database, or the buyer's answer to what went wrong; None means quit."""
    import sqlite3

    from sourcing_app.db.migrate import DatabaseProblem, prepare_database, restore_backup
    from sourcing_app.ui.database_problem_dialog import (
        ProblemChoice,
        ask_about_problem,
        confirm_restore,
        report_restore_failure,
    )

    while True:
        try:
            return prepare_database(url)
        except DatabaseProblem as problem:
            choice = ask_about_problem(problem, parent)
            if choice is ProblemChoice.QUIT:
                return None
            backup = problem.backup_path
            if choice is ProblemChoice.OPEN_BACKUP and backup and confirm_restore(problem, parent):
                try:
                    restore_backup(url, backup)
                except (OSError, sqlite3.Error) as error:
                    report_restore_failure(str(error), parent)


def build_main_window(engine: Engine, url: str, *, demo: bool = False) -> MainWindow:
    from sourcing_app.services.scoring import ScoringService
    from sourcing_app.ui.main_window import MainWindow

    scoring = ScoringService(engine)
    build_demo_first = demo and _holds_no_suppliers(engine)

    def load_scores(as_of: dt.date) -> Sequence[SupplierScore]:
        nonlocal build_demo_first
        if build_demo_first:
            from sourcing_app.services.demo import build_demo

            build_demo(
                engine,
                suppliers=DEMO_SUPPLIERS,
                lines=DEMO_LINES,
                seed=DEMO_SEED,
                as_of=dt.date.today(),
            )
            build_demo_first = False
        return scoring.score_all(as_of)

    label = database_label(url) + (" (demo portfolio)" if demo else "")
    return MainWindow(
        database_label=label,
        load_scores=load_scores,
        loading_message=(
            "Building the demo portfolio (first start only) and scoring it…"
            if build_demo_first
            else "Scoring suppliers…"
        ),
    )


def database_label(url: str) -> str:
    """The file path, or the server address without its password."""
    from sqlalchemy import make_url

    from sourcing_app.config import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def _holds_no_suppliers(engine: Engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM supplier LIMIT 1")).first() is None
