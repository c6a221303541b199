"""The loudest flag: a suspected counterfeit from a composite channel heads the dashboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.domain.flags import FlagCode
from sourcing_app.ui.dashboard.screen import DashboardScreen
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.customs_portfolio import AS_OF, add_returns, load_customs_portfolio

as_of = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> Workspace:
    load_customs_portfolio(engine, tmp_path)
    # S-HOPS (tier 3, composite): 2 units of B2 came back as fakes on 2026-06-01.
    # S-OWN (the brand owner): 1 unit of A1 came back damaged.
    add_returns(
        engine,
        [("B2", "2026-06-01", 2, "suspected_counterfeit"), ("A1", "2026-03-01", 1, "damaged")],
    )
    workspace = Workspace(engine, "customs")
    workspace.set_scores(workspace.scoring.score_all(as_of), as_of)
    return workspace


@pytest.fixture
def dashboard(qtbot: QtBot, workspace: Workspace) -> Iterator[DashboardScreen]:
    screen = DashboardScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1600, 1000)
    with qtbot.waitSignal(screen.figures_shown, timeout=20_000):
        screen.show()
        screen.screen_shown()
    yield screen


def test_the_counterfeit_banner_names_the_supplier_and_the_line(
    dashboard: DashboardScreen,
) -> None:
    banner = dashboard.counterfeit_banner
    assert banner.isVisible()
    text = banner.text()
    assert "Suspected counterfeit returned by customers: 1 supplier" in text
    assert "S-HOPS" in text and "line B2" in text and "composite channel" in text
    assert "S-OWN" not in text  # a damaged return is not a fake
    # It sits above the headline cards: the first thing under the title.
    assert (
        banner.geometry().bottom()
        < dashboard.standing_cards[next(iter(dashboard.standing_cards))].geometry().top()
    )


def test_the_counterfeit_flag_heads_the_flag_list(dashboard: DashboardScreen) -> None:
    model = dashboard.flags_model
    first = model.row_at(0)
    assert (first.supplier_code, first.flag.code) == ("S-HOPS", FlagCode.COUNTERFEIT_SUSPECTED)
    assert model.index(0, 2).data() == "⚠ Suspected counterfeit"
    codes = [model.row_at(r).flag.code for r in range(model.rowCount())]
    assert codes.count(FlagCode.COUNTERFEIT_SUSPECTED) == 1
    # B2 took 11 days to clear on 2026-05-10, within 90 days and over the 10-day hold.
    assert FlagCode.CUSTOMS_DELAY in codes


def test_clicking_the_supplier_in_the_banner_opens_it(
    qtbot: QtBot, dashboard: DashboardScreen, workspace: Workspace
) -> None:
    hops = next(s for s in workspace.scores if s.supplier_code == "S-HOPS")
    with qtbot.waitSignal(workspace.supplier_requested) as opened:
        dashboard.counterfeit_banner.linkActivated.emit(str(hops.supplier_id))
    assert opened.args == [hops.supplier_id]


def test_no_banner_without_a_suspected_counterfeit(
    qtbot: QtBot, engine: Engine, tmp_path: Path
) -> None:
    load_customs_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "customs")
    workspace.set_scores(workspace.scoring.score_all(as_of), as_of)
    screen = DashboardScreen(workspace)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.figures_shown, timeout=20_000):
        screen.show()
        screen.screen_shown()
    assert not screen.counterfeit_banner.isVisible()


def test_a_long_cause_ends_in_an_ellipsis_instead_of_scrolling_the_list_sideways(
    qtbot: QtBot, dashboard: DashboardScreen
) -> None:
    view = dashboard.flags_view
    last = view.model().columnCount() - 1
    needed = view.sizeHintForColumn(last)
    # The counterfeit's cause is longer than the room the list leaves it at 1600 px.
    assert view.columnWidth(last) < needed
    assert view.horizontalScrollBar().maximum() == 0
    header = view.horizontalHeader()
    assert header.sectionPosition(last) + header.sectionSize(last) <= view.viewport().width()
    # The cell keeps its whole text; hovering shows all of it.
    cause = view.model().index(0, last)
    assert cause.data() == cause.data(Qt.ItemDataRole.ToolTipRole)
    assert "composite channel" in cause.data()
    # A wider window gives the cause its whole length, and a narrower one takes it back.
    narrow = view.columnWidth(last)
    dashboard.resize(3200, 1000)
    qtbot.waitUntil(lambda: view.columnWidth(last) > narrow)
    assert view.columnWidth(last) >= needed
    dashboard.resize(1600, 1000)
    qtbot.waitUntil(lambda: view.columnWidth(last) == narrow)
    assert view.horizontalScrollBar().maximum() == 0
