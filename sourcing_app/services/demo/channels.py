"""Who sells what: the channels between suppliers and brands, and the terms of each.

A grey-market importer's channels are mostly composite, and each extra hand in
a chain quotes dearer and delivers later, shorter and noisier
(docs/vocabulary.md, docs/stability.md). Owners and official distributors go
where demand is: hot brands get a vertical channel first, so a composite-only
hot brand stays the one planted exception (docs/standings-and-flags.md).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Sequence

from sourcing_app.db.types import from_day_number
from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.demo.patterns import (
    COMPOSITE_ONLY_BRAND,
    FILL_DROP_PREVIOUS_PROFILE,
    FILL_DROP_PROFILE,
    LUXURY_BRAND,
    MIN_SUPPLIERS_FOR_PATTERNS,
    SINGLE_CHANNEL_BRAND,
    SPIKE_DAYS_BEFORE,
    SPIKE_FACTOR,
)
from sourcing_app.services.demo.plan import (
    HOME_CURRENCY,
    Plan,
    PlannedBrand,
    PlannedChannel,
    PlannedSupplier,
)
from sourcing_app.services.demo.portfolio import plain_ascii
from sourcing_app.services.demo.supply import profile_for


class _BrandPicker:
    """Weighted choice of brands, hot-selling ones more often, without repeats per supplier."""

    def __init__(
        self, rng: random.Random, brands: Sequence[PlannedBrand], excluded: set[int]
    ) -> None:
        self.rng = rng
        self.brands = [b for b in brands if b.id not in excluded]
        self.cum: list[float] = []
        total = 0.0
        for brand in self.brands:
            total += brand.popularity
            self.cum.append(total)
        self.by_origin: dict[str, list[PlannedBrand]] = {}
        for brand in self.brands:
            self.by_origin.setdefault(brand.origin, []).append(brand)

    def pick(self, taken: Sequence[PlannedBrand], origin: str = "") -> PlannedBrand | None:
        if not self.brands:
            return None
        local = self.by_origin.get(origin, [])
        for _attempt in range(30):
            # Foreign suppliers mostly sell brands from their own country.
            if local and self.rng.random() < 0.5:
                brand = self.rng.choice(local)
            else:
                point = self.rng.random() * self.cum[-1]
                brand = self.brands[min(bisect.bisect_right(self.cum, point), len(self.brands) - 1)]
            if brand not in taken:
                return brand
        return next((b for b in self.brands if b not in taken), None)


def _supplier_country(plan: Plan, kind: SupplierKind, origin: str) -> str:
    """Owners sell from home, bonded stock sits in China, resellers mostly in China or HK."""
    rng = plan.rng
    if kind is SupplierKind.BRAND_OWNER:
        return origin
    if kind is SupplierKind.BONDED_WAREHOUSE:
        return "CN"
    roll = rng.random()
    if kind is SupplierKind.AUTHORIZED_DISTRIBUTOR:
        return origin if roll < 0.45 else ("HK" if roll < 0.70 else "CN")
    if kind is SupplierKind.PLATFORM_SELLER:
        return "CN" if roll < 0.7 else "HK"
    foreign_share = 0.30 if kind is SupplierKind.WHOLESALER else 0.20
    if roll < foreign_share:
        return rng.choice(plan.catalogue.foreign_countries)
    return "HK" if roll < foreign_share + 0.22 else "CN"


def _supplier_currency(plan: Plan, country: str) -> str:
    rng = plan.rng
    # Chinese and Hong Kong traders often invoice in US dollars.
    if country == "CN":
        return "USD" if rng.random() < 0.15 else "CNY"
    if country == "HK":
        return "USD" if rng.random() < 0.30 else "HKD"
    return plan.catalogue.country_currency[country]


def _composite_tier(rng: random.Random, kind: SupplierKind) -> int:
    tiers, weights = {
        SupplierKind.AUTHORIZED_DISTRIBUTOR: ((1, 2), (35, 65)),
        SupplierKind.WHOLESALER: ((2, 3), (45, 55)),
        SupplierKind.BONDED_WAREHOUSE: ((2, 3, 4), (25, 45, 30)),
        SupplierKind.TRADER: ((3, 4, 5), (40, 35, 25)),
        SupplierKind.PLATFORM_SELLER: ((3, 4, 5), (30, 40, 30)),
    }[kind]
    return rng.choices(tiers, weights=weights)[0]


def plan_channels(plan: Plan) -> None:
    """Which supplier sells which brand, at what tier, with which planted roles in place."""
    rng = plan.rng
    by_name = {b.name: b for b in plan.brands}
    single = by_name[SINGLE_CHANNEL_BRAND]
    composite_only = by_name[COMPOSITE_ONLY_BRAND]
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    reserved = {single.id} if patterns else set()
    vertical_picker = _BrandPicker(rng, plan.brands, reserved | {composite_only.id})
    composite_picker = _BrandPicker(rng, plan.brands, reserved)
    owned: set[int] = set()
    vertical_per_brand: dict[int, int] = {}
    channel_of: dict[tuple[int, int], PlannedChannel] = {}

    def add(
        supplier: PlannedSupplier, brand: PlannedBrand, tier: int, authorized: bool
    ) -> PlannedChannel:
        vertical = tier == 0 or authorized
        profile = profile_for(tier, vertical, supplier.kind, supplier.reliability)
        channel = PlannedChannel(
            id=len(plan.channels) + 1,
            supplier=supplier,
            brand=brand,
            tier=tier,
            vertical=vertical,
            profile=profile,
            recent_profile=profile,
        )
        plan.channels.append(channel)
        supplier.channel_ids.append(channel.id)
        channel_of[(supplier.id, brand.id)] = channel
        if vertical:
            vertical_per_brand[brand.id] = vertical_per_brand.get(brand.id, 0) + 1
        return channel

    def taken(supplier: PlannedSupplier) -> list[PlannedBrand]:
        return [plan.channels[i - 1].brand for i in supplier.channel_ids]

    def hot_without_vertical(candidates: Sequence[PlannedBrand]) -> list[PlannedBrand]:
        return [b for b in candidates if b.hot and not vertical_per_brand.get(b.id)]

    premium_brands = [
        b for b in plan.brands[: len(plan.catalogue.base_brands)] if b.line == "premium"
    ]
    for supplier in plan.suppliers:
        kind = supplier.kind
        k = rng.choices((1, 2, 3), weights=(35, 40, 25))[0]
        if kind is SupplierKind.BRAND_OWNER:
            # Owners and official distributors go where demand is: hot brands get a
            # vertical channel first, so composite-only stays the planted exception.
            free = [b for b in vertical_picker.brands if b.id not in owned]
            if not free:
                continue
            owner_brand = rng.choice(hot_without_vertical(free) or free)
            owned.add(owner_brand.id)
            supplier.country = owner_brand.origin
            supplier.currency = plan.catalogue.country_currency[owner_brand.origin]
            add(supplier, owner_brand, 0, False)
            continue
        if kind is SupplierKind.AUTHORIZED_DISTRIBUTOR:
            k = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            uncovered = hot_without_vertical(vertical_picker.brands)
            if supplier.role == "single":
                first: PlannedBrand | None = single
            elif uncovered:
                first = rng.choice(uncovered)
            else:
                first = vertical_picker.pick([])
            if first is None:
                continue
            supplier.country = _supplier_country(plan, kind, first.origin)
            supplier.currency = _supplier_currency(plan, supplier.country)
            # A brand grants few written authorizations (docs/vocabulary.md).
            if supplier.role or vertical_per_brand.get(first.id, 0) < 3:
                add(supplier, first, 1, True)
            else:
                add(supplier, first, _composite_tier(rng, kind), False)
            for _ in range(k - 1):
                more = vertical_picker.pick(taken(supplier), supplier.country)
                if more is None:
                    break
                # A distributor holds written authorization for some brands only.
                if rng.random() < 0.4 and vertical_per_brand.get(more.id, 0) < 3:
                    add(supplier, more, 1, True)
                else:
                    add(supplier, more, _composite_tier(rng, kind), False)
            continue
        supplier.country = _supplier_country(plan, kind, "")
        supplier.currency = _supplier_currency(plan, supplier.country)
        if supplier.role in ("stale", "loss", "thin"):
            k = 1
        if supplier.role == "loss" and premium_brands:
            # A grey-market trader reselling a premium serum at nearly retail.
            add(supplier, rng.choice(premium_brands), 4, False)
            continue
        for _ in range(k):
            brand = composite_picker.pick(taken(supplier), supplier.country)
            if brand is None:
                break
            tier = 2 if supplier.role in ("spike", "fill_drop") else _composite_tier(rng, kind)
            add(supplier, brand, tier, False)

    if patterns:
        _ensure_composite_channels(plan, composite_only, 3, add, channel_of)
    uncovered = [b for b in plan.brands if not any(c.brand is b for c in plan.channels)]
    for brand in uncovered:
        if brand is single and patterns:
            continue
        _ensure_composite_channels(plan, brand, 1, add, channel_of)

    for supplier in plan.suppliers:
        if not supplier.country:
            # Only in a tiny demo: a supplier that found no brand left to sell.
            supplier.country, supplier.currency = "CN", HOME_CURRENCY
    _plan_channel_terms(plan, single, composite_only)


def _ensure_composite_channels(
    plan: Plan,
    brand: PlannedBrand,
    wanted: int,
    add: Callable[[PlannedSupplier, PlannedBrand, int, bool], PlannedChannel],
    channel_of: dict[tuple[int, int], PlannedChannel],
) -> None:
    have = sum(1 for c in plan.channels if c.brand is brand)
    candidates = [
        s
        for s in plan.suppliers
        if not s.role
        and s.kind not in (SupplierKind.BRAND_OWNER, SupplierKind.AUTHORIZED_DISTRIBUTOR)
        and len(s.channel_ids) < 3
        and (s.id, brand.id) not in channel_of
    ]
    plan.rng.shuffle(candidates)
    for supplier in candidates[: max(0, wanted - have)]:
        add(supplier, brand, _composite_tier(plan.rng, supplier.kind), False)


def _plan_channel_terms(plan: Plan, single: PlannedBrand, composite_only: PlannedBrand) -> None:
    """Contracts, authorizations, lead times and supply behaviour of every channel."""
    rng = plan.rng
    as_of, start = plan.as_of, plan.history_start
    per_brand: dict[int, int] = {}
    for channel in plan.channels:
        per_brand[channel.brand.id] = per_brand.get(channel.brand.id, 0) + 1
    auth_numbers: dict[int, int] = {}
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    planted_role_seen: set[str] = set()

    for channel in plan.channels:
        supplier, brand = channel.supplier, channel.brand
        channel.first_order_day = start
        channel.last_order_day = as_of
        channel.delivery_cutoff = as_of
        kind = supplier.kind
        role = supplier.role
        first_of_role = role and role not in planted_role_seen
        planted_role_seen.add(role)

        if channel.vertical:
            channel.contract_start = start - rng.randint(30, 700)
            if channel.tier == 1:
                number = auth_numbers[brand.id] = auth_numbers.get(brand.id, 0) + 1
                year = from_day_number(channel.contract_start).year
                initials = "".join(w[0] for w in plain_ascii(brand.name).split() if w[0].isalpha())
                channel.authorization_ref = f"LOA-{initials[:3].upper()}-{year}-{number:03d}"
                channel.authorized_until = as_of + rng.randint(120, 720)
                if first_of_role and role == "expiring":
                    channel.authorized_until = as_of + 38
                elif first_of_role and role == "expired":
                    channel.authorized_until = as_of - 5
                elif first_of_role and role == "single":
                    channel.exclusive = True
                    channel.authorized_until = as_of + rng.randint(400, 700)
                if rng.random() < 0.5 or role == "expiring":
                    channel.contract_end = channel.authorized_until
        elif patterns and not role and brand is not single and brand is not composite_only:
            roll = rng.random()
            # Keep every supplier active somewhere: a wholly dormant supplier would
            # blur the one planted stale supplier.
            keeps_another = sum(plan.channels[i - 1].active for i in supplier.channel_ids) >= 2
            if roll < 0.06 and per_brand[brand.id] >= 3 and keeps_another:
                # A channel the buyer stopped using: no orders after its contract ended.
                channel.active = False
                channel.contract_start = start - rng.randint(30, 400)
                channel.contract_end = as_of - rng.randint(120, 500)
                channel.last_order_day = channel.contract_end
                per_brand[brand.id] -= 1
            elif roll < 0.14:
                # A channel opened during the history: orders start then.
                channel.contract_start = start + rng.randint(60, 560)
                channel.first_order_day = channel.contract_start
            elif roll < 0.18 and brand.name != LUXURY_BRAND:
                channel.quotes_lapse = True

        if role == "thin":
            channel.contract_start = as_of - 80
            channel.first_order_day = as_of - 80
        elif role == "stale":
            # Orders stopped; the last two lines were never delivered.
            channel.last_order_day = as_of - 250
            channel.delivery_cutoff = as_of - 200
        elif role == "spike":
            channel.spike_day = as_of - SPIKE_DAYS_BEFORE
            channel.spike_factor = SPIKE_FACTOR

        foreign = supplier.country not in ("CN", "HK")
        if not supplier.lead_days:
            # Lead time belongs to the supplier's route more than to the brand.
            if kind is SupplierKind.BONDED_WAREHOUSE:
                supplier.lead_days = rng.randint(5, 12)  # the stock is already in China
            elif kind is SupplierKind.PLATFORM_SELLER:
                supplier.lead_days = rng.randint(7, 20)
            elif channel.vertical:
                supplier.lead_days = rng.randint(14, 28)
            elif channel.tier <= 2:
                supplier.lead_days = rng.randint(18, 35)
            elif channel.tier == 3:
                supplier.lead_days = rng.randint(21, 40)
            else:
                supplier.lead_days = rng.randint(25, 50)
            channel.lead_days = supplier.lead_days
        else:
            channel.lead_days = supplier.lead_days + rng.randint(-1, 1)
        if foreign:
            channel.incoterm = rng.choices(("FOB", "EXW", "CIF", "FCA"), (45, 20, 20, 15))[0]
        elif supplier.country == "HK":
            channel.incoterm = rng.choice(("FOB", "CIF"))
        else:
            channel.incoterm = "DAP"

        if role == "fill_drop":
            channel.profile = FILL_DROP_PREVIOUS_PROFILE
            channel.recent_profile = FILL_DROP_PROFILE
