"""The audit trail, newest first: who changed what, when, and from which value to which."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
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

from sourcing_app.domain.formatting import day, moment
from sourcing_app.services.audit import AuditLine, ReferenceNames, latest_entries, reference_names
from sourcing_app.services.entities import ENTITIES, FieldSpec
from sourcing_app.ui.shell.workspace import Workspace

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


_REGIMES = {"cbec": "CBEC", "general": "general trade", "postal": "postal"}
_PERCENT_FIELDS = {"tariff", "consumption_tax", "vat", "postal_rate"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_SETTING_GROUPS = {"weights": "Stability weight", "bands": "Standing band", "costs": "Cost"}
Names = ReferenceNames


def setting_words(key: str) -> str:
    """ "weights.channel" → "Stability weight channel"; "window_days" → "Window days"."""
    group, _dot, name = key.rpartition(".")
    words = name.replace("_", " ")
    if not group:
        return words[:1].upper() + words[1:]
    return f"{_SETTING_GROUPS.get(group, group.capitalize())} {words}"


def value_words(field: FieldSpec | None, value: Any, names: Names) -> str:
    """One stored value as the forms show it: codes for ids, "27 Nov 2026", "13%", 55.5."""
    if value is None:
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field is not None and field.reference and not isinstance(value, bool):
        try:
            return names.get((field.reference, int(value)), f"#{value}")
        except (TypeError, ValueError):
            return str(value)
    if field is not None and field.name == "regime" and value in _REGIMES:
        return _REGIMES[value]
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return day(dt.date.fromisoformat(value))
    number = isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value))
    if number and field is not None and field.name in _PERCENT_FIELDS:
        return f"{format((Decimal(str(value)) * 100).normalize(), 'f')}%"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,g}"
    if number:
        return str(value)
    return f"'{value}'"


def change_text(line: AuditLine, names: Names) -> str:
    """What changed, in one line, in the forms' words; other records as the service says."""
    fields = line.record.get("fields")
    if line.action == "import" or not isinstance(fields, dict):
        return line.change_words()
    spec = ENTITIES.get(line.entity)
    specs = {f.name: f for f in spec.fields} if spec is not None else {}
    removed = bool(fields) and all(pair[1] is None for pair in fields.values())
    parts = []
    for key, (old, new) in fields.items():
        field = specs.get(key)
        name = field.label if field is not None else setting_words(key)
        if line.action == "created":
            parts.append(f"{name} {value_words(field, new, names)}")
        elif removed:
            parts.append(f"{name} was {value_words(field, old, names)}")
        else:
            before, after = value_words(field, old, names), value_words(field, new, names)
            parts.append(f"{name}: {before} → {after}")
    if line.record.get("reason"):
        parts.append(f"reason: {line.record['reason']}")
    return "; ".join(parts)


def when_words(at: dt.datetime) -> str:
    """An audit time (UTC) in the machine's local time: 27 Nov 2026 14:02."""
    local = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone()
    return moment(local)


class AuditTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditLine] = []
        self.names: Names = {}

    def set_rows(self, rows: list[AuditLine], names: Names | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.names = names or {}
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
            return change_text(line, self.names)
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
        self.model.set_rows(rows, reference_names(self.workspace.engine, rows))
        latest = "the latest " if len(rows) == LATEST else ""
        noun = "change" if len(rows) == 1 else "changes"
        self.count_label.setText(f"{latest}{len(rows):,} {noun}, newest first")
        self.table.resizeColumnsToContents()
        for column in (2, 4):
            if self.table.columnWidth(column) > 420:
                self.table.setColumnWidth(column, 420)
