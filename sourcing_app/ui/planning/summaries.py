"""What the Planning screen says in sentences: a brand's plan, and each scenario's effect."""

from __future__ import annotations

from collections.abc import Sequence

from sourcing_app.domain.allocation import BrandAllocation
from sourcing_app.domain.formatting import NO_VALUE, money, percent
from sourcing_app.i18n import _, is_chinese, ngettext, pgettext
from sourcing_app.services.brand_overview import BrandOverview
from sourcing_app.services.scenarios import ScenarioResult

ERROR_STYLE = "color: #b3261e;"
STANDINGS_NAMED = 4  # standing changes named in a scenario's summary; the rest counted


def sentence(text: str) -> str:
    """A reason as a sentence: first letter up (codes keep their case), a full stop
    (。 in Chinese)."""
    stop = "。" if is_chinese() else "."
    ending = "" if text.endswith((".", "。")) else stop
    return text[:1].upper() + text[1:] + ending


def unbroken(text: str, currency: str) -> str:
    """Keep "CNY 1,234.50" and "60.0 %" on one line when a summary wraps."""
    return text.replace(" %", "\u00a0%").replace(f"{currency} ", f"{currency}\u00a0")


def _warning(text: str) -> str:
    return f"<span style='{ERROR_STYLE}'>{text}</span>"


def brand_summary(
    label: str, shown: BrandAllocation, overview: BrandOverview | None, currency: str
) -> str:
    """The brand's plan under `label` ("Today", a scenario's name), in rich text."""
    hhi = NO_VALUE if shown.hhi is None else f"{shown.hhi:.2f}"
    figures = {
        "brand": f"<b>{shown.brand}</b>",
        "plan": label,
        "demand": f"{shown.demand:,}",
        "allocated": f"{shown.allocated:,}",
        "margin": money(shown.expected_margin, currency),
        "vertical": percent(shown.vertical_share),
        "hhi": hhi,
    }
    if shown.hot_selling:
        first = _(
            "{brand} (hot-selling, planned first) — {plan}: demand {demand} units a month, "
            "allocated {allocated}, expected margin {margin} a month, vertical {vertical}, "
            "HHI {hhi}."
        ).format(**figures)
    else:
        first = _(
            "{brand} — {plan}: demand {demand} units a month, allocated {allocated}, "
            "expected margin {margin} a month, vertical {vertical}, HHI {hhi}."
        ).format(**figures)
    parts = [first]
    if shown.shortfall:
        parts.append(_warning(sentence(shown.shortfall)))
    if shown.floor_words:
        parts.append(sentence(shown.floor_words))
    if overview is not None and overview.flags:
        messages = pgettext("list", "; ").join(f.message for f in overview.flags)
        parts.append(_("Flags: {messages}.").format(messages=messages))
    return unbroken("<br>".join(parts), currency)


def scenario_summary(result: ScenarioResult) -> str:
    """One scenario's effect: margin before and after, what turns unprofitable or short."""
    currency = result.currency
    comma = pgettext("list", ", ")
    bad = [b.brand for b in result.unprofitable]
    short = [
        ngettext(
            "{brand} (short by {n} unit)", "{brand} (short by {n} units)", b.after.uncovered
        ).format(brand=b.brand, n=f"{b.after.uncovered:,}")
        for b in result.uncovered
    ]
    standings = [
        _("{supplier} {before} → {after}").format(
            supplier=c.supplier_code, before=c.before.label, after=c.after.label
        )
        for c in result.standing_changes
    ]
    named = comma.join(standings[:STANDINGS_NAMED])
    if len(standings) > STANDINGS_NAMED:
        more = len(standings) - STANDINGS_NAMED
        named = ngettext("{names} and {n} more", "{names} and {n} more", more).format(
            names=named, n=more
        )
    unprofitable = (
        _warning(_("Unprofitable: {brands}.").format(brands=comma.join(bad)))
        if bad
        else _("Unprofitable: none.")
    )
    losing = (
        _warning(_("Losing coverage: {brands}.").format(brands=comma.join(short)))
        if short
        else _("Losing coverage: none.")
    )
    changing = (
        _("Standings changing: {changes}.").format(changes=named)
        if named
        else _("Standings changing: none.")
    )
    return _(
        "{scenario} ({changes}): expected margin {before} → {after} a month. "
        "{unprofitable} {losing} {standings}"
    ).format(
        scenario=f"<b>{result.scenario.name}</b>",
        changes=result.scenario.describe(currency),
        before=money(result.margin_before, currency),
        after=money(result.margin_after, currency),
        unprofitable=unprofitable,
        losing=losing,
        standings=changing,
    )


def scenario_summaries(results: Sequence[ScenarioResult]) -> str:
    """Every scenario's summary, one a line, in rich text."""
    if not results:
        return _("Build a scenario above, or pick saved ones, and run it.")
    return unbroken("<br>".join(scenario_summary(r) for r in results), results[0].currency)
