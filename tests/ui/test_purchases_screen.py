"""The purchases screen on the hand portfolio: lines, deliveries, recording, the standing rules."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.domain.enums import Standing
from sourcing_app.services.purchase_list import PurchaseList
from sourcing_app.ui.purchases.models import (
    NARROWED,
    PurchaseTableModel,
    delivery_columns,
    show_date,
)
from sourcing_app.ui.purchases.screen import PurchasesScreen
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.record_table_model import RecordTableModel
from tests.services.hand_portfolio_db import ids, load_hand_portfolio
from tests.ui.scores import scored

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def portfolio(engine: Engine, tmp_path: Path) -> dict[str, int]:
    load_hand_portfolio(engine, tmp_path)
    return ids(engine)


@pytest.fixture
def screen(qtbot, engine: Engine, portfolio: dict[str, int]) -> PurchasesScreen:
    workspace = Workspace(engine, "test.sqlite")
    workspace.as_of = AS_OF
    screen = PurchasesScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1400, 800)
    assert screen.model.rowCount() == 0  # nothing is read before the screen is shown
    screen.show()
    return screen


def _column(model: PurchaseTableModel, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_lines_show_newest_reference_first_with_what_was_delivered(
    screen: PurchasesScreen,
) -> None:
    model = screen.model
    assert _column(model, 0) == ["M2", "M1", "L3", "L2", "L1", "L0"]
    assert screen.count_label.text() == "6 purchase lines"
    m1 = model.rows.index(next(r for r in model.rows if r.line_ref == "M1"))
    row = [model.index(m1, c).data() for c in range(model.columnCount())]
    assert row == [
        "M1",
        "S-COMP",
        "Aurelle",
        "AUR-SERUM",
        "1 Feb 2026",
        "1 Mar 2026",
        "100 units",
        "EUR 19.00",
        "7.5 per EUR",
        "CBEC",
        "110 units",
        "105 (100%)",
        "Delivered",
    ]
    m2 = [model.index(0, c).data() for c in (10, 11, 12)]
    assert m2 == ["—", "—", "Late: nothing delivered"]


def test_choosing_a_line_lists_its_deliveries(qtbot, screen: PurchasesScreen) -> None:
    screen.table.selectRow(1)  # M1: 60 on 2 Mar, 50 with 5 rejected on 20 Mar
    deliveries = screen.delivery_model
    rows = [[deliveries.index(r, c).data() for c in range(6)] for r in range(2)]
    assert rows == [
        ["2 Mar 2026", "60 units", "0 units", "60 units", "29 days", "6 days"],
        ["20 Mar 2026", "50 units", "5 units", "45 units", "47 days", "6 days"],
    ]
    assert screen.delivery_heading.text() == (
        "Deliveries of line M1 (S-COMP, AUR-SERUM): 110 delivered, 105 accepted of 100 ordered"
    )


def test_filters_and_sorting_run_in_the_database(
    qtbot, screen: PurchasesScreen, portfolio: dict[str, int]
) -> None:
    screen.show_supplier(portfolio["S-VERT"])
    assert _column(screen.model, 0) == ["L3", "L2", "L1", "L0"]
    screen.from_filter.set_value(dt.date(2026, 1, 1))
    screen.apply_filter()
    assert _column(screen.model, 0) == ["L3", "L2", "L1"]

    screen.table.sortByColumn(6, Qt.SortOrder.AscendingOrder)  # ordered quantity
    assert _column(screen.model, 6) == ["50 units", "100 units", "100 units"]
    screen.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # supplier: not sortable
    assert _column(screen.model, 6) == ["50 units", "100 units", "100 units"]
    assert screen.table.horizontalHeader().sortIndicatorSection() == 6


def test_pages_arrive_as_the_buyer_scrolls(engine: Engine, portfolio: dict[str, int]) -> None:
    purchases = PurchaseList(engine)
    model = PurchaseTableModel(purchases)
    model.reload()
    first = [row.line_ref for row in purchases.page(model.where, sort="line_ref", limit=4)]
    rest = purchases.page(model.where, sort="line_ref", limit=4, after=model.rows[3])
    assert first == ["M2", "M1", "L3", "L2"]
    assert [row.line_ref for row in rest] == ["L1", "L0"]


def test_models_pass_the_model_tester(qtmodeltester, screen: PurchasesScreen) -> None:
    qtmodeltester.check(screen.model, force_py=True)
    screen.table.selectRow(1)
    qtmodeltester.check(screen.delivery_model, force_py=True)
    qtmodeltester.check(RecordTableModel(delivery_columns()), force_py=True)
    screen.delivery_model.sort(1, Qt.SortOrder.DescendingOrder)  # sorts in its own list
    assert [r.delivered_qty for r in screen.delivery_model.rows] == [60, 50]
    qtmodeltester.check(screen.delivery_model, force_py=True)


def _type(qtbot, widget: QLineEdit, text: str) -> None:
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def test_recording_a_purchase_with_an_avoid_supplier_asks_for_a_reason(
    qtbot, screen: PurchasesScreen, engine: Engine, portfolio: dict[str, int]
) -> None:
    avoid = scored(
        portfolio["S-COMP"],
        "S-COMP",
        "Golden Bridge Trading",
        standing=Standing.AVOID,
        sourcing_score=28.4,
        margin_pct=0.1,
        stability=30.0,
        confidence=0.3,
    )
    screen.workspace.set_scores([avoid], AS_OF)
    screen.show_supplier(portfolio["S-COMP"])

    screen.record_purchase_action.trigger()
    dialog = screen.open_dialog
    assert dialog is not None
    assert dialog.form.editor("supplier_id").value() == portfolio["S-COMP"]
    form = dialog.form
    _type(qtbot, form.editor("line_ref").input, "M3")
    _type(qtbot, form.editor("ordered_qty").input, "40")
    _type(qtbot, form.editor("unit_price").input, "19")
    form.editor("currency").set_value("EUR")
    _type(qtbot, form.editor("fx_rate").input, "7.7")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.reason_dialog is not None
    assert screen.model.rowCount() == 2  # refused: nothing recorded yet

    qtbot.keyClicks(dialog.reason_dialog.reason_edit, "Sole stock of the serum before 11.11")
    qtbot.mouseClick(dialog.reason_dialog.record_button, Qt.MouseButton.LeftButton)

    assert _column(screen.model, 0) == ["M3", "M2", "M1"]
    with engine.connect() as conn:
        changes = conn.exec_driver_sql(
            "SELECT changes FROM audit_entry WHERE entity = 'purchase'"
        ).scalar()
    assert json.loads(changes)["reason"] == "Sole stock of the serum before 11.11"


def test_recording_a_delivery_updates_the_line_and_undo_takes_it_back(
    qtbot, screen: PurchasesScreen
) -> None:
    screen.table.selectRow(0)  # M2: nothing came
    screen.record_delivery_action.trigger()
    dialog = screen.open_dialog
    assert dialog is not None
    assert dialog.form.editor("delivered_qty").value() == "100"  # the rest of the line
    dialog.form.editor("delivered_date").set_value(dt.date(2026, 5, 3))
    dialog.form.validate()
    assert dialog.save() is not None

    assert [screen.model.index(0, c).data() for c in (10, 11, 12)] == [
        "100 units",
        "100 (100%)",
        "Delivered",
    ]
    assert screen.delivery_model.rowCount() == 1
    screen.workspace.undo_stack.undo()
    QApplication.processEvents()
    assert screen.model.index(0, 12).data() == "Late: nothing delivered"
    assert screen.delivery_model.rowCount() == 0


def test_a_sort_that_must_scan_every_line_runs_off_the_ui_thread(
    qtbot, screen: PurchasesScreen
) -> None:
    with qtbot.waitSignal(screen.model.loading):
        screen.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # order date, no filter
    assert screen.count_label.text() == "Reading purchase lines…"
    with qtbot.waitSignal(screen.model.loaded):
        pass
    assert _column(screen.model, 0) == ["L3", "M2", "L2", "M1", "L1", "L0"]
    assert screen.current_line() is not None and screen.current_line().line_ref == "L3"


def test_a_late_answer_to_an_older_question_is_dropped(
    qtbot, screen: PurchasesScreen, portfolio: dict[str, int]
) -> None:
    with qtbot.waitSignal(screen.model.loading):
        screen.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    screen.show_supplier(portfolio["S-COMP"])  # narrowed: read at once
    assert _column(screen.model, 0) == ["M2", "M1"]
    screen.wait_for_loading()
    QApplication.processEvents()
    assert _column(screen.model, 0) == ["M2", "M1"]  # the unfiltered answer came, and was ignored


@pytest.mark.parametrize("language", [i18n.ENGLISH, i18n.CHINESE])
def test_at_1600_px_the_lines_fit_without_scrolling_sideways(
    qtbot, engine: Engine, db_url: str, window_settings, language: str
) -> None:
    """The main window at 1600×1000, app style on, a demo portfolio's lines: every column
    in view, in either language; a brand cut short by the fitting is whole in its
    tooltip, and every header reads whole."""
    from sourcing_app.app import apply_style, build_main_window
    from sourcing_app.services.demo import build_demo

    i18n.install(language)
    build_demo(engine, suppliers=60, lines=3_000, as_of=dt.date(2026, 11, 27))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    plain = app.styleSheet()
    apply_style(app)  # bold, padded headers: the widths the buyer sees
    try:
        window = build_main_window(engine, db_url, settings=window_settings)
        qtbot.addWidget(window)
        window.resize(1600, 1000)
        window.show()
        qtbot.waitExposed(window)
        screen = window.show_screen("purchases")
        assert isinstance(screen, PurchasesScreen)
        table = screen.table
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0)
        qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
        assert not table.horizontalScrollBar().isVisible()
        widths = sum(table.columnWidth(c) for c in range(screen.model.columnCount()))
        assert widths <= table.viewport().width()
        for row in range(screen.model.rowCount()):
            brand = screen.model.index(row, 2)
            assert brand.data(Qt.ItemDataRole.ToolTipRole) == brand.data()
        header = table.horizontalHeader()
        header.setSortIndicatorShown(False)  # the header's words alone, as the screen measures
        needed = [header.sectionSizeFromContents(c).width() for c in range(header.count())]
        header.setSortIndicatorShown(True)
        for column, width in enumerate(needed):
            if column not in NARROWED:  # these give way, whole in their tooltips
                title = screen.model.headerData(column, Qt.Orientation.Horizontal)
                assert table.columnWidth(column) >= width, title
        # A date of any month reads whole, not only the months of the first rows
        # ("21 Nov 20…" once, with the first rows all in December).
        metrics = table.fontMetrics()
        for month in range(1, 13):
            day = show_date(dt.date(2026, month, 28))
            for column in (4, 5):  # ordered on, promised
                assert table.columnWidth(column) >= metrics.horizontalAdvance(day) + 12, day
        window.close()
    finally:
        app.setStyleSheet(plain)


def test_statuses_cut_short_are_whole_in_their_tooltip(screen: PurchasesScreen) -> None:
    model = screen.model
    m1 = next(i for i, r in enumerate(model.rows) if r.line_ref == "M1")
    assert model.index(m1, 12).data(Qt.ItemDataRole.ToolTipRole) == (
        "Delivered (last delivery 20 Mar 2026)"
    )
    assert model.index(0, 12).data(Qt.ItemDataRole.ToolTipRole) == "Late: nothing delivered"


def test_a_line_bought_in_the_home_currency_shows_no_rate(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    model = PurchaseTableModel(PurchaseList(engine))
    model.reload()
    rates = {r.line_ref: model.index(i, 8).data() for i, r in enumerate(model.rows)}
    assert (rates["M1"], rates["L1"]) == ("7.5 per EUR", "7 per USD")
    model.home_currency = "EUR"  # a buyer in Europe: M1 needs no exchange
    assert model.rows[1].line_ref == "M1"
    assert model.index(1, 8).data() == "—"  # not "1 per EUR"


# --- in Chinese ------------------------------------------------------------------------


@pytest.fixture
def chinese_screen(qtbot, engine: Engine, portfolio: dict[str, int]) -> PurchasesScreen:
    i18n.install(i18n.CHINESE)
    workspace = Workspace(engine, "test.sqlite")
    workspace.as_of = AS_OF
    screen = PurchasesScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1400, 800)
    screen.show()
    return screen


def test_in_chinese_the_lines_read_in_the_glossarys_words(
    chinese_screen: PurchasesScreen,
) -> None:
    screen = chinese_screen
    model = screen.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(13)]
    assert headers == [
        "采购行号",
        "供应商",
        "品牌",
        "SKU",
        "下单日期",
        "承诺交货日期",
        "订购数量",
        "单价",
        "兑CNY汇率",
        "进口模式",
        "到货数量",
        "实收数量",
        "状态",
    ]
    assert screen.count_label.text() == "6 条采购明细"
    m1 = model.rows.index(next(r for r in model.rows if r.line_ref == "M1"))
    row = [model.index(m1, c).data() for c in range(4, 13)]
    assert row == [
        "2026-02-01",  # dates in cells as the glossary writes them
        "2026-03-01",
        "100 件",
        "EUR 19.00",
        "1 EUR = 7.5",
        "跨境电商",
        "110 件",
        "105（100%）",
        "已全部到货",
    ]
    assert model.index(0, 12).data() == "逾期未到货"  # M2: due, nothing came
    assert model.index(m1, 12).data(Qt.ItemDataRole.ToolTipRole) == (
        "已全部到货（最近到货 2026-03-20）"
    )


def test_in_chinese_the_deliveries_pane_reads_in_the_glossarys_words(
    chinese_screen: PurchasesScreen,
) -> None:
    screen = chinese_screen
    screen.table.selectRow(1)  # M1: 60 on 2 Mar, 50 with 5 rejected on 20 Mar
    deliveries = screen.delivery_model
    headers = [deliveries.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["到货日期", "到货数量", "拒收数量", "实收数量", "交货周期", "清关天数"]
    assert [deliveries.index(1, c).data() for c in range(6)] == [
        "2026-03-20",
        "50 件",
        "5 件",
        "45 件",
        "47 天",
        "6 天",
    ]
    assert screen.delivery_heading.text() == (
        "采购行 M1（S-COMP，AUR-SERUM）的到货：订购 100 件，已到 110 件，实收 105 件"
    )
    assert screen.record_delivery_action.text() == "登记到货…"
    assert screen.supplier_filter.itemText(0) == "全部供应商"
