"""The supplier table's clearance column and flag filter, on real scores of a hand-made file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.domain.evaluation_types import summarised
from sourcing_app.domain.flags import FlagCode
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.suppliers.screen import SuppliersScreen
from sourcing_app.ui.suppliers.table_model import Column, SupplierFilter, SupplierTableModel
from tests.services.customs_portfolio import AS_OF, add_returns, load_customs_portfolio

as_of = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> Workspace:
    load_customs_portfolio(engine, tmp_path)
    add_returns(engine, [("B2", "2026-06-01", 2, "suspected_counterfeit")])
    workspace = Workspace(engine, "customs")
    workspace.set_scores(workspace.scoring.score_all(as_of), as_of)
    return workspace


def _by_code(model: SupplierTableModel, column: Column) -> dict[str, str]:
    return {
        model.index(r, Column.CODE).data(): model.index(r, column).data()
        for r in range(model.rowCount())
    }


def test_the_clearance_column_shows_the_shrunk_sub_score(
    workspace: Workspace, qtmodeltester: ModelTester
) -> None:
    model = SupplierTableModel()
    model.set_scores(workspace.scores)
    qtmodeltester.check(model)
    # Raw: S-OWN 3 of 4 within 3 days (0.75), S-HOPS 0 of 2; prior (0.75 + 0) / 2 = 0.375.
    # S-OWN (4 × 0.75 + 5 × 0.375) / 9 = 0.542; S-HOPS (2 × 0 + 5 × 0.375) / 7 = 0.268.
    assert _by_code(model, Column.CLEARANCE) == {"S-OWN": "54%", "S-HOPS": "27%"}
    assert model.headerData(Column.CLEARANCE, Qt.Orientation.Horizontal) == "Clearance %"
    # A big portfolio's summarised scores keep the column.
    model.set_scores([summarised(s) for s in workspace.scores])
    assert _by_code(model, Column.CLEARANCE) == {"S-OWN": "54%", "S-HOPS": "27%"}


def test_sorting_by_clearance(workspace: Workspace) -> None:
    model = SupplierTableModel()
    model.set_scores(workspace.scores)
    model.sort(Column.CLEARANCE, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, Column.CODE).data() for r in range(2)] == ["S-OWN", "S-HOPS"]
    model.sort(Column.CLEARANCE, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, Column.CODE).data() for r in range(2)] == ["S-HOPS", "S-OWN"]


def test_the_flag_filter_finds_the_suspected_counterfeit(
    qtbot: QtBot, workspace: Workspace
) -> None:
    screen = SuppliersScreen(workspace)
    qtbot.addWidget(screen)
    screen.show()
    screen.screen_shown()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2)
    combo = screen.flag_filter
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert "⚠ Suspected counterfeit" in texts
    assert "◷ Customs delay" in texts
    assert "↩ High returns after sale" in texts
    with qtbot.waitSignal(screen.rows_shown, timeout=10_000):
        combo.setCurrentIndex(combo.findData(FlagCode.COUNTERFEIT_SUSPECTED.value))
    assert screen.model.rowCount() == 1
    assert screen.model.index(0, Column.CODE).data() == "S-HOPS"
    assert screen.current_filter() == SupplierFilter(flag="COUNTERFEIT_SUSPECTED")
