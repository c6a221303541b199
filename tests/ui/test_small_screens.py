"""The desk on a laptop: a 1366 × 768 screen, less the taskbar and the title bar.

The window used to be at least 1,452 × 1,001 pixels (Planning's rules in one row,
its what-if form and chart, every screen as large as the largest), so on such a
screen its bottom and right edge were off the screen with no way to reach them.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from sourcing_app.app import build_main_window, start_scoring
from sourcing_app.ui.shell.main_window import MainWindow
from sourcing_app.ui.widgets.flow_layout import FlowLayout
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio

# 1366 × 768 less a 40-pixel taskbar and a 38-pixel title bar, and 16 pixels of border.
LAPTOP = QSize(1350, 690)


@pytest.fixture
def window(qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings):
    build_hand_portfolio(engine)
    window = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.scores_shown, timeout=20_000):
        start_scoring(window, as_of=AS_OF)
    yield window
    window.close()


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _box_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def test_every_screen_fits_a_laptop_without_scrolling_sideways(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.resize(LAPTOP)
    _settle(qtbot)
    assert window.size() == LAPTOP  # not held larger by the largest screen
    for key in window.screen_keys():
        window.show_screen(key)
        _settle(qtbot)
        assert window.size() == LAPTOP, key
        assert not window.screen_area.horizontalScrollBar().isVisible(), key
        # The screen in front fills the room there is: nothing of it is cut off.
        assert window.screen(key).width() <= window.screen_area.viewport().width(), key


def test_a_small_screen_does_not_scroll_on_a_large_window(qtbot: QtBot, window: MainWindow) -> None:
    """Audit has little to show: it never scrolls because Planning needs more."""
    window.show_screen("audit")
    window.resize(LAPTOP)
    _settle(qtbot)
    area = window.screen_area
    assert not area.verticalScrollBar().isVisible()
    assert not area.horizontalScrollBar().isVisible()


def test_the_planning_rules_wrap_on_a_laptop_and_keep_one_line_when_wide(
    qtbot: QtBot, window: MainWindow
) -> None:
    planning = window.show_screen("planning")
    share, replan = planning.max_share, planning.replan_button
    box = planning.findChild(QWidget, "PlanningRules")
    window.resize(1600, 1000)
    _settle(qtbot)
    one_line = _box_in(share, box).center().y()
    assert abs(_box_in(replan, box).center().y() - one_line) <= 3

    window.resize(LAPTOP)
    _settle(qtbot)
    assert _box_in(replan, box).top() > _box_in(share, box).bottom()  # on the second line
    for control in (share, planning.min_standing, planning.vertical_floor, replan):
        assert box.rect().contains(_box_in(control, box)), control  # whole, inside its box
    assert not window.screen_area.verticalScrollBar().isVisible()


def test_the_score_breakdown_scrolls_rather_than_overlap_on_a_laptop(
    qtbot: QtBot, window: MainWindow
) -> None:
    suppliers = window.screen("suppliers")
    window.show_screen("suppliers")
    window.resize(LAPTOP)
    pane = suppliers.detail
    with qtbot.waitSignal(pane.detail_shown, timeout=10_000):
        window.workspace.open_supplier(suppliers.model.score_at(0).supplier_id)
    _settle(qtbot)
    tab = pane.breakdown.parentWidget()
    table, inputs, flags = pane.breakdown, pane.inputs, pane.flags
    assert inputs.text() and flags.text()
    assert _box_in(inputs, tab).top() >= _box_in(table, tab).bottom()
    assert _box_in(flags, tab).top() >= _box_in(inputs, tab).bottom()


def test_a_first_start_opens_no_larger_than_the_screen(
    qtbot: QtBot, window_settings: QSettings
) -> None:
    window = MainWindow("test.db", settings=window_settings)
    qtbot.addWidget(window)
    window.add_screen("dashboard", "Dashboard", QLabel("a screen"))
    window.restore_layout()  # nothing saved: a first start
    room = QWidget.screen(window).availableGeometry()
    assert window.width() <= room.width() - 16
    assert window.height() <= room.height() - 40


# --- the flow layout itself, with sizes a person can add up -------------------------


def _fixed(width: int, height: int = 30) -> QPushButton:
    button = QPushButton()
    button.setFixedSize(width, height)
    return button


def test_a_flow_puts_on_the_next_line_what_does_not_fit(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    flow = FlowLayout(holder, spacing=10, line_spacing=5)
    flow.setContentsMargins(0, 0, 0, 0)
    a, b, c = _fixed(100), _fixed(100), _fixed(100)
    for button in (a, b, c):
        flow.addWidget(button)
    # 100 + 10 + 100 + 10 + 100 = 320: all three fit in 320, two in 319.
    assert [len(line) for line in flow.lines(320)] == [3]
    assert [len(line) for line in flow.lines(319)] == [2, 1]
    assert [len(line) for line in flow.lines(150)] == [1, 1, 1]
    assert flow.heightForWidth(320) == 30
    assert flow.heightForWidth(319) == 30 + 5 + 30
    assert flow.minimumSize() == QSize(100, 30)
    holder.resize(250, 65)
    holder.show()
    qtbot.waitExposed(holder)
    assert (a.x(), a.y(), b.x(), b.y(), c.x(), c.y()) == (0, 0, 110, 0, 0, 35)


def test_a_flow_gives_spare_room_to_what_grows_and_keeps_the_last_at_the_right(
    qtbot: QtBot,
) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    flow = FlowLayout(holder, spacing=10, last_at_right=True)
    flow.setContentsMargins(0, 0, 0, 0)
    label = QLabel("x")
    label.setFixedSize(50, 30)
    count = _fixed(80)
    flow.addWidget(label)
    flow.addWidget(count)
    holder.resize(400, 30)
    holder.show()
    qtbot.waitExposed(holder)
    assert (label.x(), count.x()) == (0, 400 - 80)

    search_holder = QWidget()
    qtbot.addWidget(search_holder)
    grows = FlowLayout(search_holder, spacing=10)
    grows.setContentsMargins(0, 0, 0, 0)
    search = QLineEdit()  # expands, as a search field does
    grows.addWidget(search)
    grows.addWidget(_fixed(80))
    search_holder.resize(400, 30)
    search_holder.show()
    qtbot.waitExposed(search_holder)
    assert search.width() == 400 - 10 - 80


def test_tab_never_stops_on_the_scroll_areas(qtbot: QtBot, window: MainWindow) -> None:
    """The scroll areas are frames, not fields: Tab goes from one control to the next."""
    window.resize(LAPTOP)
    suppliers = window.screen("suppliers")
    window.show_screen("suppliers")
    with qtbot.waitSignal(suppliers.detail.detail_shown, timeout=10_000):
        window.workspace.open_supplier(suppliers.model.score_at(0).supplier_id)
    frames = (window.screen_area, suppliers.detail.score_page)
    suppliers.search.setFocus()
    _settle(qtbot)
    visited = []
    for _ in range(40):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert not any(widget in frames for widget in visited)
    assert len(set(visited)) > 3  # Tab did move through the screen's controls
