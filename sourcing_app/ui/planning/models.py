"""Table models of the Planning screen: brands, one brand's allocation, scenarios side by side.

Each is a QAbstractTableModel over its own list, sorting in that list
(docs/architecture.md); they are small (a row per brand or per channel), and
every number is shown with its unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sourcing_app.domain.allocation import AllocationLine, BrandAllocation, LineStatus
from sourcing_app.domain.flags import FLAG_LABELS
from sourcing_app.domain.formatting import NO_VALUE, money, percent, units
from sourcing_app.services.brand_overview import BrandOverview
from sourcing_app.services.scenarios import ScenarioResult

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
BRAND_ID_ROLE = Qt.ItemDataRole.UserRole + 2
AnyIndex = QModelIndex | QPersistentModelIndex

LOSS = QColor("#b3261e")
MUTED = QColor("#6b6b6b")
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class _ListModel(QAbstractTableModel):
    """Rows of one kind of record; columns are (header, text, sort key, numeric)."""

    columns: Sequence[tuple[str, Callable[[Any], str], Callable[[Any], Any], bool]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def row(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][0]
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        _header, show, key, numeric = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return show(record)
        if role == SORT_ROLE:
            return key(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
            return RIGHT
        return self.extra_data(record, index.column(), role)

    def extra_data(self, record: Any, column: int, role: int) -> Any:
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        key = self.columns[column][2]
        present = [r for r in self._rows if key(r) is not None]
        missing = [r for r in self._rows if key(r) is None]
        present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = present + missing  # no value last, whichever way


class BrandRow:
    """One brand's line in the brand list: its plan and its figures."""

    __slots__ = ("plan", "overview", "currency")

    def __init__(self, plan: BrandAllocation, overview: BrandOverview | None, currency: str):
        self.plan = plan
        self.overview = overview
        self.currency = currency

    @property
    def flags_text(self) -> str:
        if self.overview is None:
            return ""
        return ", ".join(FLAG_LABELS.get(f.code, f.code.value) for f in self.overview.flags)


class BrandPlanModel(_ListModel):
    """Every brand: demand, planned coverage, vertical share, concentration, margin, flags."""

    columns = (
        ("Brand", lambda r: r.plan.brand + ("  ★" if r.plan.hot_selling else ""),
         lambda r: r.plan.brand.casefold(), False),
        ("Demand", lambda r: units(r.plan.demand), lambda r: r.plan.demand, True),
        ("Coverage", lambda r: percent(r.plan.coverage), lambda r: r.plan.coverage, True),
        ("Uncovered", lambda r: units(r.plan.uncovered), lambda r: r.plan.uncovered, True),
        ("Vertical", lambda r: percent(r.plan.vertical_share),
         lambda r: r.plan.vertical_share, True),
        ("HHI", lambda r: NO_VALUE if r.plan.hhi is None else f"{r.plan.hhi:.2f}",
         lambda r: r.plan.hhi, True),
        ("Expected margin / month", lambda r: money(r.plan.expected_margin, r.currency),
         lambda r: float(r.plan.expected_margin), True),
        ("Flags", lambda r: r.flags_text, lambda r: r.flags_text, False),
    )  # fmt: skip

    def extra_data(self, record: BrandRow, column: int, role: int) -> Any:
        if role == BRAND_ID_ROLE:
            return record.plan.brand_id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3 and record.plan.uncovered:
                return QBrush(LOSS)
            if column == 6 and record.plan.expected_margin < 0:
                return QBrush(LOSS)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = [record.plan.shortfall, record.plan.floor_words]
            if record.overview is not None:
                tips += [f.message for f in record.overview.flags]
            if record.plan.hot_selling:
                tips.insert(0, "Hot-selling: planned before the other brands")
            return "\n".join(t for t in tips if t) or None
        return None

    def row_of_brand(self, brand_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.plan.brand_id == brand_id:
                return i
        return -1


# The reason's "(CNY 50.00 a unit × 90% expected fill)": the table has columns for both.
_UNIT_WORDS = re.compile(r" \([A-Z]{3} [^()]* expected fill\)")


def short_reason(reason: str) -> str:
    return _UNIT_WORDS.sub("", reason)


class LineRow:
    __slots__ = ("line", "currency", "side")

    def __init__(self, line: AllocationLine, currency: str, side: str = "") -> None:
        self.line = line
        self.currency = currency
        self.side = side  # "", or "Before"/"After" when a scenario is shown


def _fill(row: LineRow) -> str:
    return percent(row.line.expected_fill, 0)


class AllocationLinesModel(_ListModel):
    """One brand's channels: what each got and why."""

    columns = (
        ("Supplier", lambda r: f"{r.line.supplier_code}  {r.line.supplier_name}",
         lambda r: r.line.supplier_code, False),
        ("Channel", lambda r: "vertical" if r.line.vertical else "composite",
         lambda r: r.line.vertical, False),
        ("Standing", lambda r: r.line.standing.value, lambda r: r.line.standing.value, False),
        ("Units", lambda r: units(r.line.units), lambda r: r.line.units, True),
        ("Unit margin", lambda r: money(r.line.unit_margin, r.currency),
         lambda r: None if r.line.unit_margin is None else float(r.line.unit_margin), True),
        ("Exp. fill", _fill, lambda r: r.line.expected_fill, True),
        ("Margin / month", lambda r: money(r.line.expected_margin, r.currency),
         lambda r: float(r.line.expected_margin), True),
        ("Why", lambda r: short_reason(r.line.reason), lambda r: r.line.reason, False),
    )  # fmt: skip

    def extra_data(self, record: LineRow, column: int, role: int) -> Any:
        line = record.line
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.status is LineStatus.EXCLUDED:
                return QBrush(MUTED)
            if column in (4, 6) and line.unit_margin is not None and line.unit_margin < 0:
                return QBrush(LOSS)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{line.supplier_code} {line.supplier_name}: {line.reason}"
        return None


class ComparisonRow:
    __slots__ = ("brand", "demand", "cells")

    def __init__(self, brand: str, demand: int, cells: list[BrandAllocation]) -> None:
        self.brand = brand
        self.demand = demand
        self.cells = cells  # baseline first, then each scenario's plan of the brand


class ScenarioComparisonModel(_ListModel):
    """Per brand: expected margin and coverage today and under each scenario run."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.currency = "CNY"
        self.columns = self._columns(["Today"])

    def set_results(self, results: Sequence[ScenarioResult]) -> None:
        self.beginResetModel()
        if results:
            self.currency = results[0].currency
            base = results[0]
            names = ["Today"] + [r.scenario.name for r in results]
            self._rows = [
                ComparisonRow(
                    change.brand,
                    change.before.demand,
                    [change.before] + [r.brands[i].after for r in results],
                )
                for i, change in enumerate(base.brands)
            ]
        else:
            names = ["Today"]
            self._rows = []
        self.columns = self._columns(names)
        self._sort = None
        self.endResetModel()

    def _columns(self, names: list[str]) -> list[tuple[str, Any, Any, bool]]:
        cols: list[tuple[str, Any, Any, bool]] = [
            ("Brand", lambda r: r.brand, lambda r: r.brand.casefold(), False),
            ("Demand", lambda r: units(r.demand), lambda r: r.demand, True),
        ]
        for k, name in enumerate(names):
            cols.append(
                (
                    f"{name}\nmargin / month",  # two lines: six columns fit at 1600 px
                    lambda r, k=k: money(r.cells[k].expected_margin, self.currency),
                    lambda r, k=k: float(r.cells[k].expected_margin),
                    True,
                )
            )
            cols.append(
                (
                    f"{name}\ncoverage",
                    lambda r, k=k: percent(r.cells[k].coverage),
                    lambda r, k=k: r.cells[k].coverage,
                    True,
                )
            )
        return cols

    def extra_data(self, record: ComparisonRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column >= 4:
            k = (column - 2) // 2
            cell, base = record.cells[k], record.cells[0]
            worse = (
                cell.expected_margin < base.expected_margin
                if column % 2 == 0
                else cell.allocated < base.allocated
            )
            if worse:
                return QBrush(LOSS)
        if role == Qt.ItemDataRole.ToolTipRole and column >= 2:
            return record.cells[(column - 2) // 2].shortfall or None
        return None
