"""How the reports write numbers and dates: every figure with its unit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def day(value: dt.date | None) -> str:
    """27 Nov 2026."""
    return "—" if value is None else f"{value.day} {value:%b %Y}"


def short_day(value: dt.date) -> str:
    return f"{value:%b %Y}"


def money(amount: Decimal | float | None, currency: str, places: int = 2) -> str:
    """CNY 1,234.50."""
    if amount is None:
        return "—"
    return f"{currency} {Decimal(str(amount)).quantize(Decimal(1).scaleb(-places)):,}"


def percent(fraction: float | Decimal | None, places: int = 2) -> str:
    """0.4551 -> 45.51%."""
    if fraction is None:
        return "—"
    return f"{float(fraction) * 100:.{places}f}%"


def score(value: float | None) -> str:
    """A 0..100 score: 72.4 / 100."""
    return "—" if value is None else f"{value:.1f} / 100"


def share(value: float | None) -> str:
    """A 0..1 sub-score shown as a percentage."""
    return "—" if value is None else f"{value * 100:.1f}%"
