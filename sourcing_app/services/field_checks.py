"""Checks that span two values of a row, shared by the importer and the editing forms.

docs/bad-input.md: a delivery cannot come before its order, a quote cannot end
before it starts, and so on. The importer compares driver-level values (integer
days on SQLite) and the editor compares dates; both are ordered the same way, so
each rule takes whatever it is given plus a `show` that writes a value in words.
One wording, one rule, wherever the value came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Integer, Numeric

from sourcing_app.i18n import N_, _

Show = Callable[[Any], str]


def _plain(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def contract_end_problem(start: Any, end: Any, show: Show = _plain) -> str | None:
    if start is not None and end is not None and end < start:
        return _("{end} is before the contract start {start}").format(
            end=show(end), start=show(start)
        )
    return None


def valid_to_problem(valid_from: Any, valid_to: Any, show: Show = _plain) -> str | None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        # Translators: valid_from is the quote's column 生效日期.
        return _("{valid_to} is before valid_from {valid_from}").format(
            valid_to=show(valid_to), valid_from=show(valid_from)
        )
    return None


def promised_date_problem(ordered: Any, promised: Any, show: Show = _plain) -> str | None:
    if ordered is not None and promised is not None and promised < ordered:
        return _("{promised} is before the order date {ordered}").format(
            promised=show(promised), ordered=show(ordered)
        )
    return None


def delivered_date_problem(ordered: Any, delivered: Any, show: Show = _plain) -> str | None:
    if ordered is not None and delivered is not None and delivered < ordered:
        return _("{delivered} is before the line's order date {ordered}").format(
            delivered=show(delivered), ordered=show(ordered)
        )
    return None


def rejected_problem(delivered: Any, rejected: Any) -> str | None:
    if delivered is not None and rejected is not None and rejected > delivered:
        return _("{rejected} rejected is more than the {delivered} delivered").format(
            rejected=rejected, delivered=delivered
        )
    return None


def no_channel_problem(supplier_code: str, brand: str, sku: str, remedy: str) -> str:
    """Quotes and purchases go through the supplier's channel for the SKU's brand."""
    return _(
        "supplier '{supplier}' has no channel for brand '{brand}' (the brand of SKU '{sku}'); "
        "{remedy}"
    ).format(supplier=supplier_code, brand=brand, sku=sku, remedy=remedy)


def missing_rate_problem(currency: str, ordered: Any, remedy: str, show: Show = _plain) -> str:
    return _(
        "blank, and no {currency} exchange rate is stored on or before {day}; {remedy}"
    ).format(currency=currency, day=show(ordered), remedy=remedy)


# --- values a column cannot hold (docs/bad-input.md) ----------------------------
# One rule for files and forms: a value the database column cannot store is bad
# input in words, never an overflow deep in the driver. Every whole-number column
# is a 32-bit INTEGER on PostgreSQL (the migrations), so a file that goes into
# SQLite also goes into a team database; Numeric(p, s) holds below 10^(p - s).

INT32_MOST = 2**31 - 1
INT64_MOST = 2**63 - 1
# Free-text columns where a tab and line breaks belong (a note typed over several lines).
MULTILINE_COLUMNS = frozenset({"notes"})
# C0 control characters (U+0000..U+001F) and DEL; a tab, CR and LF where allowed.
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# NUL and DEL are the characters' own names; the others are words, translated where shown.
_NAMES = {0: "NUL", 127: "DEL"}
_WORDS = {9: N_("tab"), 10: N_("line break"), 13: N_("carriage return")}


def too_large_problem(text: str, most: Any) -> str:
    return _("{value} is too large; this column holds at most {most}").format(
        value=_short(text), most=most
    )


def _short(text: str) -> str:
    # A 5,000-digit number is named by its start, not printed whole.
    return text if len(text) <= 40 else text[:37] + "…"


def control_problem(text: str, column: str = "") -> str | None:
    """A C0 control character (NUL, ESC, ...) in a cell; notes may hold tabs and line breaks."""
    pattern = _CONTROL_BUT_LINES if column in MULTILINE_COLUMNS else _CONTROL
    found = pattern.search(text)
    if found is None:
        return None
    code = ord(found.group())
    name = _(_WORDS[code]) if code in _WORDS else _NAMES.get(code, f"U+{code:04X}")
    return _(
        "holds a control character ({name}) at character {position}; "
        "remove it (only notes may hold tabs and line breaks)"
    ).format(name=name, position=found.start() + 1)


def visible(text: str) -> str:
    """`text` with each control character written as \\xNN, to echo it in a message."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def too_long_problem(text: str, most: int) -> str:
    return _("is {length} characters long; at most {most} fit").format(length=len(text), most=most)


def fit_problem(column_type: Any, value: Any, text: str) -> str | None:
    """Why the column of SQL type `column_type` cannot hold `value` (read from `text`), or None.

    Text longer than the column's length, a whole number beyond the column's
    integer type, a decimal beyond its precision; `nan` and `inf` never get this
    far (the cell parsers refuse them as "not a number").
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        most = getattr(column_type, "length", None)
        if most is not None and len(value) > most:
            return too_long_problem(value, most)
        return None
    if isinstance(value, int):
        most = INT64_MOST if isinstance(column_type, BigInteger) else INT32_MOST
        if isinstance(column_type, Integer) and not -most - 1 <= value <= most:
            return too_large_problem(text, f"{most:,}")
        return None
    if isinstance(value, Decimal | float) and isinstance(column_type, Numeric):
        precision, scale = column_type.precision, column_type.scale or 0
        if precision is not None:
            limit = Decimal(10) ** (precision - scale)
            if not Decimal(value).is_finite() or abs(Decimal(value)) >= limit:
                most = limit - Decimal(10) ** -scale
                return too_large_problem(text, f"{most:,.{scale}f}".rstrip("0").rstrip("."))


def return_date_problem(first_delivery: Any, returned: Any, show: Show = _plain) -> str | None:
    """A return comes after sale, so after the goods arrived: not before the line's first
    delivery, and not on a line nothing has been delivered on yet."""
    if returned is None:
        return None
    if first_delivery is None:
        return _("nothing has been delivered on this purchase line yet, so nothing can be returned")
    if returned < first_delivery:
        return _("{returned} is before the line's first delivery on {delivered}").format(
            returned=show(returned), delivered=show(first_delivery)
        )
    return None


def returned_problem(returned: int, accepted: int) -> str | None:
    """Customers cannot send back more than was accepted on the line (delivered less rejected)."""
    if returned > accepted:
        return _(
            "returns on this line would add up to {returned} units, more than the {accepted} "
            "accepted on it (delivered less rejected)"
        ).format(returned=f"{returned:,}", accepted=f"{accepted:,}")
    return None
