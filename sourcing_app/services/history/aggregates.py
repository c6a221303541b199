"""The history's reads: each quantity added up in SQL by what it needs, keyed by its run of points.

Every line, delivery and return counts at a run of consecutive points
(services.history.cuts), so the SQL adds them up per run, never per date:

- Lines (no deliveries): per channel, SKU and run (first point ordered by,
  last window point, first point due by). The margin and channel means weigh
  the units ordered per SKU and channel; price stability needs per SKU the
  due lines, Σ price and Σ price². About half a line per group: a channel
  buys a SKU a few times a month.
- Deliveries: per supplier and run only, where fill, on time, lead time,
  quality and clearance are summed. A line counts its deliveries from the
  first point at which it is due and they are all dated by it, to its last
  window point. Its caps (accepted and on-time units at most the ordered
  quantity) are per line, so the statement first adds up each line's
  deliveries (GROUP BY the line, as services/scoring/aggregates.py does) and
  caps them there. A line whose deliveries arrive over more than one point
  (a split delivery straddling a month-end: about 2 % of lines) has a
  different cap at each point: it comes back as its own group, keyed by its
  negated id, and `split_rows` reads its deliveries one by one.
- Returns for a fault of the goods: per channel and run, counted from the
  first point at which the line is due and the return is dated by it.

Python then adds the groups up per point (services.history.sums).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, text

from sourcing_app.db.types import day_number
from sourcing_app.domain.enums import FAULT_REASONS
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.history.cuts import FIELD, PointCuts

# Per line: its channel, ordered units, order and due dates, the first and last
# of its deliveries dated by the last point, and their sums (uncapped). Then
# its runs: fd = first point it is due at, lw = its last window point, e1 / e2
# = the first point at which its first / every delivery counts. The outer level
# caps each line and adds the lines up per supplier and run (e1, lw), or keeps
# a straddling line (e1 < e2) apart under its negated id. The point searches
# run once per line, on the line's MIN and MAX delivery date (the search is
# monotone), not once per delivery. On SQLite, `LIMIT -1` keeps the runs worked
# out once per line: flattened into the outer level, each reference to e1, e2
# and lw repeated its CASE searches (about a tenth of the statement's time).
_DELIVERY_SQL = """
SELECT CASE WHEN y.e1 < y.e2 THEN -y.line_id
            ELSE (CAST(c.supplier_id AS BIGINT) * {field} + y.e1) * {field} + y.lw END,
  SUM(CASE WHEN y.acc >= y.ordered_qty THEN y.ordered_qty ELSE y.acc END),
  SUM(CASE WHEN y.ont >= y.ordered_qty THEN y.ordered_qty ELSE y.ont END),
  SUM(y.n_del), SUM(y.lead_sum), SUM(y.lead_sq), SUM(y.delivered), SUM(y.rejected),
  SUM(y.n_clear), SUM(y.cleared)
FROM (
  SELECT w.*, {lw} AS lw, {greatest}(w.fd, {d_min}) AS e1, {greatest}(w.fd, {d_max}) AS e2
  FROM (
    SELECT v.*, {greatest}({v_ordered}, {v_due}) AS fd
    FROM (
      SELECT l.id AS line_id, l.channel_id AS channel_id, l.ordered_qty AS ordered_qty,
        l.order_date AS order_date, l.promised_date AS promised_date,
        MIN(d.delivered_date) AS d_min, MAX(d.delivered_date) AS d_max,
        SUM(d.delivered_qty) - SUM(d.rejected_qty) AS acc,
        SUM(CASE WHEN d.delivered_date <= l.promised_date + {grace}
                 THEN d.delivered_qty ELSE 0 END) AS ont,
        COUNT(*) AS n_del,
        SUM(d.delivered_date - l.order_date) AS lead_sum,
        SUM((d.delivered_date - l.order_date) * (d.delivered_date - l.order_date)) AS lead_sq,
        SUM(d.delivered_qty) AS delivered,
        SUM(d.rejected_qty) AS rejected,
        COUNT(d.clearance_days) AS n_clear,
        SUM(CASE WHEN d.clearance_days <= {clear_target} THEN 1 ELSE 0 END) AS cleared
      FROM purchase_line l {hint}
      JOIN delivery d ON d.line_id = l.id AND d.delivered_date <= {last}
      WHERE l.order_date > {first} AND l.order_date <= {last}
        AND l.promised_date + {grace} <= {last} {share}
      GROUP BY l.id
    ) v
  ) w {unflattened}
) y {join} channel c ON c.id = y.channel_id
WHERE y.e1 <= y.lw
GROUP BY 1
"""

# A straddling line's deliveries, one row each: supplier, line, ordered units,
# fd, lw, the first point the delivery is dated by, then what it adds.
_SPLIT_SQL = """
SELECT c.supplier_id, l.id, l.ordered_qty,
  {greatest}({l_ordered}, {l_due}), {l_window}, {d_point},
  d.delivered_qty - d.rejected_qty,
  CASE WHEN d.delivered_date <= l.promised_date + {grace} THEN d.delivered_qty ELSE 0 END,
  d.delivered_date - l.order_date,
  d.delivered_qty, d.rejected_qty,
  CASE WHEN d.clearance_days IS NULL THEN 0 ELSE 1 END,
  CASE WHEN d.clearance_days <= {clear_target} THEN 1 ELSE 0 END
FROM purchase_line l
JOIN delivery d ON d.line_id = l.id AND d.delivered_date <= {last}
JOIN channel c ON c.id = l.channel_id
WHERE l.id IN :ids
"""

# Every line ordered in some point's window, per channel, SKU and packed run
# (first point ordered by, last window point, first point due by): the
# weights of the margin and channel means (due or not), and the due lines'
# counts, units and prices. The price and its square are written as the
# scoring run writes them.
_LINE_SQL = """
SELECT l.channel_id, l.product_id, ({l_ordered} * {field} + {l_window}) * {field} + {l_due},
  COUNT(*), SUM(l.ordered_qty),
  SUM(l.unit_price * l.fx_rate),
  SUM((l.unit_price * l.fx_rate) * (l.unit_price * l.fx_rate))
FROM purchase_line l {hint}
WHERE l.order_date > {first} AND l.order_date <= {last} {share}
GROUP BY 1, 2, 3
"""

# Returns for a fault of the goods on the lines due by the last point, per
# channel and run (docs/stability.md: they count against quality at a point
# when their line is a due line of its window and they are dated by it).
# Returns late or for other reasons are not scored. Read from the return
# table outward: there are few returns and a million lines.
_FAULTS = ", ".join(f"'{reason.value}'" for reason in sorted(FAULT_REASONS))
_RETURN_SQL = f"""
SELECT l.channel_id,
  {{greatest}}({{l_ordered}}, {{l_due}}, {{r_point}}), {{l_window}}, SUM(r.returned_qty)
FROM sale_return r {{join}} purchase_line l ON l.id = r.line_id
WHERE r.reason IN ({_FAULTS}) AND r.return_date <= {{last}}
  AND l.order_date > {{first}} AND l.order_date <= {{last}}
  AND l.promised_date + {{grace}} <= {{last}}
GROUP BY 1, 2, 3
"""

# Straddling lines are read back this many at a time (one IN list each).
_SPLIT_CHUNK = 2000


class HistoryQuery:
    """The history's statements for some points, written for one dialect."""

    def __init__(self, dialect: str, cuts: PointCuts, settings: ScoringSettings) -> None:
        if len(cuts.points) >= FIELD:
            raise ValueError(f"at most {FIELD - 1} points share one pass")
        self.dialect = dialect
        self.cuts = cuts
        # Whole days from settings, written into the SQL as the scoring run writes them.
        self.grace = int(settings.grace_days)
        self.clearance_target = int(settings.clearance_target_days)

    def literal(self, day: dt.date) -> str:
        """A date as an SQL literal of its stored form: integer days on SQLite, DATE otherwise."""
        if self.dialect == "sqlite":
            return str(day_number(day))
        return f"DATE '{day.isoformat()}'"

    def _sql(self, template: str, share: tuple[int, int] | None = None) -> str:
        cuts, lit, sqlite = self.cuts, self.literal, self.dialect == "sqlite"
        due = f"(l.promised_date + {self.grace})"
        return template.format(
            l_ordered=cuts.first_point_sql("l.order_date", lit),
            l_due=cuts.first_point_sql(due, lit),
            l_window=cuts.last_window_sql("l.order_date", lit),
            v_ordered=cuts.first_point_sql("v.order_date", lit),
            v_due=cuts.first_point_sql(f"(v.promised_date + {self.grace})", lit),
            lw=cuts.last_window_sql("w.order_date", lit),
            d_min=cuts.first_point_sql("w.d_min", lit),
            d_max=cuts.first_point_sql("w.d_max", lit),
            d_point=cuts.first_point_sql("d.delivered_date", lit),
            r_point=cuts.first_point_sql("r.return_date", lit),
            greatest="max" if sqlite else "GREATEST",
            # SQLite keeps the written join order with CROSS JOIN (PostgreSQL has no ON for it).
            join="CROSS JOIN" if sqlite else "JOIN",
            field=FIELD,
            grace=self.grace,
            clear_target=self.clearance_target,
            first=lit(cuts.first_order),
            last=lit(cuts.last_day),
            # A full scan in storage order beats the (channel, date) index here.
            hint="NOT INDEXED" if sqlite else "",
            unflattened="LIMIT -1" if sqlite else "",
            share="" if share is None else f"AND MOD(l.channel_id, {share[1]}) = {share[0]}",
        )

    def line_sql(self, share: tuple[int, int] | None = None) -> str:
        """Rows of (channel, product, packed run, lines, units, Σ price, Σ price²); with
        `share`, only some channels, as in `delivery_sql`."""
        return self._sql(_LINE_SQL, share)

    def delivery_sql(self, share: tuple[int, int] | None = None) -> str:
        """Rows of (packed supplier and run, or −line id, accepted capped, on time capped,
        deliveries, Σ lead days, Σ lead days², delivered, rejected, deliveries with
        clearance days, deliveries cleared within the target). With `share` = (i, n),
        only the channels whose id is i modulo n (n connections can share the work)."""
        return self._sql(_DELIVERY_SQL, share)

    def return_sql(self) -> str:
        """Rows of (channel, first point, last point, units returned for a fault)."""
        return self._sql(_RETURN_SQL)

    def split_rows(self, conn: Connection, line_ids: Sequence[int]) -> Iterator[Any]:
        """The deliveries of the straddling lines, one row each (see `_SPLIT_SQL`)."""
        statement = text(self._sql(_SPLIT_SQL)).bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(line_ids), _SPLIT_CHUNK):
            chunk = list(line_ids[start : start + _SPLIT_CHUNK])
            yield from conn.execute(statement, {"ids": chunk}).all()
