"""The supplier table: one row per scored supplier, in the buyer's words.

docs/architecture.md and docs/performance.md: a QAbstractTableModel that sorts and filters in
its own arrays (a QSortFilterProxyModel over 100k Python rows takes seconds),
repaints an update with one ranged dataChanged, and never does work in flags().
The arrays are built by `prepare_rows`, pure Python that a worker can run off
the UI thread; `install` then only swaps them in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from sourcing_app.domain.enums import STANDING_HEX, STANDING_RANK, ChannelType, Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode, flag_label
from sourcing_app.domain.formatting import percent, points
from sourcing_app.freeing import free_later, map_in_slices
from sourcing_app.i18n import N_, _, pgettext
from sourcing_app.ui.widgets.flag_style import flag_colour

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
    CLEARANCE = 10
    FLAGS = 11


# Marked here, translated once per model (`SupplierTableModel.retranslate`).
HEADERS: dict[Column, str] = {
    Column.CODE: N_("Code"),
    Column.NAME: N_("Name"),
    Column.COUNTRY: N_("Country"),
    Column.CHANNEL_TYPES: N_("Channels"),
    Column.BRANDS: N_("Brands"),
    Column.MARGIN: N_("Margin %"),
    Column.STABILITY: N_("Stability (0–100)"),
    Column.SOURCING_SCORE: N_("Sourcing score (0–100)"),
    Column.STANDING: N_("Standing"),
    Column.CONFIDENCE: N_("Confidence %"),
    # Translators: the customs clearance sub-score (清关时效) as a column header.
    Column.CLEARANCE: N_("Clearance %"),
    Column.FLAGS: N_("Flags"),
}

HEADER_TIPS: dict[Column, str] = {
    Column.MARGIN: N_("Margin after landing costs, as a share of net revenue"),
    Column.STABILITY: N_("Weighted supply-stability sub-scores, 0 to 100 points"),
    Column.SOURCING_SCORE: N_("Geometric mean of margin score and stability score, 0 to 100"),
    Column.CONFIDENCE: N_("n / (n + 5), n = due purchase lines in the window"),
    Column.CLEARANCE: N_(
        "Customs clearance sub-score: deliveries cleared within the target days,"
        " shrunk toward the portfolio like every sub-score"
    ),
}

NUMERIC_COLUMNS = frozenset(
    {Column.MARGIN, Column.STABILITY, Column.SOURCING_SCORE, Column.CONFIDENCE, Column.CLEARANCE}
)

STANDING_COLOURS = {standing: QColor(hex_) for standing, hex_ in STANDING_HEX.items()}
_STANDING_TEXT = {
    Standing.PREFERRED: QBrush(QColor("#1b7f3b")),
    Standing.AVOID: QBrush(QColor("#b3261e")),
    Standing.WATCH: QBrush(QColor("#9a6500")),
}
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_SORT = int(SORT_ROLE.value) if hasattr(SORT_ROLE, "value") else int(SORT_ROLE)
_SUPPLIER_ID = (
    int(SUPPLIER_ID_ROLE.value) if hasattr(SUPPLIER_ID_ROLE, "value") else int(SUPPLIER_ID_ROLE)
)
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags

SortKey = str | float | int | None

# The flags with a colour of their own, loudest first; others keep the table's colour.
_COLOURED_FLAGS = (FlagCode.COUNTERFEIT_SUSPECTED, FlagCode.CUSTOMS_DELAY, FlagCode.RETURNS_HIGH)
_FLAG_BRUSHES = {code: QBrush(QColor(flag_colour(code))) for code in _COLOURED_FLAGS}

VERTICAL_BIT = 1
COMPOSITE_BIT = 2


_SHOWN_TYPES = (ChannelType.VERTICAL, ChannelType.COMPOSITE)


def channel_types_key(score: SupplierScore) -> str:
    """The channel types as codes ('vertical, composite'): a sort key in any language."""
    kinds = set(score.channel_types)
    return ", ".join(kind.value for kind in _SHOWN_TYPES if kind in kinds)


def channel_types_text(score: SupplierScore) -> str:
    """The channel types in the reader's words: 'Vertical, Composite', '垂直渠道、复合渠道'."""
    kinds = set(score.channel_types)
    return _list_separator().join(kind.label for kind in _SHOWN_TYPES if kind in kinds)


def clearance_value(score: SupplierScore) -> float | None:
    """The shrunk customs clearance sub-score, 0..1; None when the run has none."""
    sub = score.sub_scores.get("clearance")
    return None if sub is None else sub.value


def flags_text(score: SupplierScore) -> str:
    return _list_separator().join(flag_label(flag.code) for flag in score.flags)


def _list_separator() -> str:
    # Translators: between the items of a short list in a table cell ("Vertical, Composite").
    return pgettext("list", ", ")


DISPLAY: dict[Column, Callable[[SupplierScore], str]] = {
    Column.CODE: lambda s: s.supplier_code,
    Column.NAME: lambda s: s.supplier_name,
    Column.COUNTRY: lambda s: s.country,
    Column.CHANNEL_TYPES: channel_types_text,
    Column.BRANDS: lambda s: ", ".join(s.brands),
    Column.MARGIN: lambda s: percent(s.margin_pct, 1),
    Column.STABILITY: lambda s: points(s.stability_score),
    Column.SOURCING_SCORE: lambda s: points(s.sourcing_score),
    Column.STANDING: lambda s: s.standing.label,
    Column.CONFIDENCE: lambda s: percent(s.confidence, 0),
    Column.CLEARANCE: lambda s: percent(clearance_value(s), 0),
    Column.FLAGS: flags_text,
}

# What a column sorts by: the unrounded number, not the text on screen.
SORT_KEY: dict[Column, Callable[[SupplierScore], SortKey]] = {
    Column.CODE: lambda s: s.supplier_code.casefold(),
    Column.NAME: lambda s: s.supplier_name.casefold(),
    Column.COUNTRY: lambda s: s.country.casefold(),
    Column.CHANNEL_TYPES: channel_types_key,
    Column.BRANDS: lambda s: ", ".join(s.brands).casefold(),
    # attrgetter runs in C: the keys of 100k rows in a few milliseconds.
    Column.MARGIN: attrgetter("margin_pct"),
    Column.STABILITY: attrgetter("stability_score"),
    Column.SOURCING_SCORE: attrgetter("sourcing_score"),
    Column.STANDING: lambda s: STANDING_RANK[s.standing],
    Column.CONFIDENCE: attrgetter("confidence"),
    Column.CLEARANCE: clearance_value,
    # The loudest flag first when sorted descending: a suspected counterfeit
    # outweighs any number of others (ui/widgets/flag_style.py).
    Column.FLAGS: lambda s: (
        len(s.flags) + 1000 * any(f.code is FlagCode.COUNTERFEIT_SUSPECTED for f in s.flags)
    ),
}


@dataclass(frozen=True)
class SupplierFilter:
    """What the buyer narrowed the table to; blank fields let everything through."""

    text: str = ""  # part of the code, name or a brand, any case
    channel_type: str = ""  # "vertical": has a vertical channel; "composite": composite only
    standing: str = ""  # a Standing value
    country: str = ""  # ISO code
    flag: str = ""  # a FlagCode value: suppliers carrying that flag

    @property
    def is_empty(self) -> bool:
        return not (
            self.text.strip() or self.channel_type or self.standing or self.country or self.flag
        )


@dataclass
class PreparedRows:
    """Everything the model shows and searches, as flat arrays indexed like `scores`.

    The filter arrays are built on first use: opening the table needs only the
    sort keys of one column.
    """

    scores: list[SupplierScore]
    sort_keys: dict[Column, list[SortKey]] = field(default_factory=dict)
    sort_column: Column | None = None
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
    sorted_all: list[int] = field(default_factory=list)  # every row in sort order
    order: list[int] = field(default_factory=list)  # the rows passing the filter, in order
    filter: SupplierFilter = field(default_factory=SupplierFilter)
    country_list: list[str] | None = None  # distinct countries, when built on a worker
    supplier_index: dict[int, int] | None = None  # supplier id -> index, when built on a worker
    _search: list[str] | None = None
    _channel_bits: list[int] | None = None

    @property
    def search(self) -> list[str]:
        """Code, name and brands, casefolded, for the search box."""
        if self._search is None:
            self._search = [_search_key(s) for s in self.scores]
        return self._search

    @property
    def channel_bits(self) -> list[int]:
        if self._channel_bits is None:
            self._channel_bits = [_bits(s) for s in self.scores]
        return self._channel_bits

    def build_filter_arrays(self) -> None:
        """Build the search keys and channel bits now (on a worker) instead of on first use."""
        if self._search is None:
            self._search = map_in_slices(_search_key, self.scores)
        if self._channel_bits is None:
            self._channel_bits = map_in_slices(_bits, self.scores)

    @property
    def has_filter_arrays(self) -> bool:
        return self._search is not None and self._channel_bits is not None

    def forget_filter_arrays(self) -> None:
        self._search = None
        self._channel_bits = None


# From this many rows an old set is freed on a helper thread (sourcing_app.freeing).
DROP_OFF_THREAD_FROM = 20_000


def _search_key(score: SupplierScore) -> str:
    # Tabs keep a search from matching across the end of one field and the start of the next.
    return "\t".join((score.supplier_code, score.supplier_name, *score.brands)).casefold()


def _bits(score: SupplierScore) -> int:
    bits = 0
    for kind in score.channel_types:
        bits |= VERTICAL_BIT if kind is ChannelType.VERTICAL else COMPOSITE_BIT
    return bits


def prepare_rows(
    scores: Sequence[SupplierScore],
    sort_column: Column | None = None,
    sort_order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
    filter_: SupplierFilter | None = None,
    *,
    in_pieces: bool = False,
) -> PreparedRows:
    """Build the arrays, sorted and filtered; safe to run on a worker thread.

    `in_pieces`: built on a worker next to a live UI thread, so no single long
    C call holds the GIL (see `sorted_order`).
    """
    scores = list(scores)
    rows = PreparedRows(
        scores=scores,
        sort_column=sort_column,
        sort_order=sort_order,
        filter=filter_ or SupplierFilter(),
    )
    rows.sorted_all = sorted_order(rows, sort_column, sort_order, in_pieces=in_pieces)
    rows.order = filtered_order(rows, rows.sorted_all, rows.filter)
    if in_pieces:
        rows.country_list = sorted(set(map_in_slices(_country, scores)))
        ids = map_in_slices(_supplier_id, scores)
        rows.supplier_index = dict(zip(ids, range(len(ids)), strict=True))
        # The search keys and channel bits too, in the same job: built by a second
        # worker after the table was on screen, they kept the GIL from the UI thread
        # for half a second just as the buyer opened a supplier (stalls of 150 ms).
        rows.build_filter_arrays()
    return rows


_country = attrgetter("country")
_supplier_id = attrgetter("supplier_id")


SORT_PIECE = 25_000


def sorted_order(
    rows: PreparedRows, column: Column | None, order: Qt.SortOrder, *, in_pieces: bool = False
) -> list[int]:
    if column is None:
        return list(range(len(rows.scores)))
    keys = rows.sort_keys.get(column)
    if keys is None:
        key_of = SORT_KEY[column]
        keys = map_in_slices(key_of, rows.scores) if in_pieces else list(map(key_of, rows.scores))
        rows.sort_keys[column] = keys
    # Blanks (no margin, so no score) go last in either direction: a buyer
    # sorting by score wants the rated suppliers first.
    known = [i for i, key in enumerate(keys) if key is not None]
    blank = [i for i, key in enumerate(keys) if key is None] if len(known) < len(keys) else []
    by_key: Callable[[int], Any] = keys.__getitem__  # one column holds one type
    reverse = order == Qt.SortOrder.DescendingOrder
    if not in_pieces or len(known) <= SORT_PIECE:
        known.sort(key=by_key, reverse=reverse)
        return known + blank
    # On a worker: one list.sort over 100k rows holds the GIL for 100-200 ms on a
    # busy machine and the UI thread would wait. Sorted pieces, then one more sort
    # that finds them as runs and only merges them: no single step holds it long.
    # Both sorts are stable, so the result equals the plain sort.
    merged: list[int] = []
    for i in range(0, len(known), SORT_PIECE):
        merged += sorted(known[i : i + SORT_PIECE], key=by_key, reverse=reverse)
    merged.sort(key=by_key, reverse=reverse)
    return merged + blank


def filtered_order(rows: PreparedRows, order: list[int], filter_: SupplierFilter) -> list[int]:
    """The rows of `order` that pass the filter, in the same order: one pass per condition."""
    if filter_.is_empty:
        return list(order)
    keep: list[int] | None = None
    needle = filter_.text.strip().casefold()
    if needle:
        search = rows.search
        keep = [i for i in order if needle in search[i]]
    scores = rows.scores
    if filter_.standing:
        wanted = Standing(filter_.standing)
        keep = [i for i in (order if keep is None else keep) if scores[i].standing is wanted]
    if filter_.country:
        country = filter_.country
        keep = [i for i in (order if keep is None else keep) if scores[i].country == country]
    if filter_.flag:
        code = FlagCode(filter_.flag)
        keep = [
            i
            for i in (order if keep is None else keep)
            if any(f.code is code for f in scores[i].flags)
        ]
    if filter_.channel_type:
        bits = rows.channel_bits
        if filter_.channel_type == ChannelType.VERTICAL.value:
            keep = [i for i in (order if keep is None else keep) if bits[i] & VERTICAL_BIT]
        else:
            keep = [i for i in (order if keep is None else keep) if bits[i] == COMPOSITE_BIT]
    return list(order) if keep is None else keep


class SupplierTableModel(QAbstractTableModel):
    """Scores in arrival order plus a view order; sorting and filtering permute the view order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = prepare_rows([])
        self._supplier_index: dict[int, int] | None = None
        self._headers: list[str] = []
        self._header_tips: dict[int, str] = {}
        self._display: list[Callable[[SupplierScore], str]] = []
        self.retranslate()

    def retranslate(self) -> None:
        """Look the headers and the cells' words up in the current language, once.

        The view asks for every visible cell on each paint: the standings, channel
        types and flag names are read from these tables, not from the catalog per
        cell. The sort keys are codes and numbers, the same in any language.
        """
        self._headers = [_(HEADERS[column]) for column in Column]
        self._header_tips = {int(column): _(tip) for column, tip in HEADER_TIPS.items()}
        standing_text = {standing: standing.label for standing in Standing}
        flag_text = {code: flag_label(code) for code in FlagCode}
        separator = _list_separator()
        type_text = {
            bits: separator.join(
                kind.label
                for kind, bit in (
                    (ChannelType.VERTICAL, VERTICAL_BIT),
                    (ChannelType.COMPOSITE, COMPOSITE_BIT),
                )
                if bits & bit
            )
            for bits in range(4)
        }
        display = dict(DISPLAY)
        display[Column.STANDING] = lambda s: standing_text[s.standing]
        display[Column.CHANNEL_TYPES] = lambda s: type_text[_bits(s)]
        display[Column.FLAGS] = lambda s: separator.join(flag_text[f.code] for f in s.flags)
        self._display = [display[column] for column in Column]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)

    # --- reading -------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows.order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def score_at(self, row: int) -> SupplierScore:
        return self._rows.scores[self._rows.order[row]]

    @property
    def total_count(self) -> int:
        return len(self._rows.scores)

    @property
    def filter(self) -> SupplierFilter:
        return self._rows.filter

    @property
    def sort_column(self) -> Column | None:
        return self._rows.sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._rows.sort_order

    @property
    def scores(self) -> list[SupplierScore]:
        return self._rows.scores

    @property
    def prepared_rows(self) -> PreparedRows:
        return self._rows

    def countries(self) -> list[str]:
        if self._rows.country_list is not None:
            return self._rows.country_list
        return sorted({s.country for s in self._rows.scores})

    @property
    def _index_of_supplier(self) -> dict[int, int]:
        """Supplier id → index into scores, built when first asked (not on open)."""
        if self._supplier_index is None:
            self._supplier_index = {s.supplier_id: i for i, s in enumerate(self._rows.scores)}
        return self._supplier_index

    def row_of_supplier(self, supplier_id: int) -> int | None:
        """The view row of a supplier, None when it is filtered out or unknown."""
        index = self._index_of_supplier.get(supplier_id)
        if index is None:
            return None
        try:
            return self._rows.order.index(index)
        except ValueError:
            return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks for ten roles per visible cell on every paint: plain int
        # comparisons, no enum construction (docs/performance.md: sort and filter bars
        # include the repaint).
        if not index.isValid():
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._display[column](self._rows.scores[self._rows.order[index.row()]])
        if role == _ALIGNMENT:
            return _ALIGN_RIGHT if column in NUMERIC_COLUMNS else None
        if role == _DECORATION:
            if column != Column.STANDING:
                return None
            return STANDING_COLOURS[self._rows.scores[self._rows.order[index.row()]].standing]
        if role == _FOREGROUND:
            if column == Column.FLAGS:
                return self._flag_brush(self._rows.scores[self._rows.order[index.row()]])
            if column != Column.STANDING:
                return None
            return _STANDING_TEXT.get(self._rows.scores[self._rows.order[index.row()]].standing)
        if role == _TOOLTIP:
            score = self._rows.scores[self._rows.order[index.row()]]
            if column == Column.FLAGS:
                return "\n".join(flag.message for flag in score.flags) or None
            if column in (Column.NAME, Column.BRANDS):
                return self._display[column](score)
            return None
        if role == _SORT:
            return SORT_KEY[column](self._rows.scores[self._rows.order[index.row()]])  # type: ignore[index]
        if role == _SUPPLIER_ID:
            return self._rows.scores[self._rows.order[index.row()]].supplier_id
        return None

    def _flag_brush(self, score: SupplierScore) -> QBrush | None:
        """The colour of the supplier's loudest new flag (counterfeit, customs, returns)."""
        for code in _COLOURED_FLAGS:
            if any(f.code is code for f in score.flags):
                return _FLAG_BRUSHES[code]
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == _DISPLAY:
            return self._headers[section]
        if role == _TOOLTIP:
            return self._header_tips.get(section)
        if role == _ALIGNMENT and section in NUMERIC_COLUMNS:
            return _ALIGN_RIGHT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    # --- changing ------------------------------------------------------------------

    def set_scores(self, scores: Sequence[SupplierScore]) -> None:
        """Show a fresh set of scores, keeping the sort and the filter the buyer chose."""
        self.install(
            prepare_rows(scores, self._rows.sort_column, self._rows.sort_order, self._rows.filter)
        )

    def install(self, rows: PreparedRows) -> None:
        """Swap in arrays built by `prepare_rows` (on any thread): no work on the UI thread."""
        self.beginResetModel()
        old, self._rows = self._rows, rows
        self._supplier_index = rows.supplier_index
        self.endResetModel()
        if old.scores is not rows.scores and len(old.scores) >= DROP_OFF_THREAD_FROM:
            free_later(old.scores)

    def set_filter(self, filter_: SupplierFilter) -> None:
        if filter_ == self._rows.filter:
            return
        self.beginResetModel()
        self._rows.filter = filter_
        self._rows.order = filtered_order(self._rows, self._rows.sorted_all, filter_)
        self.endResetModel()

    def update_scores(self, changed: Iterable[SupplierScore]) -> None:
        """Replace the scores of suppliers already shown; one dataChanged covers them all.

        Rows stay where they are until the buyer sorts again, so a row being
        edited does not jump away. Suppliers not in the table are ignored.
        """
        rows = self._rows
        positions: list[int] = []
        for score in changed:
            index = self._index_of_supplier.get(score.supplier_id)
            if index is None:
                continue
            rows.scores[index] = score
            for column, keys in rows.sort_keys.items():
                keys[index] = SORT_KEY[column](score)
            positions.append(index)
        if not positions:
            return
        rows.forget_filter_arrays()
        wanted = set(positions)
        shown = [row for row, index in enumerate(rows.order) if index in wanted]
        if shown:
            self.dataChanged.emit(
                self.index(min(shown), 0), self.index(max(shown), len(Column) - 1)
            )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        rows = self._rows
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(rows.order[index.row()], index.column()) for index in persistent]
        rows.sort_column = Column(column)
        rows.sort_order = order
        rows.sorted_all = sorted_order(rows, rows.sort_column, order)
        rows.order = filtered_order(rows, rows.sorted_all, rows.filter)
        if persistent:
            row_of = {score_index: row for row, score_index in enumerate(rows.order)}
            moved = [self.index(row_of[score_index], col) for score_index, col in held]
            self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()
