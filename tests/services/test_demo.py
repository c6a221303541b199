"""The seeded demo portfolio: reproducible, never mixed into a buyer's data, and every
pattern a buyer meets (docs/standings-and-flags.md) is really there.

Each planted pattern is checked with a plain SQL query over the stored rows, not
with the generator's own bookkeeping. Dates are integer day numbers on SQLite
(sourcing_app.db.types), so `:today` below is as_of as a day number.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from sourcing_app.db.migrate import prepare_database
from sourcing_app.db.types import day_number
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.services.demo import (
    COMPOSITE_ONLY_BRAND,
    SINGLE_CHANNEL_BRAND,
    DemoSummary,
    build_demo,
)
from sourcing_app.services.demo.catalogue import load_catalogue
from sourcing_app.services.scoring import ScoringService

AS_OF = dt.date(2026, 11, 27)
TODAY = day_number(AS_OF)
GRACE_DAYS = 2  # docs/margin.md, default
TABLES = (
    "tax_category",
    "brand",
    "product",
    "supplier",
    "channel",
    "quote",
    "exchange_rate",
    "purchase_line",
    "delivery",
    "sale_return",
    "setting",
    "audit_entry",
)
# A channel is vertical on as_of (docs/vocabulary.md), as SQL over the channel table.
IS_VERTICAL = (
    "(ch.tier = 0 OR (ch.tier = 1 AND ch.authorization_ref <> '' "
    "AND (ch.authorized_until IS NULL OR ch.authorized_until >= :today)))"
)


def rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), {"today": TODAY, **params})]


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    return rows(engine, sql, **params)[0][0]


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    return {table: rows(engine, f"SELECT * FROM {table} ORDER BY 1") for table in TABLES}


def fresh_engine(path: Path) -> Engine:
    return prepare_database(f"sqlite:///{path}")


def planted(summary: DemoSummary, flag: str) -> str:
    """The supplier code (or brand) where the generator says it planted `flag`."""
    found = next(p for p in summary.planted if p.flag == flag)
    return found.supplier_code or found.brand or ""


def built_demo(
    tmp_path_factory: pytest.TempPathFactory, suppliers: int, lines: int
) -> Iterator[tuple[Engine, DemoSummary]]:
    engine = fresh_engine(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    summary = build_demo(engine, suppliers=suppliers, lines=lines, as_of=AS_OF)
    yield engine, summary
    engine.dispose()


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoSummary]]:
    yield from built_demo(tmp_path_factory, 60, 3_000)


@pytest.fixture(scope="module")
def default_demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Engine, DemoSummary]]:
    """The demo `sourcing-app demo` builds: 200 suppliers, 30,000 lines, the default seed."""
    yield from built_demo(tmp_path_factory, 200, 30_000)


@pytest.fixture(scope="module", params=["small_demo", "default_demo"], ids=["small", "default"])
def demo(request: pytest.FixtureRequest) -> tuple[Engine, DemoSummary]:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def default_scores(default_demo: tuple[Engine, DemoSummary]) -> list[SupplierScore]:
    engine, _summary = default_demo
    return ScoringService(engine).score_all(AS_OF)


# --------------------------------------------------------------------------- size and shape


def test_counts_match_the_arguments(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    assert scalar(engine, "SELECT COUNT(*) FROM supplier") == summary.suppliers
    assert scalar(engine, "SELECT COUNT(*) FROM purchase_line") == summary.purchase_lines
    assert summary.suppliers in (60, 200)
    assert summary.purchase_lines in (3_000, 30_000)
    assert scalar(engine, "SELECT COUNT(*) FROM brand") == summary.brands == 40
    assert 80 <= scalar(engine, "SELECT COUNT(*) FROM product") == summary.products <= 160
    assert scalar(engine, "SELECT COUNT(*) FROM delivery") == summary.deliveries
    assert scalar(engine, "SELECT COUNT(*) FROM channel") == summary.channels
    assert scalar(engine, "SELECT COUNT(*) FROM quote") == summary.quotes
    assert scalar(engine, "SELECT MIN(code), MAX(code) FROM supplier") == "SUP-0001"
    assert rows(engine, "SELECT MIN(line_ref), MAX(line_ref) FROM purchase_line")[0] == (
        "PO-000001",
        f"PO-{summary.purchase_lines:06d}",
    )


def test_the_summary_reads_as_one_line(demo: tuple[Engine, DemoSummary]) -> None:
    _engine, summary = demo
    line = str(summary)
    assert re.fullmatch(
        r"Demo portfolio: 40 brands, [\d,]+ suppliers, \d+ products, [\d,]+ purchase lines, "
        r"[\d,]+ deliveries, history 2024-11-28 to 2026-11-27\.",
        line,
    ), line
    if summary.purchase_lines == 30_000:
        assert "200 suppliers" in line and "30,000 purchase lines" in line


def test_every_supplier_sells_one_to_three_brands(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _summary = demo
    per_supplier = rows(
        engine,
        "SELECT s.code, COUNT(ch.id) FROM supplier s "
        "LEFT JOIN channel ch ON ch.supplier_id = s.id GROUP BY s.id",
    )
    assert all(1 <= n <= 3 for _code, n in per_supplier), per_supplier


def test_history_spans_two_years_ending_on_as_of(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    first, last = rows(engine, "SELECT MIN(order_date), MAX(order_date) FROM purchase_line")[0]
    assert summary.history_start == dt.date(2024, 11, 28)
    assert first == day_number(summary.history_start)
    assert last <= TODAY
    assert scalar(engine, "SELECT MAX(delivered_date) FROM delivery") <= TODAY


# --------------------------------------------------------------------------- reproducible


def test_the_same_seed_gives_identical_data(tmp_path: Path) -> None:
    first, second = fresh_engine(tmp_path / "a.sqlite"), fresh_engine(tmp_path / "b.sqlite")
    build_demo(first, suppliers=60, lines=3_000, seed=7, as_of=AS_OF)
    build_demo(second, suppliers=60, lines=3_000, seed=7, as_of=AS_OF)
    assert dump(first) == dump(second)


def test_a_different_seed_gives_different_data(tmp_path: Path) -> None:
    first, second = fresh_engine(tmp_path / "a.sqlite"), fresh_engine(tmp_path / "b.sqlite")
    build_demo(first, suppliers=60, lines=3_000, seed=7, as_of=AS_OF)
    build_demo(second, suppliers=60, lines=3_000, seed=8, as_of=AS_OF)
    one, other = dump(first), dump(second)
    assert one["supplier"] != other["supplier"]
    assert one["purchase_line"] != other["purchase_line"]
    assert len(one["purchase_line"]) == len(other["purchase_line"]) == 3_000


# --------------------------------------------------------------------------- catalogue

REPOSITORY = Path(__file__).resolve().parents[2]


def test_the_catalogue_files_agree_with_each_other() -> None:
    """Every brand's line has products, every product a tax category, every country a rate."""
    catalogue = load_catalogue()
    assert len(catalogue.base_brands) == 40  # the default demo's 40 brands
    for name, origin, line, _hot in catalogue.base_brands:
        assert catalogue.product_lines[line], name
        assert line in catalogue.category_label, name
        assert catalogue.country_currency[origin] in catalogue.base_rates, name
        assert origin in catalogue.owner_legal_form, name
    templates = [t for line in catalogue.product_lines.values() for t in line]
    for _code, title, tax_key, low, high, weight, pack in [*templates, catalogue.luxury_bag]:
        assert tax_key in catalogue.tax_categories, title
        assert 0 < low <= high and weight > 0 and pack >= 1, title
    for country in catalogue.foreign_countries:
        assert country in catalogue.foreign_companies and country in catalogue.contact_names
    assert catalogue.luxury_bag[1] == "Signature Top-Handle Bag"
    assert catalogue.luxury_bag[3] == 16_800  # far over the CNY 5,000 CBEC limit


def test_the_planted_brands_are_hot_sellers_of_the_catalogue() -> None:
    hot = {name for name, _origin, _line, is_hot in load_catalogue().base_brands if is_hot}
    assert {SINGLE_CHANNEL_BRAND, COMPOSITE_ONLY_BRAND} <= hot


def test_the_package_data_ships_every_catalogue_file() -> None:
    """An installed wheel (not only a checkout) must find resources/demo/."""
    config = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["sourcing_app.resources"]
    folder = REPOSITORY / "resources"
    files = [p.relative_to(folder).as_posix() for p in (folder / "demo").iterdir()]
    assert "demo/brands.csv" in files
    assert [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)] == []


# --------------------------------------------------------------------------- refusals


def test_refuses_a_database_that_already_holds_suppliers(tmp_path: Path) -> None:
    engine = fresh_engine(tmp_path / "buyer.sqlite")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO supplier (code, name, country, kind, contact, notes, archived, "
                "version) VALUES ('ACME', 'Acme Trading', 'CN', 'trader', '', '', 0, 1)"
            )
        )
    before = dump(engine)
    with pytest.raises(ValueError, match="already holds 1 supplier;"):
        build_demo(engine, suppliers=60, lines=3_000, as_of=AS_OF)
    assert dump(engine) == before


def test_refuses_to_run_twice_and_leaves_the_first_demo_unchanged(engine: Engine) -> None:
    build_demo(engine, suppliers=20, lines=500, as_of=AS_OF)
    before = dump(engine)
    with pytest.raises(ValueError, match="empty database"):
        build_demo(engine, suppliers=20, lines=500, seed=99, as_of=AS_OF)
    assert dump(engine) == before


def test_refuses_a_database_whose_home_currency_is_not_cny(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('home_currency', '\"EUR\"')"))
    with pytest.raises(ValueError, match="home currency is EUR"):
        build_demo(engine, suppliers=20, lines=500, as_of=AS_OF)
    assert scalar(engine, "SELECT COUNT(*) FROM brand") == 0


@pytest.mark.parametrize(("suppliers", "lines"), [(0, 10), (5, -1)])
def test_rejects_impossible_sizes(engine: Engine, suppliers: int, lines: int) -> None:
    with pytest.raises(ValueError):
        build_demo(engine, suppliers=suppliers, lines=lines, as_of=AS_OF)


@pytest.mark.parametrize(("suppliers", "lines"), [(1, 5), (5, 0), (11, 40)])
def test_tiny_demos_still_hold_together(engine: Engine, suppliers: int, lines: int) -> None:
    summary = build_demo(engine, suppliers=suppliers, lines=lines, as_of=AS_OF)
    assert scalar(engine, "SELECT COUNT(*) FROM supplier") == suppliers
    assert scalar(engine, "SELECT COUNT(*) FROM purchase_line") == lines == summary.purchase_lines
    assert rows(engine, "PRAGMA foreign_key_check") == []


# --------------------------------------------------------------------------- integrity


def test_foreign_keys_hold(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _summary = demo
    assert rows(engine, "PRAGMA foreign_key_check") == []


def test_deliveries_are_physically_possible(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _summary = demo
    before_order = scalar(
        engine,
        "SELECT COUNT(*) FROM delivery d JOIN purchase_line pl ON pl.id = d.line_id "
        "WHERE d.delivered_date < pl.order_date",
    )
    over_rejected = scalar(
        engine, "SELECT COUNT(*) FROM delivery WHERE rejected_qty > delivered_qty"
    )
    negative = scalar(
        engine,
        "SELECT COUNT(*) FROM delivery WHERE delivered_qty <= 0 OR rejected_qty < 0 "
        "OR clearance_days < 0",
    )
    assert (before_order, over_rejected, negative) == (0, 0, 0)
    assert scalar(engine, "SELECT COUNT(*) FROM purchase_line WHERE ordered_qty <= 0") == 0


def test_deliveries_show_splits_shortfalls_delays_rejects_and_open_orders(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _summary = demo
    per_line = """
        SELECT pl.id, pl.ordered_qty, pl.promised_date, pl.order_date,
               COUNT(d.id) AS parts, COALESCE(SUM(d.delivered_qty), 0) AS delivered,
               COALESCE(SUM(d.rejected_qty), 0) AS rejected, MAX(d.delivered_date) AS last_day
        FROM purchase_line pl LEFT JOIN delivery d ON d.line_id = pl.id GROUP BY pl.id
    """
    split = scalar(engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE parts = 2")
    short = scalar(
        engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE parts > 0 AND delivered < ordered_qty"
    )
    late = scalar(engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE last_day > promised_date + 2")
    rejected = scalar(engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE rejected > 0")
    not_yet_due = scalar(
        engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE promised_date + 2 > :today AND parts = 0"
    )
    missing = scalar(
        engine, f"SELECT COUNT(*) FROM ({per_line}) WHERE promised_date + 2 <= :today AND parts = 0"
    )
    due = scalar(engine, "SELECT COUNT(*) FROM purchase_line WHERE promised_date + 2 <= :today")
    assert min(split, short, late, rejected, not_yet_due, missing) > 0
    # Most due lines were delivered.
    assert missing < 0.1 * due
    # Split parts arrive on different dates (a delivery is its line and date).
    assert (
        scalar(
            engine,
            "SELECT COUNT(*) FROM (SELECT line_id, delivered_date FROM delivery "
            "GROUP BY line_id, delivered_date HAVING COUNT(*) > 1)",
        )
        == 0
    )


def test_lines_use_mostly_cbec_with_some_general_and_postal(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    regimes = dict(rows(engine, "SELECT regime, COUNT(*) FROM purchase_line GROUP BY regime"))
    assert set(regimes) == {"cbec", "general", "postal"}
    assert regimes["cbec"] > 0.75 * summary.purchase_lines
    assert regimes["general"] > regimes["postal"] > 0


def test_every_currency_used_has_rates_and_lines_freeze_the_rate_of_their_day(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _summary = demo
    unpriced = rows(
        engine,
        "SELECT currency FROM quote UNION SELECT currency FROM purchase_line "
        "EXCEPT SELECT currency FROM exchange_rate WHERE kind = 'feed' AND source = 'ECB demo'",
    )
    assert unpriced == []
    # The fx_rate on each line is the feed rate on or before its order date.
    mismatched = scalar(
        engine,
        """
        SELECT COUNT(*) FROM purchase_line pl
        WHERE ABS(pl.fx_rate - (SELECT r.rate_to_home FROM exchange_rate r
                                WHERE r.currency = pl.currency AND r.rate_date <= pl.order_date
                                ORDER BY r.rate_date DESC LIMIT 1)) > 1e-9
           OR NOT EXISTS (SELECT 1 FROM exchange_rate r
                          WHERE r.currency = pl.currency AND r.rate_date <= pl.order_date)
        """,
    )
    assert mismatched == 0
    usd = rows(engine, "SELECT MIN(rate_to_home), MAX(rate_to_home) FROM exchange_rate "
                       "WHERE currency = 'USD'")[0]  # fmt: skip
    assert 6.5 < usd[0] <= usd[1] < 7.7  # a mild walk around 7.1 CNY
    assert scalar(engine, "SELECT MAX(rate_date) FROM exchange_rate") == TODAY


def test_quotes_have_price_breaks_and_some_have_expired(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _summary = demo
    breaks = scalar(
        engine,
        "SELECT COUNT(*) FROM quote big JOIN quote small ON small.channel_id = big.channel_id "
        "AND small.product_id = big.product_id AND small.valid_from = big.valid_from "
        "AND big.min_qty > small.min_qty AND big.unit_price < small.unit_price",
    )
    expired = scalar(engine, "SELECT COUNT(*) FROM quote WHERE valid_to < :today")
    currencies = {c for (c,) in rows(engine, "SELECT DISTINCT currency FROM quote")}
    assert breaks > 0 and expired > 0
    assert {"CNY", "USD", "HKD"} <= currencies and len(currencies) >= 6


def test_home_currency_setting_and_audit_entry(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    assert rows(engine, "SELECT value FROM setting WHERE key = 'home_currency'") == [('"CNY"',)]
    who, entity, action, changes = rows(
        engine, "SELECT who, entity, action, changes FROM audit_entry"
    )[0]
    assert (who, entity, action) == ("demo", "portfolio", "demo")
    assert json.loads(changes)["purchase_lines"] == summary.purchase_lines


# --------------------------------------------------------------------------- planted patterns


def test_vertical_channels_are_rare(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    vertical = scalar(engine, f"SELECT COUNT(*) FROM channel ch WHERE {IS_VERTICAL}")
    total = scalar(engine, "SELECT COUNT(*) FROM channel")
    assert vertical == summary.vertical_channels
    assert 0.05 <= vertical / total <= 0.15


def test_vertical_channels_supply_steadier_than_multi_hop_chains(
    demo: tuple[Engine, DemoSummary],
) -> None:
    """Fill, on time and quality over the due lines of the current window, by channel type."""
    engine, _summary = demo
    by_type = {
        kind: (fill, on_time, quality)
        for kind, fill, on_time, quality in rows(
            engine,
            f"""
            WITH arrived AS (
                SELECT d.line_id, SUM(d.delivered_qty) AS delivered,
                       SUM(d.rejected_qty) AS rejected,
                       SUM(CASE WHEN d.delivered_date <= pl.promised_date + 2
                                THEN d.delivered_qty ELSE 0 END) AS in_time
                FROM delivery d JOIN purchase_line pl ON pl.id = d.line_id
                WHERE d.delivered_date <= :today GROUP BY d.line_id)
            SELECT CASE WHEN {IS_VERTICAL} THEN 'vertical'
                        WHEN ch.tier >= 3 THEN 'multi-hop' ELSE 'other' END AS kind,
                   1.0 * SUM(MIN(COALESCE(a.delivered - a.rejected, 0), pl.ordered_qty))
                       / SUM(pl.ordered_qty),
                   1.0 * SUM(MIN(COALESCE(a.in_time, 0), pl.ordered_qty)) / SUM(pl.ordered_qty),
                   1.0 - 1.0 * SUM(COALESCE(a.rejected, 0)) / SUM(COALESCE(a.delivered, 0))
            FROM purchase_line pl JOIN channel ch ON ch.id = pl.channel_id
            LEFT JOIN arrived a ON a.line_id = pl.id
            WHERE pl.order_date > :today - 365 AND pl.promised_date + 2 <= :today
            GROUP BY kind
            """,
        )
    }
    v_fill, v_on_time, v_quality = by_type["vertical"]
    m_fill, m_on_time, m_quality = by_type["multi-hop"]
    assert v_fill > 0.97 and v_on_time > 0.9 and v_quality > 0.99
    assert m_fill < v_fill - 0.03
    assert m_on_time < v_on_time - 0.2
    assert m_quality < v_quality - 0.005


def test_vertical_suppliers_have_steadier_lead_times_and_prices(
    demo: tuple[Engine, DemoSummary],
) -> None:
    """Mean coefficient of variation per supplier: lead days, and home-currency price per SKU."""
    engine, _summary = demo
    only = "(SELECT supplier_id FROM channel ch GROUP BY supplier_id HAVING {})"
    all_vertical = only.format(f"MIN({IS_VERTICAL}) = 1")
    all_multi_hop = only.format("MIN(tier) >= 3")
    lead_cv = """
        SELECT AVG(cv) FROM (
            SELECT SQRT(MAX(AVG(lead * lead) - AVG(lead) * AVG(lead), 0)) / AVG(lead) AS cv
            FROM (SELECT ch.supplier_id, d.delivered_date - pl.order_date AS lead
                  FROM delivery d JOIN purchase_line pl ON pl.id = d.line_id
                  JOIN channel ch ON ch.id = pl.channel_id
                  WHERE ch.supplier_id IN {})
            GROUP BY supplier_id HAVING COUNT(*) >= 2)
    """
    price_cv = """
        SELECT AVG(cv) FROM (
            SELECT SQRT(MAX(AVG(p * p) - AVG(p) * AVG(p), 0)) / AVG(p) AS cv
            FROM (SELECT pl.channel_id, pl.product_id, pl.unit_price * pl.fx_rate AS p
                  FROM purchase_line pl JOIN channel ch ON ch.id = pl.channel_id
                  WHERE ch.supplier_id IN {} AND pl.order_date > :today - 365)
            GROUP BY channel_id, product_id HAVING COUNT(*) >= 5)
    """
    assert scalar(engine, lead_cv.format(all_vertical)) < 0.15
    assert scalar(engine, lead_cv.format(all_multi_hop)) > 0.3
    assert scalar(engine, price_cv.format(all_vertical)) < scalar(
        engine, price_cv.format(all_multi_hop)
    )


def test_a_supplier_raised_prices_more_than_ten_percent_in_90_days(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    spiking = {
        code
        for (code,) in rows(
            engine,
            """
            SELECT s.code FROM purchase_line pl
            JOIN channel ch ON ch.id = pl.channel_id JOIN supplier s ON s.id = ch.supplier_id
            WHERE pl.order_date > :today - 90
            GROUP BY s.code, pl.product_id
            HAVING AVG(CASE WHEN pl.order_date > :today - 45 THEN pl.unit_price * pl.fx_rate END)
                 > 1.10 * AVG(CASE WHEN pl.order_date <= :today - 45
                                   THEN pl.unit_price * pl.fx_rate END)
            """,
        )
    }
    assert planted(summary, "PRICE_SPIKE") in spiking


def test_authorizations_expiring_soon_and_just_expired(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    authorized = "ch.active = 1 AND ch.tier <= 1 AND ch.authorization_ref <> ''"
    expiring = rows(
        engine,
        "SELECT s.code, ch.authorized_until - :today FROM channel ch "
        f"JOIN supplier s ON s.id = ch.supplier_id WHERE {authorized} "
        "AND ch.authorized_until BETWEEN :today AND :today + 60",
    )
    expired = rows(
        engine,
        "SELECT s.code, :today - ch.authorized_until FROM channel ch "
        f"JOIN supplier s ON s.id = ch.supplier_id WHERE {authorized} "
        "AND ch.authorized_until < :today",
    )
    assert (planted(summary, "AUTH_EXPIRING"), 38) in expiring
    assert (planted(summary, "AUTH_EXPIRED"), 5) in expired


def test_a_quote_loses_money_once_landed(demo: tuple[Engine, DemoSummary]) -> None:
    """docs/margin.md by hand: V = (price + freight + insurance) x fx; CBEC tax
    0.7 x V x (c + vat) / (1 - c); net revenue = retail x (1 - 5% - 1%)."""
    engine, summary = demo
    quotes = rows(
        engine,
        """
        SELECT p.sku, q.unit_price, q.freight_per_unit, q.insurance_per_unit,
               (SELECT r.rate_to_home FROM exchange_rate r WHERE r.currency = q.currency
                AND r.rate_date <= :today ORDER BY r.rate_date DESC LIMIT 1),
               t.consumption_tax, t.vat, p.retail_price
        FROM quote q JOIN channel ch ON ch.id = q.channel_id
        JOIN supplier s ON s.id = ch.supplier_id JOIN product p ON p.id = q.product_id
        JOIN tax_category t ON t.id = p.tax_category_id
        WHERE s.code = :code AND q.valid_from <= :today
          AND (q.valid_to IS NULL OR q.valid_to >= :today)
        ORDER BY q.min_qty
        """,
        code=planted(summary, "NEGATIVE_MARGIN"),
    )
    assert quotes
    sku, price, freight, insurance, fx, c, vat, retail = (
        Decimal(str(v)) if i else v for i, v in enumerate(quotes[0])
    )
    customs_value = (price + freight + insurance) * fx
    assert customs_value <= 5000  # within the CBEC limit, so the CBEC formula applies
    tax = Decimal("0.7") * customs_value * (c + vat) / (1 - c)
    landed = customs_value + tax
    net_revenue = retail * (1 - Decimal("0.05") - Decimal("0.01"))
    assert landed > net_revenue, (sku, landed, net_revenue)
    assert c == Decimal("0.15")  # a premium cosmetic, heavily taxed


def test_a_hot_brand_has_a_single_channel_and_another_only_composite_ones(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _summary = demo
    single = rows(
        engine,
        "SELECT b.name FROM brand b JOIN channel ch ON ch.brand_id = b.id AND ch.active = 1 "
        "WHERE b.hot_selling = 1 GROUP BY b.id HAVING COUNT(*) = 1",
    )
    composite_only = rows(
        engine,
        "SELECT b.name, COUNT(*) FROM brand b "
        "JOIN channel ch ON ch.brand_id = b.id AND ch.active = 1 "
        f"WHERE b.hot_selling = 1 GROUP BY b.id HAVING SUM({IS_VERTICAL}) = 0",
    )
    assert (SINGLE_CHANNEL_BRAND,) in single
    assert any(name == COMPOSITE_ONLY_BRAND and n >= 2 for name, n in composite_only)


def test_about_a_third_of_brands_are_hot_with_planned_demand(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _summary = demo
    hot, with_demand = rows(
        engine,
        "SELECT SUM(hot_selling), SUM(hot_selling AND planned_monthly_demand > 0) FROM brand",
    )[0]
    assert 8 <= hot <= 16 and with_demand == hot


def test_a_unit_is_worth_more_than_the_cbec_limit_and_ships_as_general_trade(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, _summary = demo
    over_limit = rows(
        engine,
        """
        SELECT DISTINCT q.product_id FROM quote q
        WHERE q.valid_from <= :today AND (q.valid_to IS NULL OR q.valid_to >= :today)
          AND (q.unit_price + q.freight_per_unit + q.insurance_per_unit)
              * (SELECT r.rate_to_home FROM exchange_rate r WHERE r.currency = q.currency
                 AND r.rate_date <= :today ORDER BY r.rate_date DESC LIMIT 1) > 5000
        """,
    )
    assert over_limit
    (product_id,) = over_limit[0]
    regimes = rows(
        engine, "SELECT DISTINCT regime FROM purchase_line WHERE product_id = :p", p=product_id
    )
    assert regimes == [("general",)]


def test_a_supplier_fill_rate_fell_against_the_previous_year(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    fill_by_window = rows(
        engine,
        """
        WITH accepted AS (
            SELECT line_id, SUM(delivered_qty - rejected_qty) AS qty FROM delivery
            WHERE delivered_date <= :today GROUP BY line_id)
        SELECT s.code,
               1.0 * SUM(CASE WHEN pl.order_date <= :today - 365
                              THEN MIN(COALESCE(a.qty, 0), pl.ordered_qty) END)
                   / SUM(CASE WHEN pl.order_date <= :today - 365 THEN pl.ordered_qty END),
               1.0 * SUM(CASE WHEN pl.order_date > :today - 365
                              THEN MIN(COALESCE(a.qty, 0), pl.ordered_qty) END)
                   / SUM(CASE WHEN pl.order_date > :today - 365 THEN pl.ordered_qty END)
        FROM purchase_line pl JOIN channel ch ON ch.id = pl.channel_id
        JOIN supplier s ON s.id = ch.supplier_id LEFT JOIN accepted a ON a.line_id = pl.id
        WHERE pl.promised_date + 2 <= :today
        GROUP BY s.code
        """,
    )
    dropped = {
        code: (previous, current)
        for code, previous, current in fill_by_window
        if previous is not None and current is not None and previous >= 0.9
        and current <= previous - 0.15
    }  # fmt: skip
    assert planted(summary, "FILL_DROP") in dropped


def test_a_supplier_delivered_nothing_for_180_days(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    stale = {
        code
        for (code,) in rows(
            engine,
            """
            SELECT s.code FROM supplier s
            JOIN channel ch ON ch.supplier_id = s.id
            JOIN purchase_line pl ON pl.channel_id = ch.id
            GROUP BY s.id
            HAVING MIN(pl.order_date) < :today - 180
               AND NOT EXISTS (
                   SELECT 1 FROM delivery d JOIN purchase_line p2 ON p2.id = d.line_id
                   JOIN channel c2 ON c2.id = p2.channel_id
                   WHERE c2.supplier_id = s.id AND d.delivered_date > :today - 180)
            """,
        )
    }
    assert planted(summary, "STALE") in stale


def test_a_supplier_has_only_a_thin_history(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    thin = rows(
        engine,
        "SELECT s.code, COUNT(*) FROM supplier s JOIN channel ch ON ch.supplier_id = s.id "
        "JOIN purchase_line pl ON pl.channel_id = ch.id GROUP BY s.id HAVING COUNT(*) <= 3",
    )
    assert (planted(summary, "THIN_HISTORY"), 3) in thin


# --------------------------------------------------------------------------- end to end


FLAGGED_ON_PLANTED_SUPPLIER = (
    "PRICE_SPIKE",
    "AUTH_EXPIRING",
    "AUTH_EXPIRED",
    "NEGATIVE_MARGIN",
    "SINGLE_CHANNEL",
    "OVER_CBEC_LIMIT",
    "FILL_DROP",
    "STALE",
    "THIN_HISTORY",
    "QUOTE_EXPIRED",
    "CUSTOMS_DELAY",
    "COUNTERFEIT_SUSPECTED",
    "RETURNS_HIGH",
)


def test_scoring_the_demo_raises_every_planted_flag_where_it_was_planted(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    scores = {s.supplier_code: s for s in ScoringService(engine).score_all(AS_OF)}
    raised = {code: {f.code.value for f in s.flags} for code, s in scores.items()}
    for flag in FLAGGED_ON_PLANTED_SUPPLIER:
        supplier = planted(summary, flag)
        assert flag in raised[supplier], (flag, supplier, raised[supplier])
    assert any("COMPOSITE_ONLY" in flags for flags in raised.values())
    loss_maker = scores[planted(summary, "NEGATIVE_MARGIN")]
    assert loss_maker.margin_pct is not None and loss_maker.margin_pct < 0
    steady = scores[planted(summary, "STEADY_VERTICAL")]
    assert steady.standing.value == "Preferred"


# ----------------------------------------------------------------- customs and returns


def test_most_goods_clear_in_days_and_some_composite_chains_hold_them_for_weeks(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    total = scalar(engine, "SELECT COUNT(*) FROM delivery WHERE clearance_days IS NOT NULL")
    quick = scalar(engine, "SELECT COUNT(*) FROM delivery WHERE clearance_days <= 3")
    assert quick >= 0.7 * total  # the clearance target is 3 days
    held = rows(
        engine,
        "SELECT MIN(ch.tier), MAX(d.clearance_days), COUNT(*), "
        f"SUM(CASE WHEN {IS_VERTICAL} THEN 1 ELSE 0 END) FROM delivery d "
        "JOIN purchase_line pl ON pl.id = d.line_id JOIN channel ch ON ch.id = pl.channel_id "
        "WHERE d.clearance_days >= 8",
    )
    lowest_tier, longest, count, vertical = held[0]
    assert (lowest_tier >= 2, longest <= 15, vertical) == (True, True, 0)
    assert 0 < count < 0.1 * total
    # The planted slow chain held goods more than 10 days in the last 90 (customs delay).
    slow = planted(summary, "CUSTOMS_DELAY")
    assert (
        scalar(
            engine,
            "SELECT COUNT(*) FROM delivery d JOIN purchase_line pl ON pl.id = d.line_id "
            "JOIN channel ch ON ch.id = pl.channel_id JOIN supplier s ON s.id = ch.supplier_id "
            "WHERE s.code = :code AND d.clearance_days > 10 AND d.delivered_date > :today - 90",
            code=slow,
        )
        > 0
    )


def test_returns_are_physically_possible(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    assert summary.returns == scalar(engine, "SELECT COUNT(*) FROM sale_return") > 0
    over_accepted = scalar(
        engine,
        "SELECT COUNT(*) FROM (SELECT r.line_id, SUM(r.returned_qty) AS returned FROM "
        "sale_return r GROUP BY r.line_id) r JOIN (SELECT line_id, "
        "SUM(delivered_qty - rejected_qty) AS accepted, MIN(delivered_date) AS first_day "
        "FROM delivery GROUP BY line_id) d ON d.line_id = r.line_id "
        "WHERE r.returned > d.accepted",
    )
    too_early = scalar(
        engine,
        "SELECT COUNT(*) FROM sale_return r WHERE r.return_date < "
        "(SELECT MIN(delivered_date) FROM delivery d WHERE d.line_id = r.line_id) "
        "OR NOT EXISTS (SELECT 1 FROM delivery d WHERE d.line_id = r.line_id) "
        "OR r.return_date > :today OR r.returned_qty < 1",
    )
    assert (over_accepted, too_early) == (0, 0)
    reasons = dict(rows(engine, "SELECT reason, COUNT(*) FROM sale_return GROUP BY reason"))
    # Mostly damage; a few late and other, which are shown but not scored.
    assert reasons["damaged"] == max(reasons.values())
    assert reasons.get("late", 0) > 0 and reasons.get("other", 0) > 0


def test_a_suspected_fake_comes_back_from_a_multi_hop_chain(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    fakes = rows(
        engine,
        "SELECT s.code, ch.tier, r.return_date FROM sale_return r "
        "JOIN purchase_line pl ON pl.id = r.line_id JOIN channel ch ON ch.id = pl.channel_id "
        "JOIN supplier s ON s.id = ch.supplier_id WHERE r.reason = 'suspected_counterfeit'",
    )
    planted_fakes = [f for f in fakes if f[0] == planted(summary, "COUNTERFEIT_SUSPECTED")]
    assert planted_fakes, fakes
    # On a chain of three hands or more, returned within the evaluation window.
    assert all(tier >= 3 for _code, tier, _day in fakes)
    assert any(day > TODAY - 365 for _code, _tier, day in planted_fakes)


def test_one_trader_sends_damaged_goods_again_and_again(
    demo: tuple[Engine, DemoSummary],
) -> None:
    engine, summary = demo
    trader = planted(summary, "RETURNS_HIGH")
    kind, returned, accepted = rows(
        engine,
        "SELECT s.kind, "
        "(SELECT COALESCE(SUM(r.returned_qty), 0) FROM sale_return r "
        " JOIN purchase_line pl ON pl.id = r.line_id JOIN channel ch ON ch.id = pl.channel_id "
        " WHERE ch.supplier_id = s.id AND r.reason = 'damaged' AND r.return_date > :today - 365), "
        "(SELECT SUM(d.delivered_qty - d.rejected_qty) FROM delivery d "
        " JOIN purchase_line pl ON pl.id = d.line_id JOIN channel ch ON ch.id = pl.channel_id "
        " WHERE ch.supplier_id = s.id AND pl.order_date > :today - 365) "
        "FROM supplier s WHERE s.code = :code",
        code=trader,
    )[0]
    assert kind == "trader"
    assert returned > 0.05 * accepted  # the returns-high flag's edge


# Share of suppliers in each standing (docs/standings-and-flags.md) on the default demo:
# a grey-market importer's book, with many thin-margin, unreliable composite
# channels, not one where nearly everyone is Preferred.
STANDING_SHARES = {
    "Preferred": (0.20, 0.30),
    "Approved": (0.35, 0.45),
    "Watch": (0.20, 0.30),
    "Avoid": (0.05, 0.12),
}


def test_the_default_demo_spreads_across_the_standings(
    default_scores: list[SupplierScore],
) -> None:
    counts = Counter(s.standing.value for s in default_scores)
    shares = {standing: counts[standing] / len(default_scores) for standing in counts}
    for standing, (low, high) in STANDING_SHARES.items():
        assert low <= shares.get(standing, 0.0) <= high, (standing, shares)
    # Only a supplier whose every quote has lapsed goes unrated.
    assert counts["Unrated"] <= 0.02 * len(default_scores), shares


def test_the_standings_follow_margin_and_supply(default_scores: list[SupplierScore]) -> None:
    """Long chains quote dearer and deliver worse; that, not chance, orders the standings."""
    rated = [s for s in default_scores if s.margin_pct is not None]
    by_standing: dict[str, list[SupplierScore]] = {}
    for score in rated:
        by_standing.setdefault(score.standing.value, []).append(score)

    def median(standing: str, value: Callable[[SupplierScore], float]) -> float:
        return statistics.median(value(s) for s in by_standing[standing])

    order = ("Preferred", "Approved", "Watch", "Avoid")
    for value in (lambda s: s.margin_pct or 0.0, lambda s: s.stability_score):
        medians = [median(standing, value) for standing in order]
        assert medians == sorted(medians, reverse=True), medians
    # Avoid: three hands or more between brand and buyer, and a thin margin.
    for score in by_standing["Avoid"]:
        assert score.sub_scores["channel"].raw <= 0.5, score.supplier_code
        assert score.margin_pct is not None and score.margin_pct < 0.15, score.supplier_code
    # Every hand adds its markup: plenty of composite suppliers keep under 15%.
    composite = [s for s in rated if s.sub_scores["channel"].raw < 1.0]
    assert sum(s.margin_pct is not None and s.margin_pct < 0.15 for s in composite) >= 20
    # Official channels are mostly Preferred, but not all deliver perfectly.
    vertical = [s for s in rated if s.sub_scores["channel"].raw == 1.0]
    preferred = [s for s in vertical if s.standing.value == "Preferred"]
    assert len(preferred) >= 0.8 * len(vertical)
    assert any((s.sub_scores["on_time"].raw or 1.0) < 0.9 for s in vertical)
