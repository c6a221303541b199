"""The customs and after-sale flags of one supplier (docs/standings-and-flags.md).

CUSTOMS_DELAY, COUNTERFEIT_SUSPECTED and RETURNS_HIGH, each with its cause
in words; the codes never change with the language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.formatting import day, percent
from sourcing_app.i18n import _, ngettext


@dataclass(slots=True)
class CustomsHold:
    """The slowest recent delivery held in customs, and how many others were held."""

    days: int
    line: str
    others: int
    line_id: int = 0  # named (`line`) once the run's sums are in


@dataclass(slots=True)
class CounterfeitReturn:
    """A return for a suspected counterfeit, dated in the window."""

    sku: str
    line: str
    returned_on: dt.date | None
    qty: int
    brand: str
    composite: bool


def customs_delay_flag(hold: CustomsHold | None, hold_days: int, since: dt.date) -> list[Flag]:
    """CUSTOMS_DELAY: a delivery dated since `since` that took over `hold_days` to clear."""
    if hold is None:
        return []
    text = _(
        "line {line}: a delivery dated since {since} took {days} days to clear customs, "
        "more than {hold} days"
    ).format(line=hold.line, since=day(since), days=f"{hold.days:,}", hold=hold_days)
    if hold.others:
        more = ngettext(
            "{n} other recent delivery also took more than {hold} days",
            "{n} other recent deliveries also took more than {hold} days",
            hold.others,
        ).format(n=f"{hold.others:,}", hold=hold_days)
        # Translators: between the parts of one flag's cause, "A …; B …".
        text = _("; ").join((text, more))
    return [Flag(FlagCode.CUSTOMS_DELAY, text)]


def counterfeit_flag(returns: tuple[CounterfeitReturn, ...]) -> list[Flag]:
    """COUNTERFEIT_SUSPECTED: the return named first is a composite channel's, else the latest."""
    if not returns:
        return []
    first = next((r for r in returns if r.composite), returns[0])
    values = {
        "sku": first.sku,
        "line": first.line,
        "brand": first.brand,
        "day": day(first.returned_on),
        "n": f"{first.qty:,}",
    }
    if first.composite:
        text = ngettext(
            "{n} unit of {sku} (line {line}) returned on {day} as a suspected counterfeit; "
            "it was bought through a composite channel for {brand}",
            "{n} units of {sku} (line {line}) returned on {day} as a suspected counterfeit; "
            "they were bought through a composite channel for {brand}",
            first.qty,
        ).format(**values)
    else:
        text = ngettext(
            "{n} unit of {sku} (line {line}) returned on {day} as a suspected counterfeit; "
            "it was bought through a vertical channel for {brand}",
            "{n} units of {sku} (line {line}) returned on {day} as a suspected counterfeit; "
            "they were bought through a vertical channel for {brand}",
            first.qty,
        ).format(**values)
    others = len(returns) - 1
    if others:
        more = ngettext(
            "{n} more suspected-counterfeit return in the window",
            "{n} more suspected-counterfeit returns in the window",
            others,
        ).format(n=f"{others:,}")
        text = _("; ").join((text, more))
    return [Flag(FlagCode.COUNTERFEIT_SUSPECTED, text)]


def returns_high_flag(fault_returned: float, accepted: float, limit: float) -> list[Flag]:
    """RETURNS_HIGH: fault returns above `limit` (a fraction) of the accepted units."""
    # Strictly above; the margin keeps 5 of 100 (0.05 × 100 in floats) on the off side.
    if accepted <= 0 or fault_returned <= limit * accepted + 1e-9:
        return []
    text = _(
        "{returned} units returned for a fault of the goods against {accepted} units accepted "
        "on the window's due lines ({share}, above {limit})"
    ).format(
        returned=f"{fault_returned:,.0f}",
        accepted=f"{accepted:,.0f}",
        share=percent(fault_returned / accepted),
        limit=percent(limit),
    )
    return [Flag(FlagCode.RETURNS_HIGH, text)]
