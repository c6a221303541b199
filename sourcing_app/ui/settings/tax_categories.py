"""The tax categories of the Settings screen: an editable table whose edits wait for Save."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from sourcing_app.i18n import N_, _
from sourcing_app.services.editing import EditingService, Saved
from sourcing_app.services.entities import ENTITIES

ModelIndex = QModelIndex | QPersistentModelIndex

HUNDRED = Decimal(100)


def _percent(value: Decimal) -> str:
    return f"{(value * HUNDRED).normalize():f}%"


TAX_COLUMNS = (
    ("name", N_("Name")),
    ("tariff", N_("Tariff")),
    ("consumption_tax", N_("Consumption tax")),
    ("vat", N_("VAT")),
    ("postal_rate", N_("Postal-article tax")),
)


class TaxCategoryTableModel(QAbstractTableModel):
    """Tax categories with their rates as percentages; edits wait for Save.

    Each row is checked by the editing service's rules (the importer's), and a
    bad cell is tinted with the reason as its tooltip.
    """

    problems_changed = Signal()

    def __init__(self, service: EditingService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.rows: list[dict[str, Any]] = []
        self.dirty: set[int] = set()
        self.problems: dict[int, dict[str, str]] = {}
        self.load()

    def load(self) -> None:
        self.beginResetModel()
        self.rows = [
            self.service.load("tax_category", tax_id)
            for tax_id, _name in self.service.choices("tax_category")
        ]
        self.dirty.clear()
        self.problems.clear()
        self.endResetModel()
        self.problems_changed.emit()

    def add_row(self) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(
            {
                "id": None,
                "version": None,
                "name": "",
                "tariff": Decimal(0),
                "consumption_tax": Decimal(0),
                "vat": Decimal("0.13"),
                "postal_rate": Decimal("0.13"),
            }
        )
        self.endInsertRows()
        self.dirty.add(row)
        self._check(row)
        return row

    # --- Qt model --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TAX_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(TAX_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(TAX_COLUMNS[section][1])
        if role == Qt.ItemDataRole.ToolTipRole and section:
            return _("Type a percentage, e.g. 13 for 13%")
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        values = self.rows[index.row()]
        name = TAX_COLUMNS[index.column()][0]
        value = values[name]
        problem = self.problems.get(index.row(), {}).get(name)
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "name" or not isinstance(value, Decimal):
                return str(value)
            return _percent(value)
        if role == Qt.ItemDataRole.EditRole:
            if name == "name" or not isinstance(value, Decimal):
                return str(value)
            return f"{(value * HUNDRED).normalize():f}"
        if role == Qt.ItemDataRole.TextAlignmentRole and name != "name":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and problem:
            return problem
        if role == Qt.ItemDataRole.BackgroundRole and problem:
            return QBrush(QColor("#fde0e0"))
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row = index.row()
        name = TAX_COLUMNS[index.column()][0]
        text = str(value).strip()
        if name == "name":
            self.rows[row][name] = text
        else:
            # Typed as a percentage; kept as text when it is not a number, so the
            # reason shows on the cell instead of the edit vanishing.
            try:
                self.rows[row][name] = Decimal(text.rstrip("% ")) / HUNDRED
            except InvalidOperation:
                self.rows[row][name] = text
        self.dirty.add(row)
        self._check(row)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(TAX_COLUMNS) - 1))
        return True

    # --- checking and saving --------------------------------------------------------------

    def _check(self, row: int) -> None:
        values = self.rows[row]
        problems = self.service.check(
            "tax_category",
            {k: values[k] for k in ENTITIES["tax_category"].names},
            entity_id=values["id"],
        )
        for other, other_values in enumerate(self.rows):  # two new rows with one name
            if other != row and other_values["name"] and other_values["name"] == values["name"]:
                problems.setdefault("name", _("another row of this table has this name"))
        if problems:
            self.problems[row] = problems
        else:
            self.problems.pop(row, None)
        self.problems_changed.emit()

    def problem_words(self) -> list[str]:
        words = []
        for row, problems in sorted(self.problems.items()):
            name = self.rows[row]["name"] or _("new row {n}").format(n=row + 1)
            for field, reason in problems.items():
                label = _(dict(TAX_COLUMNS)[field]).lower()
                words.append(
                    _("tax category {name}, {field}: {reason}").format(
                        name=name, field=label, reason=reason
                    )
                )
        return words

    def save(self, saved: list[Saved]) -> None:
        """Save the changed rows, each as it comes, into `saved`: those before a refusal stay."""
        for row in sorted(self.dirty):
            values = self.rows[row]
            fields = {k: values[k] for k in ENTITIES["tax_category"].names}
            if values["id"] is None:
                saved.append(self.service.create("tax_category", fields))
            else:
                saved.append(
                    self.service.edit("tax_category", values["id"], values["version"], fields)
                )
