"""Cells read once: each distinct cell text is checked on first sight and remembered.

Bulk speed (docs/performance.md): most cells of a million-row file cost one
dict lookup, and reference columns (supplier codes, SKUs, line refs) resolve
through dicts preloaded with every stored key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcing_app.i18n import N_, _
from sourcing_app.services.field_checks import control_problem
from sourcing_app.services.output_values import unneutral

# Small-domain columns remember at most this many distinct cells, so a file
# with a million distinct prices cannot grow the memo without bound.
MEMO_LIMIT = 100_000


class Bad:
    """A cell that failed its check, with the reason the buyer will read."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Tally:
    """Bad cells met so far, shared by a row's memos: one integer compare per row
    tells the hot loop whether the row needs a closer look."""

    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad = 0


class CellMemo(dict[str, Any]):
    """Raw cell text -> value ready for the driver, worked out on first sight.

    Looked up with `operator.getitem` from C, so a remembered cell costs no
    Python call at all; `__missing__` runs only for text not seen before, and
    for bad cells, which are never remembered so that each one is counted.
    """

    __slots__ = ("_convert", "_room", "_tally")

    def __init__(self, convert: Callable[[str], Any], room: int, tally: Tally) -> None:
        super().__init__()
        self._convert = convert
        self._room = room
        self._tally = tally

    def __missing__(self, raw: str) -> Any:
        value = self._convert(raw)
        if type(value) is Bad:
            self._tally.bad += 1
        elif self._room > 0:
            self._room -= 1
            self[raw] = value
        return value


class ReferenceMemo(CellMemo):
    """A reference column: preloaded with every stored key, so a known code,
    SKU or line_ref resolves with one dict lookup and unknown text is refused.

    `unknown` and `near` are the reasons (marked with N_, with `{key}` and
    `{known}`) for a key not stored, and for one stored in another case.
    """

    __slots__ = ("_unknown", "_near", "_folded")

    def __init__(self, unknown: str, near: str, tally: Tally) -> None:
        super().__init__(self._resolve, MEMO_LIMIT, tally)
        self._unknown = unknown
        self._near = near
        self._folded: dict[str, str] | None = None

    def _resolve(self, raw: str) -> Any:
        text = raw.strip()
        if not text:
            return Bad(_(BLANK))
        if text[0] == "'":  # written by an export as '-PO-7, say (output_values)
            text = unneutral(text)
            if text in self:
                return self[text]
        problem = control_problem(text)
        if problem:
            return Bad(problem)
        if text != raw and text in self:
            return self[text]
        if self._folded is None:  # built once, and only when something is unknown
            self._folded = {k.casefold(): k for k in self}
        known = self._folded.get(text.casefold())
        if known is not None:
            return Bad(_(self._near).format(key=text, known=known))
        return Bad(_(self._unknown).format(key=text))

    def key_of(self, value: Any) -> str:
        """The stored key that resolves to `value` (for messages; slow)."""
        return next((k for k, v in self.items() if v == value), "?")


BLANK = N_("this cell is blank; a value is required")


def letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
