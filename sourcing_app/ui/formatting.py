"""How numbers, money and dates read on screen: every number with its unit.

One place, so the table, the detail pane, the charts and the dashboard say
"CNY 1,234.50", "45.5%" and "27 Nov 2026" the same way. Pure Python (no Qt),
so workers can format text off the UI thread.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

NO_VALUE = "—"


def money(amount: Decimal | float | int | None, currency: str = "CNY", places: int = 2) -> str:
    if amount is None:
        return NO_VALUE
    if isinstance(amount, Decimal):
        amount = amount.quantize(Decimal(1).scaleb(-places))
        sign = "−" if amount < 0 else ""
        return f"{sign}{currency} {abs(amount):,}"
    sign = "−" if amount < 0 else ""
    return f"{sign}{currency} {abs(amount):,.{places}f}"


def percent(fraction: float | Decimal | None, places: int = 1) -> str:
    """A 0..1 fraction as a percentage: 0.4551 → '45.5%'."""
    if fraction is None:
        return NO_VALUE
    return f"{float(fraction) * 100:.{places}f}%"


def points(score: float | None, places: int = 1) -> str:
    """A 0..100 score; the column or axis title says '(0–100)'."""
    return NO_VALUE if score is None else f"{score:.{places}f}"


def score_of_100(score: float | None) -> str:
    """A 0..100 score where no header carries the unit."""
    return NO_VALUE if score is None else f"{score:.1f} / 100"


def day(value: dt.date | None) -> str:
    return NO_VALUE if value is None else f"{value.day} {value:%b %Y}"


def units(quantity: int | None, unit: str = "units") -> str:
    return NO_VALUE if quantity is None else f"{quantity:,} {unit}"


def count(quantity: int, singular: str, plural: str | None = None) -> str:
    word = singular if quantity == 1 else (plural or singular + "s")
    return f"{quantity:,} {word}"


def days(quantity: int | None) -> str:
    if quantity is None:
        return NO_VALUE
    return f"{quantity:,} day" if abs(quantity) == 1 else f"{quantity:,} days"
