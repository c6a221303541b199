"""Planning and scenarios on the demo portfolio: every rule holds for every brand.

The checks replay the plan independently: brands in the order they were
planned, each supplier's capacity left after the brands before, which channels
were eligible, and so what each line was allowed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, text

from sourcing_app.db.migrate import prepare_database
from sourcing_app.domain.allocation import STANDING_RANK, PlanningSettings
from sourcing_app.domain.enums import ChannelType, Regime, Standing
from sourcing_app.domain.landed_cost import LandedCostWalk
from sourcing_app.domain.scenarios import Scenario
from sourcing_app.services.brand_overview import brand_overviews
from sourcing_app.services.demo import build_demo
from sourcing_app.services.planning import PortfolioPlan, plan_portfolio
from sourcing_app.services.scenarios import run_scenario

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = prepare_database(f"sqlite:///{tmp_path_factory.mktemp('plan') / 'demo.sqlite'}")
    build_demo(engine, suppliers=200, lines=30_000, seed=20261127, as_of=AS_OF)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def baseline(demo: Engine) -> PortfolioPlan:
    return plan_portfolio(demo, AS_OF)


def assert_every_rule_holds(plan: PortfolioPlan, lost: frozenset[str] = frozenset()) -> None:
    settings = plan.settings
    overviews = {o.id: o for o in plan.overviews}
    left: dict[int, int] = {}
    for o in plan.overviews:
        for c in o.active_channels:
            assert c.monthly_capacity is not None  # the demo states every capacity
            left[c.supplier_id] = c.monthly_capacity
    assert len(plan.allocation.brands) == len(plan.overviews) == 40
    for b in plan.allocation.brands:  # in the order they were planned
        channels = {c.supplier_id: c for c in overviews[b.brand_id].active_channels}
        assert {line.supplier_id for line in b.lines} == set(channels)
        eligible = {
            sid
            for sid, c in channels.items()
            if c.supplier_code not in lost
            and c.unit_margin is not None
            and STANDING_RANK.get(c.standing, -1) >= STANDING_RANK[settings.min_standing]
        }
        with_room = [sid for sid in eligible if left[sid] > 0]
        share = math.floor(settings.max_share * b.demand + 1e-9)
        bound = {
            sid: min(left[sid], b.demand, share if len(with_room) >= 2 else b.demand)
            for sid in eligible
        }
        assert b.allocated + b.uncovered == b.demand
        assert b.allocated <= b.demand
        for line in b.lines:
            if line.supplier_id not in eligible:
                assert line.units == 0
                assert line.reason.startswith("excluded: ")
            assert line.units <= bound.get(line.supplier_id, 0)  # capacity left, share cap
            if line.units:
                standing = channels[line.supplier_id].standing
                assert STANDING_RANK[standing] >= STANDING_RANK[Standing.WATCH]
        vertical_room = sum(
            bound[sid] for sid in eligible if channels[sid].channel_type is ChannelType.VERTICAL
        )
        target = math.ceil(settings.min_vertical_share * b.demand - 1e-9)
        assert b.vertical_floor == min(target, vertical_room, b.demand)
        assert b.vertical_units >= b.vertical_floor
        # Demand goes uncovered only when every eligible channel is at its bound.
        if b.uncovered:
            assert all(
                next(x.units for x in b.lines if x.supplier_id == sid) == bound[sid]
                for sid in eligible
            )
            assert b.shortfall.startswith(f"short by {b.uncovered:,} unit")
        for line in b.lines:
            left[line.supplier_id] -= line.units
    assert min(left.values()) >= 0  # no supplier booked beyond its capacity, over all brands


def test_every_allocation_respects_every_rule(baseline: PortfolioPlan) -> None:
    assert_every_rule_holds(baseline)
    # Hot-selling brands book shared capacity first.
    hot = [b.hot_selling for b in baseline.allocation.brands]
    assert hot == sorted(hot, reverse=True) and any(hot) and not all(hot)
    # The plan is more than trivially constrained: the rules bite somewhere.
    reasons = " ".join(line.reason for b in baseline.brands for line in b.lines)
    for words in ("share cap (60%", "capacity reached", "excluded: standing Avoid", "not needed"):
        assert words in reasons


def test_the_rules_hold_under_stricter_settings(demo: Engine) -> None:
    strict = PlanningSettings(max_share=0.4, min_standing=Standing.APPROVED, min_vertical_share=0.5)
    plan = plan_portfolio(demo, AS_OF, settings=strict)
    assert_every_rule_holds(plan)


def _cbec_delta(walk: LandedCostWalk, rates: tuple[D, D, D]) -> D:
    """General-trade tax less CBEC tax for one unit, by the docs/margin.md formulas."""
    t, c, vat = rates
    v = walk.customs_value
    cbec = D("0.7") * v * (c + vat) / (1 - c)
    duty = v * t
    ctax = (v + duty) * c / (1 - c)
    general = duty + ctax + (v + duty + ctax) * vat
    return general - cbec


def test_withdrawing_cbec_lowers_every_cbec_brand_by_the_formulas(
    demo: Engine, baseline: PortfolioPlan
) -> None:
    result = run_scenario(
        demo, Scenario.from_texts("x", ["cbec-withdrawn"]), AS_OF, baseline=baseline
    )
    with demo.connect() as conn:
        rates = {
            sku: (D(str(t)), D(str(c)), D(str(v)))
            for sku, t, c, v in conn.execute(
                text(
                    "SELECT p.sku, t.tariff, t.consumption_tax, t.vat FROM product p "
                    "JOIN tax_category t ON t.id = p.tax_category_id"
                )
            )
        }
        brand_skus: dict[int, set[str]] = {}
        for bid, sku in conn.execute(text("SELECT brand_id, sku FROM product")):
            brand_skus.setdefault(bid, set()).add(sku)
    # The scenario's brand figures are those brand_overviews gives for its scores.
    assert list(result.after.overviews) == brand_overviews(demo, result.after.scores, AS_OF)
    scores = {s.supplier_id: s for s in baseline.scores}
    after = {o.id: {c.supplier_id: c for c in o.active_channels} for o in result.after.overviews}
    checked_brands = 0
    for change in result.brands:
        b = change.before
        skus = brand_skus[b.brand_id]
        expected_drop = D(0)
        cbec_sourced = False
        for line in b.lines:
            walks = [
                w for w in scores[line.supplier_id].sku_margins
                if isinstance(w, LandedCostWalk) and w.sku in skus
            ]  # fmt: skip
            if not walks:
                continue
            new_margin = sum(
                (w.margin - (_cbec_delta(w, rates[w.sku]) if w.regime is Regime.CBEC else 0))
                for w in walks
            ) / len(walks)
            new_unit = new_margin.quantize(D("0.01"), rounding=ROUND_HALF_UP)
            assert after[b.brand_id][line.supplier_id].unit_margin == new_unit
            if line.units and any(w.regime is Regime.CBEC for w in walks):
                cbec_sourced = True
                fill = D(repr(line.expected_fill))
                expected_drop += line.units * (line.unit_margin - new_unit) * fill
        if cbec_sourced:
            checked_brands += 1
            assert expected_drop > 0
            # The same split at the new margins loses exactly that much (to the cent).
            assert abs(b.expected_margin - change.same_split_margin - expected_drop) <= D("0.01")
    assert checked_brands >= 30


def test_losing_a_brands_only_vertical_supplier(demo: Engine, baseline: PortfolioPlan) -> None:
    singles = []
    for o in baseline.overviews:
        vertical = [c for c in o.active_channels if c.channel_type is ChannelType.VERTICAL]
        planned = baseline.brand(o.name)
        if len(vertical) == 1 and planned.vertical_units > 0:
            singles.append((o, vertical[0]))
    assert len(singles) >= 3
    for overview, channel in singles:
        lost = frozenset({channel.supplier_code})
        result = run_scenario(
            demo,
            Scenario.from_texts("lose", [f"lose:{channel.supplier_code}"]),
            AS_OF,
            baseline=baseline,
        )
        assert_every_rule_holds(result.after, lost)
        change = result.brand(overview.name)
        assert change.lost_vertical
        assert change.after.vertical_units == 0
        assert change.after.vertical_share in (0.0, None)
        assert "vertical floor of" in change.after.floor_words
        assert "not possible" in change.after.floor_words
        if change.after.uncovered > change.before.uncovered:
            assert change in result.uncovered
            assert change.after.shortfall.startswith(f"short by {change.after.uncovered:,} unit")
    # The exclusive importer of Aoraki Baby is its only channel: losing it leaves the shelf empty.
    aoraki = next((o, c) for o, c in singles if o.name == "Aoraki Baby")
    result = run_scenario(
        demo,
        Scenario.from_texts("x", [f"lose:{aoraki[1].supplier_code}"]),
        AS_OF,
        baseline=baseline,
    )
    change = result.brand("Aoraki Baby")
    assert (change.after.allocated, change.after.uncovered) == (0, change.before.demand)
    assert change.after.shortfall == (
        f"short by {change.before.demand:,} units: no eligible channel; "
        "1 channel(s) excluded (supplier lost in this scenario)"
    )
    assert change.became_unprofitable
    assert [b.brand for b in result.unprofitable] == ["Aoraki Baby"]
