"""What scoring produces for one supplier: the numbers and the words behind them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.flags import Flag
from sourcing_app.i18n import N_, _

SUB_SCORE_KEYS = ("fill", "on_time", "lead_time", "quality", "price", "channel", "clearance")
# What the screens, the settings and the reports call each sub-score.
SUB_SCORE_LABELS = {
    "fill": N_("Fill rate"),
    "on_time": N_("On time"),
    "lead_time": N_("Lead-time consistency"),
    "quality": N_("Quality"),
    "price": N_("Price stability"),
    "channel": N_("Channel structure"),
    "clearance": N_("Customs clearance"),
}


def sub_score_label(key: str) -> str:
    """A sub-score's name in the reader's language: 'Fill rate', '到货满足率'."""
    return _(SUB_SCORE_LABELS[key]) if key in SUB_SCORE_LABELS else key


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
    # True for the summary form (see `summarised`): the figures, flags, fill and each
    # SKU's margin are there; the other sub-scores and the landed-cost steps are not.
    summary: bool = False


@dataclass(frozen=True, slots=True)
class MarginSummary:
    """What is left of a LandedCostWalk in a summarised score: the margin, not the steps."""

    sku: str
    product_name: str
    margin: Decimal
    margin_pct: Decimal
    home_currency: str


# The sub-scores a summary keeps: the supplier table and planning read them.
SUMMARY_SUB_SCORES = frozenset({"fill", "clearance"})


def summarised(score: SupplierScore) -> SupplierScore:
    """The score without its landed-cost steps or sub-scores other than fill and clearance.

    A run of 100,000 suppliers in full is some ten million objects (every walk
    is twenty Decimals); summarised it is a tenth of that. The summary still
    carries all the table, dashboard, brand and planning figures read: the
    scores, standing, flags, the fill and clearance sub-scores and each SKU's
    margin. The full score of one supplier is worked out again when a screen
    shows its details.
    """
    if score.summary:
        return score
    return replace(
        score,
        sub_scores={k: v for k, v in score.sub_scores.items() if k in SUMMARY_SUB_SCORES},
        sku_margins=tuple(
            MarginSummary(
                w.sku,  # type: ignore[attr-defined]
                w.product_name,  # type: ignore[attr-defined]
                w.margin,  # type: ignore[attr-defined]
                w.margin_pct,  # type: ignore[attr-defined]
                w.home_currency,  # type: ignore[attr-defined]
            )
            for w in score.sku_margins
        ),
        summary=True,
    )
