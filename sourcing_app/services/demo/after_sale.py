"""Customs clearance and returns after sale in the demo, as a real importer meets them.

Most goods clear in 1 to 3 days (`supply`). Here the exceptions are planted:
- slow customs on some composite chains: most of their goods wait 8 to 15 days,
  so the customs-delay flag has somewhere to show (docs/standings-and-flags.md);
- one trader whose goods come back damaged again and again (returns above 5%
  of what it delivered);
- a suspected-counterfeit return on a multi-hop chain (tier 3 or more), where
  the grey market's fakes show up first;
- and a sprinkling of ordinary returns everywhere, more on longer chains, with
  a few `late` and `other` among them.

Everything here draws from `plan.after_sale_rng`, a stream of its own seeded
from the demo's seed: the same seed gives the same returns, and the draws of
the rest of the demo, so its spread of standings, are untouched.
"""

from __future__ import annotations

from collections.abc import Callable

from sourcing_app.domain.enums import ReturnReason, SupplierKind
from sourcing_app.services.demo.plan import Plan, PlannedChannel, PlantedPattern

# Composite chains of two hands or more whose goods are often held at customs.
SLOW_CUSTOMS_SHARE = 0.06
SLOW_CLEARANCE_DAYS = (8, 15)
HELD_SHARE = 0.6  # of a slow chain's deliveries

# The chance that a delivered line sees a return, by tier (vertical channels: the first).
RETURN_CHANCE = (0.01, 0.02, 0.03, 0.05, 0.06, 0.08)
RETURN_SHARE = (0.01, 0.05)  # of the accepted units
RETURN_AFTER_DAYS = (5, 60)  # after the last delivery: sold, used, sent back

# The trader whose goods come back damaged: a return on this share of its lines.
DAMAGED_CHANCE = 0.45
DAMAGED_SHARE = (0.08, 0.25)
COUNTERFEIT_CHANCE = 0.15  # of the planted chain's lines in the window

_D, _N, _C = ReturnReason.DAMAGED, ReturnReason.NOT_AS_DESCRIBED, ReturnReason.SUSPECTED_COUNTERFEIT
_E, _L, _O = ReturnReason.EXPIRED, ReturnReason.LATE, ReturnReason.OTHER
# Why ordinary returns come back, cumulative: mostly damage and "not as described".
_REASONS = ((0.40, _D), (0.62, _N), (0.74, _E), (0.88, _L), (1.0, _O))
# On a chain of three hands or more, now and then a "not as described" is a fake.
_LONG_CHAIN_REASONS = ((0.40, _D), (0.61, _N), (0.62, _C), (0.74, _E), (0.88, _L), (1.0, _O))

ReturnRow = tuple[int, int, int, str]  # line id, return day, quantity, reason


def plan_after_sale(plan: Plan) -> None:
    """Choose the slow-customs chains, the damaged-goods trader and the counterfeit chain."""
    rng = plan.after_sale_rng
    for channel in plan.channels:
        channel.return_chance = return_chance(channel)
        if not channel.vertical and channel.tier >= 2 and rng.random() < SLOW_CUSTOMS_SHARE:
            channel.slow_customs = True
    # Planted where they have lines to show on: the busiest free supplier of each kind.
    free = [c for c in plan.channels if not c.supplier.role and c.quoted and c.active]
    traders = [c for c in free if c.supplier.kind is SupplierKind.TRADER and not c.vertical]
    if traders:
        trader = max(traders, key=lambda c: (c.supplier.order_weight, -c.supplier.id)).supplier
        for channel in plan.channels:
            if channel.supplier is trader:
                channel.damaged_returns = channel.returns_planted = True
        plan.planted.append(
            PlantedPattern(
                "RETURNS_HIGH",
                trader.code,
                None,
                "damaged goods sent back again and again: returns above 5% of deliveries",
            )
        )
    long_chains = [c for c in free if c.tier >= 3 and not c.damaged_returns]
    if long_chains:
        fake = max(long_chains, key=lambda c: (c.supplier.order_weight, -c.id))
        fake.counterfeit_planted = fake.returns_planted = True
        plan.planted.append(
            PlantedPattern(
                "COUNTERFEIT_SUSPECTED",
                fake.supplier.code,
                fake.brand.name,
                f"tier-{fake.tier} chain: a customer returned a suspected fake",
            )
        )
    slow_chains = [c for c in free if c.slow_customs]
    if slow_chains:
        slow = max(slow_chains, key=lambda c: (c.supplier.order_weight, -c.id))
        low, high = SLOW_CLEARANCE_DAYS
        plan.planted.append(
            PlantedPattern(
                "CUSTOMS_DELAY",
                slow.supplier.code,
                slow.brand.name,
                f"tier-{slow.tier} chain: goods held at customs {low} to {high} days",
            )
        )


def return_chance(channel: PlannedChannel) -> float:
    """The chance that a delivered line of this channel sees an everyday return."""
    return RETURN_CHANCE[0 if channel.vertical else min(channel.tier, 5)]


class AfterSale:
    """Per purchase line of the history: its clearance days and the returns it sees."""

    def __init__(self, plan: Plan) -> None:
        self.rnd: Callable[[], float] = plan.after_sale_rng.random
        self.as_of = plan.as_of
        self.window_start = plan.as_of - 365
        self.planted_fake_done = False

    def clearance(self, clearance: int, lead: int) -> int:
        """A slow chain's goods are often held at customs for 8 to 15 days (within the lead)."""
        if self.rnd() < HELD_SHARE:
            low, high = SLOW_CLEARANCE_DAYS
            return min(lead, low + int(self.rnd() * (high - low + 1)))
        return clearance

    def returns(
        self,
        channel: PlannedChannel,
        line_id: int,
        order_day: int,
        parts: list[tuple[int, int]],
        ordinary: bool,
    ) -> list[ReturnRow]:
        """The returns of one line from its delivered (day, accepted) parts; none dated after
        as_of, none before the last delivery, never more than was accepted.

        `ordinary`: the line drew one of the everyday returns (`return_chance`). Most
        lines of a million-line demo see no return and are never asked.
        """
        rnd = self.rnd
        accepted = sum(units for _day, units in parts)
        if accepted <= 0:
            return []
        last_day = max(day for day, _units in parts)
        found: dict[tuple[int, str], int] = {}

        def add(reason: ReturnReason, share: tuple[float, float]) -> None:
            low, high = RETURN_AFTER_DAYS
            day = last_day + low + int(rnd() * (high - low + 1))
            if day > self.as_of:
                return  # not sent back yet
            units = max(1, int(accepted * (share[0] + rnd() * (share[1] - share[0]))))
            key = (day, reason.value)
            found[key] = found.get(key, 0) + units

        if ordinary:
            table = _LONG_CHAIN_REASONS if channel.tier >= 3 and not channel.vertical else _REASONS
            pick = rnd()
            add(next(reason for upto, reason in table if pick < upto), RETURN_SHARE)
        if channel.damaged_returns and rnd() < DAMAGED_CHANCE:
            add(_D, DAMAGED_SHARE)
        # On the planted chain, the first line of the window that can show a fake does.
        in_window = channel.counterfeit_planted and order_day > self.window_start
        if in_window and (not self.planted_fake_done or rnd() < COUNTERFEIT_CHANCE):
            before = len(found)
            add(_C, RETURN_SHARE)
            self.planted_fake_done = self.planted_fake_done or len(found) > before
        rows: list[ReturnRow] = []
        left = accepted
        for (day, reason), units in sorted(found.items()):
            units = min(units, left)
            if units <= 0:
                break
            rows.append((line_id, day, units, reason))
            left -= units
        return rows
