"""A big portfolio is scored in a child process; the window shows it as if scored here.

The threshold is lowered to 0 so the hand portfolio (tests/services/hand_portfolio.py,
30 Jun 2026) takes the path a 100,000-supplier file takes in the desktop.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.app import build_main_window, start_scoring
from sourcing_app.services.scoring import process as scoring_process
from sourcing_app.ui.shell.main_window import MainWindow
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio


@pytest.fixture
def window_scored_elsewhere(
    qtbot: QtBot,
    engine: Engine,
    db_url: str,
    window_settings: QSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[MainWindow]:
    monkeypatch.setattr(scoring_process, "ELSEWHERE_FROM", 0)
    build_hand_portfolio(engine)
    window = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(window)
    window.resize(1500, 900)
    window.show()
    with qtbot.waitSignal(window.scores_shown, timeout=60_000):
        start_scoring(window, as_of=AS_OF)
    yield window
    window.close()


def test_the_screens_hold_summaries_and_the_detail_pane_shows_the_full_walk(
    qtbot: QtBot, window_scored_elsewhere: MainWindow
) -> None:
    window = window_scored_elsewhere
    workspace = window.workspace
    assert sorted(s.supplier_code for s in workspace.scores) == ["S-COMP", "S-VERT"]
    assert all(s.summary for s in workspace.scores)
    window.show_screen("suppliers")
    screen = window.screen("suppliers")
    vert = next(s for s in workspace.scores if s.supplier_code == "S-VERT")
    pane = screen.detail
    with qtbot.waitSignal(screen.detail.detail_shown, timeout=10_000):
        workspace.open_supplier(vert.supplier_id)
        # At once: the summary's figures; the breakdown is worked out on the pane's
        # worker, not on the click (docs/performance.md).
        assert pane.title.text() == vert.supplier_name
        assert pane.breakdown_model.rowCount() == 0
        assert pane.inputs.text() == "Working out the breakdown…"
        assert workspace.ready_full_score(vert.supplier_id) is None
    # The same hand-worked figures as when scored in this process (test_main_window).
    assert "fill 99%: 198 of 200 units accepted over 2 lines" in pane.breakdown_texts()[0]
    assert pane.breakdown_model.rowCount() == 7  # customs clearance too
    walk = pane.walk_amounts()
    assert walk["Landed cost"] == "CNY 194.93"
    assert walk["Margin"] == "CNY 86.13"
    assert walk["Margin %"] == "30.65%"
    # Kept for the next time it is opened, until the next run.
    assert workspace.ready_full_score(vert.supplier_id) is not None


def test_the_brand_table_keeps_each_channels_margin_from_the_summaries(
    qtbot: QtBot, window_scored_elsewhere: MainWindow
) -> None:
    window = window_scored_elsewhere
    brands = window.screen("brands")
    with qtbot.waitSignal(brands.brands_shown, timeout=10_000):
        window.show_screen("brands")
    (aurelle,) = brands.model.rows
    vertical = next(c for c in aurelle.channels if c.supplier_code == "S-VERT")
    assert f"{vertical.margin_pct:.2%}" == "30.65%"
    assert str(vertical.unit_margin) == "86.13"
    assert vertical.fill == pytest.approx(
        window.workspace.full_score(vertical.supplier_id).sub_scores["fill"].value
    )


def test_after_a_new_run_the_open_breakdown_stays_until_the_new_one_is_worked_out(
    qtbot: QtBot, window_scored_elsewhere: MainWindow
) -> None:
    window = window_scored_elsewhere
    workspace = window.workspace
    window.show_screen("suppliers")
    pane = window.screen("suppliers").detail
    vert = next(s for s in workspace.scores if s.supplier_code == "S-VERT")
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        workspace.open_supplier(vert.supplier_id)
    with qtbot.waitSignal(window.scores_shown, timeout=60_000):
        start_scoring(window, as_of=AS_OF)  # F5
    # The new run's summaries are in; the breakdown on screen is the last run's
    # until this run's full score is worked out: never a blank breakdown between.
    assert workspace.ready_full_score(vert.supplier_id) is None
    assert pane.breakdown_model.rowCount() == 7
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        pass
    assert workspace.ready_full_score(vert.supplier_id) is not None
    assert pane.breakdown_model.rowCount() == 7
    assert pane.walk_amounts()["Margin %"] == "30.65%"


def test_scores_from_the_last_session_show_their_summary_until_a_run_can_break_them_down(
    qtbot: QtBot, engine: Engine
) -> None:
    # On a cold start the last session's summaries are on screen before any run:
    # nothing to work a breakdown out from yet, and the pane says so.
    from sourcing_app.domain.evaluation_types import summarised
    from sourcing_app.services.scoring import ScoringService
    from sourcing_app.ui.shell.workspace import Workspace
    from sourcing_app.ui.suppliers.detail_pane import SupplierDetailPane

    build_hand_portfolio(engine)
    cached = [summarised(s) for s in ScoringService(engine).score_all(AS_OF)]
    workspace = Workspace(engine, "cold.sqlite")
    workspace.set_scores(cached, AS_OF)
    assert workspace.scoring.last_run is None
    pane = SupplierDetailPane(workspace)
    qtbot.addWidget(pane)
    pane.show()
    vert = next(s for s in cached if s.supplier_code == "S-VERT")
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        pane.show_supplier(vert.supplier_id)
    assert pane.title.text() == vert.supplier_name
    assert pane.breakdown_model.rowCount() == 0
    assert pane.inputs.text() == "The breakdown shows once scoring has finished."
