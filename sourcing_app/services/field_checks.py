"""Checks that span two values of a row, shared by the importer and the editing forms.

docs/bad-input.md: a delivery cannot come before its order, a quote cannot end
before it starts, and so on. The importer compares driver-level values (integer
days on SQLite) and the editor compares dates; both are ordered the same way, so
each rule takes whatever it is given plus a `show` that writes a value in words.
One wording, one rule, wherever the value came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcing_app.i18n import _

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
