"""The policy scenarios of docs/planning.md, worked by hand.

cbec-withdrawn:CATEGORY (one tax category leaves the CBEC positive list),
cbec-limit:AMOUNT (the single-transaction limit moves) and clearance:+N (customs
takes N more days). tests/services/test_policy_scenario_runs.py runs them
through the scoring on a real database.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from sourcing_app.domain.enums import Regime
from sourcing_app.domain.landed_cost import LandedCostWalk, TaxRates, landed_cost_walk
from sourcing_app.domain.scenarios import ChangeKind, Scenario, parse_change
from sourcing_app.domain.settings import CostSettings, ScoringSettings
from sourcing_app.domain.stability import (
    StabilityEvidence,
    portfolio_priors,
    raw_measures,
    shrink,
)
from sourcing_app.errors import BadInput

COSTS = CostSettings()  # commission 5%, payment fee 1%, no fees, limit CNY 5,000

SKINCARE = TaxRates(tariff=D("0.05"), consumption_tax=D("0.15"), vat=D("0.13"))
APPAREL = TaxRates(tariff=D("0.10"), consumption_tax=D("0"), vat=D("0.13"))
BAGS = TaxRates(tariff=D("0.10"), consumption_tax=D("0"), vat=D("0.13"))

# Two brands, one product each: (brand, category, rates, price, freight, fx, retail).
BRANDS = (
    ("Aurelle", "skincare", SKINCARE, D("20.00"), D("1.50"), D("0.50"), D("7.20"), D("299")),
    ("Linea", "apparel", APPAREL, D("30.00"), D("2.00"), D("0"), D("7.20"), D("399")),
)


def cents(x: D) -> D:
    return x.quantize(D("0.01"))


def walk(
    rates: TaxRates,
    price: D,
    freight: D = D("0"),
    insurance: D = D("0"),
    fx: D = D("1"),
    retail: D = D("299"),
    costs: CostSettings = COSTS,
) -> LandedCostWalk:
    return landed_cost_walk(
        sku="X",
        product_name="x",
        unit_price=price,
        freight=freight,
        insurance=insurance,
        currency="USD" if fx != 1 else "CNY",
        fx=fx,
        rates=rates,
        retail_price=retail,
        costs=costs,
    )


def test_a_skincare_withdrawal_moves_only_skincare_brands() -> None:
    # Aurelle serum: USD 20.00 + 1.50 freight + 0.50 insurance at 7.20, skincare
    # (tariff 5%, consumption tax 15%, VAT 13%), retail CNY 299.
    #   V = 22.00 × 7.20 = 158.40; net revenue = 299 × 0.94 = 281.06
    #   CBEC: tax = 0.7 × 158.40 × (0.15 + 0.13) / 0.85 = 36.5252
    #         landed = 194.9252 → 194.93, margin 86.13
    #   General trade, by hand:
    #         duty  = 158.40 × 0.05                          =   7.92
    #         ctax  = (158.40 + 7.92) × 0.15 / 0.85           =  29.350588
    #         VAT   = (158.40 + 7.92 + 29.350588) × 0.13      =  25.437176
    #         landed = 158.40 + 7.92 + 29.350588 + 25.437176 = 221.107765 → 221.11
    #         margin = 281.06 − 221.11 = 59.95 (21.33%)
    # Linea T-shirt: USD 30.00 + 2.00 freight at 7.20, apparel (no consumption tax):
    #   V = 32 × 7.20 = 230.40; CBEC tax = 0.7 × 230.40 × 0.13 = 20.9664
    #   landed 251.3664 → 251.37; net 399 × 0.94 = 375.06; margin 123.69, before and after.
    pricing = Scenario.from_texts("no skincare", ["cbec-withdrawn:skincare"]).pricing
    assert not pricing.is_empty and not pricing.cbec_withdrawn
    before, after = {}, {}
    for brand, category, rates, price, freight, insurance, fx, retail in BRANDS:
        before[brand] = walk(rates, price, freight, insurance, fx, retail)
        after[brand] = walk(pricing.rates(category, rates), price, freight, insurance, fx, retail)

    aurelle = after["Aurelle"]
    assert before["Aurelle"].regime is Regime.CBEC
    assert cents(before["Aurelle"].landed) == D("194.93")
    assert aurelle.regime is Regime.GENERAL
    assert not aurelle.over_cbec_limit  # off the list, not over the limit: no flag
    assert cents(aurelle.customs_value) == D("158.40")
    assert cents(aurelle.taxes.duty) == D("7.92")
    assert cents(aurelle.taxes.consumption_tax) == D("29.35")
    assert cents(aurelle.taxes.vat) == D("25.44")
    assert cents(aurelle.landed) == D("221.11")
    assert cents(aurelle.margin) == D("59.95")
    assert round(float(aurelle.margin_pct), 4) == 0.2133

    linea_before, linea_after = before["Linea"], after["Linea"]
    assert linea_after.regime is Regime.CBEC
    assert linea_after == linea_before  # apparel keeps CBEC: nothing moves
    assert cents(linea_after.landed) == D("251.37")
    assert cents(linea_after.margin) == D("123.69")


def test_a_withdrawal_combines_with_a_tariff_change_of_the_same_category() -> None:
    # tariff:skincare:10% alone changes nothing under CBEC (no tariff); with the
    # category off the list it is paid: duty = 158.40 × 0.10 = 15.84.
    pricing = Scenario.from_texts("x", ["cbec-withdrawn:skincare", "tariff:skincare:10%"]).pricing
    rates = pricing.rates("skincare", SKINCARE)
    assert rates == TaxRates(D("0.1"), D("0.15"), D("0.13"), cbec_listed=False)
    assert pricing.rates("apparel", APPAREL) is APPAREL
    w = walk(rates, D("20.00"), D("1.50"), D("0.50"), D("7.20"))
    assert cents(w.taxes.duty) == D("15.84")


def test_a_limit_lowered_to_2000_turns_a_3000_unit_into_general_trade() -> None:
    # A handbag bought at CNY 3,000 (V = 3,000.00), bags: tariff 10%, no
    # consumption tax, VAT 13%; retail CNY 4,500, net 4,500 × 0.94 = 4,230.00.
    #   limit 5,000 (today): CBEC, tax = 0.7 × 3,000 × 0.13 = 273.00, landed 3,273.00,
    #                        margin 957.00 (22.62%)
    #   limit 2,000: 3,000 > 2,000 → general trade, flagged:
    #                        duty 300.00, VAT (3,000 + 300) × 0.13 = 429.00,
    #                        landed 3,729.00, margin 501.00 (11.84%)
    # A unit of exactly CNY 2,000.00 is not strictly over: it stays CBEC,
    #   tax = 0.7 × 2,000 × 0.13 = 182.00, landed 2,182.00.
    scenario = Scenario.from_texts("limit 2000", ["cbec-limit:2,000"])
    assert scenario.texts == ["cbec-limit:2000"]
    assert scenario.pricing.is_empty  # no price moves: the limit is a setting
    costs = scenario.scoring_settings(ScoringSettings()).costs
    assert costs.cbec_transaction_limit == D("2000")

    today = walk(BAGS, D("3000"), retail=D("4500"))
    assert (today.regime, today.over_cbec_limit) == (Regime.CBEC, False)
    assert cents(today.landed) == D("3273.00")
    assert cents(today.margin) == D("957.00")

    lowered = walk(BAGS, D("3000"), retail=D("4500"), costs=costs)
    assert (lowered.regime, lowered.over_cbec_limit) == (Regime.GENERAL, True)
    assert cents(lowered.taxes.duty) == D("300.00")
    assert cents(lowered.taxes.vat) == D("429.00")
    assert cents(lowered.landed) == D("3729.00")
    assert cents(lowered.margin) == D("501.00")
    assert round(float(lowered.margin_pct), 4) == 0.1184

    at_limit = walk(BAGS, D("2000.00"), retail=D("4500"), costs=costs)
    assert (at_limit.regime, at_limit.over_cbec_limit) == (Regime.CBEC, False)
    assert cents(at_limit.landed) == D("2182.00")


def test_clearance_shifts_the_target_and_the_hold_exactly() -> None:
    # Defaults: target 3 days, hold 10 days. clearance:+2 → target 1, hold 8:
    # a delivery of 2 days (2 + 2 = 4 > 3) is no longer within target, as 2 > 1;
    # one of 9 days (9 + 2 = 11 > 10) is now held, as 9 > 8.
    shifted = Scenario.from_texts("slow", ["clearance:+2"]).scoring_settings(ScoringSettings())
    assert (shifted.clearance_target_days, shifted.customs_hold_days) == (1, 8)
    # Exact for every whole number of days, a target below N included (then negative).
    for target in range(0, 6):
        for hold in range(0, 12):
            for n in range(1, 8):
                base = ScoringSettings(clearance_target_days=target, customs_hold_days=hold)
                s = Scenario.from_texts("x", [f"clearance:+{n}"]).scoring_settings(base)
                for days in range(0, 20):
                    assert (days + n <= target) == (days <= s.clearance_target_days)
                    assert (days + n > hold) == (days > s.customs_hold_days)
    # Nothing else moves.
    assert Scenario.from_texts("x", ["clearance:+2"]).scoring_settings(
        ScoringSettings()
    ) == ScoringSettings(clearance_target_days=1, customs_hold_days=8)


@pytest.mark.parametrize(
    ("text", "kind", "target", "value", "canonical"),
    [
        ("cbec-withdrawn:skincare", ChangeKind.CBEC_WITHDRAWN, "skincare", D(0),
         "cbec-withdrawn:skincare"),
        ("cbec-limit:2000", ChangeKind.CBEC_LIMIT, "", D(2000), "cbec-limit:2000"),
        ("cbec-limit:2,000.50", ChangeKind.CBEC_LIMIT, "", D("2000.5"), "cbec-limit:2000.5"),
        ("clearance:+2", ChangeKind.CLEARANCE, "", D(2), "clearance:+2"),
        ("clearance:2", ChangeKind.CLEARANCE, "", D(2), "clearance:+2"),
    ],
)  # fmt: skip
def test_policy_changes_read_as_written(
    text: str, kind: ChangeKind, target: str, value: D, canonical: str
) -> None:
    change = parse_change(text)
    assert (change.kind, change.target, change.value) == (kind, target, value)
    assert change.text == canonical
    assert parse_change(change.text) == change  # the saved form reads back the same


def test_policy_changes_in_words() -> None:
    assert parse_change("cbec-withdrawn:skincare").describe() == (
        "tax category skincare leaves the CBEC positive list: its goods are taxed as general trade"
    )
    assert parse_change("cbec-limit:2000").describe("CNY") == (
        "CBEC single-transaction limit set to CNY 2,000: a unit worth more is taxed as "
        "general trade"
    )
    assert parse_change("clearance:+1").describe() == (
        "customs clearance takes 1 more day on every delivery"
    )
    assert parse_change("clearance:+3").describe() == (
        "customs clearance takes 3 more days on every delivery"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cbec-limit:-100", "the single-transaction limit must be above 0"),
        ("cbec-limit:0", "the single-transaction limit must be above 0"),
        ("cbec-limit:lots", "'lots' is not a number"),
        ("cbec-limit:", "names no amount"),
        ("cbec-limit:NaN", "'NaN' is not a number"),
        ("cbec-limit", "not written as cbec-limit:AMOUNT"),
        ("clearance:+0", "from 1 to 365"),
        ("clearance:+400", "from 1 to 365"),
        ("clearance:-2", "write the extra clearance days as a whole number"),
        ("clearance:+1.5", "write the extra clearance days as a whole number"),
        ("clearance:two", "write the extra clearance days as a whole number"),
        ("clearance:+2:days", r"not written as clearance:\+N"),
        ("clearance", r"not written as clearance:\+N"),
    ],
)
def test_bad_policy_changes_are_refused_in_words(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        parse_change(text)


def test_a_policy_change_cannot_be_given_twice_or_against_a_whole_withdrawal() -> None:
    for texts in (
        ["cbec-limit:2000", "cbec-limit:3000"],
        ["clearance:+2", "clearance:3"],
        ["cbec-withdrawn:skincare", "cbec-withdrawn:skincare"],
    ):
        with pytest.raises(BadInput, match="change the same thing"):
            Scenario.from_texts("x", texts)
    with pytest.raises(BadInput, match="already takes every category off CBEC"):
        Scenario.from_texts("x", ["cbec-withdrawn", "cbec-withdrawn:skincare"])
    # Two categories, and all three policy changes with the older ones, combine.
    scenario = Scenario.from_texts(
        "x",
        ["cbec-withdrawn:skincare", "cbec-withdrawn:apparel", "cbec-limit:2000",
         "clearance:+2", "freight:+10%", "lose:S-1"],
    )  # fmt: skip
    assert scenario.pricing.withdrawn_categories == {"skincare", "apparel"}
    assert scenario.categories == {"skincare", "apparel"}


def _evidence(days: list[int], target: int) -> StabilityEvidence:
    """One supplier's deliveries as the window's aggregate counts them (docs/stability.md)."""
    return StabilityEvidence(
        deliveries=len(days),
        clearance_recorded=len(days),
        cleared_in_target=sum(1 for d in days if d <= target),
        slowest_clearance=max(days),
        slowest_clearance_line="L1",
    )


def test_clearance_plus_2_on_a_supplier_that_cleared_everything_in_2_days() -> None:
    # FAST cleared its 2 deliveries in 2 days each; SURE its 2 in 1 day each.
    # Target 3 days (default), m = 5.
    #   today:        FAST 2 ≤ 3 → 2/2 = 100% raw; SURE 1 ≤ 3 → 100%; prior 1.0
    #                 FAST shrunk (2 × 1.0 + 5 × 1.0) / 7 = 1.0
    #   clearance:+2: FAST 2 + 2 = 4 > 3 → 0/2 = 0% raw; SURE 1 + 2 = 3 ≤ 3 → 100%;
    #                 prior (0 + 1.0) / 2 = 0.5
    #                 FAST shrunk (2 × 0 + 5 × 0.5) / 7 = 2.5 / 7 = 0.357143 (35.7%)
    #                 SURE shrunk (2 × 1.0 + 5 × 0.5) / 7 = 4.5 / 7 = 0.642857
    deliveries = {"FAST": [2, 2], "SURE": [1, 1]}
    today = ScoringSettings()
    slower = Scenario.from_texts("slow", ["clearance:+2"]).scoring_settings(today)
    shrunk = {}
    for settings in (today, slower):
        target = settings.clearance_target_days
        raw = {
            code: raw_measures(
                _evidence(days, target),
                grace_days=settings.grace_days,
                home_currency="CNY",
                clearance_target_days=target,
            )
            for code, days in deliveries.items()
        }
        prior = portfolio_priors(raw.values())["clearance"]
        shrunk[settings.clearance_target_days] = {
            code: (
                r["clearance"].value,
                shrink(r["clearance"].value, r["clearance"].n, prior, settings.shrinkage_m),
            )
            for code, r in raw.items()
        }
    assert shrunk[3] == {"FAST": (1.0, 1.0), "SURE": (1.0, 1.0)}
    fast_raw, fast = shrunk[1]["FAST"]
    assert fast_raw == 0.0
    assert round(fast, 6) == round(2.5 / 7, 6) == 0.357143
    assert round(shrunk[1]["SURE"][1], 6) == 0.642857
