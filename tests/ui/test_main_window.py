"""The main window a buyer sees on start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.app import build_main_window, database_label
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.ui.main_window import MainWindow
from sourcing_app.ui.supplier_table_model import Column
from tests.ui.scores import three_suppliers

AS_OF = dt.date(2026, 11, 27)


def _codes(window: MainWindow) -> list[str]:
    model = window.model
    return [model.index(row, Column.CODE).data() for row in range(model.rowCount())]


def test_the_window_shows_the_open_database_and_the_best_suppliers_first(
    qtbot: QtBot, db_url: str
) -> None:
    asked: list[dt.date] = []

    def load(as_of: dt.date) -> Sequence[SupplierScore]:
        asked.append(as_of)
        return three_suppliers()

    window = MainWindow(database_label=database_label(db_url), load_scores=load)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.scores_shown, timeout=10_000) as shown:
        window.refresh(AS_OF)

    assert shown.args == [3]
    assert asked == [AS_OF]
    assert window.windowTitle() == "Sourcing desk"
    path = db_url.removeprefix("sqlite:///")
    assert window.database_label.text() == f"Database: {path}"
    assert window.statusBar().currentMessage() == "3 suppliers scored as of 27 Nov 2026."
    assert _codes(window) == ["HK-HARBOUR", "DE-RHEIN", "JP-SAKURA"]


def test_scores_that_cannot_be_computed_are_reported_in_words(qtbot: QtBot, db_url: str) -> None:
    def load(as_of: dt.date) -> Sequence[SupplierScore]:
        raise ValueError("the exchange rate for EUR on 27 Nov 2026 is missing")

    window = MainWindow(database_label=database_label(db_url), load_scores=load)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.scores_failed, timeout=10_000) as failed:
        window.refresh(AS_OF)

    assert failed.args == ["the exchange rate for EUR on 27 Nov 2026 is missing"]
    assert window.statusBar().currentMessage() == "The suppliers could not be scored."
    assert window.model.rowCount() == 0


def test_a_team_database_is_named_without_its_password() -> None:
    label = database_label("postgresql+psycopg://buyer:s3cret@db.example.com:5432/sourcing")
    assert label == "postgresql+psycopg://buyer:***@db.example.com:5432/sourcing"


def test_the_demo_database_is_filled_and_scored_on_first_start(
    qtbot: QtBot, engine: Engine, db_url: str
) -> None:
    window = build_main_window(engine, db_url, demo=True)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.scores_shown, timeout=120_000) as shown:
        window.refresh()

    assert shown.args == [200]
    assert window.database_label.text().endswith("(demo portfolio)")
    scores = [window.model.score_at(row).sourcing_score for row in range(200)]
    rated = [score for score in scores if score is not None]
    assert rated == sorted(rated, reverse=True)  # best first
    assert scores[len(rated) :] == [None] * (200 - len(rated))  # unrated last
