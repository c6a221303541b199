"""Which stored exchange rate applies on a day: the one rule, for every reader.

The rule (docs/vocabulary.md): a currency's rate on a day is its latest stored
rate dated on or before that day, and where a manual rate and a feed rate
share that date, the manual one wins. Scoring, the rates screen, the importer
(a purchase line's blank `fx_rate`) and the purchase form all ask here.

No `requests` here: scoring imports this module on the cold-start path.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, text

from sourcing_app.db.types import DayDate

MANUAL = "manual"
FEED = "feed"


def wins_over(kind: str, held: str | None) -> bool:
    """Whether a rate of `kind` replaces the `held` one of the same currency and date."""
    return held is None or (kind == MANUAL and held != MANUAL)


@dataclass(frozen=True)
class RateOnDay:
    """The rate that applies, where it came from, and the feed's rate a manual one beat."""

    currency: str
    day: dt.date
    rate: Decimal
    kind: str
    source: str
    overruled_feed_rate: Decimal | None = None


_LATEST = (
    text(
        "SELECT r.currency, r.rate_date, r.kind, r.rate_to_home, r.source "
        "FROM exchange_rate r WHERE r.rate_date = (SELECT MAX(r2.rate_date) "
        "FROM exchange_rate r2 WHERE r2.currency = r.currency AND r2.rate_date <= :on)"
    )
    .bindparams(bindparam("on", type_=DayDate()))
    .columns(rate_date=DayDate())
)


def rates_on(conn: Connection, on: dt.date) -> dict[str, RateOnDay]:
    """Every currency's applicable rate on `on` (the home currency is not stored)."""
    chosen: dict[str, RateOnDay] = {}
    feed_rates: dict[str, Decimal] = {}
    for currency, day, kind, rate, source in conn.execute(_LATEST, {"on": on}):
        value = Decimal(str(rate))
        if kind == FEED:
            feed_rates[currency] = value
        held = chosen.get(currency)
        if wins_over(kind, None if held is None else held.kind):
            chosen[currency] = RateOnDay(currency, day, value, kind, source or "")
    return {
        currency: (
            RateOnDay(r.currency, r.day, r.rate, r.kind, r.source, feed_rates.get(currency))
            if r.kind == MANUAL
            else r
        )
        for currency, r in chosen.items()
    }


def rate_on(conn: Connection, currency: str, on: dt.date) -> Decimal | None:
    """One currency's applicable rate on `on`, or None when none is stored by then."""
    found = rates_on(conn, on).get(currency)
    return None if found is None else found.rate


class RateTimeline:
    """Every stored rate in date order, to answer many days quickly (a big import).

    Built from rows of (currency, day, kind, rate) in ascending date order; `day`
    may be any comparable stored form (day numbers on SQLite, dates on PostgreSQL),
    as long as `on` is asked in the same form.
    """

    def __init__(self, rows: Iterable[tuple[str, Any, str, Any]]) -> None:
        best: dict[tuple[str, Any], tuple[str, Any]] = {}
        for currency, day, kind, rate in rows:
            held = best.get((currency, day))
            if wins_over(kind, None if held is None else held[0]):
                best[(currency, day)] = (kind, rate)
        self._days: dict[str, list[Any]] = {}
        self._rates: dict[str, list[Any]] = {}
        for (currency, day), (_kind, rate) in best.items():  # insertion keeps date order
            self._days.setdefault(currency, []).append(day)
            self._rates.setdefault(currency, []).append(rate)

    def on(self, currency: str, day: Any) -> Any:
        """The applicable stored rate on `day`, as stored, or None."""
        days = self._days.get(currency)
        if not days:
            return None
        index = bisect_right(days, day) - 1
        return self._rates[currency][index] if index >= 0 else None
