"""The Planning screen on a small demo portfolio: real widgets, work off the UI thread."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.app import apply_style
from sourcing_app.db.migrate import prepare_database
from sourcing_app.domain.allocation import PlanningSettings
from sourcing_app.domain.enums import Standing
from sourcing_app.services.demo import build_demo
from sourcing_app.services.planning import load_planning_settings, plan_portfolio
from sourcing_app.services.scenarios import list_scenarios
from sourcing_app.ui.planning.models import short_reason
from sourcing_app.ui.planning.screen import PlanningScreen
from sourcing_app.ui.shell.workspace import Workspace

AS_OF = dt.date(2026, 11, 27)
WAIT = 30_000


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("planning-ui") / "demo.sqlite"
    engine = prepare_database(f"sqlite:///{path}")
    build_demo(engine, suppliers=60, lines=3_000, as_of=AS_OF)
    engine.dispose()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    engine = prepare_database(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@pytest.fixture
def screen(qtbot: QtBot, demo: Engine) -> Iterator[PlanningScreen]:
    workspace = Workspace(demo, "demo")
    workspace.as_of = AS_OF
    widget = PlanningScreen(workspace)
    qtbot.addWidget(widget)
    widget.resize(1600, 1000)
    widget.show()
    with qtbot.waitSignal(widget.planned, timeout=WAIT):
        widget.refresh()
    yield widget
    workspace.wait_for_tasks()


def cell(model, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return model.index(row, column).data()


def test_every_brand_is_listed_with_its_plan_and_the_first_is_explained(
    screen: PlanningScreen, demo: Engine, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    expected = plan_portfolio(demo, AS_OF)
    model = screen.brand_model
    assert model.rowCount() == len(expected.brands) == 40
    by_name = {b.brand: b for b in expected.brands}
    for row in range(model.rowCount()):
        name = cell(model, row, 0).removesuffix("  ★")
        plan = by_name[name]
        assert cell(model, row, 1) == f"{plan.demand:,} units"
        assert cell(model, row, 6) == f"CNY {float(plan.expected_margin):,.2f}"
    qtmodeltester.check(model)

    # The first brand (by name) is chosen: its lines, reasons and chart are on screen.
    first = screen.brand_model.row_at(0).plan
    lines = screen.lines_model
    assert lines.rowCount() == len(first.lines)
    allocated = [line for line in first.lines if line.units]
    assert cell(lines, 0, 0).startswith(allocated[0].supplier_code)
    assert cell(lines, 0, 3) == f"{allocated[0].units:,} units"
    assert cell(lines, 0, 7) and "CNY" not in cell(
        lines, 0, 7
    )  # the reason, its numbers in columns
    assert lines.index(0, 7).data(Qt.ItemDataRole.ToolTipRole).endswith(allocated[0].reason)
    qtmodeltester.check(lines)
    assert screen.allocation_chart.series_count() == 1
    assert f"<b>{first.brand}</b>" in screen.brand_summary.text()
    assert screen.status.text().startswith("40 brands planned as of 27 Nov 2026")
    short = [b.brand for b in expected.brands if b.uncovered]
    assert screen.status.text().endswith(
        f"{len(short)} brands short of demand." if len(short) > 1 else "1 brand short of demand."
    ), short


def test_sorting_the_brands_by_demand(screen: PlanningScreen) -> None:
    screen.brand_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    demands = [screen.brand_model.row_at(r).plan.demand for r in range(40)]
    assert demands == sorted(demands, reverse=True)


def test_a_scenario_built_in_the_form_shows_before_and_after(
    qtbot: QtBot, screen: PlanningScreen, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(screen.form.cbec_box, Qt.MouseButton.LeftButton)
    assert screen.form.cbec_box.isChecked()
    qtbot.keyClicks(screen.form.scenario_name, "No CBEC")
    with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT):
        qtbot.mouseClick(screen.form.run_button, Qt.MouseButton.LeftButton)
    (result,) = screen.results
    assert result.scenario.texts == ["cbec-withdrawn"]
    model = screen.comparison_model
    assert model.rowCount() == 40
    assert model.columnCount() == 6  # brand, demand, today and the scenario: margin, coverage
    assert model.headerData(4, Qt.Orientation.Horizontal) == "No CBEC\nmargin / month"
    first = result.brands[0]
    assert cell(model, 0, 2) == f"CNY {float(first.before.expected_margin):,.2f}"
    assert cell(model, 0, 4) == f"CNY {float(first.after.expected_margin):,.2f}"
    qtmodeltester.check(model)
    assert screen.margin_chart.series_count() == 1
    assert "No CBEC" in screen.result_summary.text()
    assert f"{result.margin_after:,.2f}" in screen.result_summary.text()
    # The chosen brand's allocation now has a bar for today and one under the scenario.
    assert [label for label, _plan in screen.selected_plans()] == ["Today", "No CBEC"]
    assert screen.lines_under.count() == 2
    screen.lines_under.setCurrentIndex(1)
    after = screen.selected_plans()[1][1]
    assert screen.lines_model.rowCount() == len(after.lines)
    assert screen.export_button.isEnabled()


def test_scenarios_are_saved_compared_exported_and_deleted(
    qtbot: QtBot, screen: PlanningScreen, demo: Engine, tmp_path: Path
) -> None:
    # Nothing ticked: refused in words, nothing saved.
    qtbot.keyClicks(screen.form.scenario_name, "Empty")
    with qtbot.waitSignal(screen.failed) as failed:
        qtbot.mouseClick(screen.form.save_button, Qt.MouseButton.LeftButton)
    assert "needs at least one change" in failed.args[0]
    assert list_scenarios(demo) == []

    screen.form.freight_move.setValue(25)  # editing a change ticks its box
    assert screen.form.freight_box.isChecked()
    screen.form.scenario_name.setText("Freight +25%")
    qtbot.mouseClick(screen.form.save_button, Qt.MouseButton.LeftButton)
    screen.form.fill(list_scenarios(demo)[0])
    screen.form.freight_box.setChecked(False)
    screen.form.lose_codes.setText("sup-0001, SUP-0002")
    screen.form.lose_box.setChecked(True)
    screen.form.scenario_name.setText("Two lost")
    qtbot.mouseClick(screen.form.save_button, Qt.MouseButton.LeftButton)
    assert screen.saved_model.stringList() == ["Freight +25%", "Two lost"]
    assert [s.texts for s in list_scenarios(demo)] == [["freight:+25%"], ["lose:SUP-0001,SUP-0002"]]

    screen.select_saved(["Freight +25%", "Two lost"])
    with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT) as ran:
        qtbot.mouseClick(screen.compare_button, Qt.MouseButton.LeftButton)
    assert ran.args == [2]
    assert screen.comparison_model.columnCount() == 8

    out = tmp_path / "compare.csv"
    screen.export_results(out)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:4] == ["brand", "demand", "baseline margin", "baseline coverage"]
    assert rows[0][4:] == [
        "Freight +25% margin", "Freight +25% coverage", "Two lost margin", "Two lost coverage"
    ]  # fmt: skip
    assert len(rows) == 41
    json_out = tmp_path / "compare.json"
    screen.export_results(json_out)
    assert len(json.loads(json_out.read_text(encoding="utf-8"))["brands"]) == 40

    screen.select_saved(["Two lost"])
    screen.load_into_form()
    assert screen.form.lose_box.isChecked() and not screen.form.freight_box.isChecked()
    assert screen.form.lose_codes.text() == "SUP-0001, SUP-0002"
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert screen.saved_model.stringList() == ["Freight +25%"]


def test_rules_are_saved_and_the_brands_planned_again(
    qtbot: QtBot, screen: PlanningScreen, demo: Engine
) -> None:
    screen.max_share.setValue(100)
    screen.min_standing.setCurrentIndex(screen.min_standing.findData("Approved"))
    screen.vertical_floor.setValue(0)
    with qtbot.waitSignal(screen.planned, timeout=WAIT):
        qtbot.mouseClick(screen.save_rules_button, Qt.MouseButton.LeftButton)
    assert load_planning_settings(demo) == PlanningSettings(
        max_share=1.0, min_standing=Standing.APPROVED, min_vertical_share=0.0
    )
    assert screen.plan is not None
    for brand in screen.plan.brands:
        for line in brand.lines:
            if line.units:
                assert line.standing in (Standing.PREFERRED, Standing.APPROVED)


def test_planning_runs_as_a_workspace_task_and_a_failure_is_said_in_words(
    qtbot: QtBot, screen: PlanningScreen
) -> None:
    with (
        qtbot.waitSignal(screen.workspace.task_started) as started,
        qtbot.waitSignal(screen.planned, timeout=WAIT),
    ):
        qtbot.mouseClick(screen.replan_button, Qt.MouseButton.LeftButton)
    assert started.args[1] == "Planning brands"
    # A scenario naming a supplier the data does not have fails in the worker, in words.
    screen.form.lose_codes.setText("SUP-9999")
    screen.form.lose_box.setChecked(True)
    with qtbot.waitSignal(screen.failed, timeout=WAIT) as failed:
        qtbot.mouseClick(screen.form.run_button, Qt.MouseButton.LeftButton)
    assert failed.args == ["no supplier (not archived) has the code SUP-9999"]
    assert screen.status.text() == "No supplier (not archived) has the code SUP-9999."
    assert screen.results == []


def _fits(table) -> bool:  # type: ignore[no-untyped-def]
    """Every column in view: no sideways scrolling to read a reason or a scenario's margin."""
    widths = sum(table.columnWidth(c) for c in range(table.model().columnCount()))
    return widths <= table.viewport().width()


def test_at_the_main_windows_width_nothing_needs_scrolling_sideways(
    qtbot: QtBot, screen: PlanningScreen
) -> None:
    """1430 px is the screen's width in a 1600 px window, beside the sidebar; app style on."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    plain = app.styleSheet()
    apply_style(app)  # bold, padded headers: the widths the buyer sees
    try:
        _check_widths(qtbot, screen)
    finally:
        app.setStyleSheet(plain)


def _check_widths(qtbot: QtBot, screen: PlanningScreen) -> None:
    screen.select_row(1)  # laid out at 1600 px first, like a plan that came before maximising
    screen.resize(1430, 900)
    qtbot.waitUntil(lambda: screen.lines_table.viewport().width() < 900)
    qtbot.waitUntil(lambda: _fits(screen.lines_table))  # the reasons followed the new width
    reasons = screen.lines_table.columnWidth(7)
    assert reasons >= 160
    brands = screen.brand_table
    four = sum(brands.columnWidth(c) for c in range(4))  # brand, demand, coverage, uncovered
    assert screen._split.sizes()[0] >= four

    screen.tabs.setCurrentIndex(1)
    qtbot.mouseClick(screen.form.cbec_box, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT):
        qtbot.mouseClick(screen.form.run_button, Qt.MouseButton.LeftButton)
    assert screen._split.sizes()[0] >= four  # the what-if form does not squeeze the brands
    assert _fits(screen.comparison_table)


def test_ctrl_enter_in_the_scenario_form_runs_it(qtbot: QtBot, screen: PlanningScreen) -> None:
    screen.tabs.setCurrentIndex(1)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    qtbot.mouseClick(screen.form.freight_box, Qt.MouseButton.LeftButton)
    screen.form.scenario_name.setFocus()
    qtbot.keyClicks(screen.form.scenario_name, "Freight up")
    with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT):
        qtbot.keyClick(
            screen.form.scenario_name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    (result,) = screen.results
    assert (result.scenario.name, result.scenario.texts) == ("Freight up", ["freight:+20%"])


def test_three_scenarios_compared_still_show_five_brands_side_by_side(
    qtbot: QtBot, screen: PlanningScreen
) -> None:
    """At the window's size the summaries of three scenarios do not squeeze the table away."""
    screen.resize(1430, 870)
    screen.tabs.setCurrentIndex(1)
    for name, box in (("No CBEC", screen.form.cbec_box), ("Freight", screen.form.freight_box)):
        for other in (screen.form.cbec_box, screen.form.freight_box, screen.form.currency_box):
            other.setChecked(other is box)
        screen.form.scenario_name.setText(name)
        screen.save_form()
    screen.form.currency_box.setChecked(True)
    screen.form.cbec_box.setChecked(False)
    screen.form.freight_box.setChecked(False)
    screen.form.scenario_name.setText("USD dearer")
    screen.save_form()
    screen.select_saved(["No CBEC", "Freight", "USD dearer"])
    with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT):
        qtbot.mouseClick(screen.compare_button, Qt.MouseButton.LeftButton)
    assert len(screen.results) == 3
    table = screen.comparison_table
    row = table.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: table.viewport().height() >= 5 * row)
    assert table.rowAt(0) == 0 and table.rowAt(4 * row + row // 2) == 4  # five brands in view
    assert screen.margin_chart.height() >= 260  # room for the brands' names beside the bars
    assert "USD dearer" in screen.result_summary.text()  # the third summary: scroll to it


def test_a_replan_keeps_the_brands_in_the_order_the_buyer_sorted_them(
    qtbot: QtBot, screen: PlanningScreen, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    screen.brand_table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # demand, most first
    qtmodeltester.check(screen.brand_model)
    with qtbot.waitSignal(screen.planned, timeout=WAIT):
        qtbot.mouseClick(screen.replan_button, Qt.MouseButton.LeftButton)
    demands = [screen.brand_model.row_at(r).plan.demand for r in range(40)]
    assert demands == sorted(demands, reverse=True)
    qtmodeltester.check(screen.brand_model)
    # A brand short of demand shows its uncovered units in red, with the reason on hover.
    model = screen.brand_model
    short = next(r for r in range(40) if model.row_at(r).plan.uncovered)
    plan = model.row_at(short).plan
    assert model.index(short, 3).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b3261e"
    assert plan.shortfall in model.index(short, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(short, 2).data(Qt.ItemDataRole.ForegroundRole) is None


def test_the_header_writes_the_day_as_the_rest_of_the_app_does(qtbot: QtBot, demo: Engine) -> None:
    workspace = Workspace(demo, "demo")
    workspace.as_of = dt.date(2026, 12, 3)
    widget = PlanningScreen(workspace)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.planned, timeout=WAIT):
        widget.refresh()
    assert widget.as_of_label.text() == "as of 3 Dec 2026"  # not "03 Dec 2026"
    assert widget.status.text().startswith("40 brands planned as of 3 Dec 2026:")
    workspace.wait_for_tasks()


def test_a_long_scenario_name_wraps_in_the_header_and_the_comparison_still_fits(
    qtbot: QtBot, screen: PlanningScreen
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    plain = app.styleSheet()
    apply_style(app)
    try:
        screen.resize(1430, 900)
        screen.tabs.setCurrentIndex(1)
        screen.form.cbec_box.setChecked(True)
        screen.form.freight_box.setChecked(True)
        screen.form.scenario_name.setText("No CBEC, freight up")
        with qtbot.waitSignal(screen.scenarios_ran, timeout=WAIT):
            qtbot.mouseClick(screen.form.run_button, Qt.MouseButton.LeftButton)
        model = screen.comparison_model
        header = model.headerData(4, Qt.Orientation.Horizontal)
        assert header == "No CBEC,\nfreight up\nmargin / month"
        tip = model.headerData(5, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        assert tip == "No CBEC, freight up: share of demand covered"
        qtbot.waitUntil(lambda: _fits(screen.comparison_table))
    finally:
        app.setStyleSheet(plain)


# --- in Chinese ------------------------------------------------------------------------


@pytest.fixture
def chinese_screen(qtbot: QtBot, demo: Engine) -> Iterator[PlanningScreen]:
    i18n.install(i18n.CHINESE)
    workspace = Workspace(demo, "demo")
    workspace.as_of = AS_OF
    widget = PlanningScreen(workspace)
    qtbot.addWidget(widget)
    widget.resize(1600, 1000)
    widget.show()
    with qtbot.waitSignal(widget.planned, timeout=WAIT):
        widget.refresh()
    yield widget
    workspace.wait_for_tasks()


def _headers(model) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_in_chinese_the_plan_reads_in_the_glossarys_words(
    chinese_screen: PlanningScreen, demo: Engine
) -> None:
    screen = chinese_screen
    assert _headers(screen.brand_model) == [
        "品牌",
        "计划月需求",
        "供货覆盖率",
        "缺口",
        "垂直渠道占比",
        "集中度（HHI）",
        "预计月毛利",
        "风险标记",
    ]
    assert _headers(screen.lines_model) == [
        "供应商",
        "渠道",
        "评级",
        "件数",
        "单件毛利",
        "预计满足率",
        "月毛利",
        "原因",
    ]
    assert [screen.tabs.tabText(i) for i in range(2)] == ["分配方案", "情景模拟"]
    name = cell(screen.brand_model, 0, 0).removesuffix("  ★")
    first = next(b for b in plan_portfolio(demo, AS_OF).brands if b.brand == name)
    assert cell(screen.brand_model, 0, 1) == f"{first.demand:,} 件"
    assert cell(screen.brand_model, 0, 6) == f"¥{float(first.expected_margin):,.2f}"
    lines = screen.lines_model
    channels = {cell(lines, r, 1) for r in range(lines.rowCount())}
    assert channels <= {"垂直渠道", "复合渠道"}, channels
    standings = {cell(lines, r, 2) for r in range(lines.rowCount())}
    assert standings <= {"优选", "合格", "观察", "规避", "未评级"}, standings
    # The header's day and the status line write the day as a Chinese sentence does.
    assert screen.as_of_label.text() == "评估日期 2026年11月27日"
    assert screen.status.text().startswith("已为 40 个品牌分配需求（截至2026年11月27日）：")
    assert screen.status.text().endswith("。")
    assert "每月需求" in screen.brand_summary.text()


def test_in_chinese_a_refusal_gives_its_reason_in_chinese(
    qtbot: QtBot, chinese_screen: PlanningScreen
) -> None:
    screen = chinese_screen
    assert screen.form.title() == "设置情景（不会改动任何数据）"
    screen.form.scenario_name.clear()
    with qtbot.waitSignal(screen.failed) as failed:
        screen.save_form()
    assert failed.args == ["请先给情景起个名字再保存"]
    assert screen.status.text() == "请先给情景起个名字再保存。"  # a Chinese full stop
    with qtbot.waitSignal(screen.failed):
        screen.run_selected()  # nothing selected
    assert screen.status.text() == "请选择一个或多个已保存的情景再运行。"


def test_the_reasons_unit_figures_leave_in_either_language() -> None:
    """The reason column drops "(CNY 50.00 a unit × 90% expected fill)": the table has
    columns for both; the same in Chinese brackets."""
    assert short_reason("best expected margin per unit (CNY 50.00 a unit × 90% expected fill)") == (
        "best expected margin per unit"
    )
    assert short_reason("单件预计毛利最高（¥50.00/件 × 预计到货 90%）") == "单件预计毛利最高"
    assert short_reason("capacity reached (1,000 units a month)") == (
        "capacity reached (1,000 units a month)"
    )
