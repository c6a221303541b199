"""What scoring produces for one supplier: the numbers and the words behind them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.flags import Flag

SUB_SCORE_KEYS = ("fill", "on_time", "lead_time", "quality", "price", "channel")
# What the screens, the settings and the reports call each sub-score.
SUB_SCORE_LABELS = {
    "fill": "Fill rate",
    "on_time": "On time",
    "lead_time": "Lead-time consistency",
    "quality": "Quality",
    "price": "Price stability",
    "channel": "Channel structure",
}


# Records below are slotted but not frozen, on purpose: a frozen dataclass sets every
# field through object.__setattr__, and a full run builds some 200,000 of them.
# Treat them as read-only all the same.
@dataclass(slots=True)
class SubScore:
    """One stability sub-score: raw measurement, the shrunk value used, and its inputs in words.

    The words are written out only when `explanation` is read (see stability.Measure).
    """

    key: str
    value: float  # shrunk toward the portfolio prior, 0..1
    raw: float | None  # measured value, None when there is no data
    n: int  # sample size behind `raw`
    weight: float
    words: Callable[..., str]
    inputs: tuple[Any, ...] = ()

    @property
    def explanation(self) -> str:
        return self.words(*self.inputs)


@dataclass(frozen=True)
class SupplierScore:
    supplier_id: int
    supplier_code: str
    supplier_name: str
    country: str
    kind: str
    channel_types: tuple[ChannelType, ...]
    brands: tuple[str, ...]
    standing: Standing
    sourcing_score: float | None
    margin_score: float | None
    margin_pct: float | None
    stability_score: float
    confidence: float
    due_lines: int
    spend: Decimal  # home currency ordered in the window
    sub_scores: dict[str, SubScore] = field(default_factory=dict)
    flags: tuple[Flag, ...] = ()
    sku_margins: tuple[object, ...] = ()  # LandedCostWalk per quoted SKU, see domain.landed_cost

    @property
    def has_vertical(self) -> bool:
        return ChannelType.VERTICAL in self.channel_types
