"""The history's reads: lines and deliveries added up per channel and bucket in SQL.

One statement reads the purchase lines ordered in any point's window, grouped
per channel, SKU, order bucket and due bucket (services.history.cuts); a
second reads the deliveries of the lines due by the last point, grouped per
channel, order bucket, due bucket and delivery bucket; a third the returns
for a fault of the goods, per return bucket likewise. Python then adds the
groups up per point (services.history.sums); it never sees a line.

Fill and on time are capped per line (docs/stability.md): a line adds at most
its ordered quantity, counting only the deliveries dated by the point. A line's
deliveries can straddle points, so its capped figure is written as steps: per
delivery bucket, the capped running total less the capped total before it
(a window function over the line's buckets). The steps of the buckets up to
a point add up to exactly that point's capped figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from sourcing_app.db.types import day_number
from sourcing_app.domain.enums import FAULT_REASONS
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.history.cuts import PointCuts

# Per line: what each bucket of its deliveries adds (accepted units and units
# delivered by the promised date + grace days), then the capped running totals,
# then per group the sums of their steps. A delivery on time is dated by the
# line's promised date + grace, which is by every point the line is due at, so
# the same steps serve on time.
_DELIVERY_SQL = """
SELECT z.channel_id, z.ob, z.ub, z.db,
  SUM(CASE WHEN z.acc_cum >= z.ordered_qty THEN z.ordered_qty ELSE z.acc_cum END
      - CASE WHEN z.acc_cum - z.acc_b >= z.ordered_qty THEN z.ordered_qty
             ELSE z.acc_cum - z.acc_b END),
  SUM(CASE WHEN z.on_cum >= z.ordered_qty THEN z.ordered_qty ELSE z.on_cum END
      - CASE WHEN z.on_cum - z.on_b >= z.ordered_qty THEN z.ordered_qty
             ELSE z.on_cum - z.on_b END),
  SUM(z.n_del), SUM(z.lead_sum), SUM(z.lead_sq), SUM(z.delivered), SUM(z.rejected),
  SUM(z.n_clear), SUM(z.cleared)
FROM (
  SELECT y.*,
    SUM(y.acc_b) OVER (PARTITION BY y.line_id ORDER BY y.db ROWS UNBOUNDED PRECEDING) AS acc_cum,
    SUM(y.on_b) OVER (PARTITION BY y.line_id ORDER BY y.db ROWS UNBOUNDED PRECEDING) AS on_cum
  FROM (
    SELECT l.id AS line_id, l.channel_id AS channel_id, l.ordered_qty AS ordered_qty,
      {ob} AS ob, {ub} AS ub, {db} AS db,
      SUM(d.delivered_qty - d.rejected_qty) AS acc_b,
      SUM(CASE WHEN d.delivered_date <= l.promised_date + {grace}
               THEN d.delivered_qty ELSE 0 END) AS on_b,
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
      AND l.promised_date + {grace} <= {last}
    GROUP BY l.id, 6
  ) y
) z
GROUP BY 1, 2, 3, 4
"""

# Every line ordered in some point's window: the weights of the margin and
# channel means (due or not), and the due lines' counts, units and prices.
# The price and its square are written as the scoring run writes them.
_LINE_SQL = """
SELECT l.channel_id, l.product_id, {ob}, {ub},
  COUNT(*), SUM(l.ordered_qty),
  SUM(l.unit_price * l.fx_rate),
  SUM((l.unit_price * l.fx_rate) * (l.unit_price * l.fx_rate))
FROM purchase_line l {hint}
WHERE l.order_date > {first} AND l.order_date <= {last}
GROUP BY 1, 2, 3, 4
"""


# Returns for a fault of the goods on the lines due by the last point, per
# channel, order, due and return bucket (docs/stability.md: they count against
# quality at a point when their line is a due line of its window and they are
# dated by it). Returns late or for other reasons are not scored.
_FAULTS = ", ".join(f"'{reason.value}'" for reason in sorted(FAULT_REASONS))
_RETURN_SQL = f"""
SELECT l.channel_id, {{ob}}, {{ub}}, {{rb}}, SUM(r.returned_qty)
FROM sale_return r JOIN purchase_line l ON l.id = r.line_id
WHERE r.reason IN ({_FAULTS}) AND r.return_date <= {{last}}
  AND l.order_date > {{first}} AND l.order_date <= {{last}}
  AND l.promised_date + {{grace}} <= {{last}}
GROUP BY 1, 2, 3, 4
"""


class HistoryQuery:
    """The history's statements for some points, written for one dialect."""

    def __init__(self, dialect: str, cuts: PointCuts, settings: ScoringSettings) -> None:
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

    def _sql(self, template: str) -> str:
        bucket = self.cuts.bucket_sql
        return template.format(
            ob=bucket("l.order_date", self.literal),
            ub=bucket(f"(l.promised_date + {self.grace})", self.literal),
            db=bucket("d.delivered_date", self.literal),
            rb=bucket("r.return_date", self.literal),
            grace=self.grace,
            clear_target=self.clearance_target,
            first=self.literal(self.cuts.first_order),
            last=self.literal(self.cuts.last_day),
            # A full scan in storage order beats the (channel, date) index here.
            hint="NOT INDEXED" if self.dialect == "sqlite" else "",
        )

    def line_rows(self, conn: Connection) -> list[Any]:
        """(channel, product, order bucket, due bucket, lines, units, Σ price, Σ price²)."""
        return _fetch(conn, self._sql(_LINE_SQL))

    def delivery_rows(self, conn: Connection) -> list[Any]:
        """(channel, order bucket, due bucket, delivery bucket, accepted step, on-time step,
        deliveries, Σ lead days, Σ lead days², delivered, rejected, deliveries with
        clearance days, deliveries cleared within the target)."""
        return _fetch(conn, self._sql(_DELIVERY_SQL))

    def return_rows(self, conn: Connection) -> list[Any]:
        """(channel, order bucket, due bucket, return bucket, units returned for a fault)."""
        return _fetch(conn, self._sql(_RETURN_SQL))


def _fetch(conn: Connection, sql: str) -> list[Any]:
    result = conn.exec_driver_sql(sql)
    return list(result.cursor.fetchall()) if result.cursor is not None else []
