"""Customs clearance by regime, month and supplier, on a file worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.domain.enums import ChannelType, Regime
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.customs_overview import customs_overview, median_of
from tests.services.customs_portfolio import AS_OF, load_customs_portfolio

as_of = dt.date.fromisoformat(AS_OF)


def test_a_median_from_a_histogram() -> None:
    assert median_of({1: 1, 2: 2, 9: 1}) == 2  # 1, 2, 2, 9
    assert median_of({6: 1, 11: 1}) == 8.5  # (6 + 11) / 2
    assert median_of({5: 3}) == 5
    assert median_of({}) is None


def test_clearance_by_regime_and_for_everyone(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    overview = customs_overview(engine, as_of)

    # 1, 2, 2, 6, 9, 11: the median is (2 + 6) / 2; 3 of 6 within 3 days.
    assert overview.target_days == 3
    assert overview.overall.deliveries == 6
    assert overview.overall.median_days == 4
    assert overview.overall.slowest_days == 11
    assert overview.overall.share_within_target == 0.5

    cbec, postal = overview.by_regime
    assert cbec.regime is Regime.CBEC
    assert (cbec.figures.deliveries, cbec.figures.median_days) == (4, 2)  # 1, 2, 2, 9
    assert cbec.figures.slowest_days == 9
    assert cbec.figures.share_within_target == 0.75
    assert postal.regime is Regime.POSTAL
    assert (postal.figures.median_days, postal.figures.slowest_days) == (8.5, 11)
    assert postal.figures.share_within_target == 0


def test_the_suppliers_whose_goods_wait_longest_come_first(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    overview = customs_overview(engine, as_of)

    hops, own = overview.slowest_suppliers
    assert (hops.supplier_code, hops.channel_type) == ("S-HOPS", ChannelType.COMPOSITE)
    assert (hops.figures.median_days, hops.figures.slowest_days, hops.slowest_line) == (
        8.5,
        11,
        "B2",
    )
    assert (own.supplier_code, own.channel_type) == ("S-OWN", ChannelType.VERTICAL)
    assert (own.figures.deliveries, own.figures.median_days) == (4, 2)
    assert (own.slowest_line, own.figures.within_target) == ("A4", 3)
    assert overview.suppliers_with_data == 2


def test_the_monthly_trend(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    overview = customs_overview(engine, as_of)

    everyone = {m.month: m.figures for m in overview.by_month if m.regime is None}
    assert sorted(everyone) == [dt.date(2026, month, 1) for month in (2, 3, 4, 5)]
    may = everyone[dt.date(2026, 5, 1)]  # A4 in 9 days and B2 in 11
    assert (may.deliveries, may.median_days, may.share_within_target) == (2, 10, 0)
    march = {m.regime: m.figures for m in overview.by_month if m.month == dt.date(2026, 3, 1)}
    assert march[Regime.CBEC].median_days == 2  # A2
    assert march[Regime.POSTAL].median_days == 6  # B1


def test_a_longer_target_counts_more_deliveries_within_it(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    overview = customs_overview(engine, as_of, ScoringSettings(clearance_target_days=9))
    # 1, 2, 2, 6, 9 are within 9 days; only 11 is not.
    assert overview.overall.within_target == 5


def test_nothing_recorded_gives_no_figures(engine: Engine) -> None:
    overview = customs_overview(engine, as_of)
    assert overview.overall.deliveries == 0
    assert overview.overall.median_days is None
    assert overview.by_regime == ()
    assert overview.slowest_suppliers == ()


def test_the_same_figures_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(pg_engine, tmp_path)
    overview = customs_overview(pg_engine, as_of)
    assert (overview.overall.deliveries, overview.overall.median_days) == (6, 4)
    assert [s.supplier_code for s in overview.slowest_suppliers] == ["S-HOPS", "S-OWN"]
    assert overview.slowest_suppliers[0].slowest_line == "B2"
    assert {m.month for m in overview.by_month} == {dt.date(2026, m, 1) for m in (2, 3, 4, 5)}


def test_on_one_connection_the_figures_are_the_same(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    with engine.connect() as conn:  # the two statements one after the other
        one = customs_overview(conn, as_of)
    assert one == customs_overview(engine, as_of)  # the two at once
