"""Column types shared by the tables.

Dates are stored as integer day numbers on SQLite: the scoring aggregates do
date arithmetic on a million lines, and integer days make that GROUP BY about
2.4x faster than julianday() on ISO strings (docs/performance.md). PostgreSQL
keeps a native DATE, where `date - date` is already an integer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Integer, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def day_number(value: dt.date) -> int:
    """Days since 1970-01-01, the stored form of a date on SQLite."""
    return value.toordinal() - EPOCH_ORDINAL


def from_day_number(days: int) -> dt.date:
    return dt.date.fromordinal(int(days) + EPOCH_ORDINAL)


def date_param(dialect_name: str, value: dt.date | None) -> Any:
    """A date in the form a raw driver-level statement expects for this dialect."""
    if value is None:
        return None
    return value if dialect_name == "postgresql" else day_number(value)


class DayDate(TypeDecorator[dt.date]):
    """A calendar date: INTEGER days since 1970-01-01 on SQLite, DATE on PostgreSQL."""

    impl = Integer
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Date())
        return dialect.type_descriptor(Integer())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if dialect.name == "postgresql":
            return value
        if isinstance(value, int):
            return value
        return day_number(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        return from_day_number(value)


def money() -> Numeric:
    """A price or amount: four decimal places, returned as Decimal."""
    return Numeric(16, 4, asdecimal=True)


def rate() -> Numeric:
    """A tax rate or percentage as a fraction, e.g. 0.13."""
    return Numeric(8, 6, asdecimal=True)


def fx_rate() -> Numeric:
    """An exchange rate to the home currency."""
    return Numeric(20, 10, asdecimal=True)
