"""The rest of the workspace, put into the main window: screens, menus and the rates banner.

The main window builds its own screens (Dashboard, Suppliers, Brands); this
adds Purchases, Planning, Customs, Settings and the Audit trail, the editing actions,
import and export, the reports and the exchange rates. Each piece takes the
Workspace and knows nothing of the others; only this module knows them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.i18n import _

if TYPE_CHECKING:
    from sourcing_app.ui.shell.main_window import MainWindow
    from sourcing_app.ui.shell.workspace import Workspace

# The screen on show → the entity its rows are (what Edit and Archive act on).
SCREEN_ENTITY = {"suppliers": "supplier", "brands": "brand", "purchases": "purchase"}


# What the pieces below import: a worker imports them first at cold start, so
# that building the pieces on the UI thread is only building widgets.
MODULES = (
    "sourcing_app.db.models",
    "sourcing_app.ui.dashboard.screen",
    "sourcing_app.ui.brands.screen",
    "sourcing_app.ui.customs.screen",
    "sourcing_app.ui.suppliers.screen",
    "sourcing_app.ui.audit.screen",
    "sourcing_app.ui.planning.screen",
    "sourcing_app.ui.purchases.screen",
    "sourcing_app.ui.settings.screen",
    "sourcing_app.ui.shell.edit_actions",
    "sourcing_app.ui.shell.rates_banner",
)


def install(window: MainWindow) -> None:
    """Add the screens and actions of editing, data exchange, reports, rates and planning."""
    for step in install_steps(window):
        step()


def install_steps(window: MainWindow) -> list[Callable[[], None]]:
    """`install`, as pieces of well under 100 ms each once `MODULES` are imported.

    At cold start the window runs one piece per turn of the event loop, so the
    buyer's clicks and the painting go on in between (docs/performance.md: no UI stall).
    """
    workspace = window.workspace
    assert workspace is not None, "attach the workspace first"

    def purchases() -> None:
        from sourcing_app.ui.purchases.screen import PurchasesScreen

        screen = PurchasesScreen(workspace)
        # Record purchase is in the Edit menu with the same keys; one owner per shortcut.
        screen.record_purchase_action.setShortcut(QKeySequence())
        window.add_screen("purchases", _("Purchases"), screen)

    def planning() -> None:
        from sourcing_app.ui.planning.screen import PlanningScreen

        # Translators: the screen where demand is allocated between suppliers (需求分配).
        window.add_screen("planning", _("Planning"), PlanningScreen(workspace))

    def customs() -> None:
        from sourcing_app.ui.customs.screen import CustomsScreen

        # Translators: the screen of customs clearance figures (清关).
        window.add_screen("customs", _("Customs"), CustomsScreen(workspace), shortcut="Ctrl+8")

    def settings() -> None:
        from sourcing_app.ui.settings.screen import SettingsScreen

        window.add_screen("settings", _("Settings"), SettingsScreen(workspace))

    def audit() -> None:
        from sourcing_app.ui.audit.screen import AuditView

        window.add_screen("audit", _("Audit trail"), AuditView(workspace), shortcut="Ctrl+7")

    def menus() -> None:
        _install_editing(window, workspace)
        _install_data(window, workspace)
        _install_reports(window, workspace)

    def last_screen() -> None:
        # Installed after the window restored its layout: bring back the screen the
        # buyer left open if it is one of these.
        last = window.settings.value("window/screen")
        later = ("purchases", "planning", "customs", "settings", "audit")
        if isinstance(last, str) and last in later:
            window.show_screen(last)

    return [
        purchases,
        planning,
        customs,
        settings,
        audit,
        menus,
        lambda: _install_rates_banner(window, workspace),
        last_screen,
        lambda: _tell_weights_kept(window),
    ]


def selected_id(window: MainWindow, entity: str) -> int | None:
    """The id of the selected row of `entity` on its screen, or None."""
    keys = window.screen_keys()
    if entity == "supplier" and "suppliers" in keys:
        return window.screen("suppliers").selected_supplier_id()  # type: ignore[attr-defined]
    if entity == "brand" and "brands" in keys:
        screen = window.screen("brands")
        return screen.selected_brand_id() if hasattr(screen, "selected_brand_id") else None
    if entity in ("purchase", "delivery") and "purchases" in keys:
        screen = window.screen("purchases")
        row = screen.current_line() if entity == "purchase" else screen.current_delivery()  # type: ignore[attr-defined]
        return None if row is None else int(row.id)
    return None


def _install_editing(window: MainWindow, workspace: Workspace) -> None:
    from sourcing_app.ui.shell.edit_actions import EditActions

    actions = EditActions(
        workspace,
        window,
        current=lambda entity: selected_id(window, entity),
        current_entity=lambda: SCREEN_ENTITY.get(window.current_screen_key() or "", "supplier"),
    )
    # The window already has Undo and Redo (Edit menu) on the same stack and keys.
    window.removeAction(actions.undo)
    window.removeAction(actions.redo)
    edit = window.menu("Edit")
    edit.addSeparator()
    for action in (*actions.new.values(), actions.edit, actions.archive, actions.restore):
        window.add_action("Edit", action)
    edit.setToolTipsVisible(True)  # a disabled action says why (team mode)
    window.edit_actions = actions  # type: ignore[attr-defined]


def _install_data(window: MainWindow, workspace: Workspace) -> None:
    # The dialogs are imported when first asked for: nothing here delays the start.
    def import_file() -> None:
        from sourcing_app.ui.dialogs.import_wizard import ImportWizard

        ImportWizard(workspace, window).open()

    def export() -> None:
        from sourcing_app.ui.dialogs.export_dialog import ExportDialog

        ExportDialog(workspace, window).open()

    def rates() -> None:
        from sourcing_app.ui.dialogs.rates_dialog import RatesDialog

        RatesDialog(workspace, window).open()

    from sourcing_app.services.file_formats import FILE_KINDS
    from sourcing_app.ui.shell.permission_hooks import allow

    allowed = workspace.permissions  # a viewer imports nothing (docs/team-mode.md)
    importing = _action(window, "File", _("&Import a file…"), "Ctrl+I", import_file)
    allow(importing, any(map(allowed.can_import, FILE_KINDS)), allowed.why_not("data"))
    _action(window, "File", _("&Export…"), "Ctrl+Shift+X", export)
    _action(window, "Data", _("E&xchange rates…"), "Ctrl+Shift+R", rates)


def _install_reports(window: MainWindow, workspace: Workspace) -> None:
    def supplier_report() -> None:
        from sourcing_app.ui.dialogs.reports import export_supplier_report

        supplier_id = selected_id(window, "supplier")
        if supplier_id is None:
            _tell(window, _("Choose a supplier on the Suppliers screen first."))
            return
        export_supplier_report(workspace, supplier_id, window)

    def brand_report() -> None:
        from sourcing_app.ui.dialogs.reports import export_brand_report

        brand_id = selected_id(window, "brand")
        if brand_id is None:
            _tell(window, _("Choose a brand on the Brands screen first."))
            return
        export_brand_report(workspace, brand_id, window)

    _action(window, "Reports", _("&Supplier evaluation (PDF)…"), "Ctrl+P", supplier_report)
    _action(window, "Reports", _("&Brand sourcing (PDF)…"), "Ctrl+Shift+B", brand_report)


def _tell_weights_kept(window: MainWindow) -> None:
    from sourcing_app.ui.settings.weights_notice import tell_weights_kept_once

    window.weights_notice = tell_weights_kept_once(window)  # type: ignore[attr-defined]


def _install_rates_banner(window: MainWindow, workspace: Workspace) -> None:
    """The banner above the screens: how old the exchange rates are, or why they are."""
    from sourcing_app.ui.shell.rates_banner import RatesBanner

    body = window.centralWidget()
    screens = window.screen_area
    holder = QWidget(body)
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    banner = RatesBanner(workspace, holder)
    body.layout().replaceWidget(screens, holder)
    column.addWidget(banner)
    column.addWidget(screens, 1)
    window.rates_banner = banner  # type: ignore[attr-defined]


def _action(window: MainWindow, menu: str, text: str, keys: str, slot) -> QAction:  # type: ignore[no-untyped-def]
    action = QAction(text, window)
    if keys:
        action.setShortcut(QKeySequence(keys))
    action.triggered.connect(lambda _checked=False: slot())
    return window.add_action(menu, action)


def _tell(parent: QWidget, message: str) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Sourcing desk"),
        message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.open()
