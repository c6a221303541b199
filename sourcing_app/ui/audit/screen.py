"""The audit trail, newest first: who changed what, when, and from which value to which."""

from __future__ import annotations

import datetime as dt
import json
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

from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, sub_score_label
from sourcing_app.domain.formatting import day, moment
from sourcing_app.i18n import N_, NP_, _, is_chinese, ngettext, pgettext
from sourcing_app.services.audit import (
    AuditLine,
    ReferenceNames,
    latest_entries,
    people,
    reference_names,
)
from sourcing_app.services.entities import ENTITIES, FieldSpec
from sourcing_app.ui.shell.workspace import Workspace

ModelIndex = QModelIndex | QPersistentModelIndex
LATEST = 500
_COLUMNS = (
    # Translators: audit trail column headers.
    N_("When"),
    N_("Who"),
    N_("What"),
    N_("Action"),
    N_("Change"),
)
_ENTITIES = (
    ("", N_("Everything")),
    ("supplier", N_("Suppliers")),
    ("brand", N_("Brands")),
    ("product", N_("Products")),
    ("channel", N_("Channels")),
    ("quote", N_("Quotes")),
    ("purchase", N_("Purchase lines")),
    ("delivery", N_("Deliveries")),
    ("return", N_("Returns after sale")),
    ("tax_category", N_("Tax categories")),
    ("settings", N_("Settings")),
)
# "What" a line is about: "{what} {key}", e.g. "purchase line PO-77".
_WHAT = {
    "supplier": NP_("audit", "supplier"),
    "brand": NP_("audit", "brand"),
    "product": NP_("audit", "product"),
    "channel": NP_("audit", "channel"),
    "quote": NP_("audit", "quote"),
    "purchase": NP_("audit", "purchase line"),
    "delivery": NP_("audit", "delivery"),
    "return": NP_("audit", "return"),
    "tax_category": NP_("audit", "tax category"),
    "settings": NP_("audit", "settings"),
    "exchange_rate": NP_("audit", "exchange rate"),
    "sale_return": NP_("audit", "return"),
    "feed": NP_("audit", "rates feed"),
    "portfolio": NP_("audit", "portfolio"),
}
# What was done, as the services write it.
_ACTIONS = {
    "created": NP_("audit", "created"),
    "edited": NP_("audit", "edited"),
    "archived": NP_("audit", "archived"),
    "restored": NP_("audit", "restored"),
    "withdrawn": NP_("audit", "withdrawn"),
    "removed": NP_("audit", "removed"),
    "unchanged": NP_("audit", "unchanged"),
    "import": NP_("audit", "import"),
    "demo": NP_("audit", "demo"),
    "rates update": NP_("audit", "rates update"),
    "set manual rate": NP_("audit", "set manual rate"),
}
# The forms' words for each field (services/entities.py), looked up where shown.
FIELD_LABELS = (
    N_("Active"), N_("Authorization"), N_("Authorized until"), N_("Brand"), N_("Category"),
    N_("Code"), N_("Consumption tax"), N_("Contact"), N_("Contract end"),
    N_("Contract start"), N_("Country"), N_("Currency"), N_("Clearance days"),
    N_("Delivered on"), N_("Delivered quantity"), N_("Exchange rate"), N_("Exclusive"),
    N_("Freight per unit"), N_("Hot-selling"), N_("Import regime"), N_("Incoterm"),
    N_("Insurance per unit"), N_("Kind"), N_("Lead time"), N_("Line reference"),
    N_("Minimum quantity"), N_("Monthly capacity"), N_("Name"), N_("Notes"), N_("Order date"),
    N_("Ordered quantity"), N_("Origin country"), N_("Planned monthly demand"),
    N_("Postal rate"), N_("Promised date"), N_("Purchase line"), N_("Rejected quantity"),
    N_("Retail price"), N_("Supplier"), N_("Target retail price"), N_("Tariff"),
    N_("Tax category"), N_("Tier"), N_("Unit price"), N_("Unit weight"), N_("VAT"),
    N_("Valid from"), N_("Valid to"),
)  # fmt: skip


_PERCENT_FIELDS = {"tariff", "consumption_tax", "vat", "postal_rate"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_SETTING_GROUPS = {"weights": "Stability weight", "bands": "Standing band", "costs": "Cost"}
# The Settings screen's own words for each setting, for Chinese readers.
_SETTING_LABELS = {
    "bands.preferred": N_("Preferred from"),
    "bands.approved": N_("Approved from"),
    "bands.watch": N_("Watch from"),
    "costs.target_margin": N_("Target margin"),
    "costs.platform_commission": N_("Platform commission"),
    "costs.payment_fee": N_("Payment fee"),
    "costs.clearance_fee": N_("Clearance fee"),
    "costs.fulfilment_fee": N_("Domestic fulfilment"),
    "costs.cbec_factor": N_("Share of statutory taxes"),
    "costs.cbec_transaction_limit": N_("Single-transaction limit"),
    "costs.cbec_annual_limit": N_("Annual limit"),
    "home_currency": N_("Home currency"),
    "user_name": N_("Your name"),
}
_REGIMES = {
    "cbec": NP_("regime, short", "CBEC"),
    "general": NP_("regime, short", "General trade"),
    "postal": NP_("regime, short", "Postal"),
}
_SETTING_WORDS = {"window_days": NP_("setting", "Window"), "grace_days": NP_("setting", "Grace")}
Names = ReferenceNames


def setting_words(key: str) -> str:
    """ "weights.channel" → "Stability weight channel"; "window_days" → "Window days".

    In Chinese, the Settings screen's own words: 权重：渠道结构, 评估窗口."""
    group, _dot, name = key.rpartition(".")
    if is_chinese():
        if group == "weights" and name in SUB_SCORE_KEYS:
            return _("Weight: {sub_score}").format(sub_score=sub_score_label(name))
        if key in _SETTING_LABELS:
            return _(_SETTING_LABELS[key])
        if key in _SETTING_WORDS:
            return pgettext("setting", _SETTING_WORDS[key])
    words = name.replace("_", " ")
    if not group:
        return words[:1].upper() + words[1:]
    return f"{_SETTING_GROUPS.get(group, group.capitalize())} {words}"


def field_words(label: str) -> str:
    """A form's field label (services/entities.py) in the current language."""
    return _(label) if label in FIELD_LABELS else label


def action_words(action: str) -> str:
    words = _ACTIONS.get(action)
    return action if words is None else pgettext("audit", words)


def what_words(entity: str, key: str) -> str:
    words = _WHAT.get(entity)
    what = entity if words is None else pgettext("audit", words)
    return _("{what} {key}").format(what=what, key=key).strip()


def value_words(field: FieldSpec | None, value: Any, names: Names) -> str:
    """One stored value as the forms show it: codes for ids, "27 Nov 2026", "13%", 55.5."""
    if value is None:
        # Translators: an audited value that was or became empty.
        return _("blank")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is not None and field.reference and not isinstance(value, bool):
        try:
            return names.get((field.reference, int(value)), f"#{value}")
        except (TypeError, ValueError):
            return str(value)
    if field is not None and field.name == "regime" and value in _REGIMES:
        return pgettext("regime, short", _REGIMES[value])
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
    return _("'{text}'").format(text=value)


def change_text(line: AuditLine, names: Names) -> str:
    """What changed, in one line, in the forms' words; other records as the service says."""
    fields = line.record.get("fields")
    if line.action == "import":
        return _("{added} added, {updated} updated").format(
            added=f"{line.record.get('added', 0):,}", updated=f"{line.record.get('updated', 0):,}"
        )
    if not isinstance(fields, dict):
        return line.change_words()
    if line.entity == "settings" and "value" in fields:
        fields = _setting_row_changes(line.key, fields)
    spec = ENTITIES.get(line.entity)
    specs = {f.name: f for f in spec.fields} if spec is not None else {}
    removed = bool(fields) and all(pair[1] is None for pair in fields.values())
    parts = []
    for key, (old, new) in fields.items():
        field = specs.get(key)
        name = field_words(field.label) if field is not None else setting_words(key)
        if line.action == "created":
            parts.append(
                _("{field} {value}").format(field=name, value=value_words(field, new, names))
            )
        elif removed:
            parts.append(
                _("{field} was {value}").format(field=name, value=value_words(field, old, names))
            )
        else:
            parts.append(
                _("{field}: {before} → {after}").format(
                    field=name,
                    before=value_words(field, old, names),
                    after=value_words(field, new, names),
                )
            )
    if line.record.get("reason"):
        parts.append(_("reason: {reason}").format(reason=line.record["reason"]))
    return pgettext("list", "; ").join(parts)


def _setting_row_changes(key: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A `setting` row's change as the database's trigger records it (the JSON text before
    and after, docs/team-mode.md), as the settings that changed: {"weights.fill": [20, 25]}."""
    old_text, new_text = (list(fields["value"]) + [None, None])[:2]

    def flat(text: Any) -> dict[str, Any]:
        try:
            value = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return {key: text}
        if not isinstance(value, dict):
            return {} if value is None else {key: value}
        out: dict[str, Any] = {}
        for name, inner in value.items():
            if isinstance(inner, dict):
                out.update({f"{name}.{k}": v for k, v in inner.items()})
            else:
                out[name] = inner
        return out

    old, new = flat(old_text), flat(new_text)
    return {
        name: [old.get(name), new.get(name)]
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    }


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
            return _(_COLUMNS[section])
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
                return what_words(line.entity, line.key)
            if column == 3:
                return action_words(line.action)
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
        top.addWidget(QLabel(_("Show:")))
        self.entity_filter = QComboBox(self)
        for key, words in _ENTITIES:
            self.entity_filter.addItem(_(words), key)
        self.entity_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.entity_filter)
        # Translators: the audit trail's filter by the person who made the change.
        top.addWidget(QLabel(_("Person:")))
        self.person_filter = QComboBox(self)
        self.person_filter.addItem(_("Everyone"), "")
        self.person_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.person_filter)
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
        self._fill_people()
        who = str(self.person_filter.currentData() or "")
        rows = latest_entries(self.workspace.engine, LATEST, entity=entity, who=who)
        self.model.set_rows(rows, reference_names(self.workspace.engine, rows))
        n = len(rows)
        if n == LATEST:
            words = ngettext(
                "the latest {n} change, newest first", "the latest {n} changes, newest first", n
            )
        else:
            words = ngettext("{n} change, newest first", "{n} changes, newest first", n)
        self.count_label.setText(words.format(n=f"{n:,}"))
        self.table.resizeColumnsToContents()
        for column in (2, 4):
            if self.table.columnWidth(column) > 420:
                self.table.setColumnWidth(column, 420)

    def _fill_people(self) -> None:
        """Everyone the trail names; the person chosen stays chosen."""
        chosen = str(self.person_filter.currentData() or "")
        names = people(self.workspace.engine)
        if chosen and chosen not in names:
            names.append(chosen)
        self.person_filter.blockSignals(True)
        try:
            while self.person_filter.count() > 1:
                self.person_filter.removeItem(1)
            for name in names:
                self.person_filter.addItem(name, name)
            self.person_filter.setCurrentIndex(max(0, self.person_filter.findData(chosen)))
        finally:
            self.person_filter.blockSignals(False)
