"""The audit trail, newest first: who changed what, when, and from which value to which."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.services.audit import AuditLine, latest_entries
from sourcing_app.services.entities import ENTITIES
from sourcing_app.ui.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex
LATEST = 500
_COLUMNS = ("When", "Who", "What", "Action", "Change")
_ENTITIES = (
    ("", "Everything"),
    ("supplier", "Suppliers"),
    ("brand", "Brands"),
    ("product", "Products"),
    ("channel", "Channels"),
    ("quote", "Quotes"),
    ("purchase", "Purchase lines"),
    ("delivery", "Deliveries"),
    ("tax_category", "Tax categories"),
    ("settings", "Settings"),
)
_WHAT = {key: words.rstrip("s").lower() for key, words in _ENTITIES if key}
_WHAT |= {"delivery": "delivery", "tax_category": "tax category", "purchase": "purchase line"}


def when_words(at: dt.datetime) -> str:
    """An audit time (UTC) in the machine's local time: 27 Nov 2026 14:02."""
    local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


class AuditTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditLine] = []

    def set_rows(self, rows: list[AuditLine]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_COLUMNS)
        ):
            return _COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        line = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == 0:
                return when_words(line.at)
            if column == 1:
                return line.who
            if column == 2:
                return f"{_WHAT.get(line.entity, line.entity)} {line.key}".strip()
            if column == 3:
                return line.action
            spec = ENTITIES.get(line.entity)
            labels = {f.name: f.label for f in spec.fields} if spec is not None else {}
            return line.change_words(labels)
        return None


class AuditView(QWidget):
    """A read-only table of the latest audit entries; it refreshes after every change."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.model = AuditTableModel(self)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        self.entity_filter = QComboBox(self)
        for key, words in _ENTITIES:
            self.entity_filter.addItem(words, key)
        self.entity_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.entity_filter)
        self.count_label = QLabel(self)
        top.addWidget(self.count_label)
        top.addStretch(1)
        layout.addLayout(top)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.table)
        workspace.data_changed.connect(lambda _kind: self._changed())
        workspace.settings_changed.connect(self._changed)
        self.stale = True  # read when first shown, and again when shown after a change

    def showEvent(self, event: QShowEvent) -> None:
        if self.stale:
            self.refresh()
        super().showEvent(event)

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self.stale = True

    def refresh(self) -> None:
        self.stale = False
        entity = str(self.entity_filter.currentData() or "")
        rows = latest_entries(self.workspace.engine, LATEST, entity=entity)
        self.model.set_rows(rows)
        latest = "the latest " if len(rows) == LATEST else ""
        noun = "change" if len(rows) == 1 else "changes"
        self.count_label.setText(f"{latest}{len(rows):,} {noun}, newest first")
        self.table.resizeColumnsToContents()
        for column in (2, 4):
            if self.table.columnWidth(column) > 420:
                self.table.setColumnWidth(column, 420)
