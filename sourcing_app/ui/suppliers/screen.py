"""The Suppliers screen: the scored table with search and filters, and the detail pane.

Sorting and filtering run in the table model's own arrays (docs/performance.md). A
big set of scores (100k suppliers) is prepared off the UI thread and swapped
in, so a re-score never stalls the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.flags import FlagCode
from sourcing_app.freeing import out_of_the_collectors_way
from sourcing_app.i18n import N_, _, ngettext
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.suppliers.detail_pane import SupplierDetailPane
from sourcing_app.ui.suppliers.table_model import (
    Column,
    PreparedRows,
    SupplierFilter,
    SupplierTableModel,
    prepare_rows,
)
from sourcing_app.ui.widgets.flag_style import flag_title
from sourcing_app.ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from sourcing_app.ui.shell.workspace import Workspace

# Below this many suppliers the arrays are built in place: quicker than a thread hop.
PREPARE_OFF_THREAD_FROM = 20_000
FILTER_ARRAYS_AFTER_MS = 250
SEARCH_DELAY_MS = 120
MAX_TEXT_COLUMN_WIDTH = 240
DEFAULT_WIDTHS = {
    Column.CODE: 84, Column.NAME: 170, Column.COUNTRY: 60, Column.CHANNEL_TYPES: 86,
    Column.BRANDS: 120, Column.MARGIN: 74, Column.STABILITY: 118, Column.SOURCING_SCORE: 160,
    Column.STANDING: 96, Column.CONFIDENCE: 104, Column.CLEARANCE: 96, Column.FLAGS: 160,
}  # fmt: skip

# The sort arrow is drawn at a header's right edge, over the end of a right-aligned
# title ("(0–100)"): the titles keep clear of it.
HEADER_STYLE = "QHeaderView::section { padding-right: 16px; }"
# Shown right after code and name, in this order.
LEADING_COLUMNS = (Column.STANDING, Column.SOURCING_SCORE, Column.MARGIN, Column.STABILITY)

# A brand's flags, never a supplier's: not offered in the supplier table's flag filter.
BRAND_ONLY_FLAGS = frozenset({FlagCode.SINGLE_CHANNEL, FlagCode.COMPOSITE_ONLY})

CHANNEL_CHOICES = (
    (N_("All channel types"), ""),
    (N_("Has a vertical channel"), ChannelType.VERTICAL.value),
    (N_("Composite only"), ChannelType.COMPOSITE.value),
)


class SuppliersScreen(QWidget):
    rows_shown = Signal(int)  # rows now in the table (after the filter)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SuppliersScreen")
        self.workspace = workspace
        self._dirty = True
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._prepared)
        # Rows that could not be prepared keep the old ones; the detail goes ahead.
        self._runner.failed.connect(lambda *_args: self.detail.table_ready())
        self._job = 0
        self._selected_id: int | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 8)
        layout.setSpacing(10)
        heading = QLabel(_("Suppliers"))
        heading.setObjectName("ScreenTitle")
        heading.setContentsMargins(0, 0, 8, 0)
        # Wraps on a narrow window rather than holding the window wider than the screen.
        bar = FlowLayout(last_at_right=True)
        bar.addWidget(heading)
        self.search = QLineEdit()
        self.search.setObjectName("SupplierSearch")
        self.search.setPlaceholderText(_("Search code, name or brand  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        bar.addWidget(self.search)
        self.channel_filter = QComboBox()
        for text, value in CHANNEL_CHOICES:
            self.channel_filter.addItem(_(text), value)
        self.standing_filter = QComboBox()
        self.standing_filter.addItem(_("All standings"), "")
        for standing in Standing:
            self.standing_filter.addItem(standing.label, standing.value)
        self.country_filter = QComboBox()
        self.country_filter.addItem(_("All countries"), "")
        self.country_filter.setMinimumContentsLength(10)
        self.flag_filter = QComboBox()
        self.flag_filter.setObjectName("FlagFilter")
        self.flag_filter.addItem(_("All flags"), "")
        for code in FlagCode:
            if code not in BRAND_ONLY_FLAGS:
                self.flag_filter.addItem(flag_title(code), code.value)
        for combo in self._filter_combos():
            bar.addWidget(combo)
        self.count_label = QLabel("")
        self.count_label.setObjectName("Muted")
        self.count_label.setMinimumWidth(180)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count_label)
        layout.addLayout(bar)

        self.model = SupplierTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("SupplierTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # Fixed row heights: the view never measures 100k rows one by one.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStyleSheet(HEADER_STYLE)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in DEFAULT_WIDTHS.items():
            self.table.setColumnWidth(column, width)
        self._keep_headers_whole()
        # The verdict next to the name: standing and score stay in sight with the
        # detail pane open at 1600 px; the columns behind them scroll (and can be
        # dragged back, which the window remembers).
        for position, column in enumerate(LEADING_COLUMNS, start=2):
            header.moveSection(header.visualIndex(column), position)
        # Best suppliers first: what a buyer opens the app to see.
        header.setSortIndicator(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)
        self.model.sort(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(lambda _c, _o: self._keep_headers_whole())

        self.detail = SupplierDetailPane(workspace)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("SuppliersSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 760])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in self._filter_combos():
            combo.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.modelReset.connect(self._reselect)
        self.model.layoutChanged.connect(self._keep_selection_in_view)
        workspace.scores_changed.connect(self._scores_changed)
        workspace.supplier_requested.connect(self.open_supplier)

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.channel_filter, self.standing_filter, self.country_filter, self.flag_filter)

    # --- what the window calls ------------------------------------------------------------

    def screen_shown(self) -> None:
        self._keep_headers_whole()
        if self._dirty:
            self.reload()

    def _keep_headers_whole(self) -> None:
        """No column narrower than its header's words, in the style sheet's bold and with
        the sort arrow's room: a right-aligned header cut short loses its first letters
        ("ourcing score"), and Chinese headers are wider than the English defaults."""
        header = self.table.horizontalHeader()
        header.ensurePolished()
        for column in Column:
            wanted = header.sectionSizeFromContents(column).width()
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("header", self.table.horizontalHeader().saveState())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("search", self.search.text())
        settings.setValue("channel_type", self.channel_filter.currentData())
        settings.setValue("standing", self.standing_filter.currentData())
        settings.setValue("country", self.country_filter.currentData())
        settings.setValue("flag", self.flag_filter.currentData())

    def restore_state(self, settings: QSettings) -> None:
        header = settings.value("header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        splitter = settings.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self._set_combo(self.channel_filter, str(settings.value("channel_type", "") or ""))
        self._set_combo(self.standing_filter, str(settings.value("standing", "") or ""))
        country = str(settings.value("country", "") or "")
        if country and self.country_filter.findData(country) < 0:
            self.country_filter.addItem(country, country)
        self._set_combo(self.country_filter, country)
        self._set_combo(self.flag_filter, str(settings.value("flag", "") or ""))
        self.search.setText(str(settings.value("search", "") or ""))
        self._search_timer.stop()
        self._keep_headers_whole()
        header_view = self.table.horizontalHeader()
        self.model.sort(header_view.sortIndicatorSection(), header_view.sortIndicatorOrder())
        self._apply_filter()

    # --- the buyer's actions ----------------------------------------------------------------

    def current_filter(self) -> SupplierFilter:
        return SupplierFilter(
            text=self.search.text(),
            channel_type=self.channel_filter.currentData() or "",
            standing=self.standing_filter.currentData() or "",
            country=self.country_filter.currentData() or "",
            flag=self.flag_filter.currentData() or "",
        )

    def clear_filters(self) -> None:
        for combo in self._filter_combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._apply_filter()

    def open_supplier(self, supplier_id: int) -> None:
        """Select and show one supplier, clearing filters that hide it."""
        if self._dirty:
            self.reload()
        self._selected_id = supplier_id
        row = self.model.row_of_supplier(supplier_id)
        if row is None and self.model.total_count:
            self.clear_filters()
            row = self.model.row_of_supplier(supplier_id)
        if row is not None:
            self._select_row(row)
        else:
            self.detail.show_supplier(supplier_id)

    def selected_supplier_id(self) -> int | None:
        return self._selected_id

    # --- keeping the table current ----------------------------------------------------------

    def _scores_changed(self) -> None:
        self._dirty = True
        # A big set is sorted and indexed on a worker as soon as it arrives, even
        # out of sight: bringing the table forward then only paints it (docs/performance.md:
        # the 100k-row table opens within 100 ms).
        if self.isVisible() or len(self.workspace.scores) >= PREPARE_OFF_THREAD_FROM:
            self.reload()

    def reload(self) -> None:
        self._dirty = False
        scores = self.workspace.scores
        column = self.model.sort_column
        order = self.model.sort_order
        filter_ = self.current_filter()
        if len(scores) < PREPARE_OFF_THREAD_FROM:
            self._install(prepare_rows(scores, column, order, filter_))
            return
        self.count_label.setText(
            ngettext("Sorting {n} supplier…", "Sorting {n} suppliers…", len(scores)).format(
                n=f"{len(scores):,}"
            )
        )

        def prepare() -> PreparedRows:
            with out_of_the_collectors_way():
                return prepare_rows(scores, column, order, filter_, in_pieces=True)

        self._job = self._runner.start(prepare)
        self.detail.table_pending()

    def _prepared(self, job: int, rows: PreparedRows) -> None:
        if job != self._job:
            return
        if rows.filter != self.current_filter():  # the buyer typed while it was being built
            rows.filter = SupplierFilter()
            rows.order = list(rows.sorted_all)
        self._install(rows)
        self._apply_filter()

    def _install(self, rows: PreparedRows) -> None:
        self.model.install(rows)
        self._refresh_countries()
        self._show_count()
        self.detail.table_ready()
        if len(rows.scores) >= PREPARE_OFF_THREAD_FROM and not rows.has_filter_arrays:
            # The search keys of 100k rows take ~0.1 s: built on a worker once the
            # table is on screen, so the first search is as quick as the next ones.
            # A moment later, not at once: the selected supplier's details load
            # first, and two workers at a time kept the UI thread from the GIL.
            QTimer.singleShot(FILTER_ARRAYS_AFTER_MS, self, lambda: self._build_filter_arrays(rows))

    def _build_filter_arrays(self, rows: PreparedRows) -> None:
        if self.model.prepared_rows is rows:  # not replaced meanwhile
            self._runner.start(rows.build_filter_arrays)

    def _refresh_countries(self) -> None:
        wanted = self.country_filter.currentData() or ""
        countries = self.model.countries()
        present = [self.country_filter.itemData(i) for i in range(1, self.country_filter.count())]
        if present == countries:
            return
        self.country_filter.blockSignals(True)
        self.country_filter.clear()
        self.country_filter.addItem(_("All countries"), "")
        for country in countries:
            self.country_filter.addItem(country, country)
        if wanted and wanted not in countries:
            self.country_filter.addItem(wanted, wanted)
        self._set_combo(self.country_filter, wanted)
        self.country_filter.blockSignals(False)

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count
        if shown == total:
            text = ngettext("{n} supplier", "{n} suppliers", total).format(n=f"{total:,}")
        else:
            text = ngettext("{shown} of {n} supplier", "{shown} of {n} suppliers", total).format(
                shown=f"{shown:,}", n=f"{total:,}"
            )
        self.count_label.setText(text)
        self.rows_shown.emit(shown)

    def _reselect(self) -> None:
        if self._selected_id is None:
            if self.model.rowCount():  # never an empty pane: show the top supplier
                self._select_row(0)
            return
        row = self.model.row_of_supplier(self._selected_id)
        if row is not None:
            self._select_row(row, show=False)

    def _keep_selection_in_view(self) -> None:
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current, QAbstractItemView.ScrollHint.EnsureVisible)

    def _select_row(self, row: int, *, show: bool = True) -> None:
        index = self.model.index(row, Column.CODE)
        selection = self.table.selectionModel()
        selection.blockSignals(not show)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        selection.blockSignals(False)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _row_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if not current.isValid():
            return
        supplier_id = self.model.score_at(current.row()).supplier_id
        if supplier_id == self._selected_id and self.detail.supplier_id == supplier_id:
            return
        self._selected_id = supplier_id
        self.detail.show_supplier(supplier_id)

    @staticmethod
    def _set_combo(combo: QComboBox, value: str) -> None:
        found = combo.findData(value)
        combo.setCurrentIndex(found if found >= 0 else 0)
