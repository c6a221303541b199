"""The Customs screen on a hand-made file: the figures a buyer reads, in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.ui.customs.screen import CustomsScreen
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.customs_portfolio import AS_OF, load_customs_portfolio

WAIT = 20_000


@pytest.fixture
def screen(qtbot: QtBot, engine: Engine, tmp_path: Path) -> Iterator[CustomsScreen]:
    load_customs_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "customs")
    workspace.as_of = dt.date.fromisoformat(AS_OF)
    widget = CustomsScreen(workspace)
    qtbot.addWidget(widget)
    widget.resize(1600, 1000)
    with qtbot.waitSignal(widget.overview_shown, timeout=WAIT):
        widget.show()
        widget.screen_shown()
    yield widget


def _cells(model, row: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_regimes_side_by_side(screen: CustomsScreen) -> None:
    # CBEC: 1, 2, 2, 9 days → median 2, slowest 9, 3 of 4 within 3 days.
    assert _cells(screen.regime_model, 0) == [
        "CBEC retail import",
        "4",
        "2 days",
        "9 days",
        "75%",
    ]
    # Postal: 6 and 11 → median 8.5, none within 3 days.
    assert _cells(screen.regime_model, 1)[2:] == ["8.5 days", "11 days", "0%"]
    # Everyone: 1, 2, 2, 6, 9, 11 → median 4, 3 of 6 within 3 days.
    summary = screen.summary.text()
    assert "<b>6</b> deliveries" in summary
    assert "median <b>4 days</b>" in summary
    assert "<b>50%</b> cleared within 3 days" in summary


def test_the_slowest_supplier_first_with_its_slowest_line(screen: CustomsScreen) -> None:
    model = screen.supplier_model
    assert _cells(model, 0)[:6] == [
        "S-HOPS",
        "Golden Bridge Trading",
        "Composite",
        "2",
        "8.5 days",
        "11 days, line B2",
    ]
    assert _cells(model, 1)[0] == "S-OWN"
    assert _cells(model, 1)[2] == "Vertical"
    # Sorted by share within target, highest first: S-OWN's 75% before S-HOPS's 0%.
    model.sort(6, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, 0).data() for r in range(2)] == ["S-OWN", "S-HOPS"]


def test_the_name_takes_the_spare_width_not_the_last_figure(screen: CustomsScreen) -> None:
    # At 1600 px the figures keep their fitted widths and the name gets the rest,
    # so "Golden Bridge Trading" is whole and no figure column runs half the table.
    view = screen.suppliers
    last = screen.supplier_model.columnCount() - 1
    text_width = view.fontMetrics().horizontalAdvance("Golden Bridge Trading")
    assert view.columnWidth(1) > text_width
    assert view.columnWidth(last) < view.columnWidth(1)
    assert view.columnWidth(last) <= view.viewport().width() // 4


def test_two_trend_charts(screen: CustomsScreen) -> None:
    assert len(screen.chart_views) == 2
    assert screen.top.count() == 2  # side by side, under the regimes
    assert all(view.width() > 300 for view in screen.chart_views)


def test_double_click_opens_the_supplier(qtbot: QtBot, screen: CustomsScreen) -> None:
    with qtbot.waitSignal(screen.workspace.supplier_requested) as opened:
        screen._open_supplier(screen.supplier_model.index(0, 0))
    assert opened.args == [
        next(s.supplier_id for s in screen.supplier_model.rows if s.supplier_code == "S-HOPS")
    ]


def test_in_chinese(qtbot: QtBot, engine: Engine, tmp_path: Path) -> None:
    i18n.install(i18n.CHINESE)
    load_customs_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "customs")
    workspace.as_of = dt.date.fromisoformat(AS_OF)
    widget = CustomsScreen(workspace)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.overview_shown, timeout=WAIT):
        widget.reload()
    assert "清关" in widget.heading.text()
    assert _cells(widget.regime_model, 0)[2:4] == ["2 天", "9 天"]
    headers = [widget.regime_model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert any("清关" in h for h in headers)
