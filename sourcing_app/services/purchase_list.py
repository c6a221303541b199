"""Purchase lines and their deliveries, a page at a time.

The records are docs/vocabulary.md's; paging keeps docs/performance.md's bars.

A database may hold a million lines, so nothing here reads them all: a page
comes from one indexed query with a LIMIT, and the next page continues after
the last row shown (keyset paging, which stays fast deep into the list, where
OFFSET would scan everything before it). Deliveries are added up only for the
lines of the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, text

from sourcing_app.db.types import date_param, from_day_number
from sourcing_app.i18n import pgettext

PAGE_SIZE = 400

# Columns a buyer may sort by: each is a column of purchase_line, so the sort
# runs in SQL (by the channel index once a supplier or brand is chosen).
SORT_KEYS: dict[str, str] = {
    "order_date": "l.order_date",
    "promised_date": "l.promised_date",
    "line_ref": "l.line_ref",
    "ordered_qty": "l.ordered_qty",
}


@dataclass(frozen=True)
class PurchaseFilter:
    supplier_id: int | None = None
    brand_id: int | None = None
    ordered_from: dt.date | None = None
    ordered_to: dt.date | None = None
    line_ref_prefix: str = ""
    line_id: int | None = None  # one line only


@dataclass(frozen=True, slots=True)
class PurchaseRow:
    id: int
    version: int
    line_ref: str
    supplier_id: int
    supplier_code: str
    supplier_name: str
    brand: str
    sku: str
    order_date: dt.date
    promised_date: dt.date
    ordered_qty: int
    unit_price: Decimal
    currency: str
    fx_rate: Decimal
    regime: str
    deliveries: int
    delivered_qty: int
    rejected_qty: int
    last_delivered: dt.date | None

    @property
    def accepted_qty(self) -> int:
        return self.delivered_qty - self.rejected_qty

    def status(self, as_of: dt.date, grace_days: int = 2) -> str:
        """Where the line stands, in words (docs/stability.md's due rule)."""
        if self.accepted_qty >= self.ordered_qty and self.deliveries:
            return pgettext("purchase line status", "Delivered")
        due = self.promised_date + dt.timedelta(days=grace_days) <= as_of
        if self.deliveries:
            if due:
                return pgettext("purchase line status", "Part-delivered, late")
            return pgettext("purchase line status", "Part-delivered")
        if due:
            return pgettext("purchase line status", "Late: nothing delivered")
        return pgettext("purchase line status", "Open")


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: int
    line_id: int
    delivered_date: dt.date
    delivered_qty: int
    rejected_qty: int
    clearance_days: int | None
    lead_days: int


class PurchaseList:
    """Read-only queries behind the purchases screen."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self, where: PurchaseFilter) -> int:
        clause, params = self._where(where)
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    text(f"SELECT COUNT(*) FROM purchase_line l WHERE {clause}"), params
                ).scalar_one()
            )

    def page(
        self,
        where: PurchaseFilter,
        *,
        sort: str = "order_date",
        descending: bool = True,
        after: PurchaseRow | None = None,
        limit: int = PAGE_SIZE,
    ) -> list[PurchaseRow]:
        """Up to `limit` lines in the chosen order, continuing after the row `after`."""
        column = SORT_KEYS[sort]
        clause, params = self._where(where)
        with self.engine.connect() as conn:
            dialect = conn.dialect.name
            if after is not None:
                # (key, id) strictly past the last row shown: keyset paging.
                sign = "<" if descending else ">"
                params["k"] = _param(dialect, getattr(after, sort))
                params["kid"] = after.id
                clause += f" AND ({column} {sign} :k OR ({column} = :k AND l.id {sign} :kid))"
            direction = "DESC" if descending else "ASC"
            # The page's ids are picked from purchase_line alone (the sort key and
            # the id only, so the sorter carries two numbers per line), then joined:
            # joining first would look up four tables for every line before the sort.
            sql = (
                "SELECT l.id, l.version, l.line_ref, c.supplier_id, s.code, s.name, b.name, "
                "p.sku, l.order_date, l.promised_date, l.ordered_qty, l.unit_price, l.currency, "
                "l.fx_rate, l.regime FROM ("
                f"SELECT l.id FROM purchase_line l WHERE {clause} "
                f"ORDER BY {column} {direction}, l.id {direction} LIMIT :limit) page "
                "JOIN purchase_line l ON l.id = page.id "
                "JOIN channel c ON c.id = l.channel_id JOIN supplier s ON s.id = c.supplier_id "
                "JOIN brand b ON b.id = c.brand_id JOIN product p ON p.id = l.product_id "
                f"ORDER BY {column} {direction}, l.id {direction}"
            )
            params["limit"] = limit
            lines = conn.execute(text(sql), params).all()
            sums = _delivery_sums(conn, [int(r[0]) for r in lines])
        rows = []
        for r in lines:
            count, delivered, rejected, last = sums.get(int(r[0]), (0, 0, 0, None))
            rows.append(
                PurchaseRow(
                    id=int(r[0]),
                    version=int(r[1]),
                    line_ref=r[2],
                    supplier_id=int(r[3]),
                    supplier_code=r[4],
                    supplier_name=r[5],
                    brand=r[6],
                    sku=r[7],
                    order_date=_date(r[8]),
                    promised_date=_date(r[9]),
                    ordered_qty=int(r[10]),
                    unit_price=_decimal(r[11]),
                    currency=r[12],
                    fx_rate=_decimal(r[13]),
                    regime=r[14],
                    deliveries=count,
                    delivered_qty=delivered,
                    rejected_qty=rejected,
                    last_delivered=None if last is None else _date(last),
                )
            )
        return rows

    def line(self, line_id: int) -> PurchaseRow | None:
        """One line with its delivery totals (after an edit, to refresh its row)."""
        found = self.page(PurchaseFilter(line_id=line_id), limit=1)
        return found[0] if found else None

    def deliveries(self, line_id: int) -> list[DeliveryRow]:
        with self.engine.connect() as conn:
            result = conn.execute(
                text(
                    "SELECT d.id, d.line_id, d.delivered_date, d.delivered_qty, d.rejected_qty, "
                    "d.clearance_days, l.order_date FROM delivery d "
                    "JOIN purchase_line l ON l.id = d.line_id "
                    "WHERE d.line_id = :id ORDER BY d.delivered_date"
                ),
                {"id": line_id},
            ).all()
        out = []
        for r in result:
            delivered = _date(r[2])
            ordered = _date(r[6])
            out.append(
                DeliveryRow(
                    int(r[0]),
                    int(r[1]),
                    delivered,
                    int(r[3]),
                    int(r[4]),
                    None if r[5] is None else int(r[5]),
                    (delivered - ordered).days,
                )
            )
        return out

    def _where(self, where: PurchaseFilter) -> tuple[str, dict[str, Any]]:
        parts = ["1 = 1"]
        params: dict[str, Any] = {}
        dialect = self.engine.dialect.name
        if where.supplier_id is not None:
            parts.append("l.channel_id IN (SELECT id FROM channel WHERE supplier_id = :sid)")
            params["sid"] = where.supplier_id
        if where.brand_id is not None:
            parts.append("l.channel_id IN (SELECT id FROM channel WHERE brand_id = :bid)")
            params["bid"] = where.brand_id
        if where.ordered_from is not None:
            parts.append("l.order_date >= :from_day")
            params["from_day"] = date_param(dialect, where.ordered_from)
        if where.ordered_to is not None:
            parts.append("l.order_date <= :to_day")
            params["to_day"] = date_param(dialect, where.ordered_to)
        if where.line_id is not None:
            parts.append("l.id = :lid")
            params["lid"] = where.line_id
        prefix = where.line_ref_prefix.strip()
        if prefix:
            # A range on the unique index rather than LIKE, which could not use it.
            parts.append("l.line_ref >= :ref_low AND l.line_ref < :ref_high")
            params["ref_low"] = prefix
            params["ref_high"] = prefix + "\uffff"
        return " AND ".join(parts), params


def _delivery_sums(
    conn: Connection, line_ids: Sequence[int]
) -> dict[int, tuple[int, int, int, Any]]:
    if not line_ids:
        return {}
    query = text(
        "SELECT line_id, COUNT(*), SUM(delivered_qty), SUM(rejected_qty), MAX(delivered_date) "
        "FROM delivery WHERE line_id IN :ids GROUP BY line_id"
    ).bindparams(bindparam("ids", expanding=True))
    return {
        int(r[0]): (int(r[1]), int(r[2] or 0), int(r[3] or 0), r[4])
        for r in conn.execute(query, {"ids": list(line_ids)})
    }


def _param(dialect: str, value: Any) -> Any:
    if isinstance(value, dt.date):
        return date_param(dialect, value)
    if isinstance(value, Decimal):
        return float(value) if dialect == "sqlite" else value
    return value


def _date(value: Any) -> dt.date:
    """A stored date: integer days on SQLite, a date on PostgreSQL."""
    return value if isinstance(value, dt.date) else from_day_number(value)


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
