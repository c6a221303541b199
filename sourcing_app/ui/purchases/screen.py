"""Purchases and deliveries: record and edit them, a page of lines at a time.

Above, the filters and the purchase lines (paged by `PurchaseTableModel` in
ui/purchases/models.py); below, the chosen line's deliveries and, under them,
its returns after sale (`ReturnsPane`). Recording a line
with a Watch or Avoid supplier follows docs/standings-and-flags.md through
`EditDialog`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.formatting import units
from sourcing_app.i18n import _, is_chinese, ngettext, pgettext
from sourcing_app.services.editing import Saved
from sourcing_app.services.purchase_list import (
    DeliveryRow,
    PurchaseFilter,
    PurchaseList,
    PurchaseRow,
)
from sourcing_app.services.settings import load_settings
from sourcing_app.ui.dialogs.edit_dialogs import WARNING_STYLE, EditDialog
from sourcing_app.ui.purchases.filters import OptionalDate
from sourcing_app.ui.purchases.models import (
    LINE_COLUMNS,
    PurchaseTableModel,
    delivery_columns,
    event_day,
    show_date,
)
from sourcing_app.ui.purchases.returns_pane import ReturnsPane
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.flow_layout import FlowLayout, pair
from sourcing_app.ui.widgets.forms import fill_combo, qdate
from sourcing_app.ui.widgets.record_table_model import RecordTableModel

# Changes this screen shows: the rows it lists, and the names and choices they show.
_KINDS_SHOWN = (
    *("purchase", "delivery", "return", "returns"),
    *("supplier", "brand", "product", "channel"),
)


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
        self.delivery_model: RecordTableModel[DeliveryRow] = RecordTableModel(
            delivery_columns(), self
        )
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
        self._natural: list[int] = []  # each line column's width before fitting the view
        self._arrow: list[int] = []  # each header's width with the sort arrow beside it
        self.table.viewport().installEventFilter(self)
        lower = QWidget(splitter)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        self.delivery_heading = QLabel(_("Select a line to see its deliveries."), lower)
        self.delivery_heading.setStyleSheet("font-weight: 600;")
        lower_layout.addWidget(self.delivery_heading)
        self.delivery_table = self._table(self.delivery_model, lower)
        lower_layout.addWidget(self.delivery_table)
        self.returns_pane = ReturnsPane(workspace, lower)
        lower_layout.addWidget(self.returns_pane)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
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
        self.model.loading.connect(lambda: self.count_label.setText(_("Reading purchase lines…")))
        self.model.failed.connect(
            lambda reason: self.count_label.setText(
                _("The lines could not be read: {reason}").format(reason=reason)
            )
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
            (self.supplier_filter, _("All suppliers"), "supplier"),
            (self.brand_filter, _("All brands"), "brand"),
        ):
            keep = self._picked(combo) if combo.count() else None
            with QSignalBlocker(combo):
                combo.clear()
                values = fill_combo(combo, [(None, everything), *service.choices(entity)])
                self._choice_values[combo] = values
                combo.setCurrentIndex(values.index(keep) if keep in values else 0)

    # --- building ------------------------------------------------------------------------

    def _filters(self) -> FlowLayout:
        # Wraps on a narrow window rather than holding the window wider than the screen.
        row = FlowLayout(last_at_right=True)
        self.supplier_filter = self._choice(_("All suppliers"))
        self.brand_filter = self._choice(_("All brands"))
        self.from_filter = OptionalDate(_("Ordered from"), self)
        # Translators: the end of the order-date filter: "Ordered from [date] to [date]".
        self.to_filter = OptionalDate(_("to"), self)
        self.ref_filter = QLineEdit(self)
        self.ref_filter.setPlaceholderText(_("Line reference starts with…"))
        self.ref_filter.setClearButtonEnabled(True)
        # Wide enough to read its whole placeholder, and the clear button beside it.
        self.ref_filter.setMinimumWidth(
            self.ref_filter.fontMetrics().horizontalAdvance(self.ref_filter.placeholderText()) + 40
        )
        self.count_label = QLabel(self)
        self.count_label.setObjectName("count")
        for widget in (self.supplier_filter, self.brand_filter):
            widget.currentIndexChanged.connect(lambda _i: self._filter_timer.start())
        for dates in (self.from_filter, self.to_filter):
            dates.changed.connect(self._filter_timer.start)
        self.ref_filter.textChanged.connect(lambda _t: self._filter_timer.start())
        for combo in (self.supplier_filter, self.brand_filter):
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        row.addWidget(pair(_("Supplier:"), self.supplier_filter, parent=self))
        row.addWidget(pair(_("Brand:"), self.brand_filter, parent=self))
        row.addWidget(self.from_filter)
        row.addWidget(self.to_filter)
        row.addWidget(self.ref_filter)
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
            _("Record purchase…"), "Ctrl+Shift+P", self.record_purchase
        )
        self.edit_line_action = self._action(_("Edit line…"), "Return", self.edit_line)
        self.record_delivery_action = self._action(
            _("Record delivery…"), "Ctrl+D", self.record_delivery
        )
        self.edit_delivery_action = self._action(
            _("Edit delivery…"), "Ctrl+Shift+D", self.edit_delivery
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
        action.setToolTip(
            _("{action} ({keys})").format(
                action=text.rstrip("…"),
                keys=QKeySequence(keys).toString(),
            )
        )
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
        if not LINE_COLUMNS[column][1]:  # not sortable: point back at the real order
            sorted_by = next(i for i, c in enumerate(LINE_COLUMNS) if c[1] == self.model.sort_key)
            order = Qt.SortOrder.AscendingOrder
            if self.model.descending:
                order = Qt.SortOrder.DescendingOrder
            header = self.table.horizontalHeader()
            with QSignalBlocker(header):
                header.setSortIndicator(sorted_by, order)
        self._fit_columns()  # the arrow's room goes with it

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
        self.count_label.setText(
            ngettext("{n} purchase line", "{n} purchase lines", total).format(n=f"{total:,}")
        )

    @staticmethod
    def _widest() -> dict[int, tuple[str, ...]]:
        """The widest texts each column can hold, so later pages never clip them.

        The dates: a day of every month (the first rows, all of one month, once
        left "21 Nov 20…" clipped when a line of November was found later).
        """
        days = tuple(show_date(dt.date(2026, month, 28)) for month in range(1, 13))
        return {
            4: days,
            5: days,
            6: (units(99_999),),
            7: ("KRW 999,999.00",),
            8: (_("{rate} per {currency}").format(rate="0.00519226", currency="KRW"),),
            10: (units(99_999),),
            11: (_("{quantity} ({share})").format(quantity="99,999", share="100%"),),
            12: (pgettext("purchase line status", "Late: nothing delivered"),),
        }

    @staticmethod
    def _give_way() -> tuple[tuple[int, str], ...]:
        """When the lines are wider than the view, these columns give way in turn, each
        down to the width of its text here: the status to its usual longest, the brand to
        its first two words, then the status further ("Late: nothing…" still says late),
        the SKU, a code, last. What is cut off is in the cell's tooltip."""
        # Chinese statuses are short: each reads whole at its least.
        late = (
            pgettext("purchase line status", "Late: nothing delivered")
            if is_chinese()
            else "Late: nothing"
        )
        return (
            (12, pgettext("purchase line status", "Part-delivered, late")),
            (2, "Southern Cross"),
            (12, late),
            (3, "KMN014-S2"),
        )

    def _size_columns(self) -> None:
        """Each column as wide as its text, measured once, on the first rows."""
        if self.model.rows and not self._natural:
            table = self.table
            header = table.horizontalHeader()
            table.resizeColumnsToContents()
            # Room for the sort arrow only where it is shown: the sorted column
            # (`_fit_columns` adds it), not in every header.
            header.setSortIndicatorShown(False)
            bare = [
                max(table.sizeHintForColumn(c), header.sectionSizeFromContents(c).width())
                for c in range(len(LINE_COLUMNS))
            ]
            header.setSortIndicatorShown(True)
            self._arrow = [
                header.sectionSizeFromContents(c).width() for c in range(len(LINE_COLUMNS))
            ]
            metrics = table.fontMetrics()
            for column, texts in self._widest().items():
                widest = max(metrics.horizontalAdvance(text) for text in texts)
                bare[column] = max(bare[column], widest + 16)
            self._natural = bare
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The lines fit the view: the status, brand and SKU give way, down to a minimum.

        Again whenever the view changes width (the window resized, a scroll bar shown)
        and when the sort arrow moves to another column.
        """
        if not self._natural:
            return
        table = self.table
        widths = list(self._natural)
        sorted_by = table.horizontalHeader().sortIndicatorSection()
        if 0 <= sorted_by < len(widths):
            widths[sorted_by] = max(widths[sorted_by], self._arrow[sorted_by])
        over = sum(widths) - table.viewport().width()
        metrics = table.fontMetrics()
        for column, narrowest in self._give_way():
            if over <= 0:
                break
            least = metrics.horizontalAdvance(narrowest) + 16
            cut = min(over, max(0, widths[column] - least))
            widths[column] -= cut
            over -= cut
        for column, width in enumerate(widths):
            if table.columnWidth(column) != width:
                table.setColumnWidth(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

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
            self.delivery_heading.setText(_("Select a line to see its deliveries."))
        else:
            self._show_deliveries(line)
            self.line_selected.emit(line.id)
        self.returns_pane.show_line(line)
        self._update_actions()

    def _show_deliveries(self, line: PurchaseRow) -> None:
        self.delivery_model.set_rows(self.purchases.deliveries(line.id))
        if not line.deliveries:
            self.delivery_heading.setText(
                _("Deliveries of line {line} ({supplier}, {sku}): nothing delivered yet").format(
                    line=line.line_ref, supplier=line.supplier_code, sku=line.sku
                )
            )
        else:
            self.delivery_heading.setText(
                _(
                    "Deliveries of line {line} ({supplier}, {sku}): {delivered} delivered, "
                    "{accepted} accepted of {ordered} ordered"
                ).format(
                    line=line.line_ref,
                    supplier=line.supplier_code,
                    sku=line.sku,
                    delivered=f"{line.delivered_qty:,}",
                    accepted=f"{line.accepted_qty:,}",
                    ordered=f"{line.ordered_qty:,}",
                )
            )
        if self.delivery_model.rows:
            self.delivery_table.selectRow(0)
        self.delivery_table.resizeColumnsToContents()

    def _update_actions(self) -> None:
        has_line = self.current_line() is not None
        allowed = self.workspace.permissions  # team mode: a viewer records nothing
        why = allowed.why_not("purchase_line")
        may = allowed.can_edit("purchase")
        allow(self.record_purchase_action, may, why)
        allow(self.edit_line_action, has_line and may, why if has_line else "")
        allow(self.record_delivery_action, has_line and may, why if has_line else "")
        has_delivery = self.current_delivery() is not None
        allow(self.edit_delivery_action, has_delivery and may, why if has_delivery else "")

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
            "delivered_date": event_day(line, self.workspace.as_of),
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
        elif saved.entity in ("purchase", "delivery", "return"):
            self.notice.setVisible(False)

    def _data_changed(self, kind: str) -> None:
        if not self.loaded:
            return
        if kind in ("supplier", "brand"):
            self._fill_choices()  # a new or archived one
        if kind not in _KINDS_SHOWN:
            return
        current = self.current_line()
        if kind in ("return", "returns"):  # one edited, or a file of them imported
            self.returns_pane.show_line(current)
            return
        if kind == "delivery" and current is not None:
            self.model.refresh_line(current.id)
            fresh = self.current_line()
            if fresh is not None:
                self._show_deliveries(fresh)
            self.returns_pane.show_line(fresh)
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
