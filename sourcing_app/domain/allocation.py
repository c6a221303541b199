"""Split each brand's monthly demand across its channels (docs/planning.md).

Per brand the split maximises expected margin, Σ units × unit margin × expected
fill, under these rules (all of them `PlanningSettings`):

- a supplier's monthly capacity, shared by every brand it supplies: brands are
  planned one after another and each books what it takes;
- a maximum share of the brand's demand per supplier (60%), where two or more
  eligible channels with capacity left exist (with one, the cap would only
  leave demand uncovered);
- a minimum standing (Watch): Avoid is below it, and Unrated is always out —
  a supplier is Unrated because it has no valid quote, so it has no margin to
  plan on. A channel whose supplier quotes none of the brand's SKUs is out for
  the same reason; so is a supplier flagged COUNTERFEIT_SUSPECTED;
- a minimum vertical share of demand (30%), capped at what the vertical
  channels can carry after capacity and the share cap: "where one is possible".

Covering demand comes first and margin second: a channel that loses money on
every unit is used only for demand the profitable channels cannot cover, last,
and says so ("covers demand at a loss"). A category manager keeps the shelf
stocked; the plan shows the price of doing it. `cover_at_a_loss=False` leaves
such channels out instead.

Why greedy is optimal for one brand: the constraints are per-channel bounds,
one total (demand) and one lower bound on a subset (vertical), a laminar family,
so the polytope is integral and filling in order of expected margin per unit,
after first filling the floor from the best vertical channels, reaches the
optimum of (units covered, then expected margin). tests/domain/test_allocation
checks it against brute force.

Across brands the order is a priority, not a joint optimum: hot-selling brands
first (they are what the shelf cannot be without), then by margin at stake
(demand × the best expected margin per unit), then by name. A manager can read
it and predict it; a joint optimum would quietly move a hot brand's best
supplier to a larger cold brand.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from sourcing_app.domain import formatting
from sourcing_app.domain.enums import Standing
from sourcing_app.errors import BadInput
from sourcing_app.i18n import N_, _, is_chinese, ngettext

CENT = Decimal("0.01")
ZERO = Decimal("0")

# Standings from best to worst; Unrated has no rank (no margin to plan on).
STANDING_RANK = {
    Standing.PREFERRED: 3,
    Standing.APPROVED: 2,
    Standing.WATCH: 1,
    Standing.AVOID: 0,
}


@dataclass(frozen=True)
class PlanningSettings:
    """The rules of an allocation; stored as JSON under the `planning` setting key."""

    max_share: float = 0.60  # of a brand's demand, per supplier
    min_standing: Standing = Standing.WATCH
    min_vertical_share: float = 0.30  # of a brand's demand, where vertical capacity allows
    cover_at_a_loss: bool = True

    def __post_init__(self) -> None:
        if not 0 < self.max_share <= 1:
            raise BadInput(
                _(
                    "the maximum share per supplier must be above 0% and at most 100%, not {share}"
                ).format(share=f"{self.max_share:.0%}")
            )
        if not 0 <= self.min_vertical_share <= 1:
            raise BadInput(
                _("the minimum vertical share must lie between 0% and 100%, not {share}").format(
                    share=f"{self.min_vertical_share:.0%}"
                )
            )
        if self.min_standing not in STANDING_RANK:
            text = _(
                "the minimum standing must be Preferred, Approved, Watch or Avoid, not {standing}"
            )
            raise BadInput(text.format(standing=self.min_standing))

    def to_json(self) -> dict[str, Any]:
        return {
            "max_share": self.max_share,
            "min_standing": self.min_standing.value,
            "min_vertical_share": self.min_vertical_share,
            "cover_at_a_loss": self.cover_at_a_loss,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanningSettings:
        base = cls()
        try:
            return cls(
                max_share=float(data.get("max_share", base.max_share)),
                min_standing=Standing(data.get("min_standing", base.min_standing.value)),
                min_vertical_share=float(data.get("min_vertical_share", base.min_vertical_share)),
                cover_at_a_loss=bool(data.get("cover_at_a_loss", base.cover_at_a_loss)),
            )
        except (TypeError, ValueError) as error:
            raise BadInput(
                _("the planning settings could not be read: {error}").format(error=error)
            ) from None

    def describe(self) -> str:
        if self.cover_at_a_loss:
            text = _(
                "at most {share} of demand per supplier; standing {standing} or better; at "
                "least {vertical} vertical where possible; channels that lose money used last "
                "to cover demand"
            )
        else:
            text = _(
                "at most {share} of demand per supplier; standing {standing} or better; at "
                "least {vertical} vertical where possible; channels that lose money left out"
            )
        return text.format(
            share=f"{self.max_share:.0%}",
            standing=self.min_standing.label,
            vertical=f"{self.min_vertical_share:.0%}",
        )


@dataclass(frozen=True)
class ChannelOption:
    """One supplier's active channel for a brand, as planning sees it."""

    supplier_id: int
    supplier_code: str
    supplier_name: str
    vertical: bool
    standing: Standing
    unit_margin: Decimal | None  # home currency per unit; None without a valid quote
    expected_fill: float | None  # the supplier's shrunk fill rate, 0..1
    capacity: int | None  # the supplier's monthly capacity, shared; None = none on record
    counterfeit_suspected: bool = False  # its flag COUNTERFEIT_SUSPECTED: never planned with

    @property
    def expected_unit_margin(self) -> Decimal | None:
        """Unit margin × expected fill: what one planned unit is expected to earn."""
        if self.unit_margin is None or self.expected_fill is None:
            return None
        return self.unit_margin * Decimal(repr(self.expected_fill))


@dataclass(frozen=True)
class BrandDemand:
    brand_id: int
    name: str
    hot_selling: bool
    demand: int  # planned units a month
    options: tuple[ChannelOption, ...]


class LineStatus(StrEnum):
    ALLOCATED = "allocated"
    IDLE = "idle"  # eligible, but given nothing
    EXCLUDED = "excluded"


class Limit(StrEnum):
    """What stopped a channel's volume where it is."""

    NONE = "none"  # demand was covered before it reached a bound
    CAPACITY = "capacity"
    SHARE_CAP = "share cap"


@dataclass(frozen=True)
class AllocationLine:
    supplier_id: int
    supplier_code: str
    supplier_name: str
    vertical: bool
    standing: Standing
    units: int
    unit_margin: Decimal | None
    expected_fill: float | None
    status: LineStatus
    reason: str  # in the reader's language
    limit: Limit = Limit.NONE
    floor_units: int = 0  # units given for the vertical floor beyond what margin alone gives
    reason_en: str = ""  # the same in English, for files (JSON, CSV); empty: `reason` is

    @property
    def file_reason(self) -> str:
        """The reason as files write it, whatever the reader's language."""
        return self.reason_en or self.reason

    @property
    def expected_margin(self) -> Decimal:
        """Home currency a month, unrounded; rounded to the cent where shown."""
        unit = _expected_unit(self.unit_margin, self.expected_fill)
        return ZERO if unit is None else unit * self.units


@dataclass(frozen=True)
class BrandAllocation:
    brand_id: int
    brand: str
    hot_selling: bool
    demand: int
    lines: tuple[AllocationLine, ...]  # allocated first (most units first), then idle, excluded
    shortfall: str = ""  # why demand is uncovered, in words; empty when it is covered
    vertical_floor: int = 0  # units the floor asked of vertical channels
    vertical_floor_target: int = 0  # units the settings asked for, before capping
    order: int = 0  # 1 = planned first (capacity is booked in this order)
    shortfall_en: str = ""  # the shortfall in English, for files; empty: `shortfall` is

    @property
    def file_shortfall(self) -> str:
        """The shortfall as files write it, whatever the reader's language."""
        return self.shortfall_en or self.shortfall

    @property
    def allocated(self) -> int:
        return sum(line.units for line in self.lines)

    @property
    def uncovered(self) -> int:
        return max(0, self.demand - self.allocated)

    @property
    def coverage(self) -> float | None:
        return None if self.demand <= 0 else min(1.0, self.allocated / self.demand)

    @property
    def expected_margin(self) -> Decimal:
        """Σ units × unit margin × expected fill, home currency a month, to the cent."""
        total = sum((line.expected_margin for line in self.lines), ZERO)
        return total.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def vertical_units(self) -> int:
        return sum(line.units for line in self.lines if line.vertical)

    @property
    def vertical_share(self) -> float | None:
        """Share of the allocated units that come through vertical channels."""
        allocated = self.allocated
        return None if allocated == 0 else self.vertical_units / allocated

    @property
    def hhi(self) -> float | None:
        """Concentration of the planned units across suppliers: Σ share², 0..1."""
        allocated = self.allocated
        if allocated == 0:
            return None
        return sum((line.units / allocated) ** 2 for line in self.lines if line.units)

    @property
    def floor_words(self) -> str:
        """How the vertical floor went, in words; empty when none was asked for."""
        if self.vertical_floor_target <= 0:
            return ""
        say = _Say(english=False)
        if self.vertical_floor == 0:
            return _(
                "vertical floor of {units} not possible: no eligible vertical channel with capacity"
            ).format(units=say.units(self.vertical_floor_target))
        if self.vertical_floor < self.vertical_floor_target:
            return _(
                "vertical floor capped at {units} (of {asked} asked): all the vertical channels "
                "can carry"
            ).format(
                units=say.units(self.vertical_floor), asked=say.units(self.vertical_floor_target)
            )
        return _("vertical floor of {units} met").format(units=say.units(self.vertical_floor))

    @property
    def allocated_lines(self) -> tuple[AllocationLine, ...]:
        return tuple(line for line in self.lines if line.units > 0)


@dataclass(frozen=True)
class PortfolioAllocation:
    settings: PlanningSettings
    brands: tuple[BrandAllocation, ...]  # in the order they were planned
    capacity: Mapping[int, int | None]  # supplier id -> monthly capacity
    booked: Mapping[int, int]  # supplier id -> units booked over all brands
    lost: frozenset[str] = frozenset()

    def by_name(self) -> dict[str, BrandAllocation]:
        return {b.brand: b for b in self.brands}


@dataclass
class _Candidate:
    option: ChannelOption
    unit: Decimal  # expected margin per unit
    bound: int  # most units it may take for this brand
    limit: Limit  # which bound that is
    units: int = 0
    floor_units: int = 0


@dataclass
class _Book:
    """Capacity left per supplier while brands are planned in turn, and who took it."""

    capacity: dict[int, int | None]
    currency: str = "CNY"  # the home currency, for the reasons' words
    booked: dict[int, int] = field(default_factory=dict)
    takers: dict[int, list[tuple[str, int]]] = field(default_factory=dict)

    def left(self, supplier_id: int) -> int | None:
        cap = self.capacity.get(supplier_id)
        if cap is None:
            return None
        return max(0, cap - self.booked.get(supplier_id, 0))

    def take(self, supplier_id: int, units: int, brand: str) -> None:
        if units <= 0:
            return
        self.booked[supplier_id] = self.booked.get(supplier_id, 0) + units
        self.takers.setdefault(supplier_id, []).append((brand, units))


def plan_order_key(brand: BrandDemand, settings: PlanningSettings) -> tuple[Any, ...]:
    """Hot-selling brands first, then the most margin at stake, then by name."""
    units = [
        u
        for o in brand.options
        if (u := o.expected_unit_margin) is not None and _standing_ok(o.standing, settings)
    ]
    stake = max(units) * brand.demand if units else None
    return (not brand.hot_selling, stake is None, -(stake or 0), brand.name)


def allocate_portfolio(
    brands: Iterable[BrandDemand],
    settings: PlanningSettings | None = None,
    *,
    lost: Iterable[str] = (),
    currency: str = "CNY",
) -> PortfolioAllocation:
    """Plan every brand in priority order, booking shared supplier capacity as it goes.

    `lost` names suppliers (by code) a scenario takes away: their channels are left out.
    """
    settings = settings or PlanningSettings()
    lost_codes = frozenset(lost)
    ordered = sorted(brands, key=lambda b: plan_order_key(b, settings))
    capacity: dict[int, int | None] = {}
    for brand in ordered:
        for option in brand.options:
            capacity.setdefault(option.supplier_id, option.capacity)
    book = _Book(capacity, currency)
    out = [
        replace(allocate_brand(brand, settings, book, lost_codes), order=index)
        for index, brand in enumerate(ordered, start=1)
    ]
    return PortfolioAllocation(settings, tuple(out), capacity, dict(book.booked), lost_codes)


def allocate_brand(
    brand: BrandDemand,
    settings: PlanningSettings,
    book: _Book | None = None,
    lost: frozenset[str] = frozenset(),
) -> BrandAllocation:
    """The best split of one brand's demand over the capacity still left in `book`."""
    if book is None:
        book = _Book({o.supplier_id: o.capacity for o in brand.options})
    demand = max(0, brand.demand)
    reader, english = _Say.both()
    excluded: list[AllocationLine] = []
    excluded_kinds: list[tuple[str, str]] = []  # (in the reader's words, in English)
    eligible: list[ChannelOption] = []
    for option in sorted(brand.options, key=lambda o: o.supplier_code):
        reason, kind = _exclusion(option, settings, lost, book.currency, reader)
        if reason:
            reason_en, kind_en = (
                (reason, kind)
                if english is None
                else _exclusion(option, settings, lost, book.currency, english)
            )
            excluded.append(
                _line(
                    option, 0, LineStatus.EXCLUDED, reason, reason_en=_if_other(reason_en, reason)
                )
            )
            excluded_kinds.append((kind, kind_en))
        else:
            eligible.append(option)

    with_room = [o for o in eligible if book.left(o.supplier_id) != 0]
    share_units = math.floor(settings.max_share * demand + 1e-9)
    share_cap_applies = len(with_room) >= 2
    candidates: list[_Candidate] = []
    for option in eligible:
        left = book.left(option.supplier_id)
        bound, limit = demand, Limit.NONE
        if left is not None and left <= bound:
            bound, limit = left, Limit.CAPACITY
        if share_cap_applies and share_units < bound:
            bound, limit = share_units, Limit.SHARE_CAP
        unit = option.expected_unit_margin
        assert unit is not None  # eligible options have both
        candidates.append(_Candidate(option, unit, bound, limit))
    # Best expected margin per unit first; ties to the code, so a plan is reproducible.
    ranked = sorted(candidates, key=lambda c: (-c.unit, c.option.supplier_code))

    floor_target = math.ceil(settings.min_vertical_share * demand - 1e-9)
    vertical_room = sum(c.bound for c in ranked if c.option.vertical)
    floor = min(floor_target, vertical_room, demand)

    # Without the floor, to tell which vertical units are there because of it.
    free = _fill(ranked, demand, {})
    units: dict[int, int] = {}
    need = floor
    for c in ranked:
        if need <= 0:
            break
        if c.option.vertical:
            take = min(c.bound, need)
            units[id(c)] = take
            need -= take
    total = _fill(ranked, demand, units)
    for c in ranked:
        c.units = total.get(id(c), 0)
        c.floor_units = max(0, c.units - free.get(id(c), 0)) if c.option.vertical else 0

    allocated = sum(c.units for c in ranked)
    context = _Context(
        ranked[0] if ranked else None,
        _last_filled(ranked),
        any(c.floor_units for c in ranked),
        settings,
        book,
        share_units,
        floor,
        allocated,
        demand,
        cap_lifted=not share_cap_applies,
    )
    lines = [
        _line(
            c.option,
            c.units,
            LineStatus.ALLOCATED if c.units else LineStatus.IDLE,
            _reason(c, context, reader),
            c.limit if c.units and c.units == c.bound else Limit.NONE,
            c.floor_units,
            "" if english is None else _if_other(_reason(c, context, english), None),
        )
        for c in ranked
    ]
    for c in ranked:
        book.take(c.option.supplier_id, c.units, brand.name)
    lines.sort(key=lambda line: (line.status is not LineStatus.ALLOCATED, -line.units))
    short = demand - allocated
    kinds = [k for k, _en in excluded_kinds]
    shortfall = _shortfall(short, ranked, kinds, settings, share_units, reader)
    shortfall_en = ""
    if english is not None:
        kinds_en = [en for _k, en in excluded_kinds]
        shortfall_en = _shortfall(short, ranked, kinds_en, settings, share_units, english)
    return BrandAllocation(
        brand.brand_id,
        brand.name,
        brand.hot_selling,
        demand,
        tuple(lines + excluded),
        shortfall,
        floor,
        floor_target,
        shortfall_en=shortfall_en,
    )


def _fill(ranked: Sequence[_Candidate], demand: int, start: dict[int, int]) -> dict[int, int]:
    """Top up `start` in ranked order until demand is met or every bound is reached."""
    units = dict(start)
    left = demand - sum(units.values())
    for c in ranked:
        if left <= 0:
            break
        have = units.get(id(c), 0)
        take = min(c.bound - have, left)
        if take > 0:
            units[id(c)] = have + take
            left -= take
    return units


def _standing_ok(standing: Standing, settings: PlanningSettings) -> bool:
    rank = STANDING_RANK.get(standing)
    return rank is not None and rank >= STANDING_RANK[settings.min_standing]


def _exclusion(
    option: ChannelOption,
    settings: PlanningSettings,
    lost: frozenset[str],
    currency: str,
    say: _Say,
) -> tuple[str, str]:
    """Why a channel is out of the plan, and the short kind a shortfall counts; both empty if in."""
    if option.supplier_code in lost:
        kind = say(N_("supplier lost in this scenario"))
        return say(N_("excluded: supplier lost in this scenario")), kind
    if option.counterfeit_suspected:
        kind = say(N_("suspected counterfeit returned"))
        text = N_("excluded: customers returned its goods as suspected counterfeits")
        return say(text), kind
    if option.unit_margin is None or option.expected_fill is None:
        kind = say(N_("no valid quote for this brand's SKUs"))
        return say(
            N_("excluded: no valid quote for this brand's SKUs (no margin to plan on)")
        ), kind
    if not _standing_ok(option.standing, settings):
        words = {"standing": say.standing(option.standing)}
        words["minimum"] = say.standing(settings.min_standing)
        kind = say(N_("standing {standing}")).format(**words)
        return say(N_("excluded: standing {standing} (minimum {minimum})")).format(**words), kind
    unit = option.expected_unit_margin
    if unit is not None and unit < 0 and not settings.cover_at_a_loss:
        text = say(N_("excluded: loses {loss} a unit after expected fill")).format(
            loss=say.money(-unit, currency)
        )
        return text, say(N_("loses {loss} a unit after expected fill")).format(
            loss=say.money(-unit, currency)
        )
    return "", ""


@dataclass(frozen=True)
class _Context:
    """What every line's reason is told about the brand's split (worked out once)."""

    best: _Candidate | None
    last: _Candidate | None
    floor_binds: bool
    settings: PlanningSettings
    book: _Book
    share_units: int
    floor: int
    allocated: int
    demand: int
    cap_lifted: bool = False  # fewer than two eligible channels with capacity left


# The cap gives way rather than leave demand uncovered; the line says so, or a buyer
# reading "best expected margin" wonders why one supplier carries the whole brand.
CAP_LIFTED = N_("share cap lifted: no other eligible channel has capacity left")


def _reason(c: _Candidate, ctx: _Context, say: _Say) -> str:
    o = c.option
    settings, book, share_units, floor = ctx.settings, ctx.book, ctx.share_units, ctx.floor
    why_unit = (
        say(N_("{margin} a unit × {fill} expected fill")).format(
            margin=say.money(o.unit_margin, book.currency), fill=f"{o.expected_fill:.0%}"
        )
        if o.unit_margin is not None and o.expected_fill is not None
        else ""
    )
    if c.units == 0:
        if c.bound == 0:
            return _no_room(c, book, say)
        if c.unit < 0:
            return say(N_("not needed: demand covered without losing money ({why})")).format(
                why=why_unit
            )
        return say(
            N_("not needed: demand covered by channels with a better expected margin ({why})")
        ).format(why=why_unit)
    parts: list[str] = []
    if c.unit < 0:
        parts.append(say(N_("covers demand at a loss ({why})")).format(why=why_unit))
    elif c.floor_units:
        parts.append(
            say(N_("vertical floor ({share} of demand, {floor}): {units} for it ({why})")).format(
                share=f"{settings.min_vertical_share:.0%}",
                floor=say.units(floor),
                units=say.units(c.floor_units),
                why=why_unit,
            )
        )
    elif c is ctx.best:
        parts.append(say(N_("best expected margin per unit ({why})")).format(why=why_unit))
    elif not o.vertical and ctx.floor_binds:
        parts.append(
            say(N_("best expected margin after the vertical floor ({why})")).format(why=why_unit)
        )
    else:
        parts.append(say(N_("next best expected margin per unit ({why})")).format(why=why_unit))
    if ctx.cap_lifted and c.units > share_units:
        parts.append(say(CAP_LIFTED))
    if c.units == c.bound and c.units < ctx.demand:
        if c.limit is Limit.CAPACITY:
            parts.append(_capacity_words(c, book, say))
        elif c.limit is Limit.SHARE_CAP:
            parts.append(
                say(N_("share cap ({share} of demand: {units})")).format(
                    share=f"{settings.max_share:.0%}", units=say.units(share_units)
                )
            )
    elif ctx.allocated >= ctx.demand and c is ctx.last and c.units < ctx.allocated:
        parts.append(say(N_("takes the last {units} of demand")).format(units=say.units(c.units)))
    return say.clauses(parts)


def _last_filled(ranked: Sequence[_Candidate]) -> _Candidate | None:
    last = None
    for c in ranked:
        if c.units:
            last = c
    return last


def _capacity_words(c: _Candidate, book: _Book, say: _Say) -> str:
    o = c.option
    earlier = book.takers.get(o.supplier_id, [])
    capacity = say.units(o.capacity or 0)
    if not earlier:
        return say(N_("capacity reached ({capacity} a month)")).format(capacity=capacity)
    taken = sum(units for _brand, units in earlier)
    return say(
        N_("capacity reached ({capacity} a month; {taken} booked first for {brands})")
    ).format(capacity=capacity, taken=f"{taken:,}", brands=_names(earlier, say))


def _no_room(c: _Candidate, book: _Book, say: _Say) -> str:
    o = c.option
    earlier = book.takers.get(o.supplier_id, [])
    if not earlier:
        return say(N_("no capacity: the supplier's monthly capacity is 0"))
    return say(N_("no capacity left: all {capacity} a month booked for {brands}")).format(
        capacity=say.units(o.capacity or 0), brands=_names(earlier, say)
    )


def _names(takers: Sequence[tuple[str, int]], say: _Say) -> str:
    taker = say(N_("{brand} ({units})"))
    shown = say.listing(taker.format(brand=b, units=f"{u:,}") for b, u in takers[:3])
    more = len(takers) - 3
    if more <= 0:
        return shown
    return say(N_("{brands} and {n} more brand(s)")).format(brands=shown, n=more)


def _shortfall(
    short: int,
    ranked: Sequence[_Candidate],
    excluded: Sequence[str],
    settings: PlanningSettings,
    share_units: int,
    say: _Say,
) -> str:
    """Why demand is uncovered; `excluded` holds each left-out channel's kind, in `say`'s words."""
    if short <= 0:
        return ""
    bounds = []
    at_capacity = [c.option.supplier_code for c in ranked if c.limit is Limit.CAPACITY]
    at_share = [c.option.supplier_code for c in ranked if c.limit is Limit.SHARE_CAP]
    if at_capacity:
        bounds.append(
            say(N_("at capacity: {suppliers}")).format(suppliers=_codes(at_capacity, say))
        )
    if at_share:
        bounds.append(
            say(N_("at the share cap ({share} = {units}): {suppliers}")).format(
                share=f"{settings.max_share:.0%}",
                units=say.units(share_units),
                suppliers=_codes(at_share, say),
            )
        )
    if ranked:
        why = say(N_("every eligible channel is {bounds}")).format(bounds=say.clauses(bounds))
    else:
        why = say(N_("no eligible channel"))
    if excluded:
        why = say(N_("{why}; {n} channel(s) excluded ({kinds})")).format(
            why=why, n=len(excluded), kinds=_exclusion_summary(excluded, say)
        )
    return say(N_("short by {units}: {why}")).format(units=say.units(short), why=why)


def _exclusion_summary(kinds: Sequence[str], say: _Say) -> str:
    counted: dict[str, int] = {}
    for kind in kinds:
        counted[kind] = counted.get(kind, 0) + 1
    return say.listing(
        say(N_("{count} {kind}")).format(count=n, kind=k) if n > 1 else k
        for k, n in counted.items()
    )


def _codes(codes: Sequence[str], say: _Say) -> str:
    shown = say.listing(codes[:4])
    if len(codes) <= 4:
        return shown
    return say(N_("{codes} and {n} more")).format(codes=shown, n=len(codes) - 4)


def _line(
    option: ChannelOption,
    units: int,
    status: LineStatus,
    reason: str,
    limit: Limit = Limit.NONE,
    floor_units: int = 0,
    reason_en: str = "",
) -> AllocationLine:
    return AllocationLine(
        option.supplier_id,
        option.supplier_code,
        option.supplier_name,
        option.vertical,
        option.standing,
        units,
        option.unit_margin,
        option.expected_fill,
        status,
        reason,
        limit,
        floor_units,
        reason_en,
    )


def _expected_unit(unit_margin: Decimal | None, fill: float | None) -> Decimal | None:
    if unit_margin is None or fill is None:
        return None
    return unit_margin * Decimal(repr(fill))


def _if_other(english: str, reader: str | None) -> str:
    """The English words, kept only where they differ from the reader's."""
    return "" if english == reader else english


class _Say:
    """A plan's words in the reader's language, or in English for the files (JSON, CSV).

    Files keep English whatever the language, so in Chinese each reason is written
    twice; in English once, and files read the reader's words.
    """

    __slots__ = ("english",)

    def __init__(self, *, english: bool) -> None:
        self.english = english

    @classmethod
    def both(cls) -> tuple[_Say, _Say | None]:
        """The reader's words, and English words when the reader's are not English."""
        if is_chinese():
            return cls(english=False), cls(english=True)
        return cls(english=False), None

    def __call__(self, message: str) -> str:
        return message if self.english else _(message)

    def n(self, singular: str, plural: str, n: int) -> str:
        if self.english:
            return singular if n == 1 else plural
        return ngettext(singular, plural, n)

    def units(self, n: int) -> str:
        return self.n("{n} unit", "{n} units", n).format(n=f"{n:,}")

    def money(self, amount: Decimal | None, currency: str) -> str:
        """ "CNY 1,234.50"; in Chinese "¥1,234.50"."""
        if amount is None:
            return formatting.NO_VALUE
        if self.english or not is_chinese():
            return f"{currency} {amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"
        return formatting.money(amount, currency)

    def standing(self, standing: Standing) -> str:
        return str(standing.value) if self.english else standing.label

    def clauses(self, parts: Iterable[str]) -> str:
        # Translators: joins the clauses of one reason, "A; B".
        return self("; ").join(parts)

    def listing(self, items: Iterable[str]) -> str:
        # Translators: joins the items of a list, "A, B, C".
        return self(", ").join(items)
