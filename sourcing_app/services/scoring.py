"""Score suppliers: per-supplier aggregates from SQL, formulas from the domain.

SQL adds the purchase lines up (docs/architecture.md: Python loops over
suppliers, never over lines). Every line-level quantity of the window — fill,
on time, lead times, rejections, prices and the 90-day price movement — comes
out of one statement grouped per channel and SKU; a lean second one reads the
previous window's fill where the FILL_DROP flag could fire. A full run splits
both over two connections by channel id and prices the quotes meanwhile, so
the database and Python overlap on two cores.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from sourcing_app.db.types import DayDate, date_param
from sourcing_app.domain.channels import ChannelTerms, channel_structure_value, channel_type
from sourcing_app.domain.enums import ChannelType, Regime
from sourcing_app.domain.evaluation import (
    ChannelFacts,
    PriceChange,
    SkuMargin,
    SupplierFacts,
    evaluate,
)
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.landed_cost import (
    LandedCostWalk,
    QuoteWalker,
    TaxRates,
    landed_cost_walk,
)
from sourcing_app.domain.scenarios import PricingChanges
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import (
    ChannelShare,
    PriceMoments,
    StabilityEvidence,
    portfolio_priors,
    raw_measures,
)
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.freeing import free_gradually
from sourcing_app.services.rate_lookup import rates_on
from sourcing_app.services.settings import load_settings

# Per line: what its deliveries dated by `as_of` add up to; then per channel,
# SKU and bucket: 1 = due lines, 0 = lines of the window not yet due (they
# only weigh the margin and channel means). Grouping by bucket instead of a
# CASE per sum keeps the per-line work to plain additions. Dates are integer
# days on SQLite and DATE on PostgreSQL; in both, date - date is days.
#
# Why it is written this way (it is most of the run's time):
# - The inner level groups by the line's key alone: the other line columns
#   depend on it (PostgreSQL accepts that for a primary key), and comparing
#   eight group columns per delivery row was a sixth of the statement.
# - The outer level groups by one integer, channel × 2^32 + SKU × 2 + due,
#   not by the three columns: SQLite's GROUP BY sorter compares a single
#   integer key much faster (about a sixth of the statement). Ids are below
#   2^31 (PostgreSQL integers are; on SQLite `_packable` checks), so the key
#   is exact and splits back apart in Python.
# - Every per-line figure (the caps, the price and its square, the spend, the
#   price-spike buckets) is worked out at the inner level, so the outer level
#   is plain SUMs of columns: each outer expression would read its columns
#   back out of the sorter's records (about a tenth of the statement).
#   The products are written in the same order as before, so the float sums
#   are the same.
# - A line's accepted quantity is its delivered less its rejected, so it needs
#   no sum of its own.
# - No COALESCE: a line without deliveries carries NULL sums, which the outer
#   SUM skips — the same as adding 0. The caps are written so that NULL falls
#   through to NULL, never to the ordered quantity.
_WINDOW_LINES = """
  SELECT {line_key}, l.order_date, l.ordered_qty,
    l.unit_price * l.fx_rate AS price,
    (l.unit_price * l.fx_rate) * (l.unit_price * l.fx_rate) AS price_sq,
    l.ordered_qty * (l.unit_price * l.fx_rate) AS spend,
    CASE WHEN l.order_date > :recent_start THEN 1 ELSE 0 END AS recent_n,
    CASE WHEN l.order_date > :recent_start THEN l.unit_price * l.fx_rate ELSE 0 END
      AS recent_price,
    CASE WHEN l.order_date > :before_start AND l.order_date <= :recent_start
         THEN 1 ELSE 0 END AS before_n,
    CASE WHEN l.order_date > :before_start AND l.order_date <= :recent_start
         THEN l.unit_price * l.fx_rate ELSE 0 END AS before_price,
    CASE WHEN SUM(d.delivered_qty) - SUM(d.rejected_qty) >= l.ordered_qty THEN l.ordered_qty
         ELSE SUM(d.delivered_qty) - SUM(d.rejected_qty) END AS accepted,
    CASE WHEN SUM(CASE WHEN d.delivered_date <= l.promised_date + {grace}
                       THEN d.delivered_qty ELSE 0 END) >= l.ordered_qty THEN l.ordered_qty
         ELSE SUM(CASE WHEN d.delivered_date <= l.promised_date + {grace}
                       THEN d.delivered_qty ELSE 0 END) END AS on_time,
    COUNT(d.line_id) AS n_del,
    SUM(d.delivered_date - l.order_date) AS lead_sum,
    SUM((d.delivered_date - l.order_date) * (d.delivered_date - l.order_date)) AS lead_sq,
    SUM(d.delivered_qty) AS delivered,
    SUM(d.rejected_qty) AS rejected,
    MAX(d.delivered_date) AS last_del
  FROM purchase_line l {hint}
  LEFT JOIN delivery d ON d.line_id = l.id AND d.delivered_date <= :as_of
  WHERE l.order_date > :scan_start AND l.order_date <= :as_of {line_filter}
  GROUP BY l.id
"""
_WINDOW_SQL = (
    """
SELECT {group_key},
  COUNT(*), SUM(x.ordered_qty), SUM(x.spend), SUM(x.accepted), SUM(x.on_time),
  SUM(x.n_del), SUM(x.lead_sum), SUM(x.lead_sq), SUM(x.delivered), SUM(x.rejected),
  SUM(x.price), SUM(x.price_sq), SUM(x.recent_n), SUM(x.recent_price),
  SUM(x.before_n), SUM(x.before_price), MAX(x.last_del), MIN(x.order_date)
FROM ("""
    + _WINDOW_LINES
    + """) x
GROUP BY {group_by}
"""
)

# On SQLite, a full run adds the lines up into a temporary table keyed by the
# packed group key instead (INSERT ... ON CONFLICT DO UPDATE): each line
# updates its group's row in place, where the GROUP BY would first sort every
# line's record (about a tenth of the statement). The columns come back as
# the GROUP BY's, in the same (key) order; each sum adds the lines in table
# order. The sums over deliveries are NULL for a line without any, so they
# skip NULL as SUM does; MAX and MIN skip it too.
_WINDOW_TABLE = "_scoring_window"
_WINDOW_COLUMNS = (
    ("n", "1", "+"),
    ("ordered_qty", "x.ordered_qty", "+"),
    ("spend", "x.spend", "+"),
    ("accepted", "x.accepted", "+?"),
    ("on_time", "x.on_time", "+?"),
    ("n_del", "x.n_del", "+"),
    ("lead_sum", "x.lead_sum", "+?"),
    ("lead_sq", "x.lead_sq", "+?"),
    ("delivered", "x.delivered", "+?"),
    ("rejected", "x.rejected", "+?"),
    ("price", "x.price", "+"),
    ("price_sq", "x.price_sq", "+"),
    ("recent_n", "x.recent_n", "+"),
    ("recent_price", "x.recent_price", "+"),
    ("before_n", "x.before_n", "+"),
    ("before_price", "x.before_price", "+"),
    ("last_del", "x.last_del", "max"),
    ("first_order", "x.order_date", "min"),
)


def _upsert_update(column: str, how: str) -> str:
    """The ON CONFLICT assignment that folds one more line into a group's column."""
    new = f"excluded.{column}"
    if how == "+":
        return f"{column} = {column} + {new}"
    if how == "+?":
        return (
            f"{column} = CASE WHEN {new} IS NULL THEN {column} "
            f"WHEN {column} IS NULL THEN {new} ELSE {column} + {new} END"
        )
    op = ">" if how == "max" else "<"
    return (
        f"{column} = CASE WHEN {column} IS NULL OR {new} {op} {column} THEN {new} ELSE {column} END"
    )


@dataclass(frozen=True)
class _Upsert:
    """An aggregate statement as SQLite runs it for a full run: lines upserted into a temp table."""

    create: str
    fill: str
    read: str
    drop: str


def _upsert(table: str, key: str, lines: str, columns: tuple[tuple[str, str, str], ...]) -> _Upsert:
    names = ", ".join(name for name, _src, _how in columns)
    return _Upsert(
        f"CREATE TEMP TABLE {table} (k INTEGER PRIMARY KEY, {names})",
        f"INSERT INTO temp.{table} (k, {names}) SELECT {key}, "
        + ", ".join(src for _name, src, _how in columns)
        + " FROM ("
        + lines
        # WHERE true: SQLite's rule for an upsert fed by a SELECT (parsing ambiguity).
        + ") x WHERE 1 ON CONFLICT(k) DO UPDATE SET "
        + ", ".join(_upsert_update(name, how) for name, _src, how in columns),
        f"SELECT * FROM temp.{table} ORDER BY k",
        f"DROP TABLE IF EXISTS temp.{table}",
    )


_WINDOW_UPSERT = _upsert(_WINDOW_TABLE, "x.k", _WINDOW_LINES, _WINDOW_COLUMNS)

# The previous window's fill, as it was on that window's last day (FILL_DROP):
# lines ordered in (as_of - 2W, as_of - W] and due by then, with the
# deliveries dated by then. Only three sums, so it costs a fraction of the
# above; written the same way (group by the line's key, the cap at the inner
# level, NULL for no delivery).
_PREVIOUS_LINES = """
  SELECT l.channel_id, l.ordered_qty,
    CASE WHEN SUM(d.delivered_qty - d.rejected_qty) >= l.ordered_qty THEN l.ordered_qty
         ELSE SUM(d.delivered_qty - d.rejected_qty) END AS accepted
  FROM purchase_line l {hint}
  LEFT JOIN delivery d ON d.line_id = l.id AND d.delivered_date <= :start
  WHERE l.order_date > :prev_start AND l.order_date <= :start
    AND l.promised_date + {grace} <= :start {line_filter}
  GROUP BY l.id
"""
_PREVIOUS_FILL_SQL = (
    """
SELECT x.channel_id, COUNT(*), SUM(x.ordered_qty), SUM(x.accepted)
FROM ("""
    + _PREVIOUS_LINES
    + """) x
GROUP BY x.channel_id
"""
)
# Its full-run form on SQLite, keyed by channel (see _WINDOW_UPSERT).
_PREVIOUS_UPSERT = _upsert(
    "_scoring_previous",
    "x.channel_id",
    _PREVIOUS_LINES,
    (("n", "1", "+"), ("ordered_qty", "x.ordered_qty", "+"), ("accepted", "x.accepted", "+?")),
)
_UPSERTS = {_WINDOW_SQL: _WINDOW_UPSERT, _PREVIOUS_FILL_SQL: _PREVIOUS_UPSERT}

# The window statement's group key as one integer; exact while ids are in 0..2^31 - 1.
_DUE = "CASE WHEN l.order_date > :start AND l.promised_date + {grace} <= :as_of THEN 1 ELSE 0 END"
_PACKED_KEY = "l.channel_id * 4294967296 + l.product_id * 2 + " + _DUE + " AS k"
_ID_LIMIT = 2**31
# A full run's window statement is split over this many connections (by channel
# id); on one core the halves would only take turns, each scanning the table.
_WINDOW_SHARES = 2 if (os.cpu_count() or 1) > 1 else 1


def _packable(reference: _Reference) -> bool:
    """Whether every channel and product id fits the packed group key."""
    ids = (*reference.channels, *reference.products)
    return not ids or (min(ids) >= 0 and max(ids) < _ID_LIMIT)


_DATE_PARAMS = ("as_of", "start", "prev_start", "scan_start", "recent_start", "before_start")


@dataclass
class _Accumulator:
    """Sums of one supplier over its channels and SKUs, as read from the aggregate rows."""

    due_lines: int = 0
    ordered_due: float = 0.0
    accepted_capped: float = 0.0
    on_time_capped: float = 0.0
    deliveries: int = 0
    lead_sum: float = 0.0
    lead_sq: float = 0.0
    delivered: float = 0.0
    rejected: float = 0.0
    prev_lines: int = 0
    prev_ordered: float = 0.0
    prev_accepted: float = 0.0
    spend: float = 0.0
    last_delivery: Any = None  # stored form (days or date) until the end
    first_order: Any = None
    ordered_by_channel: dict[int, float] = field(default_factory=dict)
    ordered_by_product: dict[int, float] = field(default_factory=dict)
    # product id -> [due lines, Σ price, Σ price²] and [recent n, Σ, before n, Σ]
    prices: dict[int, list[float]] = field(default_factory=dict)
    moves: dict[int, list[float]] = field(default_factory=dict)


@dataclass
class _Reference:
    """The small tables scoring reads whole: suppliers, channels, products, rates."""

    suppliers: dict[int, tuple[str, str, str, str]]  # id -> code, name, country, kind
    channels: dict[int, tuple[int, int, str, ChannelTerms, bool]]  # id -> supplier, brand...
    products: dict[int, tuple[str, str, int, Decimal, TaxRates]]  # sku, name, brand, retail
    brands: dict[int, tuple[str, bool]]  # id -> name, hot-selling
    fx: dict[str, Decimal]
    channels_by_supplier: dict[int, list[int]] = field(default_factory=dict)
    channels_by_brand: dict[int, list[int]] = field(default_factory=dict)

    def tables(self) -> tuple[dict[Any, Any], ...]:
        return (
            self.suppliers,
            self.channels,
            self.products,
            self.channels_by_supplier,
            self.channels_by_brand,
        )

    def index_channels(self) -> None:
        self.channels_by_supplier = defaultdict(list)
        self.channels_by_brand = defaultdict(list)
        for cid, (sid, bid, *_rest) in self.channels.items():
            self.channels_by_supplier[sid].append(cid)
            self.channels_by_brand[bid].append(cid)


@dataclass(frozen=True)
class _PricedQuotes:
    """One supplier's valid quotes walked to a margin, before the order weights are known."""

    walks: tuple[tuple[int, LandedCostWalk], ...] = ()  # (product id, walk)
    expired: tuple[tuple[str, dt.date], ...] = ()
    problems: tuple[Flag, ...] = ()


@dataclass
class ScoreRun:
    """The outcome of a full run, kept so one supplier can be re-scored on its own."""

    as_of: dt.date
    settings: ScoringSettings
    priors: dict[str, float]
    reference: _Reference
    scores: dict[int, SupplierScore]


class ScoringService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.last_run: ScoreRun | None = None

    # -- public use cases -------------------------------------------------
    def score_all(
        self,
        as_of: dt.date,
        settings: ScoringSettings | None = None,
        progress: ProgressCallback = no_progress,
        *,
        pricing: PricingChanges | None = None,
    ) -> list[SupplierScore]:
        """Score every supplier that is not archived, ordered by supplier code.

        `progress` hears of each step (and may raise Cancelled between them);
        scoring only reads, so a cancelled run leaves nothing behind.
        `pricing` is a scenario's what-if (see `_apply_pricing`); such a run is
        not kept as `last_run`, so re-scoring one supplier stays on the real data.
        """
        with cycle_collector_paused():
            return self._score_all(as_of, settings, progress, pricing)

    def _score_all(
        self,
        as_of: dt.date,
        settings: ScoringSettings | None,
        progress: ProgressCallback,
        pricing: PricingChanges | None = None,
    ) -> list[SupplierScore]:
        with self.engine.connect() as conn:
            settings = settings or load_settings(conn)
            reference = _load_reference(conn, as_of, settings)
            if pricing is not None and not pricing.is_empty:
                _apply_pricing(conn, reference, pricing)
            else:
                pricing = None
            total = len(reference.suppliers)
            progress(0, total, "Adding up the purchase lines of the window…")
            query = _AggregateQuery(conn.dialect.name, as_of, settings)
            packed = _packable(reference)
            # The window statement is most of the run. Two connections add up
            # half the channels each while this thread prices the quotes: the
            # database works with the GIL released, so on two cores the three
            # overlap. The halves never share a group, and _accumulate adds per
            # supplier whichever half a channel's rows come from.
            with ThreadPoolExecutor(max_workers=_WINDOW_SHARES) as pool:
                halves = [
                    pool.submit(self._window_rows, query, packed, (i, _WINDOW_SHARES))
                    for i in range(_WINDOW_SHARES)
                ]
                priced = _price_quotes(conn, as_of, reference, settings, None, pricing)
                progress(0, total, "Adding up the purchase lines of the window…")
                rows = [row for half in halves for row in half.result()]
                del halves  # `rows` holds the only reference to each row now
                accumulators = _accumulate(rows, reference, packed=packed)
                # The previous window only matters where the fill could have
                # dropped: those channels' lines are read (in two halves again)
                # while this thread assembles the facts; the previous fill feeds
                # nothing but the FILL_DROP flag, so it is added just before
                # the suppliers are evaluated.
                suspects = _fill_drop_suspects(accumulators, reference, settings)
                previous = [
                    pool.submit(self._previous_rows, query, suspects[i::_WINDOW_SHARES])
                    for i in range(_WINDOW_SHARES)
                    if suspects[i::_WINDOW_SHARES]
                ]
                supplier_ids = list(reference.suppliers)
                progress(0, total, "Scoring the suppliers…")
                facts = _facts(as_of, reference, supplier_ids, accumulators, priced, query.as_date)
                grace, home = settings.grace_days, settings.home_currency
                raws = {
                    sid: raw_measures(f.evidence, grace_days=grace, home_currency=home)
                    for sid, f in facts.items()
                }
                priors = portfolio_priors(raws.values())
                for part in previous:
                    _add_previous_fill(accumulators, part.result(), reference)
        for sid, acc in accumulators.items():
            if acc.prev_lines and sid in facts:
                facts[sid].previous_fill = _previous_fill(acc)
        weights = settings.normalised_weights()
        scores = {
            sid: evaluate(facts[sid], raws[sid], priors, settings, as_of, weights)
            for sid in supplier_ids
        }
        old_run = self.last_run
        if pricing is None:
            self.last_run = ScoreRun(as_of, settings, priors, reference, scores)
        ordered = sorted(scores.values(), key=lambda s: s.supplier_code)
        # The run's scaffolding (a row per group, facts and measures per supplier,
        # the last run's tables) is millions of small objects on a big portfolio.
        # Freed all at once when this frame ends, they would hold the GIL for
        # most of a second, and the desktop's UI thread with it.
        free_gradually(rows, accumulators, facts, raws, priced)
        # The previous run's tables go the same way, unless a re-score of one
        # supplier (on another thread) still works from them: nobody can pick the
        # old run up any more, so the reference count says it all.
        if (
            old_run is not None
            and old_run is not self.last_run
            and sys.getrefcount(old_run) == _ONLY_HERE
        ):
            free_gradually(old_run.scores, *old_run.reference.tables())
        progress(total, total, f"{total:,} suppliers scored.")
        return ordered

    def _window_rows(
        self, query: _AggregateQuery, packed: bool, share: tuple[int, int]
    ) -> list[Any]:
        with self.engine.connect() as conn:
            return query.run(conn, _WINDOW_SQL, packed=packed, share=share)

    def _previous_rows(self, query: _AggregateQuery, channel_ids: list[int]) -> list[Any]:
        with self.engine.connect() as conn:
            return query.run(conn, _PREVIOUS_FILL_SQL, channel_ids=channel_ids, scan=True)

    def run_tables(self) -> dict[str, Any]:
        """The last full run's small tables, for `adopt_run` in another process."""
        run = self.last_run
        if run is None:
            raise RuntimeError("score_all must run first")
        r = run.reference
        return {
            "suppliers": r.suppliers,
            "channels": r.channels,
            "products": r.products,
            "brands": r.brands,
            "fx": r.fx,
        }

    def adopt_run(
        self,
        as_of: dt.date,
        settings: ScoringSettings,
        priors: dict[str, float],
        tables: dict[str, Any],
        scores: dict[int, SupplierScore],
    ) -> None:
        """Take over a full run made in another process (services.scoring_process).

        `tables` is what `run_tables` gave there. Afterwards `rescore_supplier`
        works from this run as from one made here.
        """
        names = ("suppliers", "channels", "products", "brands", "fx")
        reference = _Reference(*(tables[name] for name in names))
        reference.index_channels()
        old_run, self.last_run = self.last_run, ScoreRun(as_of, settings, priors, reference, scores)
        if old_run is not None and sys.getrefcount(old_run) == _ONLY_HERE:
            free_gradually(old_run.scores, *old_run.reference.tables())

    def refresh_catalogue(self) -> None:
        """After a hand edit of a brand, product or tax category: the last run reads them again.

        They are small tables; `rescore_supplier` then prices with the new values.
        """
        if self.last_run is not None:
            with self.engine.connect() as conn:
                _refresh_catalogue(conn, self.last_run.reference)

    def rescore_supplier(self, supplier_id: int) -> SupplierScore:
        """Re-score one supplier after an edit to its lines, deliveries, channels or quotes.

        The portfolio priors and the small reference tables of the last full run
        are reused, so this reads only that supplier's rows.
        """
        run = self.last_run
        if run is None:
            raise RuntimeError("score_all must run before a single supplier is re-scored")
        with self.engine.connect() as conn:
            reference = _refresh_supplier(conn, run.reference, supplier_id)
            channel_ids = reference.channels_by_supplier.get(supplier_id, [])
            query = _AggregateQuery(conn.dialect.name, run.as_of, run.settings)
            rows = query.run(conn, _WINDOW_SQL, channel_ids=channel_ids) if channel_ids else []
            accumulators = _accumulate(rows, reference)
            if _fill_drop_suspects(accumulators, reference, run.settings):
                _add_previous_fill(
                    accumulators,
                    query.run(conn, _PREVIOUS_FILL_SQL, channel_ids=channel_ids),
                    reference,
                )
            priced = _price_quotes(conn, run.as_of, reference, run.settings, supplier_id)
        facts = _facts(run.as_of, reference, [supplier_id], accumulators, priced, query.as_date)[
            supplier_id
        ]
        raw = raw_measures(
            facts.evidence,
            grace_days=run.settings.grace_days,
            home_currency=run.settings.home_currency,
        )
        score = evaluate(facts, raw, run.priors, run.settings, run.as_of)
        run.scores[supplier_id] = score
        return score


# sys.getrefcount of an object only a local variable holds: the variable and the call's argument.
_ONLY_HERE = 2


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector off while a full run builds its objects.

    A run allocates a few hundred thousand small objects (group rows, quotes,
    scores), none of them in a cycle. Each allocation burst set off collections
    that walked the whole growing heap again: about 2.5 s of a 5 s run on
    10,000 suppliers. Reference counting still frees everything as usual; any
    cycle is left to the next collection after the run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                # The run's survivors (hundreds of thousands of objects, most of
                # them kept in last_run) are handed straight to the oldest
                # generation: freeze() then unfreeze() moves every tracked
                # object there. Otherwise the first allocation after enable()
                # sets off a young collection that walks all of them (0.1 to
                # 0.2 s); the next full collection still examines them as usual.
                # Skipped if anyone froze objects on purpose (unfreeze would
                # release theirs too).
                gc.freeze()
                gc.unfreeze()
            gc.enable()


class _AggregateQuery:
    """The one aggregate statement, its parameters, and how to read its dates back."""

    def __init__(self, dialect: str, as_of: dt.date, settings: ScoringSettings) -> None:
        self.dialect = dialect
        window = dt.timedelta(days=settings.window_days)
        spike = dt.timedelta(days=settings.price_spike_days)
        before_start = as_of - 2 * spike
        self.params: dict[str, Any] = {
            "as_of": as_of,
            "start": as_of - window,
            "prev_start": as_of - 2 * window,
            "scan_start": min(as_of - window, before_start),
            "recent_start": as_of - spike,
            "before_start": before_start,
        }
        self.grace = int(settings.grace_days)
        self._day = DayDate()

    def as_date(self, value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        return self._day.process_result_value(value, None)  # type: ignore[arg-type]

    def run(
        self,
        conn: Connection,
        sql_template: str,
        *,
        channel_ids: Sequence[int] = (),
        scan: bool = False,
        packed: bool = False,
        share: tuple[int, int] | None = None,
    ) -> list[Any]:
        """Run one of the aggregate statements over all lines or some channels' lines.

        With `share` = (i, n), only the channels whose id is i modulo n: n
        connections can add up a full run side by side.

        With `scan`, the channels are a large share of the table: it is read in
        storage order and the ids are written into the SQL as integer literals
        (thousands of them, more than a driver takes as parameters). With
        `packed`, the window statement's rows start with one packed group key
        (see `_PACKED_KEY`) instead of channel, SKU and due.
        """
        line_filter = ""
        scan_hint = ""
        params = dict(self.params)
        binds = [bindparam(name, type_=DayDate()) for name in _DATE_PARAMS if name in sql_template]
        params = {k: v for k, v in params.items() if k in sql_template}
        if share is not None:
            line_filter = f"AND l.channel_id % {int(share[1])} = {int(share[0])}"
        elif channel_ids and scan:
            line_filter = f"AND l.channel_id IN ({','.join(str(int(c)) for c in channel_ids)})"
        elif channel_ids:
            line_filter = "AND l.channel_id IN :channel_ids"
            binds.append(bindparam("channel_ids", expanding=True))
            params["channel_ids"] = list(channel_ids)
        if self.dialect == "sqlite" and (scan or not channel_ids):
            # The scan covers most of the table: read it in storage order rather
            # than through the (channel, date) index, which would make every row
            # a random read (about 3x slower on a million lines).
            scan_hint = "NOT INDEXED"
        # Grace days are an int from settings, written into the SQL so that
        # PostgreSQL sees date + integer.
        if packed:
            line_key, group = _PACKED_KEY, "x.k"
        else:
            line_key, group = (
                f"l.channel_id, l.product_id, {_DUE} AS due",
                ("x.channel_id, x.product_id, x.due"),
            )
        # A full run on SQLite adds the lines up in a temp table (see _WINDOW_UPSERT);
        # the window statement's table is keyed by the packed key only.
        upsert = (
            _UPSERTS.get(sql_template)
            if scan_hint and (packed or sql_template is not _WINDOW_SQL)
            else None
        )
        sql = (upsert.fill if upsert is not None else sql_template).format(
            line_filter=line_filter,
            line_key=line_key.format(grace=self.grace),
            grace=self.grace,
            hint=scan_hint,
            group_key=group,
            group_by=group,
        )
        if upsert is not None:
            conn.exec_driver_sql(upsert.drop)
            conn.exec_driver_sql(upsert.create)
            try:
                conn.execute(text(sql).bindparams(*binds), params)
                result = conn.exec_driver_sql(upsert.read)
                return list(result.cursor.fetchall()) if result.cursor is not None else []
            finally:
                conn.exec_driver_sql(upsert.drop)
        result = conn.execute(text(sql).bindparams(*binds), params)
        # A plain DBAPI cursor: tens of thousands of group rows, no per-row processing.
        return list(result.cursor.fetchall()) if result.cursor is not None else []


def _accumulate(
    rows: Iterable[Any], reference: _Reference, *, packed: bool = False
) -> dict[int, _Accumulator]:
    """Add the (channel, SKU, due) group rows up per supplier: a loop over groups.

    With `packed`, each row starts with the packed group key instead of the
    three columns.

    A sum over lines without deliveries is NULL (None); PostgreSQL sums
    integers into NUMERIC (Decimal). `float(x or 0)` and `int(x)` cover both.
    """
    accumulators: dict[int, _Accumulator] = {}
    channels = reference.channels
    for row in rows:
        if packed:
            key = row[0]
            channel_id, product_id, due = key >> 32, (key >> 1) & 0x7FFFFFFF, key & 1
            values = row[1:]
        else:
            channel_id, product_id, due = row[:3]
            values = row[3:]
        (lines, ordered, spend, accepted, on_time,
         deliveries, lead_sum, lead_sq, delivered, rejected, price_sum, price_sq,
         recent_n, recent_sum, before_n, before_sum, last_delivery,
         first_order) = values  # fmt: skip
        channel = channels.get(channel_id)
        if channel is None:
            continue
        acc = accumulators.get(channel[0])
        if acc is None:
            acc = accumulators[channel[0]] = _Accumulator()
        if recent_n or before_n:
            moves = acc.moves.get(product_id)
            if moves is None:
                moves = acc.moves[product_id] = [0, 0.0, 0, 0.0]
            moves[0] += int(recent_n)
            moves[1] += float(recent_sum)
            moves[2] += int(before_n)
            moves[3] += float(before_sum)
        qty = float(ordered)
        acc.spend += float(spend)
        by_channel = acc.ordered_by_channel
        by_channel[channel_id] = by_channel.get(channel_id, 0.0) + qty
        by_product = acc.ordered_by_product
        by_product[product_id] = by_product.get(product_id, 0.0) + qty
        if due == 1:
            acc.due_lines += int(lines)
            acc.ordered_due += qty
            if deliveries:
                acc.accepted_capped += float(accepted or 0)
                acc.on_time_capped += float(on_time or 0)
                acc.deliveries += int(deliveries)
                acc.lead_sum += float(lead_sum)
                acc.lead_sq += float(lead_sq)
                acc.delivered += float(delivered)
                acc.rejected += float(rejected)
            price = acc.prices.get(product_id)
            if price is None:
                price = acc.prices[product_id] = [0, 0.0, 0.0]
            price[0] += int(lines)
            price[1] += float(price_sum)
            price[2] += float(price_sq)
        # Dates stay in their stored form (days or date) here: both compare.
        if last_delivery is not None and (
            acc.last_delivery is None or last_delivery > acc.last_delivery
        ):
            acc.last_delivery = last_delivery
        if first_order is not None and (acc.first_order is None or first_order < acc.first_order):
            acc.first_order = first_order
    return accumulators


def _fill_drop_suspects(
    accumulators: dict[int, _Accumulator], reference: _Reference, settings: ScoringSettings
) -> list[int]:
    """Channels of the suppliers whose FILL_DROP flag the previous window could raise.

    The flag needs a fill now below the previous one by more than
    `fill_drop_points`, over at least `thin_history_lines` due lines; the
    previous fill is at most 1. So a supplier filling at least
    1 - fill_drop_points now cannot drop, and its previous window is not read
    (the margin of 1e-9 keeps float rounding on the safe side). The previous
    fill feeds nothing but this flag.
    """
    ceiling = 1.0 - settings.fill_drop_points + 1e-9
    suspects: list[int] = []
    for sid, acc in accumulators.items():
        if acc.due_lines < settings.thin_history_lines or acc.ordered_due <= 0:
            continue
        if min(1.0, acc.accepted_capped / acc.ordered_due) < ceiling:
            suspects.extend(reference.channels_by_supplier.get(sid, ()))
    return suspects


def _add_previous_fill(
    accumulators: dict[int, _Accumulator], previous_rows: Iterable[Any], reference: _Reference
) -> None:
    """Add the previous window's (channel) rows to their suppliers' sums."""
    channels = reference.channels
    for channel_id, lines, ordered, accepted in previous_rows:
        channel = channels.get(channel_id)
        if channel is not None:
            acc = accumulators.get(channel[0])
            if acc is None:
                acc = accumulators[channel[0]] = _Accumulator()
            acc.prev_lines += int(lines)
            acc.prev_ordered += float(ordered)
            acc.prev_accepted += float(accepted or 0)


def _previous_fill(acc: _Accumulator) -> tuple[float, float, int]:
    """The previous window's accepted and ordered units and due lines (FILL_DROP)."""
    return (acc.prev_accepted, acc.prev_ordered, acc.prev_lines)


def _by_sku(by_product: dict[int, list[float]], skus: Any) -> Iterable[tuple[int, list[float]]]:
    """A supplier's per-product figures in SKU order, whatever order the rows came in."""
    if len(by_product) < 2:
        return by_product.items()
    return sorted(by_product.items(), key=lambda item: skus[item[0]])


def _facts(
    as_of: dt.date,
    reference: _Reference,
    supplier_ids: Sequence[int],
    accumulators: dict[int, _Accumulator],
    priced: dict[int, _PricedQuotes],
    as_date: Any,
) -> dict[int, SupplierFacts]:
    """What scoring needs to know about each supplier, assembled from the loaded pieces."""
    brand_flags: dict[int, tuple[Flag, ...]] = {}
    empty_acc = _Accumulator()
    empty_quotes = _PricedQuotes()
    skus = _SkuNames((pid, product[0]) for pid, product in reference.products.items())
    facts: dict[int, SupplierFacts] = {}
    for sid in supplier_ids:
        code, name, country, kind = reference.suppliers[sid]
        acc = accumulators.get(sid, empty_acc)
        channel_facts: list[ChannelFacts] = []
        shares: list[ChannelShare] = []
        flags: list[Flag] = []
        for cid in reference.channels_by_supplier.get(sid, ()):
            _sid, brand_id, brand_name, terms, active = reference.channels[cid]
            qty = acc.ordered_by_channel.get(cid, 0.0)
            channel_facts.append(ChannelFacts(brand_name, terms, active, qty))
            if active:
                kind_now = channel_type(terms, as_of)
                shares.append(
                    ChannelShare(
                        brand_name,
                        kind_now,
                        terms.tier,
                        channel_structure_value(kind_now, terms.tier),
                        qty,
                    )
                )
                if brand_id not in brand_flags:
                    brand_flags[brand_id] = _brand_flags(reference, brand_id, as_of)
                flags.extend(brand_flags[brand_id])
        quotes = priced.get(sid, empty_quotes)
        flags.extend(quotes.problems)
        margins = tuple(
            SkuMargin(walk, acc.ordered_by_product.get(pid, 0.0)) for pid, walk in quotes.walks
        )
        evidence = StabilityEvidence(
            due_lines=acc.due_lines,
            ordered_due=acc.ordered_due,
            accepted_capped=acc.accepted_capped,
            on_time_capped=acc.on_time_capped,
            deliveries=acc.deliveries,
            lead_sum=acc.lead_sum,
            lead_sq_sum=acc.lead_sq,
            delivered_qty=acc.delivered,
            rejected_qty=acc.rejected,
            price_moments=tuple(
                PriceMoments(skus[pid], int(n), total, total_sq)
                for pid, (n, total, total_sq) in _by_sku(acc.prices, skus)
            ),
            channels=tuple(shares),
        )
        facts[sid] = SupplierFacts(
            supplier_id=sid,
            code=code,
            name=name,
            country=country,
            kind=kind,
            channels=tuple(channel_facts),
            evidence=evidence,
            sku_margins=margins,
            expired_quotes=quotes.expired,
            price_changes=tuple(
                PriceChange(skus[pid], bs / bn, rs / rn)
                for pid, (rn, rs, bn, bs) in _by_sku(acc.moves, skus)
                if rn and bn
            ),
            previous_fill=_previous_fill(acc) if acc.prev_lines else None,
            last_delivery=as_date(acc.last_delivery),
            first_order=as_date(acc.first_order),
            spend=Decimal(str(round(acc.spend, 2))),
            brand_flags=tuple(dict.fromkeys(flags)) if flags else (),  # first of each
        )
    return facts


class _SkuNames(dict[int, str]):
    """Product id -> SKU; an id missing from the products stands for itself."""

    def __missing__(self, product_id: int) -> str:
        return str(product_id)


# -- reference data ----------------------------------------------------------


def _load_reference(conn: Connection, as_of: dt.date, settings: ScoringSettings) -> _Reference:
    day = DayDate()
    dialect = conn.dialect
    suppliers = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute(
            text(
                "SELECT id, code, name, country, kind FROM supplier "
                "WHERE archived = :f ORDER BY code"
            ),
            {"f": False},
        )
    }
    brands = _load_brands(conn)
    channels: dict[int, tuple[int, int, str, ChannelTerms, bool]] = {}
    for cid, sid, bid, tier, ref, until, active in conn.execute(
        text(
            "SELECT id, supplier_id, brand_id, tier, authorization_ref, authorized_until, active "
            "FROM channel"
        )
    ):
        if sid not in suppliers:
            continue
        terms = ChannelTerms(int(tier), ref or "", day.process_result_value(until, dialect))
        channels[cid] = (sid, bid, brands[bid][0], terms, bool(active))
    reference = _Reference(
        suppliers, channels, _load_products(conn), brands, _load_fx(conn, as_of, settings)
    )
    reference.index_channels()
    return reference


def _load_brands(conn: Connection) -> dict[int, tuple[str, bool]]:
    rows = conn.execute(text("SELECT id, name, hot_selling FROM brand"))
    return {r[0]: (r[1], bool(r[2])) for r in rows}


def _load_products(conn: Connection) -> dict[int, tuple[str, str, int, Decimal, TaxRates]]:
    products: dict[int, tuple[str, str, int, Decimal, TaxRates]] = {}
    for pid, sku, name, bid, retail, tariff, ctax, vat, postal in conn.execute(
        text(
            "SELECT p.id, p.sku, p.name, p.brand_id, p.retail_price, t.tariff, "
            "t.consumption_tax, t.vat, t.postal_rate "
            "FROM product p JOIN tax_category t ON t.id = p.tax_category_id"
        )
    ):
        products[pid] = (
            sku,
            name,
            bid,
            _dec(retail),
            TaxRates(_dec(tariff), _dec(ctax), _dec(vat), _dec(postal)),
        )
    return products


def _refresh_catalogue(conn: Connection, reference: _Reference) -> None:
    """Read brands, products and their tax rates afresh; a renamed brand's channels follow."""
    brands = _load_brands(conn)
    for bid, (name, _hot) in brands.items():
        if bid in reference.brands and reference.brands[bid][0] != name:
            for cid in reference.channels_by_brand.get(bid, ()):
                sid, _bid, _old, terms, active = reference.channels[cid]
                reference.channels[cid] = (sid, bid, name, terms, active)
    reference.brands = brands
    reference.products = _load_products(conn)


def _refresh_supplier(conn: Connection, reference: _Reference, supplier_id: int) -> _Reference:
    """Read one supplier's own row and channels afresh into the cached reference tables."""
    day = DayDate()
    row = conn.execute(
        text("SELECT code, name, country, kind FROM supplier WHERE id = :id"),
        {"id": supplier_id},
    ).one_or_none()
    if row is None:
        raise KeyError(f"no supplier with id {supplier_id}")
    reference.suppliers[supplier_id] = (row[0], row[1], row[2], row[3])
    for cid in reference.channels_by_supplier.get(supplier_id, ()):
        brand_id = reference.channels[cid][1]
        reference.channels_by_brand[brand_id].remove(cid)
        del reference.channels[cid]
    reference.channels_by_supplier[supplier_id] = []
    for cid, bid, tier, ref, until, active in conn.execute(
        text(
            "SELECT id, brand_id, tier, authorization_ref, authorized_until, active "
            "FROM channel WHERE supplier_id = :sid"
        ),
        {"sid": supplier_id},
    ):
        terms = ChannelTerms(int(tier), ref or "", day.process_result_value(until, conn.dialect))
        reference.channels[cid] = (supplier_id, bid, reference.brands[bid][0], terms, bool(active))
        reference.channels_by_supplier[supplier_id].append(cid)
        reference.channels_by_brand.setdefault(bid, []).append(cid)
    return reference


def _load_fx(conn: Connection, as_of: dt.date, settings: ScoringSettings) -> dict[str, Decimal]:
    """Each currency's rate on `as_of` (services.rate_lookup's rule), home = 1."""
    fx = {currency: found.rate for currency, found in rates_on(conn, as_of).items()}
    fx[settings.home_currency] = Decimal("1")
    return fx


# A quote row as the driver hands it back: channel, product, unit price, currency,
# minimum quantity, freight, insurance, valid from, valid to. Dates stay in
# their stored form (days on SQLite, date on PostgreSQL) so that choosing among
# 80,000 quotes compares plain values; only a chosen or lapsed quote's figures
# are turned into Decimal and dates.
_QuoteRow = tuple[Any, ...]
_PRICE, _CURRENCY, _MIN_QTY, _FREIGHT, _INSURANCE, _FROM, _TO = range(2, 9)


def _load_quotes(
    conn: Connection, as_of: dt.date, reference: _Reference, only: int | None
) -> dict[int, dict[int, list[_QuoteRow]]]:
    """Quotes that started on or before `as_of`, by supplier and product, in stored order."""
    sql = (
        "SELECT channel_id, product_id, unit_price, currency, min_qty, freight_per_unit, "
        "insurance_per_unit, valid_from, valid_to FROM quote WHERE valid_from <= :as_of"
    )
    binds = [bindparam("as_of", type_=DayDate())]
    params: dict[str, Any] = {"as_of": as_of}
    if only is not None:
        channel_ids = reference.channels_by_supplier.get(only, [])
        if not channel_ids:
            return {}
        sql += " AND channel_id IN :channel_ids"
        binds.append(bindparam("channel_ids", expanding=True))
        params["channel_ids"] = channel_ids
    result = conn.execute(text(sql).bindparams(*binds), params)
    out: dict[int, dict[int, list[_QuoteRow]]] = {}
    channels = reference.channels
    for row in result.cursor.fetchall() if result.cursor is not None else ():
        channel = channels.get(row[0])
        if channel is None or not channel[4]:
            continue  # an inactive channel's quotes are not what we would buy at
        by_product = out.get(channel[0])
        if by_product is None:
            by_product = out[channel[0]] = {}
        quotes = by_product.get(row[1])
        if quotes is None:
            by_product[row[1]] = [row]
        else:
            quotes.append(row)
    return out


def select_quote(quotes: Iterable[_QuoteRow], as_of: Any) -> _QuoteRow | None:
    """The valid quote with the lowest minimum quantity; then latest start; then lowest price.

    `as_of` and the quotes' dates are in the same stored form. Ties beyond these
    keep the first quote, as `min` would.
    """
    best = None
    for q in quotes:
        valid_to = q[_TO]
        if q[_FROM] > as_of or (valid_to is not None and valid_to < as_of):
            continue
        if best is None:
            best = q
        elif q[_MIN_QTY] != best[_MIN_QTY]:
            if q[_MIN_QTY] < best[_MIN_QTY]:
                best = q
        elif q[_FROM] != best[_FROM]:
            if q[_FROM] > best[_FROM]:
                best = q
        elif q[_PRICE] < best[_PRICE]:
            best = q
    return best


def _price_quotes(
    conn: Connection,
    as_of: dt.date,
    reference: _Reference,
    settings: ScoringSettings,
    only: int | None,
    pricing: PricingChanges | None = None,
) -> dict[int, _PricedQuotes]:
    """Each supplier's chosen quote per SKU walked to a margin (docs/margin.md, step 7).

    Under a scenario's `pricing`, freight moves and a withdrawn CBEC regime
    walks every quote as general trade (see `_apply_pricing` for the rest).
    """
    out: dict[int, _PricedQuotes] = {}
    day = DayDate()
    dialect = conn.dialect
    stored_as_of = date_param(dialect.name, as_of)
    products = reference.products
    fx_rates = reference.fx
    walker = QuoteWalker(settings.costs, settings.home_currency)
    # Quotes repeat a few hundred freight and insurance figures and many prices:
    # each distinct stored float is turned into a Decimal once.
    decimals: dict[Any, Decimal] = {}
    skus = _SkuNames((pid, product[0]) for pid, product in products.items())
    for sid, by_product in _load_quotes(conn, as_of, reference, only).items():
        walks: list[tuple[int, LandedCostWalk]] = []
        expired: list[tuple[str, dt.date]] = []
        problems: list[Flag] = []
        for pid in sorted(by_product, key=skus.__getitem__) if len(by_product) > 1 else by_product:
            rows = by_product[pid]
            sku, name, _brand, retail, rates = products[pid]
            quote = select_quote(rows, stored_as_of)
            if quote is None:
                latest_end = max((q[_TO] for q in rows if q[_TO] is not None), default=None)
                if latest_end is not None:
                    expired.append((sku, day.process_result_value(latest_end, dialect)))  # type: ignore[arg-type]
                continue
            currency = quote[_CURRENCY]
            fx = fx_rates.get(currency)
            if fx is None:
                problems.append(
                    Flag(
                        FlagCode.NO_VALID_QUOTE,
                        f"{sku}: no {currency} exchange rate on or before "
                        f"{as_of.isoformat()}, so its quote cannot be priced",
                    )
                )
                continue
            if pricing is not None:
                walk = _walk_under(pricing, quote, sku, name, fx, rates, retail, settings, decimals)
            else:
                walk = walker.walk(
                    pid,
                    sku,
                    name,
                    currency,
                    _dec_cached(quote[_PRICE], decimals),
                    _dec_cached(quote[_FREIGHT], decimals),
                    _dec_cached(quote[_INSURANCE], decimals),
                    fx,
                    rates,
                    retail,
                )
            walks.append((pid, walk))
        out[sid] = _PricedQuotes(tuple(walks), tuple(expired), tuple(problems))
    return out


# -- scenarios (docs/planning.md): what-if pricing, the data untouched ------------


def _apply_pricing(conn: Connection, reference: _Reference, pricing: PricingChanges) -> None:
    """A scenario's tax rates and exchange rates, put into this run's reference tables."""
    if pricing.tax_rates:
        category = dict(
            conn.execute(
                text(
                    "SELECT p.id, t.name FROM product p "
                    "JOIN tax_category t ON t.id = p.tax_category_id"
                )
            ).all()
        )
        for pid, (sku, name, bid, retail, rates) in list(reference.products.items()):
            reference.products[pid] = (sku, name, bid, retail, pricing.rates(category[pid], rates))
    reference.fx = {c: pricing.fx(c, r) for c, r in reference.fx.items()}


def _walk_under(
    pricing: PricingChanges,
    quote: _QuoteRow,
    sku: str,
    name: str,
    fx: Decimal,
    rates: TaxRates,
    retail: Decimal,
    settings: ScoringSettings,
    decimals: dict[Any, Decimal],
) -> LandedCostWalk:
    """One quote's walk under a scenario: freight moved; CBEC as general trade if withdrawn."""
    return landed_cost_walk(
        sku=sku,
        product_name=name,
        unit_price=_dec_cached(quote[_PRICE], decimals),
        freight=pricing.freight(_dec_cached(quote[_FREIGHT], decimals)),
        insurance=_dec_cached(quote[_INSURANCE], decimals),
        currency=quote[_CURRENCY],
        fx=fx,
        rates=rates,
        retail_price=retail,
        costs=settings.costs,
        regime=Regime.GENERAL if pricing.cbec_withdrawn else None,
        home_currency=settings.home_currency,
    )


def _brand_flags(reference: _Reference, brand_id: int, as_of: dt.date) -> tuple[Flag, ...]:
    """SINGLE_CHANNEL and COMPOSITE_ONLY for a hot-selling brand (docs/standings-and-flags.md)."""
    name, hot = reference.brands[brand_id]
    if not hot:
        return ()
    kinds = [
        channel_type(terms, as_of)
        for cid in reference.channels_by_brand.get(brand_id, ())
        for _sid, _bid, _name, terms, active in (reference.channels[cid],)
        if active
    ]
    if not kinds:
        return ()
    flags: list[Flag] = []
    if len(kinds) == 1:
        flags.append(
            Flag(
                FlagCode.SINGLE_CHANNEL,
                f"hot-selling brand {name} has a single active channel: losing it stops supply",
            )
        )
    if ChannelType.VERTICAL not in kinds:
        flags.append(
            Flag(
                FlagCode.COMPOSITE_ONLY,
                f"hot-selling brand {name} is bought through composite channels only",
            )
        )
    return tuple(flags)


def _dec(value: Any) -> Decimal:
    if value is None:
        return Decimal("0")
    if isinstance(value, Decimal):
        return value
    # SQLite hands back floats for NUMERIC columns; repr is the shortest exact-looking form.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def _dec_cached(value: Any, cache: dict[Any, Decimal]) -> Decimal:
    """`_dec`, remembered per stored value.

    Only ints and floats are kept, keyed by (value, class): 20 and 20.0 compare
    equal but give Decimal("20") and Decimal("20.0"); a zero float goes through
    `_dec` every time to keep its sign.
    """
    cls = value.__class__
    if cls is not float and cls is not int:
        return _dec(value)
    key = (value, cls)
    d = cache.get(key)
    if d is None:
        d = _dec(value)
        if value or cls is int:
            cache[key] = d
    return d
