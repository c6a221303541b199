"""Connections from make_engine behave as docs/architecture.md promises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, exc, text
from sqlmodel import select

from sourcing_app.db.models import Brand, Channel, ExchangeRate
from sourcing_app.db.types import day_number
from sourcing_app.db.unit_of_work import unit_of_work


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_a_channel_for_a_supplier_that_does_not_exist_is_refused(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        brand = Brand(name="Aptamil")
        session.add(brand)
    with pytest.raises(exc.IntegrityError), unit_of_work(engine) as session:
        session.add(Channel(supplier_id=999, brand_id=brand.id, tier=1))


def _store_rates(engine: Engine, days: list[dt.date]) -> None:
    with unit_of_work(engine) as session:
        for day in days:
            session.add(ExchangeRate(currency="EUR", rate_date=day, rate_to_home=Decimal("7.7")))


DAYS = [dt.date(2026, 11, 27), dt.date(1969, 12, 31), dt.date(2024, 2, 29)]


def test_sqlite_stores_dates_as_day_numbers_and_reads_them_back_as_dates(engine: Engine) -> None:
    _store_rates(engine, DAYS)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT rate_date FROM exchange_rate ORDER BY id")).scalars()
        assert list(stored) == [20_784, -1, 19_782]
        assert [day_number(d) for d in DAYS] == [20_784, -1, 19_782]
    with unit_of_work(engine) as session:
        read = list(session.exec(select(ExchangeRate.rate_date).order_by(ExchangeRate.id)))
    assert read == DAYS


def test_postgresql_stores_dates_as_native_dates(pg_engine: Engine) -> None:
    _store_rates(pg_engine, DAYS)
    with pg_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT rate_date, pg_typeof(rate_date)::text FROM exchange_rate ORDER BY id")
        ).all()
    assert rows == [(day, "date") for day in DAYS]
    with unit_of_work(pg_engine) as session:
        read = list(session.exec(select(ExchangeRate.rate_date).order_by(ExchangeRate.id)))
    assert read == DAYS
