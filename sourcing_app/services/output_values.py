"""Figures and text as the files the desk writes hold them (docs/files-and-commands.md).

One rule for `score`, `plan` and `scenario` output, a public contract: numbers
rounded to a stated number of places, money to the cent, nothing as null in
JSON and as an empty cell in CSV.

And one rule for every text cell of a CSV or .xlsx file a person may open in a
spreadsheet (docs/bad-input.md, CSV injection): a text that Excel or
LibreOffice would run as a formula, one starting with `=`, `+`, `-`, `@`, a
tab or a carriage return, is written with a leading apostrophe. The importer
takes one apostrophe off a cell whose apostrophes are followed by one of those
signs (`unneutral`), so every text survives the round trip: `=SUM(A1)` is
written `'=SUM(A1)`, a real `'quoted` stays `'quoted`, and a real `'=x` is
written `''=x` and read back as `'=x`. Numbers are not text and stay numbers.
"""

from __future__ import annotations

from typing import Any

# The first characters that make a spreadsheet read a cell as a formula.
FORMULA_SIGNS = frozenset("=+-@\t\r")


def _needs_apostrophe(text: str) -> bool:
    """Starts with a formula sign, after any apostrophes of its own."""
    rest = text.lstrip("'")
    return rest != "" and rest[0] in FORMULA_SIGNS


def neutral(text: str) -> str:
    """`text` as a file cell that no spreadsheet runs as a formula."""
    return "'" + text if _needs_apostrophe(text) else text


_FIRST = FORMULA_SIGNS | {"'"}


def neutral_cell(value: Any) -> Any:
    """`neutral` for a text cell of an export row, where None stays None; quick when safe."""
    if isinstance(value, str) and value and value[0] in _FIRST:
        return neutral(value)
    return value


def unneutral(cell: str) -> str:
    """A file cell's text with the apostrophe `neutral` added taken off again."""
    if cell[:1] == "'" and _needs_apostrophe(cell):
        return cell[1:]
    return cell


def json_number(value: float | None, places: int) -> float | None:
    """A figure rounded to `places` decimals; None stays None (null)."""
    return None if value is None else round(value, places)


def json_money(value: Any) -> float | None:
    """Money as a number rounded to the cent, like the scores' rounded numbers; None stays None."""
    return None if value is None else round(float(value), 2)


def csv_cell(value: Any) -> Any:
    """A CSV cell: an empty one for a missing value, a text no spreadsheet runs as a
    formula, else the value as it is (a number stays a number, minus sign and all)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutral(value)
    return value
