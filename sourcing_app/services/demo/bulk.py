"""Driver-level bulk writing for the demo: executemany in chunks, in each dialect's forms.

The ORM would build an object per row; the demo writes up to a million
purchase lines, so rows go to the driver as plain tuples (docs/performance.md).
SQLite takes dates as day numbers and money as floats, PostgreSQL takes dates
and Decimals (sourcing_app.db.types).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from sourcing_app.db.types import date_param, from_day_number

# Purchase lines, deliveries and returns go in as positional tuples, in this column order.
LINE_COLUMNS = (
    "id, line_ref, channel_id, product_id, order_date, promised_date, ordered_qty, unit_price, "
    "currency, fx_rate, regime, version"
)
DELIVERY_COLUMNS = "line_id, delivered_date, delivered_qty, rejected_qty, clearance_days"
RETURN_COLUMNS = "line_id, return_date, returned_qty, reason, version"


class BulkWriter:
    """Driver-level executemany in the placeholder and value forms each dialect wants."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.mark = "%s" if dialect == "postgresql" else "?"
        self.date_value: Callable[[int], Any] = lru_cache(maxsize=None)(
            lambda day: date_param(dialect, from_day_number(day))
        )
        if dialect == "sqlite":
            # The SQLite driver has no Decimal; NUMERIC columns store the float.
            self.money: Callable[[float], Any] = lambda value: round(value, 4)
            self.fx_value: Callable[[float], Any] = lambda value: value
        else:
            self.money = lambda value: Decimal(f"{value:.4f}")
            self.fx_value = lambda value: Decimal(repr(value))

    def optional_date(self, day: int | None) -> Any:
        return None if day is None else self.date_value(day)

    def insert(
        self, table: str, columns: str, rows: list[tuple[Any, ...]], *, skip_existing: bool = False
    ) -> None:
        if not rows:
            return
        marks = ", ".join([self.mark] * (columns.count(",") + 1))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        if skip_existing:
            sql += " ON CONFLICT DO NOTHING"
        self.conn.exec_driver_sql(sql, rows)

    def insert_records(self, table: str, records: list[dict[str, Any]]) -> None:
        """Small tables: one dict per row keeps every value next to its column name."""
        if records:
            columns = list(records[0])
            rows = [tuple(record[c] for c in columns) for record in records]
            self.insert(table, ", ".join(columns), rows)

    def purchase_lines(self, rows: list[tuple[Any, ...]]) -> None:
        self.insert("purchase_line", LINE_COLUMNS, rows)

    def deliveries(self, rows: list[tuple[Any, ...]]) -> None:
        self.insert("delivery", DELIVERY_COLUMNS, rows)

    def returns(self, rows: list[tuple[Any, ...]]) -> None:
        self.insert("sale_return", RETURN_COLUMNS, rows)

    def fix_sequences(self, tables: Sequence[str]) -> None:
        """PostgreSQL sequences do not see explicit ids; move them past the demo's rows."""
        if self.dialect != "postgresql":
            return
        for table in tables:
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} "
                "HAVING COUNT(*) > 0"
            )
