"""Allocation of a brand's demand across its channels (docs/planning.md), worked by hand
and checked against brute force."""

from __future__ import annotations

import itertools
import math
import random
from decimal import Decimal as D

import pytest

from sourcing_app.domain.allocation import (
    BrandDemand,
    ChannelOption,
    LineStatus,
    PlanningSettings,
    allocate_brand,
    allocate_portfolio,
)
from sourcing_app.domain.enums import Standing
from sourcing_app.errors import BadInput


def option(
    code: str,
    margin: str | None,
    fill: float | None = 1.0,
    capacity: int | None = 10_000,
    *,
    vertical: bool = False,
    standing: Standing = Standing.APPROVED,
    sid: int | None = None,
) -> ChannelOption:
    return ChannelOption(
        sid if sid is not None else int(code.split("-")[-1]),
        code,
        f"Supplier {code}",
        vertical,
        standing,
        None if margin is None else D(margin),
        fill,
        capacity,
    )


def brand(demand: int, *options: ChannelOption, name: str = "Aurelle", hot: bool = True):
    return BrandDemand(1, name, hot, demand, tuple(options))


NO_FLOOR = PlanningSettings(min_vertical_share=0.0)


def test_the_best_channel_takes_its_share_cap_and_the_next_the_rest() -> None:
    # Demand 1,000: S-1 earns 50 × 0.9 = 45 a unit, S-2 earns 40 × 1.0 = 40.
    result = allocate_brand(brand(1000, option("S-1", "50", 0.9), option("S-2", "40")), NO_FLOOR)
    units = {line.supplier_code: line.units for line in result.lines}
    assert units == {"S-1": 600, "S-2": 400}  # 60% cap: 600 units
    assert result.expected_margin == D("43000.00")  # 600 × 45 + 400 × 40
    assert result.uncovered == 0
    first = result.lines[0]
    assert first.reason.startswith("best expected margin per unit (CNY 50.00 a unit × 90%")
    assert "share cap (60% of demand: 600 units)" in first.reason
    assert "takes the last 400 units of demand" in result.lines[1].reason
    assert result.hhi == pytest.approx(0.6**2 + 0.4**2)


def test_a_single_channel_is_not_held_to_the_share_cap() -> None:
    result = allocate_brand(brand(1000, option("S-1", "50", capacity=800)), NO_FLOOR)
    assert result.allocated == 800
    assert result.uncovered == 200
    assert "capacity reached (800 units a month)" in result.lines[0].reason
    assert "share cap lifted: no other eligible channel has capacity left" in (
        result.lines[0].reason
    )  # 800 units is more than the 600 the cap allows
    assert result.shortfall == "short by 200 units: every eligible channel is at capacity: S-1"


def test_the_share_cap_gives_way_when_the_other_channel_is_full_and_says_so() -> None:
    # Aoraki Baby (hot) is planned first and books all 500 units S-2 makes a month.
    # Bavaria Kinder then needs 1,000: S-2 has nothing left, so S-1 (CNY 50 a unit,
    # full fill) takes all of it rather than stop at its 60% cap of 600 units.
    s2 = option("S-2", "40", capacity=500)
    hot = BrandDemand(2, "Aoraki Baby", True, 500, (s2,))
    cold = BrandDemand(1, "Bavaria Kinder", False, 1000, (option("S-1", "50"), s2))
    plan = allocate_portfolio([cold, hot], NO_FLOOR).by_name()["Bavaria Kinder"]
    units = {line.supplier_code: line.units for line in plan.lines}
    assert units == {"S-1": 1000, "S-2": 0}
    assert plan.uncovered == 0
    assert plan.expected_margin == D("50000")  # 1,000 × 50
    s1 = plan.lines[0]
    assert s1.reason == (
        "best expected margin per unit (CNY 50.00 a unit × 100% expected fill); "
        "share cap lifted: no other eligible channel has capacity left"
    )
    assert plan.lines[1].reason == (
        "no capacity left: all 500 units a month booked for Aoraki Baby (500)"
    )


def test_with_room_on_both_channels_the_cap_holds_and_nothing_says_it_was_lifted() -> None:
    result = allocate_brand(brand(1000, option("S-1", "50"), option("S-2", "40")), NO_FLOOR)
    units = {line.supplier_code: line.units for line in result.lines}
    assert units == {"S-1": 600, "S-2": 400}  # 60% of 1,000
    assert result.lines[0].reason == (
        "best expected margin per unit (CNY 50.00 a unit × 100% expected fill); "
        "share cap (60% of demand: 600 units)"
    )
    assert all("lifted" not in line.reason for line in result.lines)


def test_excluded_channels_say_why() -> None:
    result = allocate_brand(
        brand(
            500,
            option("S-1", "30"),
            option("S-2", "80", standing=Standing.AVOID),
            option("S-3", None, standing=Standing.UNRATED),
        ),
        NO_FLOOR,
    )
    reasons = {line.supplier_code: (line.status, line.reason) for line in result.lines}
    assert reasons["S-2"] == (LineStatus.EXCLUDED, "excluded: standing Avoid (minimum Watch)")
    assert reasons["S-3"][1].startswith("excluded: no valid quote")
    assert result.allocated == 500  # one eligible channel left: no share cap


def test_the_vertical_floor_costs_margin_and_says_so() -> None:
    # Demand 1,000, floor 30% = 300 vertical units. The vertical earns 20, the composites 40 and 35.
    result = allocate_brand(
        brand(
            1000,
            option("S-1", "20", vertical=True),
            option("S-2", "40"),
            option("S-3", "35"),
        ),
        PlanningSettings(),
    )
    units = {line.supplier_code: line.units for line in result.lines}
    assert units == {"S-1": 300, "S-2": 600, "S-3": 100}
    assert result.vertical_share == pytest.approx(0.3)
    vertical = next(line for line in result.lines if line.supplier_code == "S-1")
    assert vertical.reason.startswith("vertical floor (30% of demand, 300 units): 300 units")
    s3 = next(line for line in result.lines if line.supplier_code == "S-3")
    assert s3.reason.startswith("best expected margin after the vertical floor")


def test_the_vertical_floor_is_capped_at_what_vertical_capacity_allows() -> None:
    result = allocate_brand(
        brand(1000, option("S-1", "20", capacity=100, vertical=True), option("S-2", "40")),
        PlanningSettings(),
    )
    assert (result.vertical_floor_target, result.vertical_floor) == (300, 100)
    assert result.vertical_units == 100


def test_a_channel_losing_money_covers_demand_last() -> None:
    result = allocate_brand(
        brand(1000, option("S-1", "30", capacity=700), option("S-2", "-5")), NO_FLOOR
    )
    units = {line.supplier_code: line.units for line in result.lines}
    assert units == {"S-1": 600, "S-2": 400}
    loss = next(line for line in result.lines if line.supplier_code == "S-2")
    assert loss.reason.startswith("covers demand at a loss (CNY -5.00 a unit")
    assert result.expected_margin == D("16000.00")  # 600 × 30 − 400 × 5
    no_loss = allocate_brand(
        brand(1000, option("S-1", "30", capacity=700), option("S-2", "-5")),
        PlanningSettings(min_vertical_share=0, cover_at_a_loss=False),
    )
    assert no_loss.allocated == 700  # alone now: no share cap
    assert no_loss.lines[-1].reason == "excluded: loses CNY 5.00 a unit after expected fill"


def test_shared_capacity_goes_to_the_hot_brand_first() -> None:
    shared = option("S-1", "50", capacity=1000)
    cold = BrandDemand(1, "Bavaria Kinder", False, 800, (shared, option("S-2", "10")))
    hot = BrandDemand(2, "Aoraki Baby", True, 800, (shared,))
    plan = allocate_portfolio([cold, hot], NO_FLOOR)
    assert [b.brand for b in plan.brands] == ["Aoraki Baby", "Bavaria Kinder"]
    assert plan.booked[1] == 1000
    cold_plan = plan.by_name()["Bavaria Kinder"]
    s1 = next(line for line in cold_plan.lines if line.supplier_code == "S-1")
    assert s1.units == 200
    assert "capacity reached (1,000 units a month; 800 booked first for Aoraki Baby (800))" in (
        s1.reason
    )


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(BadInput, match="maximum share"):
        PlanningSettings(max_share=0)
    with pytest.raises(BadInput, match="minimum vertical share"):
        PlanningSettings(min_vertical_share=1.5)
    with pytest.raises(BadInput, match="minimum standing"):
        PlanningSettings(min_standing=Standing.UNRATED)
    settings = PlanningSettings(max_share=0.5, min_standing=Standing.APPROVED)
    assert PlanningSettings.from_json(settings.to_json()) == settings


# --- brute force -----------------------------------------------------------------------


ALLOWED = {
    Standing.APPROVED: (Standing.PREFERRED, Standing.APPROVED),
    Standing.WATCH: (Standing.PREFERRED, Standing.APPROVED, Standing.WATCH),
}


def _brute_force(case: BrandDemand, settings: PlanningSettings, left: dict[int, int]):
    """Every integer split obeying the rules; the best by (units covered, expected margin)."""
    demand = case.demand
    eligible = [
        o
        for o in case.options
        if o.unit_margin is not None
        and o.standing in ALLOWED[settings.min_standing]
        and (settings.cover_at_a_loss or o.expected_unit_margin >= 0)
    ]
    with_room = [o for o in eligible if left[o.supplier_id] > 0]
    share = math.floor(settings.max_share * demand + 1e-9)
    bounds = [
        min(left[o.supplier_id], demand, share if len(with_room) >= 2 else demand) for o in eligible
    ]
    floor = min(
        math.ceil(settings.min_vertical_share * demand - 1e-9),
        sum(b for o, b in zip(eligible, bounds, strict=True) if o.vertical),
    )
    best = None
    for units in itertools.product(*(range(b + 1) for b in bounds)):
        if sum(units) > demand:
            continue
        vertical = sum(u for o, u in zip(eligible, units, strict=True) if o.vertical)
        if vertical < floor:
            continue
        margin = sum(
            (u * o.expected_unit_margin for o, u in zip(eligible, units, strict=True)), D(0)
        )
        key = (sum(units), margin)
        if best is None or key > best:
            best = key
    return best


def _random_case(rng: random.Random) -> tuple[BrandDemand, PlanningSettings, dict[int, int]]:
    options = []
    for i in range(rng.randint(1, 4)):
        options.append(
            option(
                f"S-{i + 1}",
                None if rng.random() < 0.1 else str(rng.randint(-10, 40)),
                rng.choice([0.5, 0.8, 0.95, 1.0]),
                rng.randint(0, 9),
                vertical=rng.random() < 0.4,
                standing=rng.choice(
                    [Standing.PREFERRED, Standing.APPROVED, Standing.WATCH, Standing.AVOID]
                ),
            )
        )
    settings = PlanningSettings(
        max_share=rng.choice([0.4, 0.5, 0.6, 1.0]),
        min_vertical_share=rng.choice([0.0, 0.3, 0.5]),
        cover_at_a_loss=rng.random() < 0.7,
        min_standing=rng.choice([Standing.APPROVED, Standing.WATCH]),
    )
    case = brand(rng.randint(0, 12), *options)
    return case, settings, {o.supplier_id: o.capacity or 0 for o in options}


@pytest.mark.parametrize("seed", range(400))
def test_the_split_is_as_good_as_brute_force(seed: int) -> None:
    case, settings, left = _random_case(random.Random(seed))
    result = allocate_brand(case, settings)
    best = _brute_force(case, settings, left)
    assert best is not None  # nothing at all is always a split
    got = (
        result.allocated,
        sum((line.expected_margin for line in result.lines), D(0)),
    )
    assert got == best


@pytest.mark.parametrize("seed", range(100))
def test_a_portfolio_never_books_a_supplier_beyond_its_capacity(seed: int) -> None:
    rng = random.Random(seed)
    capacities = {i: rng.randint(0, 30) for i in range(1, 6)}
    brands = []
    for b in range(rng.randint(2, 5)):
        chosen = rng.sample(sorted(capacities), rng.randint(1, 4))
        options = tuple(
            option(
                f"S-{sid}",
                str(rng.randint(-5, 40)),
                rng.choice([0.7, 1.0]),
                capacities[sid],
                vertical=rng.random() < 0.3,
            )
            for sid in chosen
        )
        brands.append(BrandDemand(b, f"Brand {b}", rng.random() < 0.5, rng.randint(0, 40), options))
    settings = PlanningSettings(max_share=rng.choice([0.5, 0.6, 1.0]))
    plan = allocate_portfolio(brands, settings)
    booked: dict[int, int] = {}
    for result in plan.brands:
        assert result.allocated + result.uncovered == result.demand
        for line in result.lines:
            booked[line.supplier_id] = booked.get(line.supplier_id, 0) + line.units
    for sid, units in booked.items():
        assert units <= capacities[sid]
    # Each brand is optimal for the capacity the brands before it left.
    left = dict(capacities)
    by_id = {b.brand_id: b for b in brands}
    for result in plan.brands:
        best = _brute_force(by_id[result.brand_id], settings, left)
        assert (result.allocated, sum((x.expected_margin for x in result.lines), D(0))) == best
        for line in result.lines:
            left[line.supplier_id] -= line.units
