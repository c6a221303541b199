"""Table models of the Purchases screen: purchase lines a page at a time, one line's deliveries.

The lines page through `PurchaseList` (LIMIT queries, keyset paging), so a
million lines open as fast as a hundred; the view asks for the next page as the
buyer scrolls (canFetchMore/fetchMore). Sorting re-queries in SQL
(docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from sourcing_app.domain.formatting import NO_VALUE, cell_day, days, money, percent, units
from sourcing_app.i18n import NP_, _, pgettext
from sourcing_app.services.purchase_list import (
    SORT_KEYS,
    DeliveryRow,
    PurchaseFilter,
    PurchaseList,
    PurchaseRow,
)
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.widgets.record_table_model import RecordColumn

ModelIndex = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def show_date(value: dt.date | None) -> str:
    return "" if value is None else cell_day(value)


def event_day(line: PurchaseRow, as_of: dt.date) -> dt.date:
    """The date a new delivery or return of `line` is offered: the evaluation date,
    but never before the line was ordered nor after today."""
    return min(dt.date.today(), max(line.order_date, as_of))


def show_money(currency: str, amount: Decimal) -> str:
    return money(amount, currency)


# (header, the row's field it sorts by or ""); headers translated where shown.
LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    # Translators: the purchase line's reference (a PO number), as a column header.
    (NP_("purchases column", "Line"), "line_ref"),
    (NP_("purchases column", "Supplier"), ""),
    (NP_("purchases column", "Brand"), ""),
    ("SKU", ""),
    (NP_("purchases column", "Ordered on"), "order_date"),
    (NP_("purchases column", "Promised"), "promised_date"),
    # Translators: a column header: the quantity ordered.
    (NP_("purchases column", "Ordered"), "ordered_qty"),
    (NP_("purchases column", "Unit price"), ""),
    (NP_("purchases column", "Rate to home"), ""),
    (NP_("purchases column", "Regime"), ""),
    # Translators: a column header: the quantity delivered.
    (NP_("purchases column", "Delivered"), ""),
    # Translators: a column header: the quantity accepted (delivered less rejected).
    (NP_("purchases column", "Accepted"), ""),
    (NP_("purchases column", "Status"), ""),
)
# Text columns that give way when the lines are wider than the view: the brand, the
# SKU and the status (each also in full in its tooltip).
NARROWED = (2, 3, 12)


def column_title(section: int) -> str:
    """A line column's header in the current language."""
    header = LINE_COLUMNS[section][0]
    return header if header == "SKU" else pgettext("purchases column", header)


# The regime in a narrow column: its short name (Regime.label is the whole one).
_REGIMES = {
    "cbec": NP_("regime, short", "CBEC"),
    "general": NP_("regime, short", "General trade"),
    "postal": NP_("regime, short", "Postal"),
}


def regime_words(code: str) -> str:
    short = _REGIMES.get(code)
    return code if short is None else pgettext("regime, short", short)


class PurchaseTableModel(QAbstractTableModel):
    """Purchase lines, fetched a page at a time in the order SQL sorts them."""

    loaded = Signal(int)  # the number of lines matching the filter
    loading = Signal()  # a slow query started off the UI thread
    failed = Signal(str)  # a query failed, in words

    def __init__(self, purchases: PurchaseList, parent: Any = None) -> None:
        super().__init__(parent)
        self.purchases = purchases
        self.rows: list[PurchaseRow] = []
        self.total = 0
        self.where = PurchaseFilter()
        # Latest line references first: PO numbers rise with time, and the
        # unique index makes this order instant on a million lines, where
        # sorting by order date needs a scan of every line (about 0.6 s).
        self.sort_key = "line_ref"
        self.descending = True
        self.as_of = dt.date.today()
        self.grace_days = 2
        self.home_currency = "CNY"
        self.generation = 0  # bumped by each reload; late answers to older ones are dropped
        self.fetching = False
        self.runner: BackgroundRunner | None = None

    def use_background(self, runner: BackgroundRunner) -> None:
        """Run slow queries on `runner`'s threads (the screen does; tests of the model may not)."""
        self.runner = runner
        runner.succeeded.connect(self._arrived)
        runner.failed.connect(self._failed)

    # --- loading -------------------------------------------------------------------

    def set_filter(self, where: PurchaseFilter) -> None:
        self.where = where
        self.reload()

    def slow(self) -> bool:
        """Whether the query must scan every line, no index serving it (0.2-0.7 s on a
        million lines): such queries run off the UI thread when a runner is set."""
        w = self.where
        narrowed = (
            w.supplier_id is not None
            or w.brand_id is not None
            or w.line_id is not None
            or bool(w.line_ref_prefix.strip())
        )
        dated = w.ordered_from is not None or w.ordered_to is not None
        return not narrowed and (self.sort_key != "line_ref" or dated)

    def reload(self) -> None:
        self.generation += 1
        generation, where, sort, descending = (
            self.generation,
            self.where,
            self.sort_key,
            self.descending,
        )

        def read() -> tuple[str, int, int, list[PurchaseRow]]:
            total = self.purchases.count(where)
            return (
                "first",
                generation,
                total,
                self.purchases.page(where, sort=sort, descending=descending),
            )

        if self.runner is None or not self.slow():
            self._arrived(0, read())
            return
        self.fetching = True
        self.loading.emit()
        self.runner.start(read)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total and not self.fetching

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.rows or self.fetching:
            return
        generation, where, sort, descending, after = (
            self.generation,
            self.where,
            self.sort_key,
            self.descending,
            self.rows[-1],
        )

        def read() -> tuple[str, int, int, list[PurchaseRow]]:
            return (
                "more",
                generation,
                0,
                self.purchases.page(where, sort=sort, descending=descending, after=after),
            )

        if self.runner is None or not self.slow():
            self._arrived(0, read())
            return
        self.fetching = True
        self.runner.start(read)

    def _arrived(self, _job: int, result: object) -> None:
        kind, generation, total, rows = result  # type: ignore[misc]
        if generation != self.generation:
            return  # the filter or order changed while this was being read
        self.fetching = False
        if kind == "first":
            self.beginResetModel()
            self.total = total
            self.rows = rows
            self.endResetModel()
            self.loaded.emit(self.total)
            return
        if not rows:
            self.total = len(self.rows)  # lines removed since the count
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def _failed(self, _job: int, error: object) -> None:
        self.fetching = False
        self.failed.emit(str(error) or type(error).__name__)

    def refresh_line(self, line_id: int) -> None:
        """One line re-read after an edit or a delivery: one ranged dataChanged."""
        for row, line in enumerate(self.rows):
            if line.id == line_id:
                fresh = self.purchases.line(line_id)
                if fresh is not None:
                    self.rows[row] = fresh
                    self.dataChanged.emit(
                        self.index(row, 0), self.index(row, len(LINE_COLUMNS) - 1)
                    )
                return

    def row_of(self, line_id: int) -> int:
        return next((i for i, line in enumerate(self.rows) if line.id == line_id), -1)

    # --- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LINE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(LINE_COLUMNS):
            return None
        key = LINE_COLUMNS[section][1]
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 8:
                return _("Rate to {currency}").format(currency=self.home_currency)
            return column_title(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 8:
                return _("The exchange rate frozen on the line when it was ordered")
            if not key:
                return _("This column does not sort")
            return _("Sort by {column}").format(column=column_title(section).lower())
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        line = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (6, 7, 8, 10, 11):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return _("{name} ({code})").format(name=line.supplier_name, code=line.supplier_code)
            if column == 12 and line.last_delivered is not None:
                return _("{status} (last delivery {day})").format(
                    status=self._text(line, column), day=show_date(line.last_delivered)
                )
            if column in NARROWED:  # the whole text where the column is too narrow for it
                return self._text(line, column)
        if role == Qt.ItemDataRole.UserRole:
            return line.id
        return None

    def _text(self, line: PurchaseRow, column: int) -> str:
        if column == 0:
            return line.line_ref
        if column == 1:
            return line.supplier_code
        if column == 2:
            return line.brand
        if column == 3:
            return line.sku
        if column == 4:
            return show_date(line.order_date)
        if column == 5:
            return show_date(line.promised_date)
        if column == 6:
            return units(line.ordered_qty)
        if column == 7:
            return show_money(line.currency, line.unit_price)
        if column == 8:
            if line.currency == self.home_currency:
                return NO_VALUE  # bought in the home currency: no rate to read ("1 per CNY")
            # "7.5 per EUR"
            return _("{rate} per {currency}").format(
                rate=f"{line.fx_rate.normalize():f}", currency=line.currency
            )
        if column == 9:
            return regime_words(line.regime)
        if column == 10:
            return units(line.delivered_qty) if line.deliveries else NO_VALUE
        if column == 11:
            if not line.deliveries or not line.ordered_qty:
                return NO_VALUE
            share = min(line.accepted_qty, line.ordered_qty) / line.ordered_qty
            return _("{quantity} ({share})").format(
                quantity=f"{line.accepted_qty:,}", share=percent(share, 0)
            )
        if column == 12:
            return line.status(self.as_of, self.grace_days)  # in words, translated
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(LINE_COLUMNS):
            return
        key = LINE_COLUMNS[column][1]
        if not key or key not in SORT_KEYS:
            return  # joined columns would need a scan of every line; not offered
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return  # already in this order (or not loaded yet: the first load will be)
        self.sort_key = key
        self.descending = descending
        self.reload()


def delivery_columns() -> list[RecordColumn[DeliveryRow]]:
    """The deliveries of one purchase line, in the shared record model (built per screen)."""

    def heading(title: str) -> str:
        return pgettext("purchases column", title)

    return [
        RecordColumn(
            heading("Delivered on"),
            lambda d: show_date(d.delivered_date),
            lambda d: d.delivered_date,
        ),
        RecordColumn(
            heading("Delivered"), lambda d: units(d.delivered_qty), lambda d: d.delivered_qty, True
        ),
        # Translators: a column header: the quantity rejected at delivery.
        RecordColumn(
            heading("Rejected"), lambda d: units(d.rejected_qty), lambda d: d.rejected_qty, True
        ),
        RecordColumn(
            heading("Accepted"),
            lambda d: units(d.delivered_qty - d.rejected_qty),
            lambda d: d.delivered_qty - d.rejected_qty,
            True,
        ),
        RecordColumn(
            heading("Lead time"), lambda d: days(d.lead_days), lambda d: d.lead_days, True
        ),
        # Translators: a column header: the days customs clearance took.
        RecordColumn(
            heading("Clearance"),
            lambda d: days(d.clearance_days),
            lambda d: (d.clearance_days is None, d.clearance_days or 0),
            True,
        ),
    ]


# The headers above, for the catalog (heading() translates them with their context).
_DELIVERY_HEADINGS = (
    NP_("purchases column", "Delivered on"),
    NP_("purchases column", "Delivered"),
    NP_("purchases column", "Rejected"),
    NP_("purchases column", "Accepted"),
    NP_("purchases column", "Lead time"),
    NP_("purchases column", "Clearance"),
)
