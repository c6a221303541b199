"""Supply-stability sub-scores from per-supplier aggregates (docs/stability.md).

The inputs are sums, counts and sums of squares computed in SQL; nothing here
sees a purchase line. Every raw value comes with its sample size and the
inputs behind it in words, so the buyer can check it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sourcing_app.domain.enums import ChannelType
from sourcing_app.i18n import N_, _, ngettext

SHRUNK_KEYS = ("fill", "on_time", "lead_time", "quality", "price", "clearance")


# Records below are slotted but not frozen, on purpose: a frozen dataclass sets every
# field through object.__setattr__, and a full run builds some 200,000 of them.
# Treat them as read-only all the same.
@dataclass(slots=True)
class PriceMoments:
    """Unit prices in the home currency of one SKU's due lines: count, Σp and Σp²."""

    sku: str
    n: int
    total: float
    total_sq: float


@dataclass(slots=True)
class ChannelShare:
    brand: str
    kind: ChannelType
    tier: int
    structure: float
    ordered_qty: float  # every line ordered in the window, due or not


@dataclass(slots=True)
class StabilityEvidence:
    due_lines: int = 0
    ordered_due: float = 0.0
    accepted_capped: float = 0.0  # Σ min(delivered − rejected, ordered) per due line
    on_time_capped: float = 0.0  # Σ min(delivered by promised + grace, ordered) per due line
    deliveries: int = 0
    lead_sum: float = 0.0
    lead_sq_sum: float = 0.0
    delivered_qty: float = 0.0
    rejected_qty: float = 0.0
    price_moments: tuple[PriceMoments, ...] = ()
    channels: tuple[ChannelShare, ...] = ()
    # Returns after sale on the due lines, dated by as_of (docs/stability.md).
    fault_returned: float = 0.0  # units sent back for a fault of the goods: scored
    other_returned: float = 0.0  # units sent back late or for other reasons: shown only
    # Customs clearance of the same deliveries as quality, those with the days recorded.
    clearance_recorded: int = 0
    cleared_in_target: int = 0
    slowest_clearance: int | None = None  # days
    slowest_clearance_line: str = ""  # the line of that delivery, named after the run's sums
    slowest_clearance_line_id: int = 0


@dataclass(slots=True)
class Measure:
    """A raw sub-score: None when there is no data, with n = 0.

    The words are kept as a formatter and its inputs and only written out when
    `explanation` is read: a full run scores 10,000 suppliers, and formatting
    60,000 sentences nobody reads would cost more than the arithmetic.
    """

    value: float | None
    n: int
    words: Callable[..., str]
    inputs: tuple[Any, ...] = ()

    @property
    def explanation(self) -> str:
        return self.words(*self.inputs)


def _text(words: str) -> str:
    """A fixed sentence, marked with N_ where it is written and translated when read."""
    return _(words)


def _units(x: float) -> str:
    return f"{x:,.0f}"


def _lines(n: int) -> str:
    return ngettext("{n} line", "{n} lines", n).format(n=f"{n:,}")


def population_cv(n: int, total: float, total_sq: float) -> float | None:
    """Coefficient of variation with the population standard deviation, or None."""
    if n < 2:
        return None
    mean = total / n
    if mean == 0:
        return None
    variance = max(0.0, total_sq / n - mean * mean)
    return math.sqrt(variance) / abs(mean)


_NO_DUE_LINES = N_("no due lines in the window")


def _fill_words(value: float, accepted: float, ordered: float, lines: int) -> str:
    return _("fill {rate}: {accepted} of {ordered} units accepted over {lines}").format(
        rate=f"{value:.0%}", accepted=_units(accepted), ordered=_units(ordered), lines=_lines(lines)
    )


def fill_rate(e: StabilityEvidence) -> Measure:
    if e.due_lines == 0 or e.ordered_due <= 0:
        return Measure(None, 0, _text, (_NO_DUE_LINES,))
    value = min(1.0, e.accepted_capped / e.ordered_due)
    return Measure(
        value, e.due_lines, _fill_words, (value, e.accepted_capped, e.ordered_due, e.due_lines)
    )


def _on_time_words(value: float, on_time: float, ordered: float, grace: int, lines: int) -> str:
    return _(
        "on time {rate}: {on_time} of {ordered} units delivered by the promised date "
        "+ {grace} grace days over {lines}"
    ).format(
        rate=f"{value:.0%}",
        on_time=_units(on_time),
        ordered=_units(ordered),
        grace=grace,
        lines=_lines(lines),
    )


def on_time_rate(e: StabilityEvidence, grace_days: int) -> Measure:
    if e.due_lines == 0 or e.ordered_due <= 0:
        return Measure(None, 0, _text, (_NO_DUE_LINES,))
    value = min(1.0, e.on_time_capped / e.ordered_due)
    return Measure(
        value,
        e.due_lines,
        _on_time_words,
        (value, e.on_time_capped, e.ordered_due, grace_days, e.due_lines),
    )


def _deliveries(n: int) -> str:
    return ngettext("{n} delivery", "{n} deliveries", n).format(n=f"{n:,}")


def _too_few_deliveries(n: int) -> str:
    return _("needs at least 2 deliveries; has {n}").format(n=n)


def _lead_words(mean: float, cv: float, deliveries: int) -> str:
    return _("lead time {mean} days on average, CV {cv}, over {deliveries}").format(
        mean=f"{mean:.1f}", cv=f"{cv:.2f}", deliveries=_deliveries(deliveries)
    )


def lead_time_consistency(e: StabilityEvidence) -> Measure:
    cv = population_cv(e.deliveries, e.lead_sum, e.lead_sq_sum)
    if cv is None:
        return Measure(None, 0, _too_few_deliveries, (e.deliveries,))
    mean = e.lead_sum / e.deliveries
    value = max(0.0, 1.0 - cv)
    return Measure(value, e.deliveries, _lead_words, (mean, cv, e.deliveries))


def _quality_words(
    value: float,
    rejected: float,
    delivered: float,
    deliveries: int,
    fault_returned: float = 0.0,
    other_returned: float = 0.0,
) -> str:
    if fault_returned:
        words = _(
            "quality {rate}: {rejected} of {delivered} delivered units rejected and "
            "{returned} returned for a fault of the goods over {deliveries}"
        ).format(
            rate=f"{value:.1%}",
            rejected=_units(rejected),
            delivered=_units(delivered),
            returned=_units(fault_returned),
            deliveries=_deliveries(deliveries),
        )
    else:
        words = _(
            "quality {rate}: {rejected} of {delivered} delivered units rejected over {deliveries}"
        ).format(
            rate=f"{value:.1%}",
            rejected=_units(rejected),
            delivered=_units(delivered),
            deliveries=_deliveries(deliveries),
        )
    if not other_returned:
        return words
    shown = _("{units} units returned late or for other reasons (not scored)").format(
        units=_units(other_returned)
    )
    # Translators: between the parts of one sub-score's inputs, "A …; B …".
    return _("; ").join((words, shown))


def quality_rate(e: StabilityEvidence) -> Measure:
    """max(0, 1 − (Σ rejected + Σ returned for a fault) / Σ delivered) (docs/stability.md)."""
    if e.deliveries == 0 or e.delivered_qty <= 0:
        return Measure(None, 0, _text, (N_("no deliveries in the window"),))
    value = max(0.0, 1.0 - (e.rejected_qty + e.fault_returned) / e.delivered_qty)
    return Measure(
        value,
        e.deliveries,
        _quality_words,
        (value, e.rejected_qty, e.delivered_qty, e.deliveries, e.fault_returned, e.other_returned),
    )


def _clearance_words(e: StabilityEvidence, target: int) -> str:
    """Read from the evidence when shown: its slowest line is named after the sums are in."""
    cleared, recorded, slowest = e.cleared_in_target, e.clearance_recorded, e.slowest_clearance
    line = e.slowest_clearance_line
    text = ngettext(
        "{cleared} of {n} delivery cleared within {target} days; slowest {slowest} days, "
        "line {line}",
        "{cleared} of {n} deliveries cleared within {target} days; slowest {slowest} days, "
        "line {line}",
        recorded,
    )
    return text.format(
        cleared=f"{cleared:,}",
        n=f"{recorded:,}",
        target=target,
        slowest="—" if slowest is None else f"{slowest:,}",
        line=line or "—",
    )


def clearance_rate(e: StabilityEvidence, target_days: int) -> Measure:
    """Share of the deliveries with clearance days recorded that cleared within the target."""
    if e.clearance_recorded == 0:
        return Measure(None, 0, _text, (N_("no delivery with clearance days recorded"),))
    value = e.cleared_in_target / e.clearance_recorded
    return Measure(value, e.clearance_recorded, _clearance_words, (e, target_days))


def price_stability(e: StabilityEvidence, home_currency: str) -> Measure:
    """max(0, 1 − 2 × CV) of the unit price in the home currency.

    The CV is pooled within each SKU: a supplier selling a CNY 50 and a CNY 500
    item has stable prices if each item's price is stable. With one SKU this is
    exactly the CV of docs/stability.md.
    """
    rel_sq = 0.0
    n = 0
    skus = 0
    for m in e.price_moments:
        if m.n < 2 or m.total == 0:
            continue
        mean = m.total / m.n
        rel_sq += max(0.0, m.total_sq - m.total * m.total / m.n) / (mean * mean)
        n += m.n
        skus += 1
    if n == 0:
        return Measure(None, 0, _text, (N_("needs at least 2 due lines of one SKU"),))
    cv = math.sqrt(rel_sq / n)
    value = max(0.0, 1.0 - 2.0 * cv)
    return Measure(value, n, _price_words, (cv, home_currency, n, skus))


def _price_words(cv: float, home_currency: str, lines: int, skus: int) -> str:
    what = ngettext("{n} SKU", "{n} SKUs", skus).format(n=f"{skus:,}")
    return _("price CV {cv} in {currency} over {lines} of {skus}").format(
        cv=f"{cv:.1%}", currency=home_currency, lines=_lines(lines), skus=what
    )


def channel_structure(e: StabilityEvidence) -> Measure:
    """Mean structure value of the active channels, weighted by quantity ordered in the window."""
    channels = e.channels
    if not channels:
        return Measure(None, 0, _text, (N_("no active channel"),))
    if len(channels) == 1:
        # The usual case, and exact: a single channel carries all the weight.
        return Measure(channels[0].structure, 1, _channel_words, (channels, (1.0,)))
    total = sum(c.ordered_qty for c in channels)
    if total > 0:
        weights = tuple(c.ordered_qty / total for c in channels)
    else:
        weights = (1.0 / len(channels),) * len(channels)
    value = sum(w * c.structure for w, c in zip(weights, channels, strict=True))
    return Measure(value, len(channels), _channel_words, (channels, weights))


def _channel_words(channels: tuple[ChannelShare, ...], weights: tuple[float, ...]) -> str:
    parts = []
    for w, c in zip(weights, channels, strict=True):
        if c.kind is ChannelType.VERTICAL:
            text = _("{brand} vertical ({value}, {share} of volume)")
        else:
            text = _("{brand} tier-{tier} composite ({value}, {share} of volume)")
        parts.append(
            text.format(brand=c.brand, tier=c.tier, value=f"{c.structure:.1f}", share=f"{w:.0%}")
        )
    # Translators: between the channels of one supplier, "A …; B …".
    return _("; ").join(parts)


def raw_measures(
    e: StabilityEvidence, *, grace_days: int, home_currency: str, clearance_target_days: int = 3
) -> dict[str, Measure]:
    return {
        "fill": fill_rate(e),
        "on_time": on_time_rate(e, grace_days),
        "lead_time": lead_time_consistency(e),
        "quality": quality_rate(e),
        "price": price_stability(e, home_currency),
        "channel": channel_structure(e),
        "clearance": clearance_rate(e, clearance_target_days),
    }


def portfolio_priors(all_raw: Iterable[Mapping[str, Measure]]) -> dict[str, float]:
    """Mean raw value of each shrunk sub-score over the suppliers that have data, else 0.5."""
    sums = dict.fromkeys(SHRUNK_KEYS, 0.0)
    counts = dict.fromkeys(SHRUNK_KEYS, 0)
    for raw in all_raw:
        for key in SHRUNK_KEYS:
            measure = raw[key]
            if measure.value is not None and measure.n > 0:
                sums[key] += measure.value
                counts[key] += 1
    return {k: (sums[k] / counts[k] if counts[k] else 0.5) for k in SHRUNK_KEYS}


def shrink(value: float | None, n: int, prior: float, m: float) -> float:
    """(n × rate + m × prior) / (n + m): small samples lean on the portfolio prior."""
    if value is None or n <= 0:
        return prior
    return (n * value + m * prior) / (n + m)


def confidence(due_lines: int, m: float) -> float:
    return due_lines / (due_lines + m) if due_lines + m > 0 else 0.0
