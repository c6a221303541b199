"""A point's figures for every supplier, with the domain's own formulas.

The evidence of each supplier at the point goes through `raw_measures`, the
priors are the portfolio's at that point (`portfolio_priors`), and shrinkage,
the stability and sourcing scores, the margin and the standing are the
domain's functions, as in `domain.evaluation.evaluate`. Flags are not worked
out: a history point carries the figures, not the flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sourcing_app.domain.channels import ChannelTerms, channel_structure_value, channel_type
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation import SkuMargin, supplier_margin_pct
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS
from sourcing_app.domain.landed_cost import LandedCostWalk, margin_score
from sourcing_app.domain.scoring import sourcing_score, stability_score, standing
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import (
    ChannelShare,
    Measure,
    PriceMoments,
    StabilityEvidence,
    confidence,
    portfolio_priors,
    shrink,
)
from sourcing_app.services.history.sums import SupplierSeries
from sourcing_app.services.scoring.reference import Reference, SkuNames


@dataclass(frozen=True, slots=True)
class PointFigures:
    standing: Standing
    sourcing_score: float | None
    margin_score: float | None
    margin_pct: float | None
    stability_score: float
    confidence: float
    sub_scores: dict[str, float]


class PointEvidence:
    """Builds a supplier's StabilityEvidence at one point from its series.

    What does not change from point to point is worked out once per supplier
    and kept: its active channels, and its SKUs' price series in SKU order
    (the order `evidence` at the scoring run lists them in).
    """

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.skus = SkuNames((pid, product[0]) for pid, product in reference.products.items())
        self._channels: dict[int, list[tuple[int, str, ChannelTerms]]] = {}
        self._prices: dict[int, list[tuple[str, list[Any], list[Any], list[Any]]]] = {}

    def _active_channels(self, sid: int) -> list[tuple[int, str, ChannelTerms]]:
        kept = self._channels.get(sid)
        if kept is None:
            channels = self.reference.channels
            kept = self._channels[sid] = [
                (cid, channels[cid][2], channels[cid][3])
                for cid in self.reference.channels_by_supplier.get(sid, ())
                if channels[cid][4]
            ]
        return kept

    def _price_series(
        self, sid: int, series: SupplierSeries
    ) -> list[tuple[str, list[Any], list[Any], list[Any]]]:
        kept = self._prices.get(sid)
        if kept is None:
            skus = self.skus
            kept = [(skus[pid], *triple) for pid, triple in series.prices.items()]
            # Stable, as the scoring run's sort of the SKUs at one point: the
            # SKUs traded at a point keep this order among themselves.
            kept.sort(key=lambda item: item[0])
            self._prices[sid] = kept
        return kept

    def evidence(
        self, sid: int, series: SupplierSeries | None, i: int, day: dt.date
    ) -> StabilityEvidence:
        shares: list[ChannelShare] = []
        for cid, brand_name, terms in self._active_channels(sid):
            by_channel = None if series is None else series.by_channel.get(cid)
            qty = float(by_channel[i]) if by_channel is not None else 0.0
            kind = channel_type(terms, day)
            shares.append(
                ChannelShare(
                    brand_name, kind, terms.tier, channel_structure_value(kind, terms.tier), qty
                )
            )
        if series is None:
            return StabilityEvidence(channels=tuple(shares))
        (
            accepted,
            on_time,
            deliveries,
            lead_sum,
            lead_sq,
            delivered,
            rejected,
            clearance_recorded,
            cleared_in_target,
            fault_returned,
        ) = (s[i] for s in series.delivery)  # in the order of sums.DELIVERY_FIELDS
        return StabilityEvidence(
            due_lines=int(series.due_lines[i]),
            ordered_due=float(series.ordered_due[i]),
            accepted_capped=float(accepted),
            on_time_capped=float(on_time),
            deliveries=int(deliveries),
            lead_sum=float(lead_sum),
            lead_sq_sum=float(lead_sq),
            delivered_qty=float(delivered),
            rejected_qty=float(rejected),
            fault_returned=float(fault_returned),
            clearance_recorded=int(clearance_recorded),
            cleared_in_target=int(cleared_in_target),
            price_moments=tuple(
                PriceMoments(sku, int(counts[i]), prices[i], squares[i])
                for sku, counts, prices, squares in self._price_series(sid, series)
                if counts[i] > 0
            ),
            channels=tuple(shares),
        )


def score_point(
    raws: Mapping[int, dict[str, Measure]],
    evidence: Mapping[int, StabilityEvidence],
    walks: Mapping[int, Sequence[tuple[int, LandedCostWalk]]],
    series: Mapping[int, SupplierSeries],
    i: int,
    settings: ScoringSettings,
    weights: Mapping[str, float],
) -> dict[int, PointFigures]:
    """Every supplier's figures at point `i`, as `evaluate` would give them."""
    priors = portfolio_priors(raws.values())
    m = settings.shrinkage_m
    out: dict[int, PointFigures] = {}
    for sid, raw in raws.items():
        values: dict[str, float | None] = {}
        for key in SUB_SCORE_KEYS:
            measure = raw[key]
            if key == "channel":
                # A property of the channels, not a sample: never shrunk.
                values[key] = measure.value
            else:
                values[key] = shrink(measure.value, measure.n, priors[key], m)
        stability = stability_score(values, weights)
        s = series.get(sid)
        margins = tuple(
            SkuMargin(
                walk,
                float(s.by_product[pid][i]) if s is not None and pid in s.by_product else 0.0,
            )
            for pid, walk in walks.get(sid, ())
        )
        pct = supplier_margin_pct(margins)
        margin_sc = None if pct is None else margin_score(pct, settings.costs.target_margin)
        score = sourcing_score(margin_sc, stability)
        out[sid] = PointFigures(
            standing=standing(score, settings.bands),
            sourcing_score=score,
            margin_score=margin_sc,
            margin_pct=pct,
            stability_score=stability,
            confidence=confidence(evidence[sid].due_lines, m),
            sub_scores={k: (0.0 if v is None else v) for k, v in values.items()},
        )
    return out
