"""How a channel delivers: supply behaviour by channel structure, and what arrived for a line.

Every extra hand in a chain delivers later, shorter and noisier
(docs/stability.md measures exactly this), while vertical channels are mostly,
not always, steady. Most goods clear customs in 1 to 3 days; longer chains
take a day or two more, and the slow customs of some chains are planted apart
(`after_sale`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist

from sourcing_app.domain.enums import SupplierKind


@dataclass(frozen=True, slots=True)
class SupplyProfile:
    """How a channel delivers. Multi-hop chains are late, short and noisy; vertical ones are not."""

    lead_cv: float  # spread of actual lead time around its mean
    lead_bias: int  # days the mean actual lead time sits after the quoted lead time
    p_late: float
    late_days: tuple[int, int]
    p_short: float
    short_share: tuple[float, float]
    p_over: float
    p_never: float
    p_reject: float
    reject_share: tuple[float, float]
    p_split: float
    split_gap: tuple[int, int]  # days between the two parts of a split delivery
    clearance: tuple[int, int]
    price_sd: float


def profile_for(tier: int, vertical: bool, kind: SupplierKind, reliability: float) -> SupplyProfile:
    """Supply behaviour by channel structure: every extra hand adds delay, shortfall and fakes.

    `reliability` scales how often things go wrong, and how much actual lead times
    wander: a well-run trader is not a badly run one.
    """
    r = reliability
    if vertical:
        return SupplyProfile(
            lead_cv=0.05 * r,
            lead_bias=-2,
            p_late=0.04 * r,
            late_days=(1, 4),
            p_short=0.03 * r,
            short_share=(0.02, 0.10),
            p_over=0.0,
            p_never=0.0,
            p_reject=0.02 * r,
            reject_share=(0.005, 0.02),
            p_split=0.04,
            split_gap=(3, 7),
            clearance=(1, 2),
            price_sd=0.004,
        )
    if tier <= 2:
        bonded = kind is SupplierKind.BONDED_WAREHOUSE
        return SupplyProfile(
            lead_cv=0.15 * r,
            lead_bias=-2,
            p_late=0.20 * r,
            late_days=(2, 12),
            p_short=0.12 * r,
            short_share=(0.05, 0.25),
            p_over=0.01,
            p_never=0.01 * r,
            p_reject=0.06 * r,
            reject_share=(0.01, 0.05),
            p_split=0.10,
            split_gap=(4, 14),
            clearance=(0, 1) if bonded else (1, 3),  # bonded stock is cleared on release
            price_sd=0.012,
        )
    if tier == 3:
        return SupplyProfile(
            lead_cv=0.20 * r,
            lead_bias=-1,
            p_late=0.24 * r,
            late_days=(3, 18),
            p_short=0.18 * r,
            short_share=(0.10, 0.40),
            p_over=0.01,
            p_never=0.012 * r,
            p_reject=0.12 * r,
            reject_share=(0.01, 0.15),
            p_split=0.15,
            split_gap=(5, 20),
            clearance=(1, 4),
            price_sd=0.02,
        )
    if tier == 4:
        return SupplyProfile(
            lead_cv=0.25 * r,
            lead_bias=0,
            p_late=0.32 * r,
            late_days=(4, 28),
            p_short=0.26 * r,
            short_share=(0.10, 0.55),
            p_over=0.01,
            p_never=0.02 * r,
            p_reject=0.20 * r,
            reject_share=(0.02, 0.25),  # counterfeit or damaged batches
            p_split=0.18,
            split_gap=(5, 25),
            clearance=(1, 5),
            price_sd=0.025,
        )
    return SupplyProfile(
        lead_cv=0.35 * r,
        lead_bias=2,
        p_late=0.45 * r,
        late_days=(5, 40),
        p_short=0.42 * r,
        short_share=(0.20, 0.70),
        p_over=0.01,
        p_never=0.045 * r,
        p_reject=0.28 * r,
        reject_share=(0.03, 0.35),  # five hands from the source: fakes and damage
        p_split=0.22,
        split_gap=(5, 30),
        clearance=(2, 6),
        price_sd=0.035,
    )


# Standard normal quantiles: one uniform draw and a lookup replaces the much
# slower random.gauss in the million-line loop.
NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))


def arrivals(
    rnd: Callable[[], float], profile: SupplyProfile, day: int, lead_days: int, qty: int
) -> list[tuple[int, int, int, int]]:
    """What actually arrived for one line: (day, delivered, rejected, clearance days) parts."""
    if rnd() < profile.p_never:
        return []
    lead = lead_days + profile.lead_bias
    lead = int(round(lead * (1.0 + profile.lead_cv * NORMAL[int(rnd() * 4096)])))
    if rnd() < profile.p_late:
        low, high = profile.late_days
        lead += low + int(rnd() * (high - low + 1))
    lead = max(1, lead)
    delivered = qty
    if rnd() < profile.p_short:
        low_s, high_s = profile.short_share
        delivered = max(1, qty - max(1, int(qty * (low_s + rnd() * (high_s - low_s)))))
    elif rnd() < profile.p_over:
        delivered = qty + max(1, int(qty * 0.03))
    rejected = 0
    if rnd() < profile.p_reject:
        low_r, high_r = profile.reject_share
        rejected = min(delivered, max(1, int(delivered * (low_r + rnd() * (high_r - low_r)))))
    low_c, high_c = profile.clearance
    clearance = min(lead, low_c + int(rnd() * (high_c - low_c + 1)))
    first_day = day + lead
    if delivered < 2 or rnd() >= profile.p_split:
        return [(first_day, delivered, rejected, clearance)]
    # Split: most of the goods first, the balance on a later date.
    part = max(1, int(delivered * (0.5 + rnd() * 0.3)))
    part_rejected = rejected * part // delivered
    low_g, high_g = profile.split_gap
    second_day = first_day + low_g + int(rnd() * (high_g - low_g + 1))
    return [
        (first_day, part, part_rejected, clearance),
        (second_day, delivered - part, rejected - part_rejected, clearance),
    ]
