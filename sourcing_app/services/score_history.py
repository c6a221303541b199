"""Each supplier's scores at the last month-ends and at `as_of` (docs/score-history.md).

A point at date D is the full evaluation with `as_of = D`: its own window, quotes,
rates and priors, so it equals `score --as-of D`. Nothing is stored: the points are
worked out again from the data, so a corrected delivery changes the past.

This first form scores each date in turn; the shared-read form (one pass over the
lines, bucketed by month) replaces its inside and keeps this interface.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.services.scoring import ScoringService

DEFAULT_MONTHS = 12
MOVERS_MONTHS = 6
FALLING_POINTS = 10.0  # a fall of at least this many sourcing points over six months


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    as_of: dt.date
    standing: Standing
    sourcing_score: float | None
    margin_score: float | None
    stability_score: float
    confidence: float
    # Each sub-score as used (shrunk), 0..1, keyed as in SUB_SCORE_KEYS.
    sub_scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SupplierHistory:
    supplier_id: int
    supplier_code: str
    supplier_name: str
    points: tuple[HistoryPoint, ...]  # oldest first; the last is at `as_of`

    def change_over(self, months: int = MOVERS_MONTHS) -> float | None:
        """Sourcing points gained (positive) or lost since `months` month-ends before as_of."""
        if len(self.points) < 2:
            return None
        earlier = self.points[max(0, len(self.points) - 1 - months)]
        now = self.points[-1]
        if earlier.sourcing_score is None or now.sourcing_score is None:
            return None
        return now.sourcing_score - earlier.sourcing_score

    @property
    def falling(self) -> bool:
        change = self.change_over(MOVERS_MONTHS)
        return change is not None and change <= -FALLING_POINTS


def month_end_points(as_of: dt.date, months: int = DEFAULT_MONTHS) -> list[dt.date]:
    """The last `months` month-ends strictly before `as_of`, oldest first, then `as_of`."""
    if months < 0:
        raise ValueError("months must not be negative")
    ends: list[dt.date] = []
    year, month = as_of.year, as_of.month
    while len(ends) < months:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if last < as_of:
            ends.append(last)
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return [*reversed(ends), as_of]


def score_history(
    engine: Engine,
    as_of: dt.date,
    months: int = DEFAULT_MONTHS,
    settings: ScoringSettings | None = None,
    progress: ProgressCallback = no_progress,
) -> list[SupplierHistory]:
    """Every non-archived supplier's points, ordered by supplier code."""
    service = ScoringService(engine)
    dates = month_end_points(as_of, months)
    by_supplier: dict[int, list[HistoryPoint]] = {}
    names: dict[int, tuple[str, str]] = {}
    for i, day in enumerate(dates):
        progress(i, len(dates), "Working out the scores at each month-end…")
        for s in service.score_all(day, settings):
            names[s.supplier_id] = (s.supplier_code, s.supplier_name)
            by_supplier.setdefault(s.supplier_id, []).append(
                HistoryPoint(
                    as_of=day,
                    standing=s.standing,
                    sourcing_score=s.sourcing_score,
                    margin_score=s.margin_score,
                    stability_score=s.stability_score,
                    confidence=s.confidence,
                    sub_scores={k: sub.value for k, sub in s.sub_scores.items()},
                )
            )
    histories = [
        SupplierHistory(sid, names[sid][0], names[sid][1], tuple(points))
        for sid, points in by_supplier.items()
    ]
    histories.sort(key=lambda h: h.supplier_code)
    return histories
