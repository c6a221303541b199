"""How numbers, money and dates read to a person: every figure with its unit.

One module for the desktop, the reports, the command line's messages and the
domain's own explanations, so "CNY 1,234.50", "45.5%" and "3 Dec 2026" read
the same everywhere. Money rounds half-up to the cent, as an invoice does.
Month names are written out here rather than taken from `strftime("%b")`,
which follows the process locale: a German or Chinese desktop would otherwise
print "27 11月 2026" where the command line prints "27 Nov 2026".

In Chinese the glossary's forms apply: money in the home currency as
"¥1,234.56" (other currencies by their code, "USD 12.50"), dates as
"2026年12月3日" in a sentence and "2026-12-03" in a table cell, "1,200 件",
"12 天". Machine formats (ISO dates in files, plain numbers in JSON and CSV)
never come from here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from sourcing_app import i18n

NO_VALUE = "—"
MINUS = "−"  # U+2212: a minus sign lines up with the digits, a hyphen does not

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _places(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def rounded(amount: Decimal | float | int, places: int = 2) -> Decimal:
    """Round half-up to `places` decimals: 2.345 → 2.35, whatever the type came in."""
    if not isinstance(amount, Decimal):
        amount = Decimal(str(amount))
    return amount.quantize(_places(places), rounding=ROUND_HALF_UP)


def amount(value: Decimal | float | int | None, places: int = 2) -> str:
    """A number with thousands separators and no unit: 1234.5 → '1,234.50'."""
    if value is None:
        return NO_VALUE
    figure = rounded(value, places)
    sign = MINUS if figure < 0 else ""
    return f"{sign}{abs(figure):,}"


def money(value: Decimal | float | int | None, currency: str = "CNY", places: int = 2) -> str:
    """Money with its currency: 'CNY 1,234.50', '−USD 3.20'; in Chinese '¥1,234.50'."""
    if value is None:
        return NO_VALUE
    figure = rounded(value, places)
    sign = MINUS if figure < 0 else ""
    if currency == "CNY" and i18n.is_chinese():
        return f"{sign}¥{abs(figure):,}"
    return f"{sign}{currency} {abs(figure):,}"


def percent(fraction: float | Decimal | None, places: int = 1) -> str:
    """A 0..1 fraction as a percentage, no space before the sign: 0.4551 → '45.5%'."""
    if fraction is None:
        return NO_VALUE
    figure = rounded(Decimal(str(fraction)) * 100, places)
    sign = MINUS if figure < 0 else ""
    return f"{sign}{abs(figure)}%"


def points(score: float | None, places: int = 1) -> str:
    """A 0..100 score where the column or axis title says '(0–100)'."""
    return NO_VALUE if score is None else str(rounded(score, places))


def score_of_100(score: float | None) -> str:
    """A 0..100 score where nothing else carries the unit: '72.4 / 100'."""
    return NO_VALUE if score is None else f"{rounded(score, 1)} / 100"


def day(value: dt.date | None) -> str:
    """A date in a sentence: '3 Dec 2026'; in Chinese '2026年12月3日'."""
    if value is None:
        return NO_VALUE
    if i18n.is_chinese():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def cell_day(value: dt.date | None) -> str:
    """A date in a table cell: '3 Dec 2026'; in Chinese '2026-12-03'."""
    if value is None:
        return NO_VALUE
    return value.isoformat() if i18n.is_chinese() else day(value)


def month_label(value: dt.date) -> str:
    """A month on a chart axis: 'Dec 2026'; in Chinese '2026年12月'."""
    if i18n.is_chinese():
        return f"{value.year}年{value.month}月"
    return f"{_MONTHS[value.month - 1]} {value.year}"


def moment(value: dt.datetime) -> str:
    """A time of day with its date: '3 Dec 2026 14:05'; in Chinese '2026-12-03 14:05'."""
    return f"{cell_day(value.date())} {value:%H:%M}"


def count(quantity: int, singular: str, plural: str | None = None) -> str:
    """'1 supplier', '1,200 suppliers' (English words only: new text uses ngettext)."""
    word = singular if quantity == 1 else (plural or singular + "s")
    return f"{quantity:,} {word}"


def units(quantity: int | None, unit: str = "units") -> str:
    """'1 unit', '1,200 units' ('1,200 件'), or with another unit: '87,000 units/month'."""
    if quantity is None:
        return NO_VALUE
    if unit == "units":
        return i18n.ngettext("{n} unit", "{n} units", quantity).format(n=f"{quantity:,}")
    return f"{quantity:,} {unit}"


def days(quantity: int | None) -> str:
    """'1 day', '12 days' ('12 天')."""
    if quantity is None:
        return NO_VALUE
    return i18n.ngettext("{n} day", "{n} days", quantity).format(n=f"{quantity:,}")
