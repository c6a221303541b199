"""Hand-made supplier scores for the UI tests, with numbers a person can check."""

from __future__ import annotations

from decimal import Decimal

from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import Flag, FlagCode


def scored(
    supplier_id: int,
    code: str,
    name: str,
    *,
    standing: Standing,
    sourcing_score: float | None,
    margin_pct: float | None,
    stability: float,
    confidence: float,
    country: str = "HK",
    channel_types: tuple[ChannelType, ...] = (ChannelType.COMPOSITE,),
    brands: tuple[str, ...] = ("Aptamil",),
    flags: tuple[Flag, ...] = (),
) -> SupplierScore:
    return SupplierScore(
        supplier_id=supplier_id,
        supplier_code=code,
        supplier_name=name,
        country=country,
        kind="trader",
        channel_types=channel_types,
        brands=brands,
        standing=standing,
        sourcing_score=sourcing_score,
        margin_score=None if margin_pct is None else min(100.0, margin_pct / 0.35 * 100),
        margin_pct=margin_pct,
        stability_score=stability,
        confidence=confidence,
        due_lines=10,
        spend=Decimal("125000"),
        flags=flags,
    )


THIN_HISTORY = Flag(FlagCode.THIN_HISTORY, "only 2 due lines: the scores rest mostly on the prior")
NO_VALID_QUOTE = Flag(FlagCode.NO_VALID_QUOTE, "no quote is valid on 27 Nov 2026")


def three_suppliers() -> list[SupplierScore]:
    """In supplier-code order, as ScoringService.score_all returns them."""
    return [
        scored(
            1,
            "DE-RHEIN",
            "Rhein Pharma Handel GmbH",
            country="DE",
            standing=Standing.WATCH,
            sourcing_score=48.0,
            margin_pct=0.18,
            stability=44.8,
            confidence=0.5,
            brands=("Aptamil", "Kneipp"),
        ),
        scored(
            2,
            "HK-HARBOUR",
            "Harbour Trading Ltd",
            standing=Standing.PREFERRED,
            sourcing_score=81.2,
            margin_pct=0.4551,
            stability=78.3,
            confidence=0.8333,
            channel_types=(ChannelType.VERTICAL, ChannelType.COMPOSITE),
        ),
        scored(
            3,
            "JP-SAKURA",
            "Sakura Cosmetics KK",
            country="JP",
            standing=Standing.UNRATED,
            sourcing_score=None,
            margin_pct=None,
            stability=61.0,
            confidence=0.2857,
            brands=("Shiseido",),
            flags=(NO_VALID_QUOTE, THIN_HISTORY),
        ),
    ]
