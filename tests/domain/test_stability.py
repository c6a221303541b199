"""Stability sub-scores, shrinkage and standings with numbers checked by hand.

The formulas are docs/stability.md and docs/standings-and-flags.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

import pytest

from sourcing_app.domain.channels import ChannelTerms
from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.evaluation import ChannelFacts, SkuMargin, SupplierFacts, evaluate
from sourcing_app.domain.flags import FlagCode
from sourcing_app.domain.landed_cost import TaxRates, landed_cost_walk
from sourcing_app.domain.scoring import sourcing_score, stability_score, standing
from sourcing_app.domain.settings import ScoringSettings, StandingBands
from sourcing_app.domain.stability import (
    ChannelShare,
    PriceMoments,
    StabilityEvidence,
    confidence,
    fill_rate,
    lead_time_consistency,
    on_time_rate,
    portfolio_priors,
    price_stability,
    quality_rate,
    raw_measures,
    shrink,
)

AS_OF = dt.date(2026, 11, 27)


def test_fill_on_time_and_quality_of_a_composite_tier_3_channel() -> None:
    # 10 due lines of 100 units: 1,000 ordered. 920 accepted (capped per line),
    # 800 arrived by promised + grace; 12 deliveries brought 950 units, 30 rejected.
    e = StabilityEvidence(
        due_lines=10,
        ordered_due=1000,
        accepted_capped=920,
        on_time_capped=800,
        deliveries=12,
        delivered_qty=950,
        rejected_qty=30,
    )
    assert fill_rate(e).value == pytest.approx(0.92)
    assert fill_rate(e).explanation == "fill 92%: 920 of 1,000 units accepted over 10 lines"
    assert on_time_rate(e, 2).value == pytest.approx(0.80)
    assert quality_rate(e).value == pytest.approx(1 - 30 / 950)
    assert quality_rate(e).n == 12


def test_lead_time_consistency_uses_the_population_cv() -> None:
    # Lead times 10, 20, 30 days: mean 20, population sd 8.165, CV 0.408 → 0.592
    e = StabilityEvidence(deliveries=3, lead_sum=60, lead_sq_sum=100 + 400 + 900)
    measure = lead_time_consistency(e)
    assert measure.value == pytest.approx(1 - (200 / 3) ** 0.5 / 20)
    assert measure.n == 3
    assert "20.0 days on average" in measure.explanation


def test_lead_time_needs_two_deliveries() -> None:
    measure = lead_time_consistency(StabilityEvidence(deliveries=1, lead_sum=10, lead_sq_sum=100))
    assert measure.value is None and measure.n == 0


def test_price_stability_is_pooled_within_each_sku() -> None:
    # SKU A at 100 and 110 (mean 105, sd 5, CV 0.0476), SKU B at 500 twice (CV 0).
    # pooled CV = sqrt((25/105² × 2 + 0) / 4) = 0.03367 → 1 − 2 × 0.03367 = 0.9327
    e = StabilityEvidence(
        price_moments=(
            PriceMoments("A", 2, 210.0, 100.0**2 + 110.0**2),
            PriceMoments("B", 2, 1000.0, 2 * 500.0**2),
        )
    )
    measure = price_stability(e, "CNY")
    assert measure.value == pytest.approx(1 - 2 * ((25 / 105**2 * 2) / 4) ** 0.5)
    assert measure.n == 4
    # With one SKU it is exactly 1 − 2 × CV (docs/stability.md).
    one = StabilityEvidence(price_moments=(PriceMoments("A", 2, 210.0, 100.0**2 + 110.0**2),))
    assert price_stability(one, "CNY").value == pytest.approx(1 - 2 * 5 / 105)


def test_channel_structure_is_weighted_by_quantity_and_equal_when_nothing_was_ordered() -> None:
    vertical = ChannelShare("Aurelle", ChannelType.VERTICAL, 0, 1.0, 300)
    tier3 = ChannelShare("Kanso", ChannelType.COMPOSITE, 3, 0.5, 100)
    e = StabilityEvidence(channels=(vertical, tier3))
    assert raw_measures(e, grace_days=2, home_currency="CNY")["channel"].value == pytest.approx(
        0.875
    )
    idle = StabilityEvidence(
        channels=(
            ChannelShare("Aurelle", ChannelType.VERTICAL, 0, 1.0, 0),
            ChannelShare("Kanso", ChannelType.COMPOSITE, 3, 0.5, 0),
        )
    )
    assert raw_measures(idle, grace_days=2, home_currency="CNY")["channel"].value == 0.75


def test_shrinkage_and_confidence() -> None:
    # 2 perfect lines, prior 0.8, m = 5: (2 × 1 + 5 × 0.8) / 7 = 0.857
    assert shrink(1.0, 2, 0.8, 5) == pytest.approx(6 / 7)
    assert shrink(None, 0, 0.8, 5) == 0.8
    assert confidence(2, 5) == pytest.approx(2 / 7)
    assert confidence(200, 5) == pytest.approx(200 / 205)


def test_priors_average_suppliers_with_data_and_fall_back_to_one_half() -> None:
    a = raw_measures(
        StabilityEvidence(due_lines=1, ordered_due=10, accepted_capped=10),
        grace_days=2,
        home_currency="CNY",
    )
    b = raw_measures(
        StabilityEvidence(due_lines=1, ordered_due=10, accepted_capped=5),
        grace_days=2,
        home_currency="CNY",
    )
    none = raw_measures(StabilityEvidence(), grace_days=2, home_currency="CNY")
    priors = portfolio_priors([a, b, none])
    assert priors["fill"] == pytest.approx(0.75)
    assert priors["lead_time"] == 0.5


def test_stability_score_normalises_weights_and_sourcing_score_is_geometric() -> None:
    values = {
        "fill": 1.0,
        "on_time": 0.5,
        "lead_time": 1.0,
        "quality": 1.0,
        "price": 1.0,
        "channel": 1.0,
    }
    # 100 × (25 + 12.5 + 15 + 15 + 10 + 10) / 100 = 87.5, whatever the scale of the weights
    weights = {
        "fill": 25,
        "on_time": 25,
        "lead_time": 15,
        "quality": 15,
        "price": 10,
        "channel": 10,
    }
    assert stability_score(values, weights) == pytest.approx(87.5)
    assert stability_score(values, {k: w * 3 for k, w in weights.items()}) == pytest.approx(87.5)
    # sqrt(0.81 × 0.49) = 0.63
    assert sourcing_score(81.0, 49.0) == pytest.approx(63.0)
    assert sourcing_score(None, 90.0) is None


def test_standing_bands_include_their_lower_edge() -> None:
    bands = StandingBands()
    assert standing(75.0, bands) is Standing.PREFERRED
    assert standing(74.999, bands) is Standing.APPROVED
    assert standing(55.0, bands) is Standing.APPROVED
    assert standing(35.0, bands) is Standing.WATCH
    assert standing(34.9999, bands) is Standing.AVOID
    assert standing(None, bands) is Standing.UNRATED


def _walk(price: str = "100") -> SkuMargin:
    walk = landed_cost_walk(
        sku="SKU-1",
        product_name="Cream",
        unit_price=D(price),
        freight=D("0"),
        insurance=D("0"),
        currency="CNY",
        fx=D("1"),
        rates=TaxRates(),
        retail_price=D("200"),
        costs=ScoringSettings().costs,
    )
    return SkuMargin(walk, 0)


def _facts(code: str, evidence: StabilityEvidence, **kw: object) -> SupplierFacts:
    channel = ChannelFacts("Aurelle", ChannelTerms(2, "", None), True, 0)
    share = ChannelShare("Aurelle", ChannelType.COMPOSITE, 2, 0.7, 0)
    evidence = replace(evidence, channels=(share,))
    return SupplierFacts(
        supplier_id=hash(code) & 0xFFFF,
        code=code,
        name=code,
        country="JP",
        kind="trader",
        channels=(channel,),
        evidence=evidence,
        sku_margins=kw.pop("sku_margins", (_walk(),)),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


def _score_pair(*facts: SupplierFacts) -> list:
    settings = ScoringSettings()
    raws = [raw_measures(f.evidence, grace_days=2, home_currency="CNY") for f in facts]
    priors = portfolio_priors(raws)
    return [evaluate(f, r, priors, settings, AS_OF) for f, r in zip(facts, raws, strict=True)]


def test_two_perfect_deliveries_do_not_outrank_two_hundred_good_ones() -> None:
    perfect = _facts(
        "TWO-PERFECT",
        StabilityEvidence(
            due_lines=2,
            ordered_due=200,
            accepted_capped=200,
            on_time_capped=200,
            deliveries=2,
            lead_sum=40,
            lead_sq_sum=800,
            delivered_qty=200,
            rejected_qty=0,
            price_moments=(PriceMoments("SKU-1", 2, 200.0, 20000.0),),
        ),
    )
    # 200 lines of 100 units: 95 % fill, 92 % on time, lead 18-22 days, 1 % rejected.
    good = _facts(
        "TWO-HUNDRED",
        StabilityEvidence(
            due_lines=200,
            ordered_due=20000,
            accepted_capped=19000,
            on_time_capped=18400,
            deliveries=200,
            lead_sum=4000,
            lead_sq_sum=100 * 18**2 + 100 * 22**2,
            delivered_qty=19200,
            rejected_qty=192,
            price_moments=(PriceMoments("SKU-1", 200, 20000.0, 100 * 98.0**2 + 100 * 102.0**2),),
        ),
    )
    # A weak third supplier pulls the portfolio prior down, as real portfolios do.
    weak = _facts(
        "WEAK",
        StabilityEvidence(
            due_lines=50,
            ordered_due=5000,
            accepted_capped=3000,
            on_time_capped=2000,
            deliveries=50,
            lead_sum=1500,
            lead_sq_sum=50 * 30**2 * 1.5,
            delivered_qty=3200,
            rejected_qty=200,
            price_moments=(PriceMoments("SKU-1", 50, 5000.0, 50 * 100.0**2 * 1.1),),
        ),
    )
    p, g, _w = _score_pair(perfect, good, weak)
    assert p.sub_scores["fill"].raw == 1.0
    assert p.sub_scores["fill"].value < g.sub_scores["fill"].value
    assert p.stability_score < g.stability_score
    assert p.sourcing_score is not None and g.sourcing_score is not None
    assert p.sourcing_score < g.sourcing_score
    assert p.confidence == pytest.approx(2 / 7)
    assert any(f.code is FlagCode.THIN_HISTORY for f in p.flags)
    assert not any(f.code is FlagCode.THIN_HISTORY for f in g.flags)


def test_supplier_without_valid_quote_is_unrated() -> None:
    (s,) = _score_pair(_facts("NOQ", StabilityEvidence(), sku_margins=()))
    assert s.margin_pct is None and s.margin_score is None and s.sourcing_score is None
    assert s.standing is Standing.UNRATED
    assert [f.code for f in s.flags if f.code is FlagCode.NO_VALID_QUOTE]


def test_flags_carry_their_cause_in_words() -> None:
    expired = ChannelFacts(
        "Aurelle", ChannelTerms(1, "AUTH-7", AS_OF - dt.timedelta(days=1)), True, 0
    )
    expiring = ChannelFacts(
        "Kanso", ChannelTerms(1, "AUTH-8", AS_OF + dt.timedelta(days=60)), True, 0
    )
    facts = SupplierFacts(
        supplier_id=1,
        code="S1",
        name="S1",
        country="JP",
        kind="authorized_distributor",
        channels=(expired, expiring),
        evidence=StabilityEvidence(due_lines=10, ordered_due=100, accepted_capped=70),
        sku_margins=(_walk("250"),),
        previous_fill=(95.0, 100.0, 10),
        last_delivery=AS_OF - dt.timedelta(days=200),
        first_order=AS_OF - dt.timedelta(days=700),
    )
    # CNY 250 under CBEC with VAT 13 %: 250 + 0.7 × 250 × 0.13 = 272.75 landed,
    # against 200 × 0.94 = 188.00 net revenue.
    (s,) = _score_pair(facts)
    messages = {f.code: f.message for f in s.flags}
    assert messages[FlagCode.AUTH_EXPIRED] == (
        "authorization AUTH-7 for Aurelle expired on 26 Nov 2026 (1 day ago): "
        "the tier-1 channel now counts as composite"
    )
    assert messages[FlagCode.AUTH_EXPIRING].startswith(
        "authorization AUTH-8 for Kanso expires on 26 Jan 2027 (60 days left)"
    )
    assert messages[FlagCode.FILL_DROP] == (
        "fill rate fell from 95% to 70% against the previous 365-day window"
    )
    assert messages[FlagCode.STALE] == "no delivery for 200 days (last on 11 May 2026)"
    assert (
        "landed cost CNY 272.75 is above net revenue CNY 188.00"
        in messages[FlagCode.NEGATIVE_MARGIN]
    )
