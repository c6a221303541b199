"""Stability score, sourcing score and standing.

The formulas are docs/stability.md and docs/standings-and-flags.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.settings import StandingBands


def stability_score(values: Mapping[str, float | None], weights: Mapping[str, float]) -> float:
    """100 × Σ wᵢ sᵢ / Σ wᵢ over the sub-scores that have a value."""
    num = 0.0
    den = 0.0
    for key, weight in weights.items():
        value = values.get(key)
        if value is None or weight <= 0:
            continue
        num += weight * value
        den += weight
    return 100.0 * num / den if den > 0 else 0.0


def sourcing_score(margin_score: float | None, stability: float) -> float | None:
    """Geometric mean: a supplier weak on either axis cannot hide."""
    if margin_score is None:
        return None
    return 100.0 * math.sqrt(max(0.0, margin_score / 100.0) * max(0.0, stability / 100.0))


def standing(score: float | None, bands: StandingBands) -> Standing:
    """Banded on the unrounded score; each band includes its lower edge."""
    if score is None:
        return Standing.UNRATED
    if score >= bands.preferred:
        return Standing.PREFERRED
    if score >= bands.approved:
        return Standing.APPROVED
    if score >= bands.watch:
        return Standing.WATCH
    return Standing.AVOID
