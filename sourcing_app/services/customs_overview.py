"""Customs clearance compared by import regime, by month and by supplier (docs/customs.md).

The figures use the deliveries the clearance sub-score uses (docs/stability.md):
those of the window's due lines, dated on or before `as_of`, with clearance
days recorded; archived suppliers are left out as they are from scoring.

Medians come from histograms the database counts (one row per group and
number of clearance days), never from a loop over deliveries: a million lines
give a few thousand rows. By regime and by month the histograms are kept per
delivery day, so the row count does not grow with the portfolio; by supplier
there is one row per supplier, channel type and number of days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, TextClause, bindparam, text

from sourcing_app.db.types import DayDate, date_param
from sourcing_app.domain.enums import ChannelType, Regime
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.settings import load_settings

# The slowest suppliers the screen lists; the rest are in the regime figures.
SLOWEST_SUPPLIERS = 50


def median_of(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as value → how many times; None when there are none.

    With an even count it is the mean of the two middle values: days 1, 2, 2, 9 → 2.
    """
    total = sum(histogram.values())
    if total <= 0:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle
    low = high = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    assert low is not None and high is not None
    return (low + high) / 2


@dataclass(frozen=True)
class ClearanceFigures:
    """How long a group of deliveries took to clear customs."""

    deliveries: int  # with clearance days recorded
    median_days: float | None
    slowest_days: int | None
    within_target: int  # deliveries cleared in at most the target days

    @property
    def share_within_target(self) -> float | None:
        return self.within_target / self.deliveries if self.deliveries else None

    @classmethod
    def of(cls, histogram: Mapping[int, int], target_days: int) -> ClearanceFigures:
        counts = {days: n for days, n in histogram.items() if n > 0}
        return cls(
            deliveries=sum(counts.values()),
            median_days=median_of(counts),
            slowest_days=max(counts) if counts else None,
            within_target=sum(n for days, n in counts.items() if days <= target_days),
        )


@dataclass(frozen=True)
class RegimeClearance:
    regime: Regime
    figures: ClearanceFigures


@dataclass(frozen=True)
class MonthClearance:
    month: dt.date  # the first day of the month the goods were delivered
    regime: Regime | None  # None: every regime together
    figures: ClearanceFigures


@dataclass(frozen=True)
class SupplierClearance:
    """One supplier's deliveries through one channel type (a supplier may have both)."""

    supplier_id: int
    supplier_code: str
    supplier_name: str
    channel_type: ChannelType
    figures: ClearanceFigures
    slowest_line: str  # the line reference of its slowest delivery


@dataclass(frozen=True)
class CustomsOverview:
    as_of: dt.date
    window_start: dt.date  # exclusive, as in the scoring window
    target_days: int
    overall: ClearanceFigures
    by_regime: tuple[RegimeClearance, ...]  # regimes with deliveries, in Regime order
    by_month: tuple[MonthClearance, ...]  # month by month, each regime and all together
    slowest_suppliers: tuple[SupplierClearance, ...]  # longest median first
    suppliers_with_data: int  # supplier and channel-type groups with clearance days


_VERTICAL = (
    "CASE WHEN c.tier = 0 OR (c.tier = 1 AND TRIM(COALESCE(c.authorization_ref, '')) <> '' "
    "AND (c.authorized_until IS NULL OR c.authorized_until >= :as_of)) THEN 1 ELSE 0 END"
)

# The deliveries of the clearance sub-score: due lines of the window, delivered by as_of.
_FROM = (
    "FROM purchase_line l {hint} "
    "JOIN delivery d ON d.line_id = l.id "
    "JOIN channel c ON c.id = l.channel_id "
    "JOIN supplier s ON s.id = c.supplier_id "
    "WHERE l.order_date > :start AND l.order_date <= :as_of "
    "AND l.promised_date + {grace} <= :as_of "
    "AND d.delivered_date <= :as_of AND d.clearance_days IS NOT NULL "
    "AND s.archived = :archived"
)


def customs_overview(
    engine: Engine | Connection,
    as_of: dt.date,
    settings: ScoringSettings | None = None,
    *,
    most: int = SLOWEST_SUPPLIERS,
) -> CustomsOverview:
    """Clearance over the evaluation window ending `as_of`, against the clearance target."""
    if isinstance(engine, Connection):
        return _overview(engine, as_of, settings, most, None)
    with engine.connect() as conn:
        return _overview(conn, as_of, settings, most, engine)


def _overview(
    conn: Connection,
    as_of: dt.date,
    settings: ScoringSettings | None,
    most: int,
    engine: Engine | None,
) -> CustomsOverview:
    """With an `engine`, the two counting statements run at once on two connections:
    each scans the window's deliveries, and the database works on both cores."""
    settings = settings or load_settings(conn)
    target = settings.clearance_target_days
    start = as_of - dt.timedelta(days=settings.window_days)
    dialect = conn.dialect.name
    # Most of the table is in the window: on SQLite a scan in storage order beats
    # walking the (channel, date) index, a random read per line (services/brand_overview.py).
    hint = "NOT INDEXED" if dialect == "sqlite" else ""
    # PostgreSQL adds an integer to a DATE as days, as SQLite does to its day numbers.
    from_part = _FROM.format(hint=hint, grace=int(settings.grace_days))
    params = {
        "start": date_param(dialect, start),
        "as_of": date_param(dialect, as_of),
        "archived": False,
    }
    by_day_statement = text(
        "SELECT l.regime, d.delivered_date, d.clearance_days, COUNT(*) "
        f"{from_part} GROUP BY l.regime, d.delivered_date, d.clearance_days"
    )
    indexed = _FROM.format(hint="", grace=int(settings.grace_days))
    if engine is None:
        by_day = conn.execute(by_day_statement, params).all()
        suppliers, groups = _slowest_suppliers(conn, from_part, indexed, params, target, most)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(_read_all, engine, by_day_statement, params)
            suppliers, groups = _slowest_suppliers(conn, from_part, indexed, params, target, most)
            by_day = later.result()
    regime_hist: dict[Regime, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    month_hist: dict[tuple[dt.date, Regime | None], dict[int, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    overall: dict[int, int] = defaultdict(int)
    day_type = DayDate()
    for regime_code, delivered, days, n in by_day:
        regime = _regime(regime_code)
        delivered_date = day_type.process_result_value(delivered, conn.dialect)
        assert delivered_date is not None
        month = delivered_date.replace(day=1)
        days, n = int(days), int(n)
        regime_hist[regime][days] += n
        month_hist[(month, regime)][days] += n
        month_hist[(month, None)][days] += n
        overall[days] += n
    regime_order = list(Regime)
    by_regime = tuple(
        RegimeClearance(regime, ClearanceFigures.of(regime_hist[regime], target))
        for regime in regime_order
        if regime in regime_hist
    )
    by_month = tuple(
        MonthClearance(month, regime, ClearanceFigures.of(hist, target))
        for (month, regime), hist in sorted(
            month_hist.items(),
            key=lambda kv: (kv[0][0], -1 if kv[0][1] is None else regime_order.index(kv[0][1])),
        )
    )
    return CustomsOverview(
        as_of=as_of,
        window_start=start,
        target_days=target,
        overall=ClearanceFigures.of(overall, target),
        by_regime=by_regime,
        by_month=by_month,
        slowest_suppliers=suppliers,
        suppliers_with_data=groups,
    )


def _read_all(engine: Engine, statement: TextClause, params: dict[str, object]) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(statement, params).all())


def _regime(code: str | None) -> Regime:
    try:
        return Regime(code or Regime.CBEC.value)
    except ValueError:
        return Regime.CBEC


def _slowest_suppliers(
    conn: Connection,
    from_part: str,
    indexed: str,
    params: dict[str, object],
    target: int,
    most: int,
) -> tuple[tuple[SupplierClearance, ...], int]:
    """The supplier groups (supplier, channel type) whose goods wait longest, and how many."""
    rows = conn.execute(
        text(
            f"SELECT c.supplier_id, {_VERTICAL} AS vertical, d.clearance_days, COUNT(*) "
            f"{from_part} GROUP BY c.supplier_id, vertical, d.clearance_days"
        ),
        params,
    ).all()
    hists: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for supplier_id, vertical, days, n in rows:
        hists[(int(supplier_id), int(vertical))][int(days)] = int(n)
    figures = {key: ClearanceFigures.of(hist, target) for key, hist in hists.items()}
    # Longest median first, then the slowest delivery, then the fewest cleared in time.
    ranked = sorted(
        figures.items(),
        key=lambda kv: (
            -(kv[1].median_days or 0.0),
            -(kv[1].slowest_days or 0),
            kv[1].share_within_target or 0.0,
            kv[0],
        ),
    )[: max(0, most)]
    if not ranked:
        return (), len(figures)
    ids = sorted({supplier_id for (supplier_id, _vertical), _f in ranked})
    names = {
        int(sid): (code, name)
        for sid, code, name in conn.execute(
            text("SELECT id, code, name FROM supplier WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        )
    }
    slowest_lines = _slowest_lines(conn, indexed, params, ids, dict(ranked))
    result = tuple(
        SupplierClearance(
            supplier_id=sid,
            supplier_code=names.get(sid, ("", ""))[0],
            supplier_name=names.get(sid, ("", ""))[1],
            channel_type=ChannelType.VERTICAL if vertical else ChannelType.COMPOSITE,
            figures=f,
            slowest_line=slowest_lines.get((sid, vertical), ""),
        )
        for (sid, vertical), f in ranked
    )
    return result, len(figures)


def _slowest_lines(
    conn: Connection,
    from_part: str,
    params: dict[str, object],
    ids: Iterable[int],
    figures: Mapping[tuple[int, int], ClearanceFigures],
) -> dict[tuple[int, int], str]:
    """Each listed group's slowest delivery's line (the latest, where several tie)."""
    floor = min((f.slowest_days or 0) for f in figures.values())
    rows = conn.execute(
        text(
            f"SELECT c.supplier_id, {_VERTICAL} AS vertical, d.clearance_days, l.line_ref "
            f"{from_part} "
            "AND c.supplier_id IN :ids AND d.clearance_days >= :floor "
            "ORDER BY d.clearance_days DESC, d.delivered_date DESC, l.line_ref"
        ).bindparams(bindparam("ids", expanding=True)),
        {**params, "ids": list(ids), "floor": floor},
    ).all()
    lines: dict[tuple[int, int], str] = {}
    for supplier_id, vertical, days, line_ref in rows:
        key = (int(supplier_id), int(vertical))
        f = figures.get(key)
        if f is not None and key not in lines and int(days) == f.slowest_days:
            lines[key] = str(line_ref)
    return lines
