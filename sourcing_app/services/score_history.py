"""Each supplier's scores at the last month-ends and at `as_of` (docs/score-history.md).

A point at date D is the full evaluation with `as_of = D`: its own window, quotes,
rates and priors, so it equals `score --as-of D`. Nothing is stored: the points are
worked out again from the data, so a corrected delivery changes the past.

The points share their reads: each quantity is added up in SQL per supplier
(or channel, or SKU) and run of points at which it counts, and each point's
sums are built from those groups (services.history has the pieces).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import raw_measures
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.services.history.aggregates import HistoryQuery
from sourcing_app.services.history.cuts import PointCuts
from sourcing_app.services.history.margins import PointPricer, load_quotes
from sourcing_app.services.history.points import PointEvidence, score_point
from sourcing_app.services.history.sums import build_series
from sourcing_app.services.scoring.aggregates import WINDOW_SHARES
from sourcing_app.services.scoring.reference import load_fx, load_reference
from sourcing_app.services.scoring.service import cycle_collector_paused
from sourcing_app.services.settings import load_settings

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
    """Every non-archived supplier's points, ordered by supplier code.

    The points share their reads (services.history): the lines and deliveries
    are read once, added up per run of points at which they count, and each
    point's sums are built from those groups.
    """
    dates = month_end_points(as_of, months)
    with cycle_collector_paused():
        return _score_history(engine, dates, settings, progress)


def _score_history(
    engine: Engine,
    dates: list[dt.date],
    settings: ScoringSettings | None,
    progress: ProgressCallback,
) -> list[SupplierHistory]:
    steps = len(dates) + 1
    with engine.connect() as conn:
        settings = settings or load_settings(conn)
        reference = load_reference(conn, dates[-1], settings)
        cuts = PointCuts(dates, settings.window_days)
        query = HistoryQuery(conn.dialect.name, cuts, settings)
        progress(0, steps, "Adding up the purchase lines of every month…")
        # The statements run on connections of their own (the deliveries split
        # by channel id parity, as the scoring run splits its window) while
        # this thread prices every point's quotes.
        with ThreadPoolExecutor(max_workers=WINDOW_SHARES) as pool:
            deliveries = [
                pool.submit(_read, engine, query.delivery_rows, (i, WINDOW_SHARES))
                for i in range(WINDOW_SHARES)
            ]
            lines = pool.submit(_read, engine, query.line_rows)
            returns = pool.submit(_read, engine, query.return_rows)
            quotes = load_quotes(conn, dates[-1], reference)
            rates = [load_fx(conn, day, settings) for day in dates]
            pricer = PointPricer(conn.dialect.name, reference, settings)
            walks = [
                {sid: pricer.walks(q, day, rates[i]) for sid, q in quotes.items()}
                for i, day in enumerate(dates)
            ]
            series = build_series(
                lines.result(),
                (row for share in deliveries for row in share.result()),
                lambda line_ids: query.split_rows(conn, line_ids),
                returns.result(),
                reference,
                len(dates),
            )
    weights = settings.normalised_weights()
    builder = PointEvidence(reference)
    grace, home = settings.grace_days, settings.home_currency
    target = settings.clearance_target_days
    supplier_ids = list(reference.suppliers)
    by_supplier: dict[int, list[HistoryPoint]] = {sid: [] for sid in supplier_ids}
    for i, day in enumerate(dates):
        progress(i + 1, steps, "Working out the scores at each month-end…")
        evidence = {sid: builder.evidence(sid, series.get(sid), i, day) for sid in supplier_ids}
        raws = {
            sid: raw_measures(e, grace_days=grace, home_currency=home, clearance_target_days=target)
            for sid, e in evidence.items()
        }
        figures = score_point(raws, evidence, walks[i], series, i, settings, weights)
        for sid, f in figures.items():
            by_supplier[sid].append(
                HistoryPoint(
                    as_of=day,
                    standing=f.standing,
                    sourcing_score=f.sourcing_score,
                    margin_score=f.margin_score,
                    stability_score=f.stability_score,
                    confidence=f.confidence,
                    sub_scores=f.sub_scores,
                )
            )
    progress(steps, steps, "Working out the scores at each month-end…")
    histories = [
        SupplierHistory(sid, reference.suppliers[sid][0], reference.suppliers[sid][1], tuple(pts))
        for sid, pts in by_supplier.items()
    ]
    histories.sort(key=lambda h: h.supplier_code)
    return histories


def _read(engine: Engine, statement: Callable[..., list[Any]], *args: Any) -> list[Any]:
    """One of the history's statements, on a connection of its own (for a worker thread)."""
    with engine.connect() as conn:
        return statement(conn, *args)
