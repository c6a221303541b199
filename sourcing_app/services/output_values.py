"""Figures as the command line's JSON and CSV write them (docs/files-and-commands.md).

One rule for `score`, `plan` and `scenario` output, a public contract: numbers
rounded to a stated number of places, money to the cent, nothing as null in
JSON and as an empty cell in CSV.
"""

from __future__ import annotations

from typing import Any


def json_number(value: float | None, places: int) -> float | None:
    """A figure rounded to `places` decimals; None stays None (null)."""
    return None if value is None else round(value, places)


def json_money(value: Any) -> float | None:
    """Money as a number rounded to the cent, like the scores' rounded numbers; None stays None."""
    return None if value is None else round(float(value), 2)


def csv_cell(value: Any) -> Any:
    """A CSV cell: an empty one for a missing value, else the value as it is."""
    return "" if value is None else value
