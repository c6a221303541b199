"""Every tunable number of the scoring, with its default.

The defaults are those of docs/margin.md, docs/stability.md and
docs/standings-and-flags.md.

These are data, not constants: the settings screen edits them and the
database stores them (key `scoring`), so a team shares one set.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

DEFAULT_WEIGHTS: dict[str, float] = {
    "fill": 20.0,
    "on_time": 20.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
    "clearance": 10.0,
}
# The six weights before customs clearance was scored (docs/stability.md).
SIX_WEIGHT_DEFAULTS: dict[str, float] = {
    "fill": 25.0,
    "on_time": 25.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
}


def weights_from_json(stored: dict[str, Any]) -> dict[str, float]:
    """Weights as saved; six weights from before clearance follow the upgrade's rule.

    The earlier defaults become today's; a buyer's own six weights are kept as
    they were, with clearance at 0, so their scores do not move by themselves
    (the same rule as the database upgrade, migration 0003).
    """
    weights = {k: float(v) for k, v in stored.items()}
    if "clearance" in weights or not weights:
        return {**DEFAULT_WEIGHTS, **weights}
    six = {**SIX_WEIGHT_DEFAULTS, **weights}
    return dict(DEFAULT_WEIGHTS) if six == SIX_WEIGHT_DEFAULTS else {**six, "clearance": 0.0}


@dataclass(frozen=True)
class CostSettings:
    """Fees and tax-regime parameters of the landed-cost walk (docs/margin.md)."""

    platform_commission: Decimal = Decimal("0.05")
    payment_fee: Decimal = Decimal("0.01")
    clearance_fee: Decimal = Decimal("0")  # per unit, home currency
    fulfilment_fee: Decimal = Decimal("0")  # per unit, home currency
    cbec_factor: Decimal = Decimal("0.7")
    cbec_transaction_limit: Decimal = Decimal("5000")
    cbec_annual_limit: Decimal = Decimal("26000")
    target_margin: Decimal = Decimal("0.35")


@dataclass(frozen=True)
class StandingBands:
    """Lower edges, inclusive, of each standing on the unrounded sourcing score."""

    preferred: float = 75.0
    approved: float = 55.0
    watch: float = 35.0


@dataclass(frozen=True)
class ScoringSettings:
    home_currency: str = "CNY"
    window_days: int = 365
    grace_days: int = 2
    shrinkage_m: float = 5.0
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    bands: StandingBands = field(default_factory=StandingBands)
    costs: CostSettings = field(default_factory=CostSettings)
    # Flag thresholds (docs/standings-and-flags.md).
    auth_warning_days: int = 60
    price_spike_days: int = 90
    price_spike_pct: float = 0.10
    stale_days: int = 180
    thin_history_lines: int = 5
    fill_drop_points: float = 0.10  # a fall of more than 10 points; smaller ones are noise
    # Customs clearance and returns after sale (docs/stability.md, docs/standings-and-flags.md).
    clearance_target_days: int = 3  # a delivery cleared within this many days counts as cleared
    customs_hold_days: int = 10  # CUSTOMS_DELAY: a recent delivery that took longer than this
    customs_delay_days: int = 90  # ... dated in the last this many days
    returns_high_pct: float = 0.05  # RETURNS_HIGH: fault returns above this share of accepted units

    def normalised_weights(self) -> dict[str, float]:
        total = sum(max(0.0, w) for w in self.weights.values())
        if total <= 0:
            return {k: 1.0 / len(self.weights) for k in self.weights}
        return {k: max(0.0, w) / total for k, w in self.weights.items()}

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, CostSettings | StandingBands):
                value = {g.name: _plain(getattr(value, g.name)) for g in fields(value)}
            data[f.name] = _plain(value)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoringSettings:
        base = cls()
        changes: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            if f.name == "costs":
                value = replace(
                    base.costs,
                    **{k: Decimal(str(v)) for k, v in value.items() if hasattr(base.costs, k)},
                )
            elif f.name == "bands":
                value = replace(
                    base.bands,
                    **{k: float(v) for k, v in value.items() if hasattr(base.bands, k)},
                )
            elif f.name == "weights":
                value = weights_from_json(value)
            changes[f.name] = value
        return replace(base, **changes)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
