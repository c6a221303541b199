"""The purchase lines added up in SQL, per channel and SKU, and read back per supplier.

SQL adds the purchase lines up (docs/architecture.md: Python loops over
suppliers, never over lines). Every line-level quantity of the window — fill,
on time, lead times, rejections, prices and the 90-day price movement — comes
out of one statement grouped per channel and SKU; a lean second one reads the
previous window's fill where the FILL_DROP flag could fire.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, text

from sourcing_app.db.types import DayDate
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.scoring.reference import Reference

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
#   2^31 (PostgreSQL integers are; on SQLite `packable` checks), so the key
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
    MAX(d.delivered_date) AS last_del,
    COUNT(d.clearance_days) AS n_clear,
    SUM(CASE WHEN d.clearance_days <= {clear_target} THEN 1 ELSE 0 END) AS cleared,
    MAX(d.clearance_days) * 4294967296 + l.id AS slowest,
    COUNT(CASE WHEN d.clearance_days > {hold} AND d.delivered_date > :delay_start THEN 1 END)
      AS held,
    MAX(CASE WHEN d.clearance_days > {hold} AND d.delivered_date > :delay_start
             THEN d.clearance_days END) * 4294967296 + l.id AS held_slowest
  FROM purchase_line l {hint}
  LEFT JOIN delivery d ON d.line_id = l.id AND d.delivered_date <= :as_of
  WHERE l.order_date > :scan_start AND l.order_date <= :as_of {line_filter}
  GROUP BY l.id
"""
WINDOW_SQL = (
    """
SELECT {group_key},
  COUNT(*), SUM(x.ordered_qty), SUM(x.spend), SUM(x.accepted), SUM(x.on_time),
  SUM(x.n_del), SUM(x.lead_sum), SUM(x.lead_sq), SUM(x.delivered), SUM(x.rejected),
  SUM(x.price), SUM(x.price_sq), SUM(x.recent_n), SUM(x.recent_price),
  SUM(x.before_n), SUM(x.before_price), MAX(x.last_del), MIN(x.order_date),
  SUM(x.n_clear), SUM(x.cleared), MAX(x.slowest), SUM(x.held), MAX(x.held_slowest)
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
    ("n_clear", "x.n_clear", "+"),
    ("cleared", "x.cleared", "+"),
    ("slowest", "x.slowest", "max"),
    ("held", "x.held", "+"),
    ("held_slowest", "x.held_slowest", "max"),
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
PREVIOUS_FILL_SQL = (
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
_UPSERTS = {WINDOW_SQL: _WINDOW_UPSERT, PREVIOUS_FILL_SQL: _PREVIOUS_UPSERT}

# The window statement's group key as one integer; exact while ids are in 0..2^31 - 1.
_DUE = "CASE WHEN l.order_date > :start AND l.promised_date + {grace} <= :as_of THEN 1 ELSE 0 END"
_PACKED_KEY = "l.channel_id * 4294967296 + l.product_id * 2 + " + _DUE + " AS k"
_ID_LIMIT = 2**31
# A full run's window statement is split over this many connections (by channel
# id); on one core the halves would only take turns, each scanning the table.
WINDOW_SHARES = 2 if (os.cpu_count() or 1) > 1 else 1


def packable(reference: Reference) -> bool:
    """Whether every channel and product id fits the packed group key."""
    ids = (*reference.channels, *reference.products)
    return not ids or (min(ids) >= 0 and max(ids) < _ID_LIMIT)


_DATE_PARAMS = (
    "as_of",
    "start",
    "prev_start",
    "scan_start",
    "recent_start",
    "before_start",
    "delay_start",
)


@dataclass
class Accumulator:
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
    # Customs clearance of the due lines' deliveries (docs/stability.md).
    clearance_recorded: int = 0
    cleared_in_target: int = 0
    slowest: int | None = None  # packed: days × 2^32 + line id (see unpack_line)
    # Recent deliveries of any line of the window held in customs (CUSTOMS_DELAY).
    held: int = 0
    held_slowest: int | None = None  # packed like `slowest`
    # Returns after sale on the due lines (services.scoring.returns).
    fault_returned: float = 0.0
    other_returned: float = 0.0
    ordered_by_channel: dict[int, float] = field(default_factory=dict)
    ordered_by_product: dict[int, float] = field(default_factory=dict)
    # product id -> [due lines, Σ price, Σ price²] and [recent n, Σ, before n, Σ]
    prices: dict[int, list[float]] = field(default_factory=dict)
    moves: dict[int, list[float]] = field(default_factory=dict)


class AggregateQuery:
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
            "delay_start": as_of - dt.timedelta(days=settings.customs_delay_days),
        }
        self.grace = int(settings.grace_days)
        # Whole days from settings, written into the SQL like the grace days.
        self.clearance_target = int(settings.clearance_target_days)
        self.hold = int(settings.customs_hold_days)
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
            if scan_hint and (packed or sql_template is not WINDOW_SQL)
            else None
        )
        sql = (upsert.fill if upsert is not None else sql_template).format(
            line_filter=line_filter,
            line_key=line_key.format(grace=self.grace),
            grace=self.grace,
            clear_target=self.clearance_target,
            hold=self.hold,
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


def accumulate(
    rows: Iterable[Any], reference: Reference, *, packed: bool = False
) -> dict[int, Accumulator]:
    """Add the (channel, SKU, due) group rows up per supplier: a loop over groups.

    With `packed`, each row starts with the packed group key instead of the
    three columns.

    A sum over lines without deliveries is NULL (None); PostgreSQL sums
    integers into NUMERIC (Decimal). `float(x or 0)` and `int(x)` cover both.
    """
    accumulators: dict[int, Accumulator] = {}
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
         first_order, n_clear, cleared, slowest, held, held_slowest) = values  # fmt: skip
        channel = channels.get(channel_id)
        if channel is None:
            continue
        acc = accumulators.get(channel[0])
        if acc is None:
            acc = accumulators[channel[0]] = Accumulator()
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
                if n_clear:
                    acc.clearance_recorded += int(n_clear)
                    acc.cleared_in_target += int(cleared)
                    if acc.slowest is None or slowest > acc.slowest:
                        acc.slowest = int(slowest)
            price = acc.prices.get(product_id)
            if price is None:
                price = acc.prices[product_id] = [0, 0.0, 0.0]
            price[0] += int(lines)
            price[1] += float(price_sum)
            price[2] += float(price_sq)
        if held:
            acc.held += int(held)
            if acc.held_slowest is None or held_slowest > acc.held_slowest:
                acc.held_slowest = int(held_slowest)
        # Dates stay in their stored form (days or date) here: both compare.
        if last_delivery is not None and (
            acc.last_delivery is None or last_delivery > acc.last_delivery
        ):
            acc.last_delivery = last_delivery
        if first_order is not None and (acc.first_order is None or first_order < acc.first_order):
            acc.first_order = first_order
    return accumulators


def unpack_line(packed: int) -> tuple[int, int]:
    """(days, line id) from a packed slowest clearance: days × 2^32 + line id.

    The aggregate picks the slowest delivery and its line with one MAX this
    way; line ids are below 2^32.
    """
    return packed >> 32, packed & 0xFFFFFFFF


def fill_drop_suspects(
    accumulators: dict[int, Accumulator], reference: Reference, settings: ScoringSettings
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


def add_previous_fill(
    accumulators: dict[int, Accumulator], previous_rows: Iterable[Any], reference: Reference
) -> None:
    """Add the previous window's (channel) rows to their suppliers' sums."""
    channels = reference.channels
    for channel_id, lines, ordered, accepted in previous_rows:
        channel = channels.get(channel_id)
        if channel is not None:
            acc = accumulators.get(channel[0])
            if acc is None:
                acc = accumulators[channel[0]] = Accumulator()
            acc.prev_lines += int(lines)
            acc.prev_ordered += float(ordered)
            acc.prev_accepted += float(accepted or 0)


def previous_fill(acc: Accumulator) -> tuple[float, float, int]:
    """The previous window's accepted and ordered units and due lines (FILL_DROP)."""
    return (acc.prev_accepted, acc.prev_ordered, acc.prev_lines)
