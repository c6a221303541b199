"""The patterns the demo plants on purpose, and where it planted them.

A buyer opening the app for the first time should meet every judgement the app
makes (docs/standings-and-flags.md): a price spike, an authorization about to
end and one already ended, a negative margin, a single-channel brand, a
composite-only brand, a unit over the CBEC limit, a fill-rate drop, a stale
supplier, a thin history and lapsed quotes. Each is planted at a fixed place
for a given seed, and `record_planted` names that place for a demo tour.
"""

from __future__ import annotations

from collections.abc import Callable

from sourcing_app.db.types import from_day_number
from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.demo.plan import (
    CBEC_LIMIT_CNY,
    Plan,
    PlannedChannel,
    PlannedSupplier,
    PlantedPattern,
)
from sourcing_app.services.demo.supply import SupplyProfile

# Below this many suppliers there is no room for every planted role.
MIN_SUPPLIERS_FOR_PATTERNS = 12

# The brands below are rows of resources/demo/brands.csv.
# A hot NZ formula brand that reaches China only through its exclusive importer.
SINGLE_CHANNEL_BRAND = "Aoraki Baby"
# A hot Korean brand with no official China distribution: grey channels only.
COMPOSITE_ONLY_BRAND = "Jeju Mossgarden"
# The brand whose signature bag is the one unit over the CBEC limit (docs/margin.md).
LUXURY_BRAND = "Casa Verdani"

# The planted price rise (docs/standings-and-flags.md flags a rise of more than 10% over
# 90 days): half of those 90 days are at the new price, so it must be well over 20%.
SPIKE_DAYS_BEFORE = 45
SPIKE_FACTOR = 1.25


# Who plays each planted role, by supplier kind; drawn in this order.
ROLES: tuple[tuple[str, SupplierKind], ...] = (
    ("single", SupplierKind.AUTHORIZED_DISTRIBUTOR),
    ("expiring", SupplierKind.AUTHORIZED_DISTRIBUTOR),
    ("expired", SupplierKind.AUTHORIZED_DISTRIBUTOR),
    ("spike", SupplierKind.WHOLESALER),
    ("fill_drop", SupplierKind.WHOLESALER),
    ("stale", SupplierKind.TRADER),
    ("loss", SupplierKind.TRADER),
    ("thin", SupplierKind.PLATFORM_SELLER),
)


# The planted fill-rate drop: the supplier delivered almost everything last
# year and started shipping short in the current window (docs/standings-and-flags.md).
FILL_DROP_PREVIOUS_PROFILE = SupplyProfile(
    lead_cv=0.10,
    lead_bias=-2,
    p_late=0.08,
    late_days=(2, 6),
    p_short=0.02,
    short_share=(0.02, 0.08),
    p_over=0.0,
    p_never=0.0,
    p_reject=0.02,
    reject_share=(0.01, 0.02),
    p_split=0.08,
    split_gap=(4, 10),
    clearance=(1, 3),
    price_sd=0.010,
)


FILL_DROP_PROFILE = SupplyProfile(
    lead_cv=0.12,
    lead_bias=-2,
    p_late=0.12,
    late_days=(2, 10),
    p_short=0.55,
    short_share=(0.20, 0.60),
    p_over=0.0,
    p_never=0.10,
    p_reject=0.05,
    reject_share=(0.01, 0.04),
    p_split=0.10,
    split_gap=(4, 14),
    clearance=(1, 3),
    price_sd=0.012,
)


def assign_roles(plan: Plan) -> None:
    """Give one supplier of the right kind each planted role (a supplier plays one at most)."""
    rng = plan.rng

    def take(kind: SupplierKind) -> PlannedSupplier | None:
        free = [s for s in plan.suppliers if s.kind is kind and not s.role]
        return rng.choice(free) if free else None

    for role, kind in ROLES:
        chosen = take(kind)
        if chosen is not None:
            chosen.role = role
    for supplier in plan.suppliers:
        # The planted price spike and fill drop need enough lines to show.
        if supplier.role in ("spike", "fill_drop"):
            supplier.order_weight = max(supplier.order_weight, 2.5) * 2


def record_planted(plan: Plan) -> None:
    """Name where each pattern was planted, in the words of docs/standings-and-flags.md."""
    channels = plan.channels

    def first(test: Callable[[PlannedChannel], bool]) -> PlannedChannel | None:
        return next((c for c in channels if test(c)), None)

    def by_role(role: str) -> Callable[[PlannedChannel], bool]:
        return lambda c: c.supplier.role == role

    def until(c: PlannedChannel) -> str:
        return "" if c.authorized_until is None else str(from_day_number(c.authorized_until))

    as_of = from_day_number(plan.as_of)
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    table: list[tuple[str, Callable[[PlannedChannel], bool], Callable[[PlannedChannel], str]]] = [
        (
            "STEADY_VERTICAL",
            lambda c: c.tier == 0,
            lambda c: "brand owner: in full, on time, steady",
        ),
        (
            "NOISY_COMPOSITE",
            lambda c: c.tier >= 4 and not c.supplier.role,
            lambda c: f"tier-{c.tier} chain: short, late, variable lead times, rejects",
        ),
        (
            "PRICE_SPIKE",
            by_role("spike"),
            lambda c: (
                f"prices up {SPIKE_FACTOR - 1:.0%} from {SPIKE_DAYS_BEFORE} days before as_of"
            ),
        ),
        (
            "AUTH_EXPIRING",
            by_role("expiring"),
            lambda c: f"authorization {c.authorization_ref} ends {until(c)}",
        ),
        (
            "AUTH_EXPIRED",
            by_role("expired"),
            lambda c: f"authorization {c.authorization_ref} ended {until(c)}",
        ),
        (
            "NEGATIVE_MARGIN",
            by_role("loss"),
            lambda c: "premium cosmetics quoted near retail: landed cost above net revenue",
        ),
        (
            "SINGLE_CHANNEL",
            by_role("single"),
            lambda c: "hot-selling brand, one exclusive importer",
        ),
        (
            "COMPOSITE_ONLY",
            lambda c: patterns and c.brand.name == COMPOSITE_ONLY_BRAND,
            lambda c: "hot-selling brand with composite channels only",
        ),
        (
            "OVER_CBEC_LIMIT",
            lambda c: c.active and not c.quotes_lapse and any(q.over_cbec for q in c.quoted),
            lambda c: f"unit value over CNY {CBEC_LIMIT_CNY:,.0f}: general trade",
        ),
        ("FILL_DROP", by_role("fill_drop"), lambda c: "fill rate fell in the current window"),
        ("STALE", by_role("stale"), lambda c: "nothing delivered for more than 180 days"),
        ("THIN_HISTORY", by_role("thin"), lambda c: "new supplier with 3 purchase lines"),
        ("QUOTE_EXPIRED", lambda c: c.quotes_lapse, lambda c: f"quotes lapsed before {as_of}"),
    ]
    for flag, test, detail in table:
        channel = first(test)
        if channel is not None:
            supplier = None if flag == "COMPOSITE_ONLY" else channel.supplier.code
            plan.planted.append(PlantedPattern(flag, supplier, channel.brand.name, detail(channel)))


def planted_lines(plan: Plan, budget: int) -> dict[int, list[PlannedChannel]]:
    """Lines placed by hand so that thin, stale and spiking suppliers show on any seed."""
    as_of = plan.as_of
    wanted: list[tuple[str, tuple[int, ...]]] = [
        ("thin", (70, 55, 41)),
        # Delivered long ago, inside the window; then two orders that never came.
        ("stale", (320, 290, 170, 125)),
        # Before the 90 days the price-spike flag looks at, then either side of the rise.
        ("spike", (170, 140, 115, 95, 80, 60, 40, 30, 20, 10)),
    ]
    planted: dict[int, list[PlannedChannel]] = {}
    for role, days_back in wanted:
        channel = next((c for c in plan.channels if c.supplier.role == role), None)
        if channel is None:
            continue
        for back in days_back:
            if budget <= 0:
                return planted
            planted.setdefault(as_of - back, []).append(channel)
            budget -= 1
    return planted
