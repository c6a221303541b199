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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import raw_measures
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.services.history.aggregates import HistoryQuery
from sourcing_app.services.history.cuts import PointCuts
from sourcing_app.services.history.fork import in_two, may_fork
from sourcing_app.services.history.margins import PointPricer, load_quotes
from sourcing_app.services.history.points import PointEvidence, PointFigures, score_point
from sourcing_app.services.history.reads import read_elsewhere, read_here, sqlite_file_worth_it
from sourcing_app.services.history.sums import SeriesBuilder
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
        # The statements run side by side (the deliveries and the lines each
        # split by channel id parity, as the scoring run splits its window),
        # on connections of their own or, for a big SQLite file, in processes
        # of their own (services.history.reads), while this thread prices
        # every point's quotes; each statement's groups are added up as soon
        # as it ends.
        path = sqlite_file_worth_it(engine)
        builder = SeriesBuilder(reference, len(dates), line_shares=WINDOW_SHARES)
        shares = [(i, WINDOW_SHARES) for i in range(WINDOW_SHARES)]
        statements = [
            *((builder.add_deliveries, query.delivery_sql(share)) for share in shares),
            *((builder.add_lines, query.line_sql(share)) for share in shares),
            (builder.add_returns, query.return_sql()),
        ]
        # In processes, all at once; on threads two at a time (the number of
        # delivery halves): more only take turns at SQLite.
        workers = len(statements) if path is not None else WINDOW_SHARES
        with ThreadPoolExecutor(max_workers=workers) as pool:
            reads = {
                (
                    pool.submit(read_elsewhere, path, sql)
                    if path is not None
                    else pool.submit(read_here, engine, sql)
                ): add
                for add, sql in statements
            }
            quotes = load_quotes(conn, dates[-1], reference)
            rates = [load_fx(conn, day, settings) for day in dates]
            pricer = PointPricer(conn.dialect.name, reference, settings)
            walks = [
                {sid: pricer.walks(q, day, rates[i]) for sid, q in quotes.items()}
                for i, day in enumerate(dates)
            ]
            for done in as_completed(reads):
                reads[done](done.result())
        builder.add_split(query.split_rows(conn, builder.straddling))
        series = builder.finish()
    supplier_ids = list(reference.suppliers)
    # The points are independent of each other: the first half is worked out
    # in a fork on the other core where that is safe, the rest here
    # (services.history.fork). Only this process reports progress: two points
    # at a time while the fork works out as many.
    half = (len(dates) + 1) // 2
    fork = may_fork()
    step = 2 if fork else 1
    done = 0

    def work_out(indices: range, report: bool) -> dict[int, _Columns]:
        """The figures at these indices, as columns in supplier_ids order (quick to pickle)."""
        nonlocal done
        weights = settings.normalised_weights()
        evidence_of = PointEvidence(reference)
        grace, home = settings.grace_days, settings.home_currency
        target = settings.clearance_target_days
        out: dict[int, _Columns] = {}
        for i in indices:
            day = dates[i]
            evidence = {
                sid: evidence_of.evidence(sid, series.get(sid), i, day) for sid in supplier_ids
            }
            raws = {
                sid: raw_measures(
                    e, grace_days=grace, home_currency=home, clearance_target_days=target
                )
                for sid, e in evidence.items()
            }
            figures = score_point(raws, evidence, walks[i], series, i, settings, weights)
            out[i] = _columns([figures[sid] for sid in supplier_ids])
            if report:
                done = min(done + step, len(dates))
                progress(done, steps, "Working out the scores at each month-end…")
        return out

    # This process turns its own columns into points while the fork still works.
    first, rest = in_two(
        lambda: work_out(range(half), report=step == 1),
        lambda: {
            i: _points(dates[i], c) for i, c in work_out(range(half, len(dates)), True).items()
        },
        fork=fork,
    )
    points = [_points(dates[i], first[i]) for i in range(half)] + [
        rest[i] for i in range(half, len(dates))
    ]
    by_supplier = {sid: [at[k] for at in points] for k, sid in enumerate(supplier_ids)}
    progress(steps, steps, "Working out the scores at each month-end…")
    histories = [
        SupplierHistory(sid, reference.suppliers[sid][0], reference.suppliers[sid][1], tuple(pts))
        for sid, pts in by_supplier.items()
    ]
    histories.sort(key=lambda h: h.supplier_code)
    return histories


# One point's figures for every supplier, column by column: standing, sourcing,
# margin and stability scores, confidence, then each sub-score's column in
# SUB_SCORE_KEYS order. Lists of floats pickle and load far faster than as
# many small objects.
_Columns = tuple[list[Any], ...]


def _columns(figures: list[PointFigures]) -> _Columns:
    return (
        [f.standing for f in figures],
        [f.sourcing_score for f in figures],
        [f.margin_score for f in figures],
        [f.stability_score for f in figures],
        [f.confidence for f in figures],
        *([f.sub_scores.get(key, 0.0) for f in figures] for key in SUB_SCORE_KEYS),
    )


def _points(day: dt.date, columns: _Columns) -> list[HistoryPoint]:
    standings, sourcing, margin, stability, confidences, *subs = columns
    return [
        HistoryPoint(
            day, *figures[:5], sub_scores=dict(zip(SUB_SCORE_KEYS, figures[5:], strict=True))
        )
        for figures in zip(standings, sourcing, margin, stability, confidences, *subs, strict=True)
    ]
