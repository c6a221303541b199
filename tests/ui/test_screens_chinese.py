"""The Dashboard, Suppliers and Brands screens as a Chinese buyer reads them.

The glossary's words (GLOSSARY-zh.md) in the headers, standings, channel types
and flags; the same sorting and filtering as in English; ¥ amounts and
2026年6月30日 dates. Figures are the hand portfolio's (tests/services/hand_portfolio.py,
30 Jun 2026) and tests/ui/scores.py's three suppliers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.app import apply_style, build_main_window, start_scoring
from sourcing_app.ui.shell.main_window import MainWindow
from sourcing_app.ui.suppliers.table_model import (
    Column,
    SupplierFilter,
    SupplierTableModel,
    prepare_rows,
)
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio
from tests.ui.scores import three_suppliers

HEADERS_ZH = [
    "代码",
    "名称",
    "国家或地区",
    "渠道",
    "品牌",
    "毛利率",
    "供应稳定性得分（0–100）",
    "货源综合得分（0–100）",
    "评级",
    "置信度",
    "清关时效",
    "风险标记",
]


def _window(qtbot: QtBot, engine: Engine, db_url: str, settings: QSettings, language: str):  # type: ignore[no-untyped-def]
    i18n.install(language)
    build_hand_portfolio(engine)
    window = build_main_window(engine, db_url, settings=settings)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.scores_shown, timeout=20_000):
        start_scoring(window, as_of=AS_OF)
    return window


@pytest.fixture
def chinese_window(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> Iterator[MainWindow]:
    window = _window(qtbot, engine, db_url, window_settings, i18n.CHINESE)
    yield window
    window.close()


def _texts(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _headers(model) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _cut_headers(view: QTableView) -> list[str]:
    """The titles of the shown columns narrower than their words (bold, with padding)."""
    header = view.horizontalHeader()
    model = view.model()
    return [
        model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(header.count())
        if not header.isSectionHidden(c)
        and header.sectionSize(c) < header.sectionSizeFromContents(c).width()
    ]


# --- the table model alone -----------------------------------------------------------------


def test_the_supplier_table_reads_the_glossarys_words(qtmodeltester: ModelTester) -> None:
    i18n.install(i18n.CHINESE)
    model = SupplierTableModel()
    qtmodeltester.check(model)
    model.set_scores(three_suppliers())
    qtmodeltester.check(model)
    assert _headers(model) == HEADERS_ZH
    harbour = [model.index(1, column).data() for column in Column]
    assert harbour == [
        "HK-HARBOUR",
        "Harbour Trading Ltd",
        "HK",
        "垂直渠道、复合渠道",
        "Aptamil",
        "45.5%",
        "78.3",
        "81.2",
        "优选",
        "83%",
        "—",
        "",
    ]
    assert _texts(model, Column.STANDING) == ["观察", "优选", "未评级"]
    assert model.index(2, Column.FLAGS).data() == "无有效报价、历史数据不足"
    tip = model.headerData(
        Column.CONFIDENCE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert tip == "n / (n + 5)，n = 评估窗口内到期的采购明细数"


def test_sorting_and_filtering_do_not_depend_on_the_language() -> None:
    """Standing sorts best first (优选, 观察, 未评级 as Preferred, Watch, Unrated) and the
    channel-type column by its codes, whatever the words on screen."""
    orders = {}
    for language in (i18n.ENGLISH, i18n.CHINESE):
        i18n.install(language)
        model = SupplierTableModel()
        model.set_scores(three_suppliers())
        for column in (Column.STANDING, Column.CHANNEL_TYPES):
            model.sort(column, Qt.SortOrder.AscendingOrder)
            orders[language, column] = _texts(model, Column.CODE)
        model.set_filter(SupplierFilter(standing="Watch"))
        orders[language, "watch"] = _texts(model, Column.CODE)
    for key in (Column.STANDING, Column.CHANNEL_TYPES, "watch"):
        assert orders[i18n.ENGLISH, key] == orders[i18n.CHINESE, key]
    assert orders[i18n.CHINESE, Column.STANDING] == ["HK-HARBOUR", "DE-RHEIN", "JP-SAKURA"]
    assert orders[i18n.CHINESE, "watch"] == ["DE-RHEIN"]
    # Prepared on a worker in Chinese, the sort keys are the same codes and numbers.
    i18n.install(i18n.CHINESE)
    rows = prepare_rows(three_suppliers(), Column.CHANNEL_TYPES, in_pieces=True)
    assert rows.sort_keys[Column.CHANNEL_TYPES] == ["composite", "vertical, composite", "composite"]


# --- the screens in a window ---------------------------------------------------------------


def test_the_supplier_filters_read_and_work_in_chinese(
    qtbot: QtBot, chinese_window: MainWindow
) -> None:
    window = chinese_window
    window.workspace.set_scores(three_suppliers(), AS_OF)
    window.show_screen("suppliers")
    screen = window.screen("suppliers")
    standings = [screen.standing_filter.itemText(i) for i in range(screen.standing_filter.count())]
    assert standings == ["全部评级", "优选", "合格", "观察", "规避", "未评级"]
    channels = [screen.channel_filter.itemText(i) for i in range(screen.channel_filter.count())]
    assert channels == ["全部渠道类型", "有垂直渠道", "仅有复合渠道"]
    assert screen.search.placeholderText() == "搜索供应商代码、名称或品牌（Ctrl+F）"
    codes = lambda: _texts(screen.model, Column.CODE)  # noqa: E731

    screen.standing_filter.setCurrentIndex(screen.standing_filter.findText("观察"))
    assert codes() == ["DE-RHEIN"]
    screen.standing_filter.setCurrentIndex(0)
    screen.channel_filter.setCurrentIndex(screen.channel_filter.findText("仅有复合渠道"))
    assert sorted(codes()) == ["DE-RHEIN", "JP-SAKURA"]
    assert screen.count_label.text() == "显示 2 家，共 3 家供应商"
    screen.channel_filter.setCurrentIndex(0)
    qtbot.keyClicks(screen.search, "harbour")
    qtbot.waitUntil(lambda: codes() == ["HK-HARBOUR"], timeout=3000)
    screen.search.clear()
    qtbot.waitUntil(lambda: screen.count_label.text() == "3 家供应商", timeout=3000)


def test_the_detail_pane_walks_the_landed_cost_in_yuan(
    qtbot: QtBot, chinese_window: MainWindow
) -> None:
    window = chinese_window
    window.show_screen("suppliers")
    screen = window.screen("suppliers")
    vert = next(s for s in window.workspace.scores if s.supplier_code == "S-VERT")
    pane = screen.detail
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        window.workspace.open_supplier(vert.supplier_id)
    tabs = [pane.tabs.tabText(i) for i in range(pane.tabs.count())]
    assert tabs == ["得分明细", "到岸成本", "价格与交货周期", "得分走势", "渠道", "报价"]
    assert pane.subtitle.text().startswith("S-VERT · FR · 品牌方")
    assert pane.standing.text() == vert.standing.label
    assert "货源综合得分" in pane.figures.text()
    assert _headers(pane.breakdown_model)[:6] == [
        "分项得分",
        "权重",
        "采用值",
        "实测",
        "样本数",
        "折合分",
    ]
    assert _texts(pane.breakdown_model, 0)[0] == "到货满足率"
    assert _texts(pane.breakdown_model, 1) == ["20%", "20%", "15%", "15%", "10%", "10%", "10%"]
    assert _texts(pane.breakdown_model, 0)[6] == "清关时效"
    # The same hand-worked walk as in English (test_main_window), in yuan:
    # V = 158.40, landed 194.93, net revenue 281.06, margin 86.13 (30.65%).
    walk = pane.walk_amounts()
    assert walk["完税价格 V"] == "¥158.40"
    assert walk["到岸成本"] == "¥194.93"
    assert walk["净收入"] == "¥281.06"
    assert walk["毛利"] == "¥86.13"
    assert walk["毛利率"] == "30.65%"
    assert [row[0] for row in pane.walk_model.rows if row[3]] == [
        "到岸成本",
        "净收入",
        "毛利",
        "毛利率",
    ]
    assert pane.channels_model.index(0, 1).data() == "垂直渠道"
    assert pane.quotes_model.index(0, 0).data() == "✓ 有效"


def test_the_detail_tables_pass_qt_model_checks_in_chinese(
    qtbot: QtBot, chinese_window: MainWindow, qtmodeltester: ModelTester
) -> None:
    window = chinese_window
    window.show_screen("suppliers")
    pane = window.screen("suppliers").detail
    vert = next(s for s in window.workspace.scores if s.supplier_code == "S-VERT")
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        window.workspace.open_supplier(vert.supplier_id)
    for model in (pane.breakdown_model, pane.walk_model, pane.channels_model, pane.quotes_model):
        qtmodeltester.check(model)


def test_the_brands_screen_names_vertical_and_composite_channels(
    qtbot: QtBot, chinese_window: MainWindow, qtmodeltester: ModelTester
) -> None:
    window = chinese_window
    brands = window.screen("brands")
    with qtbot.waitSignal(brands.brands_shown, timeout=10_000):
        window.show_screen("brands")
    assert _headers(brands.model)[:5] == ["品牌", "爆款", "计划月需求", "垂直渠道", "复合渠道"]
    assert brands.model.index(0, 0).data() == "Aurelle"
    assert brands.model.index(0, 2).data() == "400 件/月"
    # S-VERT is the vertical channel (tier 0), S-COMP the composite one.
    types = {
        brands.channels_model.index(r, 0).data(): brands.channels_model.index(r, 2).data()
        for r in range(brands.channels_model.rowCount())
    }
    assert types == {"S-VERT": "垂直渠道", "S-COMP": "复合渠道"}
    assert brands.channels_model.index(0, 7).data() == "¥86.13"
    assert brands.heading.text().startswith("品牌 — 共 1 个")
    assert "计划月需求 <b>400 件/月</b>" in brands.brand_facts.text()
    qtmodeltester.check(brands.model)
    qtmodeltester.check(brands.channels_model)


def test_the_dashboard_reads_in_chinese(
    qtbot: QtBot, chinese_window: MainWindow, qtmodeltester: ModelTester
) -> None:
    window = chinese_window
    window.show_screen("dashboard")
    dashboard = window.screen("dashboard")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=10_000)
    # Spend: S-VERT CNY 36,050 + S-COMP CNY 29,250 = 65,300.
    assert dashboard.subtitle.text() == (
        "截至2026年6月30日，已为 2 家供应商评分；评估窗口内采购额 ¥65,300"
    )
    comp = next(s for s in window.workspace.scores if s.supplier_code == "S-COMP")
    card = dashboard.standing_cards[comp.standing]
    assert card.caption.text() == f"{comp.standing.label}供应商（100%）"
    assert dashboard.vertical_card.value.text() == "55.2%"
    assert dashboard.vertical_card.caption.text() == (
        "的采购额（¥65,300 中的 ¥36,050）流向有垂直渠道的供应商"
    )
    assert dashboard.matrix.x_axis.titleText().startswith("毛利得分（0–100 分")
    assert dashboard.matrix.y_axis.titleText() == "供应稳定性得分（0–100 分）"
    assert _headers(dashboard.flags_model) == ["供应商", "评级", "风险标记", "原因"]
    assert "历史数据不足" in _texts(dashboard.flags_model, 2)
    qtbot.waitUntil(lambda: dashboard.figures.brands is not None, timeout=10_000)
    assert dashboard.risk_card.caption.text() == "爆款品牌有风险"
    qtmodeltester.check(dashboard.flags_model)
    qtmodeltester.check(dashboard.brands_model)


@pytest.mark.parametrize("language", [i18n.ENGLISH, i18n.CHINESE])
def test_no_header_is_cut_at_1600_px(
    qtbot: QtBot,
    engine: Engine,
    db_url: str,
    window_settings: QSettings,
    qapp,  # type: ignore[no-untyped-def]
    language: str,
) -> None:
    """In the app's style sheet (bold headers): the supplier table and the breakdown
    ('Measured %', 实测) show every title whole."""
    apply_style(qapp)
    try:
        window = _window(qtbot, engine, db_url, window_settings, language)
        window.show_screen("suppliers")
        screen = window.screen("suppliers")
        pane = screen.detail
        vert = next(s for s in window.workspace.scores if s.supplier_code == "S-VERT")
        with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
            window.workspace.open_supplier(vert.supplier_id)
        assert _cut_headers(screen.table) == []
        assert _cut_headers(pane.breakdown) == []
        header = pane.breakdown.horizontalHeader()
        shown = sum(
            header.sectionSize(c) for c in range(header.count()) if not header.isSectionHidden(c)
        )
        assert shown <= pane.breakdown.viewport().width()  # nothing pushed out on the right
        assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
        window.close()
    finally:
        qapp.setStyleSheet("")


def test_a_table_built_in_english_reads_chinese_once_retranslated() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    assert model.index(1, Column.STANDING).data() == "Preferred"
    assert model.index(1, Column.CHANNEL_TYPES).data() == "Vertical, Composite"
    i18n.install(i18n.CHINESE)
    model.retranslate()
    assert _headers(model) == HEADERS_ZH
    assert model.index(1, Column.STANDING).data() == "优选"
    assert model.index(1, Column.CHANNEL_TYPES).data() == "垂直渠道、复合渠道"
