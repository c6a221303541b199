"""Planning and scenarios on the hand portfolio (tests/services/hand_portfolio.py), by hand.

Aurelle: demand 400 a month. S-VERT (brand owner, vertical) quotes AUR-SERUM at
V = 22 × 7.20 = CNY 158.40; S-COMP (tier-3 trader) at V = 20 × 7.70 = CNY 154.00.
Cosmetics: tariff 5%, consumption tax 15%, VAT 13%; retail 299, net 299 × 0.94 = 281.06.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, text, update
from sqlmodel import Session

from sourcing_app.db.models import Supplier
from sourcing_app.domain.allocation import PlanningSettings
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.scenarios import Scenario
from sourcing_app.errors import BadInput
from sourcing_app.services.planning import (
    load_planning_settings,
    plan_portfolio,
    save_planning_settings,
)
from sourcing_app.services.scenarios import (
    delete_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
    save_scenario,
)
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio

NET = D("299") * D("0.94")


def cbec_tax(v: D) -> D:
    """docs/margin.md: 0.7 × V × (c + vat) / (1 − c)."""
    return D("0.7") * v * (D("0.15") + D("0.13")) / (1 - D("0.15"))


def general_tax(v: D) -> D:
    """docs/margin.md: duty = V × t; ctax = (V + duty) × c / (1 − c); vat on all three."""
    duty = v * D("0.05")
    ctax = (v + duty) * D("0.15") / (1 - D("0.15"))
    return duty + ctax + (v + duty + ctax) * D("0.13")


def cents(x: D) -> D:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


V = {"S-VERT": D("22") * D("7.20"), "S-COMP": D("20") * D("7.70")}


@pytest.fixture
def hand(engine: Engine) -> Engine:
    build_hand_portfolio(engine)
    return engine


def test_aurelle_is_split_by_expected_margin_with_the_share_cap(hand: Engine) -> None:
    plan = plan_portfolio(hand, AS_OF)
    aurelle = plan.brand("Aurelle")
    lines = {line.supplier_code: line for line in aurelle.lines}
    assert lines["S-VERT"].unit_margin == cents(NET - V["S-VERT"] - cbec_tax(V["S-VERT"]))
    assert lines["S-VERT"].unit_margin == D("86.13")
    assert lines["S-COMP"].unit_margin == D("91.55")
    fills = {s.supplier_code: s.sub_scores["fill"].value for s in plan.scores}
    # 86.13 × 0.815 = 70.20 beats 91.55 × 0.675 = 61.80: S-VERT up to the 60% cap, 240 units.
    assert (lines["S-VERT"].units, lines["S-COMP"].units) == (240, 160)
    expected = 240 * D("86.13") * D(repr(fills["S-VERT"])) + 160 * D("91.55") * D(
        repr(fills["S-COMP"])
    )
    assert aurelle.expected_margin == cents(expected) == D("26734.43")
    assert aurelle.vertical_share == pytest.approx(0.6)
    assert aurelle.hhi == pytest.approx(0.6**2 + 0.4**2)


def test_withdrawing_cbec_lowers_each_margin_by_the_general_trade_difference(hand: Engine) -> None:
    before = plan_portfolio(hand, AS_OF)
    result = run_scenario(hand, Scenario.from_texts("no CBEC", ["cbec-withdrawn"]), AS_OF)
    after_lines = {line.supplier_code: line for line in result.brand("Aurelle").after.lines}
    for code, v in V.items():
        # S-VERT: CBEC tax 36.53, general trade 7.92 + 29.35 + 25.44 = 62.71.
        assert after_lines[code].unit_margin == cents(NET - v - general_tax(v))
    assert after_lines["S-VERT"].unit_margin == D("59.95")
    assert after_lines["S-COMP"].unit_margin == D("66.09")
    change = result.brand("Aurelle")
    fills = {s.supplier_code: D(repr(s.sub_scores["fill"].value)) for s in before.scores}
    # Same split (240 + 160): the margin falls by units × per-unit difference × fill.
    drop = sum(
        line.units * (line.unit_margin - after_lines[line.supplier_code].unit_margin)
        for line in change.before.lines
    )
    assert drop == 240 * D("26.18") + 160 * D("25.46")
    assert change.same_split_margin == cents(
        240 * D("59.95") * fills["S-VERT"] + 160 * D("66.09") * fills["S-COMP"]
    )
    assert change.after.expected_margin == change.same_split_margin == D("18863.94")
    assert change.margin_change == D("18863.94") - D("26734.43")
    # The data is untouched: the next plan is the one before.
    assert plan_portfolio(hand, AS_OF).brand("Aurelle").expected_margin == D("26734.43")
    # Both suppliers fall out of Preferred once their margin score drops.
    assert {c.supplier_code for c in result.standing_changes} == {"S-VERT", "S-COMP"}
    assert all(c.before is Standing.PREFERRED for c in result.standing_changes)


def test_losing_the_only_vertical_supplier_loses_vertical_share_and_coverage(hand: Engine) -> None:
    with Session(hand) as s:
        s.exec(update(Supplier).where(Supplier.code == "S-COMP").values(monthly_capacity=300))
        s.commit()
    result = run_scenario(hand, Scenario.from_texts("lose the owner", ["lose:S-VERT"]), AS_OF)
    change = result.brand("Aurelle")
    assert change.before.vertical_share == pytest.approx(0.6)
    assert change.after.vertical_share == 0.0
    assert change.lost_vertical
    # Alone, S-COMP is not held to the share cap, but it ships only 300 a month.
    assert (change.after.allocated, change.after.uncovered) == (300, 100)
    assert change.after.shortfall.startswith(
        "short by 100 units: every eligible channel is at capacity: S-COMP; "
        "1 channel(s) excluded (supplier lost in this scenario)"
    )
    assert change.became_uncovered
    assert [b.brand for b in result.uncovered] == ["Aurelle"]
    assert result.standing_changes == ()  # nothing was re-priced


def test_a_tariff_change_only_bites_once_cbec_is_gone(hand: Engine) -> None:
    tariff_only = run_scenario(hand, Scenario.from_texts("t", ["tariff:Cosmetics:10%"]), AS_OF)
    assert tariff_only.brand("Aurelle").margin_change == 0
    both = run_scenario(
        hand, Scenario.from_texts("t", ["tariff:cosmetics:0.10", "cbec-withdrawn"]), AS_OF
    )
    lines = {line.supplier_code: line for line in both.brand("Aurelle").after.lines}
    v = V["S-VERT"]
    duty = v * D("0.10")
    ctax = (v + duty) * D("0.15") / D("0.85")
    tax = duty + ctax + (v + duty + ctax) * D("0.13")
    assert lines["S-VERT"].unit_margin == cents(NET - v - tax)


def test_a_dearer_dollar_and_freight_move_the_landed_cost(hand: Engine) -> None:
    result = run_scenario(
        hand, Scenario.from_texts("usd", ["currency:USD:+10%", "freight:+20%"]), AS_OF
    )
    lines = {line.supplier_code: line for line in result.brand("Aurelle").after.lines}
    # S-VERT: (20 + 1.50 × 1.2 + 0.50) × 7.20 × 1.1; S-COMP: (19 + 1.00 × 1.2) × 7.70.
    v_vert = (D("20") + D("1.80") + D("0.50")) * D("7.20") * D("1.1")
    v_comp = (D("19") + D("1.20")) * D("7.70")
    assert lines["S-VERT"].unit_margin == cents(NET - v_vert - cbec_tax(v_vert))
    assert lines["S-COMP"].unit_margin == cents(NET - v_comp - cbec_tax(v_comp))


def test_scenarios_are_saved_listed_and_deleted_without_touching_the_data(hand: Engine) -> None:
    with hand.connect() as conn:
        quotes_before = conn.execute(text("SELECT * FROM quote ORDER BY id")).all()
    save_scenario(hand, Scenario.from_texts("CBEC gone", ["cbec-withdrawn", "lose:s-comp"]))
    save_scenario(hand, Scenario.from_texts("Dollar", ["currency:usd:-5%"]))
    assert [s.name for s in list_scenarios(hand)] == ["CBEC gone", "Dollar"]
    loaded = load_scenario(hand, "CBEC gone")
    assert loaded.texts == ["cbec-withdrawn", "lose:S-COMP"]  # spelled as the data spells it
    run_scenario(hand, loaded, AS_OF)
    with hand.connect() as conn:
        assert conn.execute(text("SELECT * FROM quote ORDER BY id")).all() == quotes_before
    delete_scenario(hand, "Dollar")
    assert [s.name for s in list_scenarios(hand)] == ["CBEC gone"]
    with pytest.raises(BadInput, match="no scenario named 'Dollar'"):
        load_scenario(hand, "Dollar")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (["tariff:toys:0.1"], "no tax category named 'toys'"),
        (["lose:S-NOBODY"], "no supplier .* has the code S-NOBODY"),
        (["currency:CNY:+5%"], "CNY is the home currency"),
        (["currency:JPY:+5%"], "no quote is priced in JPY"),
    ],
)
def test_a_scenario_naming_what_is_not_there_is_refused(
    hand: Engine, changes: list[str], message: str
) -> None:
    with pytest.raises(BadInput, match=message):
        save_scenario(hand, Scenario.from_texts("bad", changes))
    assert list_scenarios(hand) == []


def test_planning_settings_are_stored_and_change_the_plan(hand: Engine) -> None:
    assert load_planning_settings(hand) == PlanningSettings()
    with hand.begin() as conn:
        save_planning_settings(conn, PlanningSettings(max_share=0.75, min_vertical_share=0.0))
    assert load_planning_settings(hand).max_share == 0.75
    lines = {
        line.supplier_code: line.units
        for line in plan_portfolio(hand, AS_OF).brand("Aurelle").lines
    }
    assert lines == {"S-VERT": 300, "S-COMP": 100}


def test_an_unknown_brand_is_bad_input(hand: Engine) -> None:
    with pytest.raises(BadInput, match="no brand named 'Nope'"):
        plan_portfolio(hand, AS_OF).brand("Nope")


def test_the_as_of_date_of_a_baseline_must_match(hand: Engine) -> None:
    baseline = plan_portfolio(hand, AS_OF)
    with pytest.raises(BadInput, match="baseline plan is for 2026-06-30"):
        run_scenario(
            hand,
            Scenario.from_texts("x", ["freight:+5%"]),
            AS_OF + dt.timedelta(days=1),
            baseline=baseline,
        )


def test_the_same_plan_and_scenario_on_postgresql(pg_engine: Engine) -> None:
    build_hand_portfolio(pg_engine)
    plan = plan_portfolio(pg_engine, AS_OF)
    # The brand figures read with PostgreSQL's dates and sums: units in the window
    # are S-VERT 100 + 100 + 50 and S-COMP 100 + 100, as on SQLite.
    (aurelle,) = plan.overviews
    assert [(c.supplier_code, c.units_in_window) for c in aurelle.channels] == [
        ("S-VERT", 250),
        ("S-COMP", 200),
    ]
    assert plan.brand("Aurelle").expected_margin == D("26734.43")
    result = run_scenario(
        pg_engine, Scenario.from_texts("t", ["tariff:cosmetics:0.10", "cbec-withdrawn"]), AS_OF
    )
    lines = {line.supplier_code: line for line in result.brand("Aurelle").after.lines}
    v = V["S-COMP"]
    duty = v * D("0.10")
    ctax = (v + duty) * D("0.15") / D("0.85")
    assert lines["S-COMP"].unit_margin == cents(
        NET - v - (duty + ctax + (v + duty + ctax) * D("0.13"))
    )
