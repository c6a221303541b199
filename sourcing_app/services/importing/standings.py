"""Standings act on imports too: purchase lines placed lately with a Watch or Avoid supplier.

docs/standings-and-flags.md: a purchase recorded by hand with a Watch supplier
warns, and with an Avoid supplier it needs a reason. An imported purchase is
history, a fact that goes in whatever the standing; but the dry run, the
summary and the audit trail name each line placed with a supplier at Watch or
Avoid within the 30 days up to the evaluation date, so the rule is not
side-stepped by importing a file instead of typing the line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.formatting import day
from sourcing_app.i18n import N_, _, ngettext

# Lines ordered this many days before the evaluation date, or fewer, are "lately".
RECENT_DAYS = 30
ACTING = (Standing.WATCH, Standing.AVOID)

_NOTICE = N_(
    "line {line}: {ref} was ordered from {supplier} on {date}; {supplier} stands at {standing}"
)


@dataclass(frozen=True)
class Standings:
    """Each supplier's standing from one scoring run, and that run's evaluation date."""

    as_of: dt.date
    by_supplier: Mapping[int, Standing] = field(default_factory=dict)

    @classmethod
    def from_scores(cls, scores: Iterable[SupplierScore], as_of: dt.date) -> Standings:
        return cls(as_of, {s.supplier_id: s.standing for s in scores})

    @property
    def since(self) -> dt.date:
        """The first order date that counts as lately."""
        return self.as_of - dt.timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class StandingNotice:
    """One purchase line of the file placed lately with a Watch or Avoid supplier."""

    line: int
    line_ref: str
    supplier_code: str
    standing: Standing
    order_date: dt.date

    def __str__(self) -> str:
        return _(_NOTICE).format(
            line=self.line,
            ref=self.line_ref,
            supplier=self.supplier_code,
            date=day(self.order_date),
            standing=self.standing.label,
        )


def notices_heading(notices: list[StandingNotice], as_of: dt.date) -> str:
    """The sentence above the list: how many lines, and the 30 days it looked at."""
    n = len(notices)
    heading = ngettext(
        "{n} purchase line was placed with a supplier at Watch or Avoid in the {days} days "
        "up to {as_of} (standings of the scoring run of that day). It is history and is "
        "imported; check it:",
        "{n} purchase lines were placed with a supplier at Watch or Avoid in the {days} days "
        "up to {as_of} (standings of the scoring run of that day). They are history and are "
        "imported; check them:",
        n,
    )
    return heading.format(n=f"{n:,}", days=RECENT_DAYS, as_of=day(as_of))
