"""A read-only table of records (sub-scores, walk steps, channels, brands, flags, plans).

The small tables of the detail panes, the Dashboard, the Brands and the Planning
screens share this model: each column says how a record reads, sorts, aligns and
colours. The tables are small (tens to a few thousand rows), so sorting a Python
list is enough here (docs/architecture.md); the 100k-row supplier table and the
paged purchase lines have their own models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QTableView

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the column's sort key for the record
RECORD_ROLE = Qt.ItemDataRole.UserRole + 10
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class RecordColumn(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None  # None: sorts by the text
    numeric: bool = False  # right-aligned
    tooltip: Callable[[Row], str | None] | None = None
    colour: Callable[[Row], str | None] | None = None  # text colour, "#rrggbb"
    chip: Callable[[Row], str | None] | None = None  # a colour square before the text
    bold: Callable[[Row], bool] | None = None
    header_tip: str | None = None


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Rows of one kind of record, sorted in their own list.

    With `keep_sort`, new rows arrive in the order the buyer last sorted by (a
    re-plan keeps the brands sorted by demand); without it, in the order given.
    """

    def __init__(
        self,
        columns: Sequence[RecordColumn[Row]],
        parent: QObject | None = None,
        *,
        keep_sort: bool = False,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Row] = []
        self._brushes: dict[str, QBrush] = {}
        self._colours: dict[str, QColor] = {}
        self._keep_sort = keep_sort
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    @property
    def rows(self) -> list[Row]:
        return self._rows

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._keep_sort and self._sorted_by is not None:
            self._sort_rows(*self._sorted_by)
        self.endResetModel()

    def set_columns(self, columns: Sequence[RecordColumn[Row]], rows: Sequence[Row]) -> None:
        """New columns and rows at once (a comparison gaining a scenario's columns)."""
        self.beginResetModel()
        self.columns = list(columns)
        self._rows = list(rows)
        self._sorted_by = None
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            hex_ = column.colour(record)
            return None if not hex_ else self._brush(hex_)
        if role == Qt.ItemDataRole.DecorationRole and column.chip is not None:
            hex_ = column.chip(record)
            return None if not hex_ else self._colour(hex_)
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(record):
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return (column.sort_key or column.text)(record)
        if role == RECORD_ROLE:
            return record
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tip
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(id(self._rows[i.row()]), i.column()) for i in persistent]
        self._sorted_by = (column, order)
        self._sort_rows(column, order)
        if persistent:
            where = {id(r): n for n, r in enumerate(self._rows)}
            self.changePersistentIndexList(
                persistent, [self.index(where[ident], c) for ident, c in held]
            )
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        spec = self.columns[column]
        key = spec.sort_key or spec.text
        known = [r for r in self._rows if key(r) is not None]
        blank = [r for r in self._rows if key(r) is None]
        known.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = known + blank  # no value last, whichever way

    def _brush(self, hex_: str) -> QBrush:
        brush = self._brushes.get(hex_)
        if brush is None:
            brush = self._brushes[hex_] = QBrush(QColor(hex_))
        return brush

    def _colour(self, hex_: str) -> QColor:
        colour = self._colours.get(hex_)
        if colour is None:
            colour = self._colours[hex_] = QColor(hex_)
        return colour


def record_view(  # type: ignore[no-untyped-def]
    model: QAbstractTableModel,
    *,
    sortable: bool = True,
    stretch_last: bool = True,
    last_in_view: bool = False,
):
    """A read-only, row-selecting table view in the app's style, for `model`.

    With `last_in_view`, the last column (a long reason) keeps inside the view's
    width instead of scrolling the table sideways (see `LastColumnInView`).
    """
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    view = QTableView()
    view.setModel(model)
    model.setParent(view)  # the view must not outlive its model
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    view.horizontalHeader().setHighlightSections(False)
    view.setSortingEnabled(sortable)
    if last_in_view:
        LastColumnInView(view)
    return view


class LastColumnInView(QObject):
    """Keeps a table's last column inside the view, whatever its text's length.

    The Dashboard's reasons run to a hundred characters; sized to them, the
    table scrolled sideways and hid the reason's end past the edge. Here the
    column takes the room the other columns leave, and its cells end in "…"
    where they do not fit (their tooltip holds the whole text). It widens with
    the view, up to what its longest cell needs, and never narrows below
    `MIN_EMS` wide characters.
    """

    MIN_EMS = 12

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.setObjectName("last-column-in-view")
        self._view = view
        self.wanted = 0  # what the last column's cells and header need; 0 until fitted
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)

    @staticmethod
    def of(view: QTableView) -> LastColumnInView | None:
        return view.findChild(LastColumnInView, "last-column-in-view")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and self.wanted:
            self.apply()
        return False

    def apply(self) -> None:
        view = self._view
        header = view.horizontalHeader()
        last = header.count() - 1
        if last < 0:
            return
        others = sum(header.sectionSize(c) for c in range(last) if not header.isSectionHidden(c))
        floor = view.fontMetrics().horizontalAdvance("M") * self.MIN_EMS
        view.setColumnWidth(last, max(floor, min(self.wanted, view.viewport().width() - others)))


def fit_columns_to_contents(view: QTableView) -> None:
    """Each column as wide as its cells and its header's words, with room for the sort
    arrow only in the column that shows it (Qt keeps that room in every header, which
    costs a wide table its last column at 1600 px). Again when the arrow moves."""
    header = view.horizontalHeader()
    count = header.count()
    arrow = header.isSortIndicatorShown()
    header.setSortIndicatorShown(False)
    widths = [
        max(view.sizeHintForColumn(c), header.sectionSizeFromContents(c).width())
        for c in range(count)
    ]
    header.setSortIndicatorShown(arrow)
    sorted_by = header.sortIndicatorSection()
    if arrow and 0 <= sorted_by < count:
        widths[sorted_by] = max(
            widths[sorted_by], header.sectionSizeFromContents(sorted_by).width()
        )
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    last = LastColumnInView.of(view)
    if last is not None and count:
        last.wanted = widths[-1]
        last.apply()
