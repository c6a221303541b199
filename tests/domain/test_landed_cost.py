"""Landed cost under the three import regimes, worked by hand (docs/margin.md)."""

from __future__ import annotations

from decimal import Decimal as D

from sourcing_app.domain.enums import Regime
from sourcing_app.domain.landed_cost import TaxRates, landed_cost_walk
from sourcing_app.domain.settings import CostSettings

COSTS = CostSettings()  # commission 5%, payment fee 1%, no fees, target margin 35%


def cents(x: D) -> D:
    return x.quantize(D("0.01"))


def test_cbec_cosmetic_with_15_percent_consumption_tax() -> None:
    # A serum quoted USD 20.00 + 1.50 freight + 0.50 insurance at 7.10 CNY/USD.
    # V = 22.00 × 7.10 = 156.20
    # tax = 0.7 × 156.20 × (0.15 + 0.13) / (1 − 0.15) = 36.0179 → 36.02
    #   of which consumption tax 0.7 × 156.20 × 0.15 / 0.85 = 19.30, VAT 16.72
    # landed = 156.20 + 36.02 = 192.22; net revenue = 299 × 0.94 = 281.06
    # margin = 88.84 → 31.61 %, margin score 100 × 0.3161 / 0.35 = 90.31
    walk = landed_cost_walk(
        sku="SER-01",
        product_name="Serum 30 ml",
        unit_price=D("20.00"),
        freight=D("1.50"),
        insurance=D("0.50"),
        currency="USD",
        fx=D("7.10"),
        rates=TaxRates(tariff=D("0.05"), consumption_tax=D("0.15"), vat=D("0.13")),
        retail_price=D("299"),
        costs=COSTS,
    )
    assert walk.regime is Regime.CBEC
    assert not walk.over_cbec_limit
    assert cents(walk.customs_value) == D("156.20")
    assert walk.taxes.duty == 0  # CBEC pays no tariff
    assert cents(walk.taxes.consumption_tax) == D("19.30")
    assert cents(walk.taxes.vat) == D("16.72")
    assert cents(walk.taxes.total) == D("36.02")
    assert cents(walk.landed) == D("192.22")
    assert cents(walk.net_revenue) == D("281.06")
    assert cents(walk.margin) == D("88.84")
    assert round(float(walk.margin_pct), 4) == 0.3161
    assert round(walk.margin_score, 2) == 90.31


def test_unit_over_the_cbec_limit_is_taxed_as_general_trade() -> None:
    # A handbag at EUR 700 + 10 freight + 2 insurance, 7.70 CNY/EUR:
    # V = 712 × 7.70 = 5,482.40 > 5,000 → general trade, flagged.
    # duty = 10% × 5,482.40 = 548.24; no consumption tax;
    # VAT = 13% × (5,482.40 + 548.24) = 783.98; landed = 6,814.62
    # net revenue = 9,800 × 0.94 = 9,212.00; margin = 2,397.38 → 26.02 %
    walk = landed_cost_walk(
        sku="BAG-01",
        product_name="Leather tote",
        unit_price=D("700"),
        freight=D("10"),
        insurance=D("2"),
        currency="EUR",
        fx=D("7.70"),
        rates=TaxRates(tariff=D("0.10"), consumption_tax=D("0"), vat=D("0.13")),
        retail_price=D("9800"),
        costs=COSTS,
    )
    assert walk.regime is Regime.GENERAL
    assert walk.over_cbec_limit
    assert cents(walk.customs_value) == D("5482.40")
    assert cents(walk.taxes.duty) == D("548.24")
    assert walk.taxes.consumption_tax == 0
    assert cents(walk.taxes.vat) == D("783.98")
    assert cents(walk.landed) == D("6814.62")
    assert cents(walk.margin) == D("2397.38")
    assert round(float(walk.margin_pct), 4) == 0.2602


def test_general_trade_with_consumption_tax_compounds_duty_first() -> None:
    # V = 100, tariff 10%, consumption tax 15%, VAT 13%:
    # duty 10.00; ctax = 110 × 0.15 / 0.85 = 19.41; VAT = (110 + 19.4118) × 0.13 = 16.82
    walk = landed_cost_walk(
        sku="PERF-01",
        product_name="Eau de parfum",
        unit_price=D("100"),
        freight=D("0"),
        insurance=D("0"),
        currency="CNY",
        fx=D("1"),
        rates=TaxRates(tariff=D("0.10"), consumption_tax=D("0.15"), vat=D("0.13")),
        retail_price=D("300"),
        costs=COSTS,
        regime=Regime.GENERAL,
    )
    assert cents(walk.taxes.duty) == D("10.00")
    assert cents(walk.taxes.consumption_tax) == D("19.41")
    assert cents(walk.taxes.vat) == D("16.82")
    assert cents(walk.landed) == D("146.24")


def test_postal_article_pays_its_tier_rate_on_the_customs_value() -> None:
    # V = JPY 2,000 × 0.05 = CNY 100.00, postal tier 20% → tax 20.00, landed 120.00
    walk = landed_cost_walk(
        sku="TSH-01",
        product_name="Cotton T-shirt",
        unit_price=D("2000"),
        freight=D("0"),
        insurance=D("0"),
        currency="JPY",
        fx=D("0.05"),
        rates=TaxRates(postal_rate=D("0.20")),
        retail_price=D("200"),
        costs=COSTS,
        regime=Regime.POSTAL,
    )
    assert walk.regime is Regime.POSTAL
    assert cents(walk.taxes.total) == D("20.00")
    assert cents(walk.landed) == D("120.00")
    # net 188.00, margin 68.00 → 36.17 %: above the 35 % target, so the score caps at 100
    assert round(float(walk.margin_pct), 4) == 0.3617
    assert walk.margin_score == 100.0


def test_fees_come_off_the_margin_and_a_loss_scores_zero() -> None:
    costs = CostSettings(clearance_fee=D("5"), fulfilment_fee=D("8"))
    walk = landed_cost_walk(
        sku="X",
        product_name="Loss maker",
        unit_price=D("100"),
        freight=D("0"),
        insurance=D("0"),
        currency="CNY",
        fx=D("1"),
        rates=TaxRates(vat=D("0.13")),
        retail_price=D("120"),
        costs=costs,
    )
    # tax = 0.7 × 100 × 0.13 = 9.10; landed = 100 + 9.10 + 5 + 8 = 122.10; net = 112.80
    assert cents(walk.landed) == D("122.10")
    assert cents(walk.margin) == D("-9.30")
    assert walk.margin_score == 0.0
    assert "Landed cost" in walk.describe()
    assert "122.10 CNY" in walk.describe()


def test_the_walk_lists_every_step_for_the_buyer() -> None:
    walk = landed_cost_walk(
        sku="SER-01",
        product_name="Serum",
        unit_price=D("20"),
        freight=D("1.5"),
        insurance=D("0.5"),
        currency="USD",
        fx=D("7.1"),
        rates=TaxRates(consumption_tax=D("0.15")),
        retail_price=D("299"),
        costs=COSTS,
    )
    labels = [label for label, _amount, _how in walk.steps()]
    assert labels == [
        "Customs value V",
        "Consumption tax (CBEC)",
        "VAT (CBEC)",
        "Clearance fee",
        "Fulfilment fee",
        "Landed cost",
        "Net revenue",
        "Margin",
    ]
    assert "(20.00 + 1.50 freight + 0.50 insurance) USD × 7.1 CNY/USD" in walk.describe()


def test_the_bulk_quote_walker_gives_exactly_the_walk_of_landed_cost_walk() -> None:
    """Scoring walks tens of thousands of quotes with QuoteWalker; it must not drift."""
    from sourcing_app.domain.landed_cost import QuoteWalker

    costs = CostSettings(clearance_fee=D("3.5"), fulfilment_fee=D("6"))
    walker = QuoteWalker(costs, "CNY")
    rates = [
        TaxRates(tariff=D("0.05"), consumption_tax=D("0.15"), vat=D("0.13")),
        TaxRates(tariff=D("0.10"), consumption_tax=D("0"), vat=D("0.13")),
        TaxRates(tariff=D("0"), consumption_tax=D("0.3"), vat=D("0.09")),
    ]
    for i, rate in enumerate(rates):
        for price in (D("0.99"), D("20"), D("649.5"), D("7000")):  # the last is over the limit
            for fx in (D("0.0483"), D("7.1"), D("7.7")):
                expected = landed_cost_walk(
                    sku=f"S{i}",
                    product_name="p",
                    unit_price=price,
                    freight=D("1.25"),
                    insurance=D("0.3"),
                    currency="EUR",
                    fx=fx,
                    rates=rate,
                    retail_price=D("899"),
                    costs=costs,
                )
                got = walker.walk(
                    i, f"S{i}", "p", "EUR", price, D("1.25"), D("0.3"), fx, rate, D("899")
                )
                assert got == expected
