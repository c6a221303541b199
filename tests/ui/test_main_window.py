"""The main window a buyer works in, driven like a buyer drives it (hand portfolio, 30 Jun 2026).

Numbers are the ones worked by hand in tests/services/hand_portfolio.py.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.app import build_main_window, database_label, start_scoring
from sourcing_app.ui.shell.main_window import MainWindow
from sourcing_app.ui.suppliers.table_model import Column
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio
from tests.ui.scores import three_suppliers


def _open(qtbot: QtBot, engine: Engine, db_url: str, settings: QSettings) -> MainWindow:
    window = build_main_window(engine, db_url, settings=settings)
    qtbot.addWidget(window)
    window.resize(1500, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def hand_window(qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings):
    build_hand_portfolio(engine)
    window = _open(qtbot, engine, db_url, window_settings)
    with qtbot.waitSignal(window.scores_shown, timeout=20_000):
        start_scoring(window, as_of=AS_OF)
    yield window
    window.close()


def _codes(window: MainWindow) -> list[str]:
    model = window.screen("suppliers").model
    return [model.index(row, Column.CODE).data() for row in range(model.rowCount())]


def _click_header(qtbot: QtBot, view, column: Column) -> None:  # type: ignore[no-untyped-def]
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def _click_row(qtbot: QtBot, view, row: int, column: int = 0) -> None:  # type: ignore[no-untyped-def]
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_status_bar_names_the_database_and_the_evaluation_date(
    hand_window: MainWindow, db_url: str
) -> None:
    path = db_url.removeprefix("sqlite:///")
    assert hand_window.database_label.text() == f"Database: {path}"
    assert hand_window.as_of_label.text() == "Scores as of 30 Jun 2026"
    assert hand_window.statusBar().currentMessage() == "2 suppliers scored as of 30 Jun 2026."
    assert path in hand_window.windowTitle()


def test_the_best_supplier_comes_first_and_a_header_click_sorts(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    hand_window.show_screen("suppliers")
    screen = hand_window.screen("suppliers")
    # S-VERT scores 82.8 and S-COMP 79.2 (hand_portfolio.expected): best first.
    assert _codes(hand_window) == ["S-VERT", "S-COMP"]
    with qtbot.waitSignal(screen.model.layoutChanged):
        _click_header(qtbot, screen.table, Column.NAME)
    # Aurelle Paris SAS before Golden Bridge Trading.
    assert _codes(hand_window) == ["S-VERT", "S-COMP"]
    with qtbot.waitSignal(screen.model.layoutChanged):
        _click_header(qtbot, screen.table, Column.NAME)
    assert _codes(hand_window) == ["S-COMP", "S-VERT"]
    with qtbot.waitSignal(screen.model.layoutChanged):
        _click_header(qtbot, screen.table, Column.MARGIN)
    # Margins 30.65% (S-VERT) and 32.57% (S-COMP); the click sorts ascending first.
    assert [screen.model.index(r, Column.MARGIN).data() for r in range(2)] == ["30.6%", "32.6%"]


def test_typing_a_search_narrows_the_rows(qtbot: QtBot, hand_window: MainWindow) -> None:
    hand_window.show_screen("suppliers")
    screen = hand_window.screen("suppliers")
    qtbot.keyClick(hand_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is screen.search
    qtbot.keyClicks(screen.search, "golden")
    qtbot.waitUntil(lambda: _codes(hand_window) == ["S-COMP"], timeout=3000)
    assert screen.count_label.text() == "1 of 2 suppliers"
    screen.search.clear()
    qtbot.keyClicks(screen.search, "AURELLE")  # a brand both suppliers sell
    qtbot.waitUntil(lambda: len(_codes(hand_window)) == 2, timeout=3000)
    qtbot.keyClicks(screen.search, "x")
    qtbot.waitUntil(lambda: _codes(hand_window) == [], timeout=3000)
    assert screen.count_label.text() == "0 of 2 suppliers"


def test_filters_by_standing_country_and_channel_type(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    hand_window.workspace.set_scores(three_suppliers(), AS_OF)
    hand_window.show_screen("suppliers")
    screen = hand_window.screen("suppliers")
    screen.standing_filter.setCurrentIndex(screen.standing_filter.findText("Watch"))
    assert _codes(hand_window) == ["DE-RHEIN"]
    screen.standing_filter.setCurrentIndex(0)
    screen.country_filter.setCurrentIndex(screen.country_filter.findText("JP"))
    assert _codes(hand_window) == ["JP-SAKURA"]
    screen.country_filter.setCurrentIndex(0)
    screen.channel_filter.setCurrentIndex(screen.channel_filter.findText("Has a vertical channel"))
    assert _codes(hand_window) == ["HK-HARBOUR"]
    screen.channel_filter.setCurrentIndex(screen.channel_filter.findText("Composite only"))
    assert sorted(_codes(hand_window)) == ["DE-RHEIN", "JP-SAKURA"]
    assert screen.count_label.text() == "2 of 3 suppliers"


def test_clicking_a_supplier_shows_its_breakdown_and_landed_cost_walk(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    hand_window.show_screen("suppliers")
    screen = hand_window.screen("suppliers")
    pane = screen.detail
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        _click_row(qtbot, screen.table, 0)
    assert pane.title.text() == "Aurelle Paris SAS"
    assert pane.subtitle.text().startswith("S-VERT · FR · Brand owner")
    assert "fill 99%: 198 of 200 units accepted over 2 lines" in pane.breakdown_texts()[0]
    # The default weights 20, 20, 15, 15, 10, 10 and customs clearance 10 (docs/stability.md).
    weights = [pane.breakdown_model.index(r, 1).data() for r in range(7)]
    assert weights == ["20%", "20%", "15%", "15%", "10%", "10%", "10%"]
    assert pane.breakdown_model.index(6, 0).data() == "Customs clearance"
    assert "Thin history" in pane.flags.text()
    # V = (20 + 1.50 + 0.50) USD × 7.20 = 158.40; CBEC tax 0.7 × V × 0.28 / 0.85 = 36.53;
    # net revenue 299 × 0.94 = 281.06; margin 281.06 − 194.93 = 86.13, 30.65%.
    walk = pane.walk_amounts()
    assert walk["Customs value V"] == "CNY 158.40"
    assert walk["Landed cost"] == "CNY 194.93"
    assert walk["Net revenue"] == "CNY 281.06"
    assert walk["Margin"] == "CNY 86.13"
    assert walk["Margin %"] == "30.65%"
    assert pane.channels_model.rowCount() == 1
    assert pane.quotes_model.index(0, 0).data() == "✓ valid"


def test_the_price_and_lead_time_charts_are_drawn_when_their_tab_is_shown(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    from PySide6.QtCharts import QChartView

    hand_window.show_screen("suppliers")
    screen = hand_window.screen("suppliers")
    pane = screen.detail
    pane.tabs.setCurrentIndex(0)
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        _click_row(qtbot, screen.table, 0)
    # Nobody looks at them on the breakdown tab: not drawn for this click.
    assert pane.history_tab.findChildren(QChartView) == []
    pane.tabs.setCurrentWidget(pane.history_tab)
    charts = pane.history_tab.findChildren(QChartView)
    assert len(charts) == 2
    titles = [view.chart().title() for view in charts]
    assert all(titles), titles
    # With the tab in front, the next supplier's charts replace them at once.
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        _click_row(qtbot, screen.table, 1)
    fresh = [v for v in pane.history_tab.findChildren(QChartView) if v not in charts]
    assert len(fresh) == 2


def test_a_point_on_the_risk_matrix_opens_its_supplier(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    hand_window.show_screen("dashboard")
    dashboard = hand_window.screen("dashboard")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=10_000)
    comp = next(s for s in hand_window.workspace.scores if s.supplier_code == "S-COMP")
    assert dashboard.standing_cards[comp.standing].value.text() == "2"
    # Spend: S-VERT CNY 36,050 has a vertical channel, S-COMP CNY 29,250 does not.
    assert dashboard.vertical_card.value.text() == "55.2%"
    position = dashboard.matrix.position_of(comp.supplier_id)
    assert position is not None
    point, _series = position
    with qtbot.waitSignal(hand_window.workspace.supplier_requested, timeout=5000) as opened:
        qtbot.mouseClick(
            dashboard.matrix.viewport(), Qt.MouseButton.LeftButton, pos=point.toPoint()
        )
    assert opened.args == [comp.supplier_id]
    assert hand_window.current_screen_key() == "suppliers"
    assert hand_window.screen("suppliers").detail.title.text() == "Golden Bridge Trading"


def test_a_risk_flag_on_the_dashboard_opens_its_supplier(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    hand_window.show_screen("dashboard")
    dashboard = hand_window.screen("dashboard")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=10_000)
    rows = dashboard.flags_model.rows
    assert {(r.supplier_code, r.flag.code.value) for r in rows} == {
        ("S-VERT", "THIN_HISTORY"),
        ("S-COMP", "THIN_HISTORY"),
    }
    row = next(n for n, r in enumerate(rows) if r.supplier_code == "S-COMP")
    with qtbot.waitSignal(hand_window.workspace.supplier_requested, timeout=5000):
        _click_row(qtbot, dashboard.flags_view, row, 3)
    assert hand_window.current_screen_key() == "suppliers"
    assert hand_window.screen("suppliers").selected_supplier_id() == rows[row].supplier_id


def test_a_brand_shows_its_suppliers_side_by_side_and_opens_one(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    brands = hand_window.screen("brands")
    with qtbot.waitSignal(brands.brands_shown, timeout=10_000):
        qtbot.keyClick(hand_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert hand_window.current_screen_key() == "brands"
    assert brands.model.index(0, 0).data() == "Aurelle"
    assert brands.model.index(0, 2).data() == "400 units/mo"
    assert brands.channels_model.rowCount() == 2
    # S-VERT is vertical (tier 0) with a margin of 30.65% and CNY 86.13 a unit.
    first = [brands.channels_model.index(0, c).data() for c in (0, 2, 6, 7)]
    assert first == ["S-VERT", "Vertical", "30.6%", "CNY 86.13"]
    rect = brands.channels.visualRect(brands.channels_model.index(1, 0))
    with qtbot.waitSignal(hand_window.workspace.supplier_requested, timeout=5000):
        # A view sees a double-click only after the press that starts it.
        qtbot.mouseClick(brands.channels.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(brands.channels.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert hand_window.current_screen_key() == "suppliers"
    assert hand_window.screen("suppliers").detail.title.text() == "Golden Bridge Trading"


def test_the_layout_sort_and_filters_come_back_after_a_restart(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> None:
    build_hand_portfolio(engine)
    first = _open(qtbot, engine, db_url, window_settings)
    with qtbot.waitSignal(first.scores_shown, timeout=20_000):
        first.rescore(AS_OF)
    first.show_screen("suppliers")
    screen = first.screen("suppliers")
    _click_header(qtbot, screen.table, Column.NAME)
    _click_header(qtbot, screen.table, Column.NAME)  # descending
    screen.table.setColumnWidth(Column.CODE, 161)
    screen.splitter.setSizes([900, 500])
    sizes = screen.splitter.sizes()
    qtbot.keyClicks(screen.search, "bridge")
    qtbot.waitUntil(lambda: _codes(first) == ["S-COMP"], timeout=3000)
    first.close()

    second = _open(qtbot, engine, db_url, window_settings)
    with qtbot.waitSignal(second.scores_shown, timeout=20_000):
        second.rescore(AS_OF)
    assert second.current_screen_key() == "suppliers"
    again = second.screen("suppliers")
    assert again.search.text() == "bridge"
    assert _codes(second) == ["S-COMP"]
    header = again.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.NAME
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert again.table.columnWidth(Column.CODE) == 161
    assert again.splitter.sizes() == sizes
    second.close()


def test_the_progress_bar_shows_while_scoring_and_cancel_stops_it(
    qtbot: QtBot, hand_window: MainWindow
) -> None:
    started = threading.Event()
    release = threading.Event()

    def slow_start(progress) -> None:  # type: ignore[no-untyped-def]
        progress(0, 10, "Reading the purchase lines…")
        started.set()
        release.wait(10)
        progress(1, 10, "still reading")  # raises once Cancel was pressed

    before = list(hand_window.workspace.scores)
    hand_window.rescore(AS_OF, before=slow_start)
    assert started.wait(10)
    qtbot.waitUntil(lambda: hand_window.progress.isVisible(), timeout=5000)
    assert hand_window.cancel_button.isVisible()
    with qtbot.waitSignal(hand_window.scores_failed, timeout=10_000) as failed:
        qtbot.mouseClick(hand_window.cancel_button, Qt.MouseButton.LeftButton)
        release.set()
    assert failed.args == ["Scoring was cancelled; the scores on screen are unchanged."]
    qtbot.waitUntil(lambda: not hand_window.progress.isVisible(), timeout=5000)
    assert hand_window.workspace.scores == before


def test_every_action_is_in_a_menu_with_its_shortcut(hand_window: MainWindow) -> None:
    listed = {(menu, name): key for menu, name, key in hand_window.all_actions()}
    assert listed[("File", "Quit")] == "Ctrl+Q"
    assert listed[("Edit", "Find supplier…")] == "Ctrl+F"
    assert listed[("Data", "Re-score all suppliers")] == "F5"
    assert listed[("View", "Dashboard")] == "Ctrl+1"
    assert listed[("View", "Suppliers")] == "Ctrl+2"
    assert listed[("View", "Brands")] == "Ctrl+3"
    assert [m.title() for m in hand_window._menus.values()][:3] == ["&File", "&Edit", "&View"]


def test_another_screen_plugs_in_with_its_shortcut(qtbot: QtBot, hand_window: MainWindow) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel

    # The full window already has every planned screen; a further one goes last.
    scratch = QLabel("scratch")
    hand_window.add_screen("scratch", "Scratch pad", scratch, shortcut="Ctrl+9")
    assert hand_window.screen_keys()[:5] == [
        "dashboard",
        "suppliers",
        "brands",
        "purchases",
        "planning",
    ]
    assert hand_window.screen_keys()[-1] == "scratch"
    qtbot.keyClick(hand_window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert hand_window.stack.currentWidget() is scratch
    action = QAction("Run a scenario…", hand_window)
    action.setShortcut("Ctrl+Alt+S")
    hand_window.add_action("Planning", action)
    names = [m.title().replace("&", "") for m in hand_window._menus.values()]
    assert names.index("Planning") < names.index("Help")
    assert ("Planning", "Run a scenario…", "Ctrl+Alt+S") in hand_window.all_actions()


def test_a_team_database_is_named_without_its_password() -> None:
    label = database_label("postgresql+psycopg://buyer:s3cret@db.example.com:5432/sourcing")
    assert label == "postgresql+psycopg://buyer:***@db.example.com:5432/sourcing"


def test_the_demo_database_is_filled_and_scored_on_first_start(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> None:
    window = build_main_window(engine, db_url, demo=True, settings=window_settings)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.scores_shown, timeout=180_000) as shown:
        start_scoring(window, demo=True)
    assert shown.args == [200]
    assert window.database_label.text().endswith("(demo portfolio)")
    window.show_screen("suppliers")
    model = window.screen("suppliers").model
    scores = [model.score_at(row).sourcing_score for row in range(200)]
    rated = [score for score in scores if score is not None]
    assert rated == sorted(rated, reverse=True)  # best first
    assert scores[len(rated) :] == [None] * (200 - len(rated))  # unrated last
    window.close()


def test_every_model_on_screen_passes_qt_model_checks(
    qtbot: QtBot, qtmodeltester, hand_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    suppliers = hand_window.screen("suppliers")
    hand_window.show_screen("suppliers")
    with qtbot.waitSignal(suppliers.detail.detail_shown, timeout=10_000):
        hand_window.workspace.open_supplier(suppliers.model.score_at(0).supplier_id)
    brands = hand_window.screen("brands")
    with qtbot.waitSignal(brands.brands_shown, timeout=10_000):
        hand_window.show_screen("brands")
    dashboard = hand_window.screen("dashboard")
    hand_window.show_screen("dashboard")
    qtbot.waitUntil(lambda: dashboard.figures is not None, timeout=10_000)
    pane = suppliers.detail
    for model in (
        suppliers.model,
        pane.breakdown_model,
        pane.walk_model,
        pane.channels_model,
        pane.quotes_model,
        brands.model,
        brands.channels_model,
        dashboard.flags_model,
    ):
        assert model.rowCount() > 0
        qtmodeltester.check(model)
    # Aurelle has a vertical channel and two suppliers: no hot brand is at risk.
    assert dashboard.brands_model.rowCount() == 0
    qtmodeltester.check(dashboard.brands_model)


def test_the_next_start_shows_the_last_sessions_scores_at_once(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from sourcing_app.services.score_cache import ScoreCache

    build_hand_portfolio(engine)
    cache = ScoreCache.for_database(tmp_path / "cache", db_url)
    first = _open(qtbot, engine, db_url, window_settings)
    first.workspace.score_cache = cache
    assert not first.show_cached_scores()  # nothing saved yet
    with qtbot.waitSignal(first.scores_shown, timeout=20_000):
        first.rescore(AS_OF)
    first.close()

    second = _open(qtbot, engine, db_url, window_settings)
    second.workspace.score_cache = cache
    assert second.show_cached_scores()  # before any scoring in this window
    second.show_screen("suppliers")
    assert _codes(second) == ["S-VERT", "S-COMP"]
    assert second.as_of_label.text() == "Scores as of 30 Jun 2026 (last session; re-scoring)"
    pane = second.screen("suppliers").detail
    second.workspace.open_supplier(second.workspace.scores[1].supplier_id)  # S-VERT by code
    assert pane.walk_amounts()["Margin"] == "CNY 86.13"
    second.close()


def test_a_damaged_score_cache_is_ignored(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sourcing_app.services.score_cache import ScoreCache

    cache = ScoreCache(tmp_path / "scores.pickle")
    cache.path.write_bytes(b"not a pickle at all")
    assert cache.load() is None
