"""The one-line change syntax of scenarios: what it accepts, and what it refuses in words."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from sourcing_app.domain.landed_cost import TaxRates
from sourcing_app.domain.scenarios import ChangeKind, Scenario, check_name, parse_change
from sourcing_app.errors import BadInput


@pytest.mark.parametrize(
    ("text", "kind", "target", "value", "canonical"),
    [
        ("cbec-withdrawn", ChangeKind.CBEC_WITHDRAWN, "", D(0), "cbec-withdrawn"),
        ("tariff:cosmetics:0.10", ChangeKind.TARIFF, "cosmetics", D("0.1"), "tariff:cosmetics:0.1"),
        ("tariff:cosmetics:12.5%", ChangeKind.TARIFF, "cosmetics", D("0.125"), None),
        ("consumption-tax:Premium cosmetics:0.3", ChangeKind.CONSUMPTION_TAX,
         "Premium cosmetics", D("0.3"), None),
        ("vat:Apparel:9%", ChangeKind.VAT, "Apparel", D("0.09"), "vat:Apparel:0.09"),
        ("currency:usd:+10%", ChangeKind.CURRENCY, "USD", D("0.1"), "currency:USD:+10%"),
        ("currency:EUR:-7.5%", ChangeKind.CURRENCY, "EUR", D("-0.075"), "currency:EUR:-7.5%"),
        ("freight:+20%", ChangeKind.FREIGHT, "", D("0.2"), "freight:+20%"),
        ("FREIGHT:15%", ChangeKind.FREIGHT, "", D("0.15"), "freight:+15%"),
    ],
)  # fmt: skip
def test_changes_read_as_written(
    text: str, kind: ChangeKind, target: str, value: D, canonical: str | None
) -> None:
    change = parse_change(text)
    assert (change.kind, change.target, change.value) == (kind, target, value)
    if canonical:
        assert change.text == canonical
    assert parse_change(change.text) == change  # the saved form reads back the same


def test_losing_suppliers_lists_them_once() -> None:
    change = parse_change("lose:SUP-0012, SUP-0040,SUP-0012")
    assert change.suppliers == ("SUP-0012", "SUP-0040")
    assert change.describe() == "supplier(s) lost: SUP-0012, SUP-0040"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cheaper-oil", "not a change this app knows"),
        ("tariff:cosmetics", "not written as tariff:CATEGORY:RATE"),
        ("tariff:cosmetics:10", "reads as 1000%; write a rate as a fraction"),
        ("tariff:cosmetics:-0.1", "cannot be negative"),
        ("tariff::0.1", "names no tax category"),
        ("consumption-tax:cosmetics:100%", "must be below 100%"),
        ("currency:XXQ:+5%", "XXQ is not an ISO 4217 currency code"),
        ("currency:USD:0.1", "write the move as a percentage"),
        ("currency:USD:-100%", "cannot fall by 100% or more"),
        ("freight:abc%", "'abc' is not a number"),
        ("freight:-150%", "cannot fall by more than 100%"),
        ("lose:", "names no supplier"),
        ("cbec-withdrawn:a:b", "not written as cbec-withdrawn"),
        ("cbec-withdrawn:", "not written as cbec-withdrawn"),
    ],
)
def test_bad_changes_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_change(text)


def test_a_scenario_cannot_change_the_same_thing_twice() -> None:
    with pytest.raises(BadInput, match="change the same thing"):
        Scenario.from_texts("x", ["currency:USD:+5%", "currency:usd:-5%"])
    with pytest.raises(BadInput, match="at least one change"):
        Scenario.from_texts("x", [])


def test_pricing_changes_apply_to_rates_fx_and_freight() -> None:
    scenario = Scenario.from_texts(
        "all", ["cbec-withdrawn", "tariff:Cosmetics:0.1", "currency:USD:+10%", "freight:-25%",
                "lose:S-1", "lose:S-2"]
    )  # fmt: skip
    pricing = scenario.pricing
    assert pricing.cbec_withdrawn
    assert pricing.rates("Cosmetics", TaxRates(D("0.05"), D("0.15"))) == TaxRates(
        D("0.1"), D("0.15")
    )
    assert pricing.rates("Apparel", TaxRates(D("0.07"))) == TaxRates(D("0.07"))
    assert pricing.fx("USD", D("7.20")) == D("7.920")
    assert pricing.fx("EUR", D("7.70")) == D("7.70")
    assert pricing.freight(D("1.50")) == D("1.1250")
    assert scenario.lost == {"S-1", "S-2"}
    assert Scenario.from_texts("x", ["lose:S-1"]).pricing.is_empty  # re-prices nothing


@pytest.mark.parametrize("name", ["", "   ", "a:b", "x" * 61])
def test_scenario_names_are_checked(name: str) -> None:
    with pytest.raises(BadInput, match="cannot name a scenario"):
        check_name(name)
