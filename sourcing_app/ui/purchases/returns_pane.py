"""The returns after sale of the chosen purchase line, under its deliveries, with Add/Edit/Remove.

A return is recorded in `EditDialog` like a delivery (its fields refuse bad
values one by one, the reason beside the field), and every change goes on the
undo stack through `EditSession` (docs/vocabulary.md, Return).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.formatting import units
from sourcing_app.i18n import NP_, _, ngettext, pgettext
from sourcing_app.services.purchase_list import PurchaseRow
from sourcing_app.services.return_list import ReturnRow, returns_of
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog
from sourcing_app.ui.purchases.models import event_day, show_date
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.record_table_model import RecordColumn, RecordTableModel

# The colour of a return that counts against quality (a fault of the goods).
FAULT_HEX = "#b3261e"


def return_columns() -> list[RecordColumn[ReturnRow]]:
    """Date, quantity, reason and whether it counts against quality."""

    def heading(title: str) -> str:
        return pgettext("returns column", title)

    def counts(r: ReturnRow) -> str:
        if r.counts_against_quality:
            return _("Yes")
        # Translators: a late or other return is listed but does not lower the quality score.
        return _("No (shown, not scored)")

    return [
        RecordColumn(
            heading("Returned on"), lambda r: show_date(r.return_date), lambda r: r.return_date
        ),
        RecordColumn(
            heading("Returned"), lambda r: units(r.returned_qty), lambda r: r.returned_qty, True
        ),
        RecordColumn(heading("Reason"), lambda r: r.reason.label, lambda r: r.reason.label),
        RecordColumn(
            heading("Counts against quality"),
            counts,
            lambda r: not r.counts_against_quality,
            colour=lambda r: FAULT_HEX if r.counts_against_quality else None,
            header_tip=_(
                "Returns for a fault of the goods (damaged, not as described, suspected "
                "counterfeit, expired) lower the quality sub-score; late and other do not"
            ),
        ),
    ]


# The headers above, for the catalog (heading() translates them with their context).
_RETURN_HEADINGS = (
    NP_("returns column", "Returned on"),
    NP_("returns column", "Returned"),
    NP_("returns column", "Reason"),
    NP_("returns column", "Counts against quality"),
)


class ReturnsPane(QWidget):
    """The chosen line's returns; `show_line(line)` fills it, `show_line(None)` empties it.

    Actions: `add_action` (Ctrl+R), `edit_action` and `remove_action`.
    """

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.session = EditSession.of(workspace)
        self.line: PurchaseRow | None = None
        self.open_dialog: EditDialog | None = None
        self.model: RecordTableModel[ReturnRow] = RecordTableModel(return_columns(), self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.heading = QLabel(self)
        self.heading.setStyleSheet("font-weight: 600;")
        top.addWidget(self.heading, 1)
        self.add_action = self._action(_("Add return…"), "Ctrl+R", self.add_return)
        self.edit_action = self._action(_("Edit return…"), "", self.edit_return)
        self.remove_action = self._action(_("Remove return"), "", self.remove_return)
        self._add_tip = self.add_action.toolTip()
        for action in (self.add_action, self.edit_action, self.remove_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            top.addWidget(button)
        layout.addLayout(top)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)  # as the deliveries above
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda _i: self.edit_return())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        layout.addWidget(self.table)
        self.show_line(None)

    def _action(self, text: str, keys: str, slot: Any) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(
                _("{action} ({keys})").format(
                    action=text.rstrip("…"), keys=QKeySequence(keys).toString()
                )
            )
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    # --- showing -----------------------------------------------------------------------

    def show_line(self, line: PurchaseRow | None) -> None:
        self.line = line
        rows = [] if line is None else returns_of(self.workspace.engine, line.id)
        self.model.set_rows(rows)
        if line is None:
            self.heading.setText(_("Returns after sale"))
        elif not rows:
            self.heading.setText(
                _("Returns after sale of line {line}: none recorded").format(line=line.line_ref)
            )
        else:
            returned = sum(r.returned_qty for r in rows)
            self.heading.setText(
                ngettext(
                    "Returns after sale of line {line}: {n} return, {returned} sent back",
                    "Returns after sale of line {line}: {n} returns, {returned} sent back",
                    len(rows),
                ).format(line=line.line_ref, n=len(rows), returned=units(returned))
            )
        if rows:
            self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        self._update_actions()

    def current_return(self) -> ReturnRow | None:
        index = self.table.currentIndex()
        rows = self.model.rows
        if not index.isValid() or index.row() >= len(rows):
            return None
        return rows[index.row()]

    def _update_actions(self) -> None:
        delivered = self.line is not None and self.line.deliveries > 0
        self.add_action.setEnabled(delivered)
        if self.line is not None and not delivered:
            self.add_action.setToolTip(_("Nothing has been delivered on this line yet"))
        else:
            self.add_action.setToolTip(self._add_tip)
        chosen = self.current_return() is not None
        self.edit_action.setEnabled(chosen)
        self.remove_action.setEnabled(chosen)

    # --- changing ----------------------------------------------------------------------

    def add_return(self) -> EditDialog | None:
        line = self.line
        if line is None:
            return None
        initial = {
            "line_id": line.id,
            "line_ref": line.line_ref,
            "return_date": event_day(line, self.workspace.as_of),
        }
        return self._open(EditDialog(self.workspace, "return", initial=initial, parent=self))

    def edit_return(self) -> EditDialog | None:
        chosen = self.current_return()
        if chosen is None:
            return None
        return self._open(EditDialog(self.workspace, "return", chosen.id, parent=self))

    def remove_return(self) -> None:
        """Remove the chosen return; Undo puts it back."""
        chosen = self.current_return()
        if chosen is not None:
            self.session.remove("return", chosen.id)

    def _open(self, dialog: EditDialog) -> EditDialog:
        self.open_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "open_dialog", None))
        dialog.open()
        return dialog
