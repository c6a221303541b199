"""The whole workspace in one window: every screen, every action, no shortcut twice."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlmodel import Session

from sourcing_app.app import build_main_window, start_scoring
from sourcing_app.db.models import Supplier
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog
from sourcing_app.ui.planning.screen import PlanningScreen
from sourcing_app.ui.purchases.screen import PurchasesScreen
from sourcing_app.ui.shell.main_window import MainWindow
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio


def _shown(kind: type):  # type: ignore[no-untyped-def]
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
    )


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


def test_every_screen_is_in_the_sidebar_in_order(window: MainWindow) -> None:
    assert window.screen_keys() == [
        "dashboard",
        "suppliers",
        "brands",
        "purchases",
        "planning",
        "customs",
        "settings",
        "audit",
    ]


def test_no_shortcut_is_given_to_two_actions(window: MainWindow) -> None:
    seen: dict[str, str] = {}
    for menu, action, keys in window.all_actions():
        if not keys:
            continue
        assert keys not in seen, f"{keys} is both {seen[keys]} and {menu} ▸ {action}"
        seen[keys] = f"{menu} ▸ {action}"
    # What a buyer reaches for most has keys.
    for wanted in ("Ctrl+I", "Ctrl+N", "Ctrl+E", "Ctrl+Z", "Ctrl+P", "F5", "Ctrl+F"):
        assert wanted in seen, wanted


def test_the_screen_shortcuts_bring_the_screens_forward(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.stack.currentWidget(), PurchasesScreen)
    planning = window.screen("planning")
    # Scoring ran while Planning was out of sight: it plans when it comes forward.
    assert planning.plan is None
    with qtbot.waitSignal(planning.planned, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.stack.currentWidget(), PlanningScreen)
    (aurelle,) = planning.plan.allocation.brands
    assert aurelle.brand == "Aurelle"
    assert aurelle.demand == 400


def test_edit_opens_the_selected_supplier(qtbot: QtBot, window: MainWindow, engine) -> None:
    with Session(engine) as s:
        vert_id = s.exec(select(Supplier.id).where(Supplier.code == "S-VERT")).one()[0]
    window.workspace.open_supplier(vert_id)
    qtbot.waitUntil(lambda: window.current_screen_key() == "suppliers")
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, EditDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    dialog = _shown(EditDialog)
    assert dialog.windowTitle() == "Edit supplier"
    texts = {field.text() for field in dialog.findChildren(QLineEdit)}
    assert {"S-VERT", "Aurelle Paris SAS"} <= texts
    dialog.reject()


def test_import_opens_the_wizard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QWizard) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    wizard = _shown(QWizard)
    wizard.reject()


def test_the_rates_banner_sits_above_the_screens(window: MainWindow) -> None:
    banner = window.rates_banner
    assert banner.parentWidget() is window.screen_area.parentWidget()
    # The hand portfolio's feed rate is from 1 June 2026; on 3 December 2026 it is
    # 29 + 31 + 31 + 30 + 31 + 30 + 3 = 185 days old, and the banner says so.
    banner.today = lambda: dt.date(2026, 12, 3)
    banner.refresh()
    assert banner.isVisible()
    assert banner.label.text().startswith("Exchange rates are 185 days old (")
    assert "1 Jun 2026" in banner.label.text()


def test_a_big_set_is_made_ready_for_the_suppliers_table_out_of_sight(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sourcing_app.ui.suppliers.screen as suppliers_screen

    # The hand portfolio's two suppliers stand for a 100k set: prepared on a worker.
    monkeypatch.setattr(suppliers_screen, "PREPARE_OFF_THREAD_FROM", 1)
    window.show_screen("dashboard")
    table = window.screen("suppliers").model
    table.install(suppliers_screen.prepare_rows([]))
    assert table.total_count == 0
    window.rescore(AS_OF)
    # Ready before the buyer brings the table forward: opening it only paints.
    qtbot.waitUntil(lambda: table.total_count == 2, timeout=20_000)
    assert window.current_screen_key() == "dashboard"


def test_a_cold_start_builds_the_front_screen_first_and_the_rest_after(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> None:
    from sourcing_app.app import _install_extras

    build_hand_portfolio(engine)
    window_settings.setValue("window/screen", "brands")
    window = build_main_window(
        engine, db_url, settings=window_settings, extras=False, defer_hidden=True
    )
    qtbot.addWidget(window)
    # Only the screen the buyer left in front is there to paint first.
    assert window.screen_keys() == ["brands"]
    assert window.current_screen_key() == "brands"
    window.show()
    # Each time a screen goes in, ask the event loop what the window holds on its next
    # turn. Built one piece per turn, the answer comes before the next screen goes in;
    # built in one go, every answer would find all seven.
    answers: list[int] = []

    def screen_added(*_args: object) -> None:
        QTimer.singleShot(0, lambda: answers.append(len(window.screen_keys())))

    window.sidebar.model().rowsInserted.connect(screen_added)
    _install_extras(window)
    # The modules are imported on a worker first: nothing is built yet.
    assert window.screen_keys() == ["brands"]
    everything = [
        "dashboard", "suppliers", "brands", "purchases", "planning", "customs", "settings", "audit"
    ]  # fmt: skip
    qtbot.waitUntil(lambda: len(answers) == 7, timeout=20_000)
    assert window.screen_keys() == everything
    assert answers == [2, 3, 4, 5, 6, 7, 8]  # the window answered between every two screens
    report = ("Reports", "Supplier evaluation (PDF)…", "Ctrl+P")
    qtbot.waitUntil(lambda: report in window.all_actions(), timeout=5_000)
    assert window.current_screen_key() == "brands"
    window.close()
