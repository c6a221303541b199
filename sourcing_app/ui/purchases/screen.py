"""Purchases and deliveries: record and edit them, a page of lines at a time.

The lines table pages through `PurchaseList` (LIMIT queries, keyset paging),
so a million lines open as fast as a hundred; the view asks for the next page
as the buyer scrolls (canFetchMore/fetchMore). Sorting re-queries in SQL.
Recording a line with a Watch or Avoid supplier follows docs/standings-and-flags.md
through `EditDialog`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.formatting import day
from sourcing_app.services.editing import Saved
from sourcing_app.services.purchase_list import (
    SORT_KEYS,
    DeliveryRow,
    PurchaseFilter,
    PurchaseList,
    PurchaseRow,
)
from sourcing_app.services.settings import load_settings
from sourcing_app.ui.dialogs.edit_dialogs import WARNING_STYLE, EditDialog
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.forms import DATE_FORMAT, fill_combo, pydate, qdate

ModelIndex = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def show_date(value: dt.date | None) -> str:
    return "" if value is None else day(value)


def show_money(currency: str, amount: Decimal) -> str:
    return f"{currency} {amount:,.2f}"


# (header, the row's field it sorts by or "")
_LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Line", "line_ref"),
    ("Supplier", ""),
    ("Brand", ""),
    ("SKU", ""),
    ("Ordered on", "order_date"),
    ("Promised", "promised_date"),
    ("Ordered", "ordered_qty"),
    ("Unit price", ""),
    ("Rate to home", ""),
    ("Regime", ""),
    ("Delivered", ""),
    ("Accepted", ""),
    ("Status", ""),
)
_REGIMES = {"cbec": "CBEC", "general": "General trade", "postal": "Postal"}


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
                        self.index(row, 0), self.index(row, len(_LINE_COLUMNS) - 1)
                    )
                return

    def row_of(self, line_id: int) -> int:
        return next((i for i, line in enumerate(self.rows) if line.id == line_id), -1)

    # --- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_LINE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(_LINE_COLUMNS):
            return None
        header, key = _LINE_COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Rate to {self.home_currency}" if section == 8 else header
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 8:
                return "The exchange rate frozen on the line when it was ordered"
            return f"Sort by {header.lower()}" if key else "This column does not sort"
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
                return f"{line.supplier_name} ({line.supplier_code})"
            if column == 12 and line.last_delivered is not None:
                return f"Last delivery {show_date(line.last_delivered)}"
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
            return f"{line.ordered_qty:,} units"
        if column == 7:
            return show_money(line.currency, line.unit_price)
        if column == 8:
            return f"{line.fx_rate.normalize():f} per {line.currency}"  # "7.5 per EUR"
        if column == 9:
            return _REGIMES.get(line.regime, line.regime)
        if column == 10:
            return f"{line.delivered_qty:,} units" if line.deliveries else "—"
        if column == 11:
            if not line.deliveries or not line.ordered_qty:
                return "—"
            share = min(line.accepted_qty, line.ordered_qty) / line.ordered_qty
            return f"{line.accepted_qty:,} ({share:.0%})"
        if column == 12:
            return line.status(self.as_of, self.grace_days)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(_LINE_COLUMNS):
            return
        key = _LINE_COLUMNS[column][1]
        if not key or key not in SORT_KEYS:
            return  # joined columns would need a scan of every line; not offered
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return  # already in this order (or not loaded yet: the first load will be)
        self.sort_key = key
        self.descending = descending
        self.reload()


_DELIVERY_COLUMNS = ("Delivered on", "Delivered", "Rejected", "Accepted", "Lead time", "Clearance")


class DeliveryTableModel(QAbstractTableModel):
    """The deliveries of one purchase line."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[DeliveryRow] = []

    def set_rows(self, rows: list[DeliveryRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_DELIVERY_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(_DELIVERY_COLUMNS)
        ):
            return _DELIVERY_COLUMNS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        d = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                show_date(d.delivered_date),
                f"{d.delivered_qty:,} units",
                f"{d.rejected_qty:,} units",
                f"{d.delivered_qty - d.rejected_qty:,} units",
                f"{d.lead_days} days",
                "—" if d.clearance_days is None else f"{d.clearance_days} days",
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        return None


class _OptionalDate(QWidget):
    """A date filter that may be off ("any")."""

    changed = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(label, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(DATE_FORMAT)
        self.edit.setEnabled(False)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.enabled.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> dt.date | None:
        return pydate(self.edit.date()) if self.enabled.isChecked() else None

    def set_value(self, value: dt.date | None) -> None:
        if value is not None:
            self.edit.setDate(qdate(value))
        self.enabled.setChecked(value is not None)


class PurchasesScreen(QWidget):
    """Purchase lines with their deliveries; record and edit both.

    Actions (also for the main window's menu): `record_purchase_action`
    (Ctrl+Shift+P), `edit_line_action` (Return), `record_delivery_action`
    (Ctrl+D) and `edit_delivery_action` (Ctrl+Shift+D).
    """

    line_selected = Signal(int)  # purchase line id

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.session = EditSession.of(workspace)
        self.purchases = PurchaseList(workspace.engine)
        self.model = PurchaseTableModel(self.purchases, self)
        self.runner = BackgroundRunner(self)
        self.model.use_background(self.runner)
        self.delivery_model = DeliveryTableModel(self)
        self.open_dialog: EditDialog | None = None
        self._choice_values: dict[QComboBox, list[int | None]] = {}

        self._filter_timer = QTimer(self)  # typing in a filter waits for a pause
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(250)
        self._filter_timer.timeout.connect(self.apply_filter)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addLayout(self._buttons())
        self.notice = QLabel(self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(WARNING_STYLE)
        self.notice.setVisible(False)
        layout.addWidget(self.notice)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.table = self._table(self.model, splitter)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_moved)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        self.delivery_heading = QLabel("Select a line to see its deliveries.", lower)
        self.delivery_heading.setStyleSheet("font-weight: 600;")
        lower_layout.addWidget(self.delivery_heading)
        self.delivery_table = self._table(self.delivery_model, lower)
        lower_layout.addWidget(self.delivery_table)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        layout.addWidget(splitter, 1)

        self.table.selectionModel().currentRowChanged.connect(self._line_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_line())
        self.delivery_table.doubleClicked.connect(lambda _i: self.edit_delivery())
        self.delivery_table.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_actions()
        )
        self.model.loaded.connect(self._show_count)
        self.model.loaded.connect(lambda _total: self._after_load())
        self.model.loading.connect(lambda: self.count_label.setText("Reading purchase lines…"))
        self.model.failed.connect(
            lambda reason: self.count_label.setText(f"The lines could not be read: {reason}")
        )
        self._keep_line: int | None = None
        self.session.saved.connect(self._after_save)
        workspace.data_changed.connect(self._data_changed)
        workspace.scores_changed.connect(self._scores_changed)
        self.model.as_of = workspace.as_of
        # Off until ticked; when ticked, the last quarter is the usual question.
        for dates, start in (
            (self.from_filter, workspace.as_of - dt.timedelta(days=90)),
            (self.to_filter, workspace.as_of),
        ):
            with QSignalBlocker(dates.edit):
                dates.edit.setDate(qdate(start))
        self.model.home_currency = self.session.service.home_currency()
        self.model.grace_days = load_settings(workspace.engine).grace_days
        workspace.settings_changed.connect(self._settings_changed)
        # Nothing is read until the screen is first shown (or asked for something):
        # a window that builds every screen at start-up should not wait for this one.
        self.loaded = False

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        self._fill_choices()
        self.apply_filter()

    def _fill_choices(self) -> None:
        service = self.session.service
        for combo, everything, entity in (
            (self.supplier_filter, "All suppliers", "supplier"),
            (self.brand_filter, "All brands", "brand"),
        ):
            keep = self._picked(combo) if combo.count() else None
            with QSignalBlocker(combo):
                combo.clear()
                values = fill_combo(combo, [(None, everything), *service.choices(entity)])
                self._choice_values[combo] = values
                combo.setCurrentIndex(values.index(keep) if keep in values else 0)

    # --- building ------------------------------------------------------------------------

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.supplier_filter = self._choice("All suppliers")
        self.brand_filter = self._choice("All brands")
        self.from_filter = _OptionalDate("Ordered from", self)
        self.to_filter = _OptionalDate("to", self)
        self.ref_filter = QLineEdit(self)
        self.ref_filter.setPlaceholderText("Line reference starts with…")
        self.ref_filter.setClearButtonEnabled(True)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("count")
        for widget in (self.supplier_filter, self.brand_filter):
            widget.currentIndexChanged.connect(lambda _i: self._filter_timer.start())
        for dates in (self.from_filter, self.to_filter):
            dates.changed.connect(self._filter_timer.start)
        self.ref_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        row.addWidget(QLabel("Supplier:"))
        row.addWidget(self.supplier_filter, 2)
        row.addWidget(QLabel("Brand:"))
        row.addWidget(self.brand_filter, 1)
        row.addWidget(self.from_filter)
        row.addWidget(self.to_filter)
        row.addWidget(self.ref_filter, 1)
        row.addWidget(self.count_label)
        return row

    def _choice(self, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setEditable(True)  # before the items: made editable after, 10,000 cost 90 ms more
        self._choice_values[combo] = fill_combo(combo, [(None, everything)])
        completer = combo.completer()
        if completer is not None:
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setMinimumContentsLength(18)
        # Sized by that length, not by measuring 10,000 supplier names on first show.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.record_purchase_action = self._action(
            "Record purchase…", "Ctrl+Shift+P", self.record_purchase
        )
        self.edit_line_action = self._action("Edit line…", "Return", self.edit_line)
        self.record_delivery_action = self._action(
            "Record delivery…", "Ctrl+D", self.record_delivery
        )
        self.edit_delivery_action = self._action(
            "Edit delivery…", "Ctrl+Shift+D", self.edit_delivery
        )
        for action in (
            self.record_purchase_action,
            self.edit_line_action,
            self.record_delivery_action,
            self.edit_delivery_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _action(self, text: str, keys: str, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text.rstrip('…')} ({QKeySequence(keys).toString()})")
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _table(self, model: QAbstractTableModel, parent: QWidget) -> QTableView:
        table = QTableView(parent)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # Column widths from the first rows only: measuring every loaded row took 0.7 s.
        header.setResizeContentsPrecision(40)
        return table

    def _sort_indicator_moved(self, column: int, _order: Qt.SortOrder) -> None:
        if not _LINE_COLUMNS[column][1]:  # not sortable: point back at the real order
            sorted_by = next(i for i, c in enumerate(_LINE_COLUMNS) if c[1] == self.model.sort_key)
            order = Qt.SortOrder.AscendingOrder
            if self.model.descending:
                order = Qt.SortOrder.DescendingOrder
            header = self.table.horizontalHeader()
            with QSignalBlocker(header):
                header.setSortIndicator(sorted_by, order)

    # --- filtering -----------------------------------------------------------------------

    def current_filter(self) -> PurchaseFilter:
        return PurchaseFilter(
            supplier_id=self._picked(self.supplier_filter),
            brand_id=self._picked(self.brand_filter),
            ordered_from=self.from_filter.value(),
            ordered_to=self.to_filter.value(),
            line_ref_prefix=self.ref_filter.text().strip(),
        )

    def _picked(self, combo: QComboBox) -> int | None:
        index = combo.currentIndex()
        if index < 0 or combo.currentText() != combo.itemText(index):
            return None
        value = self._choice_values[combo][index]
        return None if value is None else int(value)

    def apply_filter(self) -> None:
        if not self.loaded:
            self.ensure_loaded()  # which applies the filter
            return
        self._filter_timer.stop()
        self._keep_line = None
        self.model.set_filter(self.current_filter())

    def _after_load(self) -> None:
        """Lines arrived (at once, or from the background): size, then select."""
        self._size_columns()
        row = self.model.row_of(self._keep_line) if self._keep_line is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        elif self.model.rows:
            self.table.selectRow(0)
        else:
            self._line_changed(QModelIndex(), QModelIndex())

    def show_supplier(self, supplier_id: int) -> None:
        """Only this supplier's lines (e.g. from the supplier screen)."""
        self.ensure_loaded()
        values = self._choice_values[self.supplier_filter]
        index = values.index(supplier_id) if supplier_id in values else -1
        if index >= 0:
            self.supplier_filter.setCurrentIndex(index)
            self.apply_filter()

    def _show_count(self, total: int) -> None:
        shown = "line" if total == 1 else "lines"
        self.count_label.setText(f"{total:,} purchase {shown}")

    # The widest text each column can hold, so later pages never clip it.
    _WIDEST = {
        6: "99,999 units",
        7: "KRW 999,999.00",
        8: "0.00519226 per KRW",
        10: "99,999 units",
        11: "99,999 (100%)",
        12: "Late: nothing delivered",
    }

    def _size_columns(self) -> None:
        if self.model.rows and not getattr(self, "_sized", False):
            self.table.resizeColumnsToContents()
            metrics = self.table.fontMetrics()
            for column, widest in self._WIDEST.items():
                wanted = metrics.horizontalAdvance(widest) + 16
                if self.table.columnWidth(column) < wanted:
                    self.table.setColumnWidth(column, wanted)
            self._sized = True

    # --- selection -----------------------------------------------------------------------

    def current_line(self) -> PurchaseRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= len(self.model.rows):
            return None
        return self.model.rows[index.row()]

    def current_delivery(self) -> DeliveryRow | None:
        index = self.delivery_table.currentIndex()
        rows = self.delivery_model.rows
        if not index.isValid() or index.row() >= len(rows):
            return None
        return rows[index.row()]

    def _line_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.current_line() if current.isValid() else None
        if line is None:
            self.delivery_model.set_rows([])
            self.delivery_heading.setText("Select a line to see its deliveries.")
        else:
            self._show_deliveries(line)
            self.line_selected.emit(line.id)
        self._update_actions()

    def _show_deliveries(self, line: PurchaseRow) -> None:
        self.delivery_model.set_rows(self.purchases.deliveries(line.id))
        if not line.deliveries:
            words = "nothing delivered yet"
        else:
            words = (
                f"{line.delivered_qty:,} delivered, {line.accepted_qty:,} accepted "
                f"of {line.ordered_qty:,} ordered"
            )
        self.delivery_heading.setText(
            f"Deliveries of line {line.line_ref} ({line.supplier_code}, {line.sku}): {words}"
        )
        if self.delivery_model.rows:
            self.delivery_table.selectRow(0)
        self.delivery_table.resizeColumnsToContents()

    def _update_actions(self) -> None:
        has_line = self.current_line() is not None
        self.edit_line_action.setEnabled(has_line)
        self.record_delivery_action.setEnabled(has_line)
        self.edit_delivery_action.setEnabled(self.current_delivery() is not None)

    # --- recording and editing --------------------------------------------------------------

    def record_purchase(self) -> EditDialog:
        initial: dict[str, Any] = {}
        supplier_id = self._picked(self.supplier_filter)
        if supplier_id is not None:
            initial["supplier_id"] = supplier_id
        return self._open(EditDialog(self.workspace, "purchase", initial=initial, parent=self))

    def edit_line(self) -> EditDialog | None:
        line = self.current_line()
        if line is None:
            return None
        return self._open(EditDialog(self.workspace, "purchase", line.id, parent=self))

    def record_delivery(self) -> EditDialog | None:
        line = self.current_line()
        if line is None:
            return None
        # The rest of the line by default: what a buyer usually receives.
        remaining = max(0, line.ordered_qty - line.delivered_qty)
        initial = {
            "line_id": line.id,
            "line_ref": line.line_ref,
            "delivered_qty": str(remaining or line.ordered_qty),
            "delivered_date": min(dt.date.today(), max(line.order_date, self.workspace.as_of)),
        }
        return self._open(EditDialog(self.workspace, "delivery", initial=initial, parent=self))

    def edit_delivery(self) -> EditDialog | None:
        delivery = self.current_delivery()
        if delivery is None:
            return None
        return self._open(EditDialog(self.workspace, "delivery", delivery.id, parent=self))

    def _open(self, dialog: EditDialog) -> EditDialog:
        self.open_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "open_dialog", None))
        dialog.open()
        return dialog

    # --- after a change --------------------------------------------------------------------

    def _after_save(self, saved: Saved) -> None:
        if saved.warning:
            self.notice.setText(f"⚠ {saved.warning}")
            self.notice.setVisible(True)
        elif saved.entity in ("purchase", "delivery"):
            self.notice.setVisible(False)

    def _data_changed(self, kind: str) -> None:
        if not self.loaded:
            return
        if kind in ("supplier", "brand"):
            self._fill_choices()  # a new or archived one
        if kind not in ("purchase", "delivery", "supplier", "brand", "product", "channel"):
            return
        current = self.current_line()
        if kind == "delivery" and current is not None:
            self.model.refresh_line(current.id)
            fresh = self.current_line()
            if fresh is not None:
                self._show_deliveries(fresh)
            self._update_actions()
            return
        self._keep_line = current.id if current is not None else None
        self.model.reload()  # `_after_load` selects the same line again

    def wait_for_loading(self) -> None:
        """Before the database closes: let a query in the background finish."""
        self.runner.wait_for_done()

    def _settings_changed(self) -> None:
        self.model.grace_days = load_settings(self.workspace.engine).grace_days
        self._scores_changed(force=True)

    def _scores_changed(self, force: bool = False) -> None:
        if force or self.model.as_of != self.workspace.as_of:
            self.model.as_of = self.workspace.as_of
            if self.model.rows:
                self.model.dataChanged.emit(
                    self.model.index(0, 12), self.model.index(len(self.model.rows) - 1, 12)
                )
