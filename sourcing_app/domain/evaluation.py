"""Put one supplier's facts together into its score, standing and flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sourcing_app.domain.channels import ChannelTerms, channel_type
from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.evaluation_flags import (
    CounterfeitReturn,
    CustomsHold,
    counterfeit_flag,
    customs_delay_flag,
    returns_high_flag,
)
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, SubScore, SupplierScore
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.formatting import amount, day, money
from sourcing_app.domain.landed_cost import LandedCostWalk, margin_score
from sourcing_app.domain.scoring import sourcing_score, stability_score, standing
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import (
    Measure,
    StabilityEvidence,
    confidence,
    shrink,
)
from sourcing_app.i18n import _, is_chinese, ngettext


# Records below are slotted but not frozen, on purpose: a frozen dataclass sets every
# field through object.__setattr__, and a full run builds some 200,000 of them.
# Treat them as read-only all the same.
@dataclass(slots=True)
class ChannelFacts:
    brand: str
    terms: ChannelTerms
    active: bool
    ordered_qty: float  # in the window


@dataclass(slots=True)
class SkuMargin:
    walk: LandedCostWalk
    ordered_qty: float  # from this supplier in the window; the weight of its margin


@dataclass(slots=True)
class PriceChange:
    sku: str
    before: float  # mean home-currency unit price, the 90 days before
    recent: float  # mean home-currency unit price, the last 90 days


@dataclass(slots=True)
class SupplierFacts:
    supplier_id: int
    code: str
    name: str
    country: str
    kind: str
    channels: tuple[ChannelFacts, ...]
    evidence: StabilityEvidence
    sku_margins: tuple[SkuMargin, ...] = ()
    expired_quotes: tuple[tuple[str, dt.date], ...] = ()  # SKUs whose latest quote lapsed
    price_changes: tuple[PriceChange, ...] = ()
    previous_fill: tuple[float, float, int] | None = None  # accepted, ordered, due lines
    last_delivery: dt.date | None = None
    first_order: dt.date | None = None
    spend: Decimal = Decimal("0")
    brand_flags: tuple[Flag, ...] = field(default_factory=tuple)
    customs_hold: CustomsHold | None = None  # CUSTOMS_DELAY
    counterfeits: tuple[CounterfeitReturn, ...] = ()  # COUNTERFEIT_SUSPECTED, latest first


def supplier_margin_pct(margins: tuple[SkuMargin, ...]) -> float | None:
    """Mean SKU margin %, weighted by quantity ordered in the window (equal if none was)."""
    if not margins:
        return None
    # One pass, adding in the same order as sum() would.
    total = 0.0
    weighted = 0.0
    plain = 0.0
    for m in margins:
        pct = float(m.walk.margin_pct)
        total += m.ordered_qty
        weighted += pct * m.ordered_qty
        plain += pct
    if total > 0:
        return weighted / total
    return plain / len(margins)


def evaluate(
    facts: SupplierFacts,
    raw: dict[str, Measure],
    priors: dict[str, float],
    settings: ScoringSettings,
    as_of: dt.date,
    weights: Mapping[str, float] | None = None,
) -> SupplierScore:
    """One supplier's score. A full run passes `settings.normalised_weights()` in once."""
    m = settings.shrinkage_m
    if weights is None:
        weights = settings.normalised_weights()
    trusted = settings.thin_history_lines * 4
    sub_scores: dict[str, SubScore] = {}
    values: dict[str, float | None] = {}
    for key in SUB_SCORE_KEYS:
        measure = raw[key]
        weight = weights.get(key, 0.0) * 100.0
        if key == "channel":
            # A property of the channels, not a sample: never shrunk.
            value = measure.value
            sub = SubScore(
                key, 0.0 if value is None else value, value, measure.n, weight,
                measure.words, measure.inputs,
            )  # fmt: skip
        else:
            prior = priors[key]
            value = shrink(measure.value, measure.n, prior, m)
            if measure.value is None:
                sub = SubScore(key, value, None, measure.n, weight, _prior_used, (measure, prior))
            elif measure.n < trusted:
                sub = SubScore(
                    key, value, measure.value, measure.n, weight, _shrunk, (measure, prior)
                )
            else:
                sub = SubScore(
                    key, value, measure.value, measure.n, weight, measure.words, measure.inputs
                )
        sub_scores[key] = sub
        values[key] = value
    stability = stability_score(values, weights)

    margin_pct = supplier_margin_pct(facts.sku_margins)
    margin_sc = None
    if margin_pct is not None:
        margin_sc = margin_score(margin_pct, settings.costs.target_margin)
    score = sourcing_score(margin_sc, stability)
    kinds: set[ChannelType] = set()
    brands: set[str] = set()
    for c in facts.channels:
        if c.active:
            kinds.add(channel_type(c.terms, as_of))
            brands.add(c.brand)
    active_types = tuple(sorted(kinds))
    return SupplierScore(
        supplier_id=facts.supplier_id,
        supplier_code=facts.code,
        supplier_name=facts.name,
        country=facts.country,
        kind=facts.kind,
        channel_types=active_types,
        brands=tuple(sorted(brands)),
        standing=standing(score, settings.bands),
        sourcing_score=score,
        margin_score=margin_sc,
        margin_pct=margin_pct,
        stability_score=stability,
        confidence=confidence(facts.evidence.due_lines, m),
        due_lines=facts.evidence.due_lines,
        spend=facts.spend,
        sub_scores=sub_scores,
        flags=tuple(risk_flags(facts, raw, settings, as_of)),
        sku_margins=tuple(s.walk for s in facts.sku_margins),
    )


def _prior_used(measure: Measure, prior: float) -> str:
    return _("{inputs}; portfolio average {prior} used").format(
        inputs=measure.explanation, prior=f"{prior:.0%}"
    )


def _shrunk(measure: Measure, prior: float) -> str:
    return _("{inputs}; shrunk toward the portfolio average {prior}").format(
        inputs=measure.explanation, prior=f"{prior:.0%}"
    )


def _change(before: float, recent: float, home: str) -> str:
    """'CNY 4,000.00 → 4,400.01'; in Chinese both with their sign: '¥4,000.00 → ¥4,400.01'."""
    if is_chinese():
        return f"{money(before, home)} → {money(recent, home)}"
    return f"{money(before, home)} → {amount(recent)}"


def _authorization_flags(c: ChannelFacts, settings: ScoringSettings, as_of: dt.date) -> list[Flag]:
    """AUTH_EXPIRED or AUTH_EXPIRING for one channel, if either applies."""
    if not c.active or not c.terms.authorization_ref or c.terms.authorized_until is None:
        return []
    days_left = (c.terms.authorized_until - as_of).days
    words = {"ref": c.terms.authorization_ref, "brand": c.brand}
    words["until"] = day(c.terms.authorized_until)
    if days_left < 0:
        ago = -days_left
        if c.terms.tier == 1 and channel_type(c.terms, as_of) is ChannelType.COMPOSITE:
            text = ngettext(
                "authorization {ref} for {brand} expired on {until} ({n} day ago): "
                "the tier-1 channel now counts as composite",
                "authorization {ref} for {brand} expired on {until} ({n} days ago): "
                "the tier-1 channel now counts as composite",
                ago,
            )
        else:
            text = ngettext(
                "authorization {ref} for {brand} expired on {until} ({n} day ago)",
                "authorization {ref} for {brand} expired on {until} ({n} days ago)",
                ago,
            )
        return [Flag(FlagCode.AUTH_EXPIRED, text.format(n=f"{ago:,}", **words))]
    if days_left <= settings.auth_warning_days:
        if c.terms.tier == 1:
            text = ngettext(
                "authorization {ref} for {brand} expires on {until} ({n} day left); "
                "the tier-1 channel then counts as composite",
                "authorization {ref} for {brand} expires on {until} ({n} days left); "
                "the tier-1 channel then counts as composite",
                days_left,
            )
        else:
            text = ngettext(
                "authorization {ref} for {brand} expires on {until} ({n} day left)",
                "authorization {ref} for {brand} expires on {until} ({n} days left)",
                days_left,
            )
        return [Flag(FlagCode.AUTH_EXPIRING, text.format(n=f"{days_left:,}", **words))]
    return []


def risk_flags(
    facts: SupplierFacts, raw: dict[str, Measure], settings: ScoringSettings, as_of: dt.date
) -> list[Flag]:
    """Every risk flag of docs/standings-and-flags.md that applies, each with its cause in words.

    The words follow the reader's language; the codes never change.
    """
    flags: list[Flag] = []
    h = settings.home_currency
    for c in facts.channels:
        flags.extend(_authorization_flags(c, settings, as_of))

    due = facts.evidence.due_lines
    if due < settings.thin_history_lines:
        conf = confidence(due, settings.shrinkage_m)
        text = ngettext(
            "only {n} due line in the window: the scores rest mostly on the portfolio "
            "average (confidence {confidence})",
            "only {n} due lines in the window: the scores rest mostly on the portfolio "
            "average (confidence {confidence})",
            due,
        )
        flags.append(
            Flag(FlagCode.THIN_HISTORY, text.format(n=f"{due:,}", confidence=f"{conf:.0%}"))
        )

    for change in facts.price_changes:
        if change.before > 0 and change.recent > change.before * (1 + settings.price_spike_pct):
            rise = change.recent / change.before - 1
            text = _("{sku}: unit price up {rise} over {days} days, {change} on average").format(
                sku=change.sku,
                rise=f"{rise:.0%}",
                days=settings.price_spike_days,
                change=_change(change.before, change.recent, h),
            )
            flags.append(Flag(FlagCode.PRICE_SPIKE, text))

    fill_now = raw["fill"]
    if facts.previous_fill is not None and fill_now.value is not None:
        accepted, ordered, lines = facts.previous_fill
        if (
            ordered > 0
            and lines >= settings.thin_history_lines
            and fill_now.n >= settings.thin_history_lines
        ):
            before = min(1.0, accepted / ordered)
            # More than the threshold, not equal to it: in floats 0.8 - 0.7 is
            # 0.10000000000000009, which is a fall of exactly 10 points.
            if before - fill_now.value > settings.fill_drop_points + 1e-9:
                text = _(
                    "fill rate fell from {before} to {now} against the previous {days}-day window"
                ).format(
                    before=f"{before:.0%}", now=f"{fill_now.value:.0%}", days=settings.window_days
                )
                flags.append(Flag(FlagCode.FILL_DROP, text))

    if facts.first_order is not None and (as_of - facts.first_order).days >= settings.stale_days:
        if facts.last_delivery is None:
            days = (as_of - facts.first_order).days
            text = _(
                "no delivery in the {days} days since the first order in the window ({first})"
            ).format(days=f"{days:,}", first=day(facts.first_order))
            flags.append(Flag(FlagCode.STALE, text))
        elif (as_of - facts.last_delivery).days >= settings.stale_days:
            days = (as_of - facts.last_delivery).days
            text = _("no delivery for {days} days (last on {last})").format(
                days=f"{days:,}", last=day(facts.last_delivery)
            )
            flags.append(Flag(FlagCode.STALE, text))

    for sku, expired_on in facts.expired_quotes:
        text = _("{sku}: the latest quote expired on {day} and none replaces it").format(
            sku=sku, day=day(expired_on)
        )
        flags.append(Flag(FlagCode.QUOTE_EXPIRED, text))

    if not facts.sku_margins:
        text = _("no quote valid on {day}: margin and sourcing score cannot be worked out").format(
            day=day(as_of)
        )
        flags.append(Flag(FlagCode.NO_VALID_QUOTE, text))

    for s in facts.sku_margins:
        walk = s.walk
        if walk.margin < 0:
            text = _(
                "{sku}: margin {margin} — landed cost {landed} is above net revenue {revenue}"
            ).format(
                sku=walk.sku,
                margin=f"{float(walk.margin_pct):.1%}",
                landed=money(walk.landed, h),
                revenue=money(walk.net_revenue, h),
            )
            flags.append(Flag(FlagCode.NEGATIVE_MARGIN, text))
        if walk.over_cbec_limit:
            text = _(
                "{sku}: customs value {value} is over the CBEC single-transaction limit of "
                "{limit}; taxed as general trade"
            ).format(
                sku=walk.sku,
                value=money(walk.customs_value, h),
                limit=money(settings.costs.cbec_transaction_limit, h, places=0),
            )
            flags.append(Flag(FlagCode.OVER_CBEC_LIMIT, text))

    since = as_of - dt.timedelta(days=settings.customs_delay_days - 1)
    flags.extend(customs_delay_flag(facts.customs_hold, settings.customs_hold_days, since))
    flags.extend(counterfeit_flag(facts.counterfeits))
    e = facts.evidence
    flags.extend(
        returns_high_flag(
            e.fault_returned, e.delivered_qty - e.rejected_qty, settings.returns_high_pct
        )
    )
    flags.extend(facts.brand_flags)
    return flags
