"""The editing actions a main window puts in its menus and toolbars, with their shortcuts.

`EditActions(workspace, window)` builds them once. Actions that work on "the
current" supplier, brand, product, channel or quote ask `current(entity)`, a
callable the window sets to say what is selected (an id, or None).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from sourcing_app.i18n import N_, _
from sourcing_app.services.entities import ENTITIES
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog, open_editor
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace

CurrentId = Callable[[str], int | None]

# entity: (menu text, shortcut) for "New …"
_NEW = {
    "supplier": (N_("New supplier…"), "Ctrl+N"),
    "brand": (N_("New brand…"), "Ctrl+Alt+B"),
    "product": (N_("New product…"), "Ctrl+Alt+K"),
    "channel": (N_("New channel…"), "Ctrl+Alt+C"),
    "quote": (N_("New quote…"), "Ctrl+Alt+Q"),
    "purchase": (N_("Record purchase…"), "Ctrl+Shift+P"),
}


class EditActions:
    """QActions for New/Edit/Archive/Restore/Undo/Redo, all through the editing service."""

    def __init__(
        self,
        workspace: Workspace,
        window: QWidget,
        current: CurrentId = lambda _entity: None,
        current_entity: Callable[[], str] = lambda: "supplier",
    ) -> None:
        self.workspace = workspace
        self.window = window
        self.session = EditSession.of(workspace)
        self.current = current  # the selected row's id for an entity, or None
        self.current_entity = current_entity  # what the screen on show lists
        self.new: dict[str, QAction] = {}
        for entity, (text, keys) in _NEW.items():
            action = self._action(_(text), keys)
            action.triggered.connect(lambda _c=False, e=entity: self.create(e))
            self.new[entity] = action
        self.edit = self._action(_("Edit…"), "Ctrl+E")
        self.edit.triggered.connect(lambda _c=False: self.edit_current())
        self.archive = self._action(_("Archive"), "Ctrl+Shift+Del")
        self.archive.triggered.connect(lambda _c=False: self.archive_current())
        self.restore = self._action(_("Restore"), "")
        self.restore.triggered.connect(lambda _c=False: self.restore_current())
        stack = workspace.undo_stack
        self.undo = stack.createUndoAction(window, _("Undo"))
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)  # Ctrl+Z
        self.redo = stack.createRedoAction(window, _("Redo"))
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        window.addAction(self.undo)
        window.addAction(self.redo)
        self.session.problem.connect(self._show_problem)
        allowed = workspace.permissions  # team mode: what the database lets this login write
        for entity, action in self.new.items():
            allow(action, allowed.can_edit(entity), allowed.why_not_edit(entity))
        for action in (self.edit, self.archive, self.restore):
            allow(action, allowed.can_write_anything, allowed.why_not("data"))

    def _action(self, text: str, keys: str) -> QAction:
        action = QAction(text, self.window)
        if keys:
            action.setShortcut(QKeySequence(keys))
        self.window.addAction(action)
        return action

    def all(self) -> list[QAction]:
        return [*self.new.values(), self.edit, self.archive, self.restore, self.undo, self.redo]

    # --- what they do ------------------------------------------------------------------

    def create(self, entity: str) -> EditDialog:
        initial = {}
        supplier_id = self.current("supplier")
        if entity in ("channel", "quote", "purchase") and supplier_id is not None:
            initial["supplier_id"] = supplier_id
        return open_editor(self.workspace, entity, initial=initial, parent=self.window)

    def edit_current(self) -> EditDialog | None:
        entity = self.current_entity()
        entity_id = self.current(entity)
        if entity_id is None:
            return None
        if not self.workspace.permissions.can_edit(entity):
            self._show_problem(self.workspace.permissions.why_not_edit(entity))
            return None
        return open_editor(self.workspace, entity, entity_id, parent=self.window)

    def archive_current(self) -> None:
        entity = self.current_entity()
        entity_id = self.current(entity)
        if entity_id is not None and not self.workspace.permissions.can_edit(entity):
            self._show_problem(self.workspace.permissions.why_not_edit(entity))
        elif entity_id is not None and (ENTITIES[entity].archive_column or entity == "quote"):
            self.session.archive(entity, entity_id)

    def restore_current(self) -> None:
        entity = self.current_entity()
        entity_id = self.current(entity)
        if entity_id is not None and not self.workspace.permissions.can_edit(entity):
            self._show_problem(self.workspace.permissions.why_not_edit(entity))
        elif entity_id is not None and ENTITIES[entity].archive_column:
            self.session.restore(entity, entity_id)

    def _show_problem(self, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Sourcing desk"),
            message,
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
