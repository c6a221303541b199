"""The supplier table: one row per scored supplier, in the buyer's words.

DESIGN.md sections 7 and 11: a QAbstractTableModel that sorts in its own arrays
(a QSortFilterProxyModel over 100k Python rows takes seconds), repaints an
update with one ranged dataChanged, and never does work in flags().
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SUPPLIER_ID_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    CODE = 0
    NAME = 1
    COUNTRY = 2
    CHANNEL_TYPES = 3
    BRANDS = 4
    MARGIN = 5
    STABILITY = 6
    SOURCING_SCORE = 7
    STANDING = 8
    CONFIDENCE = 9
    FLAGS = 10


HEADERS: dict[Column, str] = {
    Column.CODE: "Code",
    Column.NAME: "Name",
    Column.COUNTRY: "Country",
    Column.CHANNEL_TYPES: "Channels",
    Column.BRANDS: "Brands",
    Column.MARGIN: "Margin %",
    Column.STABILITY: "Stability",
    Column.SOURCING_SCORE: "Sourcing score",
    Column.STANDING: "Standing",
    Column.CONFIDENCE: "Confidence",
    Column.FLAGS: "Flags",
}

NUMERIC_COLUMNS = frozenset(
    {Column.MARGIN, Column.STABILITY, Column.SOURCING_SCORE, Column.CONFIDENCE}
)

# Ascending standing puts the best suppliers first, and Unrated after Avoid.
STANDING_RANK = {
    Standing.PREFERRED: 0,
    Standing.APPROVED: 1,
    Standing.WATCH: 2,
    Standing.AVOID: 3,
    Standing.UNRATED: 4,
}

STANDING_COLOURS = {
    Standing.PREFERRED: QColor("#1b7f3b"),
    Standing.AVOID: QColor("#b3261e"),
}

NO_VALUE = "—"

SortKey = str | float | int | None


def channel_types_text(score: SupplierScore) -> str:
    kinds = set(score.channel_types)
    shown = (ChannelType.VERTICAL, ChannelType.COMPOSITE)
    return ", ".join(kind.value for kind in shown if kind in kinds)


FLAG_LABELS: dict[FlagCode, str] = {
    FlagCode.AUTH_EXPIRING: "Authorization expiring",
    FlagCode.AUTH_EXPIRED: "Authorization expired",
    FlagCode.THIN_HISTORY: "Thin history",
    FlagCode.PRICE_SPIKE: "Price spike",
    FlagCode.FILL_DROP: "Fill rate fell",
    FlagCode.STALE: "No recent delivery",
    FlagCode.QUOTE_EXPIRED: "Quote expired",
    FlagCode.NO_VALID_QUOTE: "No valid quote",
    FlagCode.NEGATIVE_MARGIN: "Negative margin",
    FlagCode.OVER_CBEC_LIMIT: "Over CBEC limit",
    FlagCode.SINGLE_CHANNEL: "Single channel",
    FlagCode.COMPOSITE_ONLY: "Composite channels only",
}


def flags_text(score: SupplierScore) -> str:
    return ", ".join(FLAG_LABELS.get(flag.code, flag.code.value) for flag in score.flags)


def _percent(value: float | None, places: int) -> str:
    return NO_VALUE if value is None else f"{value * 100:.{places}f} %"


def _points(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.1f}"


DISPLAY: dict[Column, Callable[[SupplierScore], str]] = {
    Column.CODE: lambda s: s.supplier_code,
    Column.NAME: lambda s: s.supplier_name,
    Column.COUNTRY: lambda s: s.country,
    Column.CHANNEL_TYPES: channel_types_text,
    Column.BRANDS: lambda s: ", ".join(s.brands),
    Column.MARGIN: lambda s: _percent(s.margin_pct, 1),
    Column.STABILITY: lambda s: _points(s.stability_score),
    Column.SOURCING_SCORE: lambda s: _points(s.sourcing_score),
    Column.STANDING: lambda s: s.standing.value,
    Column.CONFIDENCE: lambda s: _percent(s.confidence, 0),
    Column.FLAGS: flags_text,
}

# What a column sorts by: the unrounded number, not the text on screen.
SORT_KEY: dict[Column, Callable[[SupplierScore], SortKey]] = {
    Column.CODE: lambda s: s.supplier_code.casefold(),
    Column.NAME: lambda s: s.supplier_name.casefold(),
    Column.COUNTRY: lambda s: s.country.casefold(),
    Column.CHANNEL_TYPES: channel_types_text,
    Column.BRANDS: lambda s: ", ".join(s.brands).casefold(),
    Column.MARGIN: lambda s: s.margin_pct,
    Column.STABILITY: lambda s: s.stability_score,
    Column.SOURCING_SCORE: lambda s: s.sourcing_score,
    Column.STANDING: lambda s: STANDING_RANK[s.standing],
    Column.CONFIDENCE: lambda s: s.confidence,
    Column.FLAGS: lambda s: len(s.flags),
}


class SupplierTableModel(QAbstractTableModel):
    """Scores in arrival order plus a view order; sorting permutes only the view order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._scores: list[SupplierScore] = []
        self._order: list[int] = []  # view row -> index into _scores
        self._index_of_supplier: dict[int, int] = {}
        self._sort_keys: dict[Column, list[SortKey]] = {}
        self._sort_column: Column | None = None
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- reading -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def score_at(self, row: int) -> SupplierScore:
        return self._scores[self._order[row]]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        score = self._scores[self._order[index.row()]]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return DISPLAY[column](score)
        if role == SORT_ROLE:
            return SORT_KEY[column](score)
        if role == SUPPLIER_ID_ROLE:
            return score.supplier_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC_COLUMNS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.FLAGS:
                return "\n".join(flag.message for flag in score.flags) or None
            if column in (Column.NAME, Column.BRANDS):
                return DISPLAY[column](score)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STANDING:
            colour = STANDING_COLOURS.get(score.standing)
            return QBrush(colour) if colour is not None else None
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC_COLUMNS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- changing ------------------------------------------------------------------

    def set_scores(self, scores: Sequence[SupplierScore]) -> None:
        """Show a fresh set of scores, keeping the column the buyer sorted by."""
        self.beginResetModel()
        self._scores = list(scores)
        self._index_of_supplier = {s.supplier_id: i for i, s in enumerate(self._scores)}
        self._sort_keys.clear()
        self._order = self._sorted_order(self._sort_column, self._sort_order)
        self.endResetModel()

    def update_scores(self, changed: Iterable[SupplierScore]) -> None:
        """Replace the scores of suppliers already shown; one dataChanged covers them all.

        Rows stay where they are until the buyer sorts again, so a row being
        edited does not jump away. Suppliers not in the table are ignored.
        """
        positions: list[int] = []
        for score in changed:
            index = self._index_of_supplier.get(score.supplier_id)
            if index is None:
                continue
            self._scores[index] = score
            for column, keys in self._sort_keys.items():
                keys[index] = SORT_KEY[column](score)
            positions.append(index)
        if not positions:
            return
        wanted = set(positions)
        rows = [row for row, index in enumerate(self._order) if index in wanted]
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(Column) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._order[index.row()], index.column()) for index in persistent]
        self._sort_column = Column(column)
        self._sort_order = order
        self._order = self._sorted_order(self._sort_column, order)
        if persistent:
            row_of = {score_index: row for row, score_index in enumerate(self._order)}
            moved = [self.index(row_of[score_index], col) for score_index, col in held]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sorted_order(self, column: Column | None, order: Qt.SortOrder) -> list[int]:
        if column is None:
            return list(range(len(self._scores)))
        keys = self._sort_keys.get(column)
        if keys is None:
            keys = [SORT_KEY[column](score) for score in self._scores]
            self._sort_keys[column] = keys
        # Blanks (no margin, so no score) go last in either direction: a buyer
        # sorting by score wants the rated suppliers first.
        known = [i for i, key in enumerate(keys) if key is not None]
        blank = [i for i, key in enumerate(keys) if key is None]
        by_key: Callable[[int], Any] = keys.__getitem__  # one column holds one type
        known.sort(key=by_key, reverse=order == Qt.SortOrder.DescendingOrder)
        return known + blank
