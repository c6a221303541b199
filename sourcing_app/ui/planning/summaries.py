"""What the Planning screen says in sentences: a brand's plan, and each scenario's effect."""

from __future__ import annotations

from collections.abc import Sequence

from sourcing_app.domain.allocation import BrandAllocation
from sourcing_app.domain.formatting import NO_VALUE, money, percent
from sourcing_app.services.brand_overview import BrandOverview
from sourcing_app.services.scenarios import ScenarioResult

ERROR_STYLE = "color: #b3261e;"
STANDINGS_NAMED = 4  # standing changes named in a scenario's summary; the rest counted


def sentence(text: str) -> str:
    """A reason as a sentence: first letter up (codes keep their case), a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def unbroken(text: str, currency: str) -> str:
    """Keep "CNY 1,234.50" and "60.0 %" on one line when a summary wraps."""
    return text.replace(" %", "\u00a0%").replace(f"{currency} ", f"{currency}\u00a0")


def _warning(text: str) -> str:
    return f"<span style='{ERROR_STYLE}'>{text}</span>"


def brand_summary(
    label: str, shown: BrandAllocation, overview: BrandOverview | None, currency: str
) -> str:
    """The brand's plan under `label` ("Today", a scenario's name), in rich text."""
    hot = " (hot-selling, planned first)" if shown.hot_selling else ""
    hhi = NO_VALUE if shown.hhi is None else f"{shown.hhi:.2f}"
    parts = [
        f"<b>{shown.brand}</b>{hot} — {label}: demand {shown.demand:,} units a month, "
        f"allocated {shown.allocated:,}, expected margin "
        f"{money(shown.expected_margin, currency)} a month, vertical "
        f"{percent(shown.vertical_share)}, HHI {hhi}."
    ]
    if shown.shortfall:
        parts.append(_warning(sentence(shown.shortfall)))
    if shown.floor_words:
        parts.append(sentence(shown.floor_words))
    if overview is not None and overview.flags:
        parts.append("Flags: " + "; ".join(f.message for f in overview.flags) + ".")
    return unbroken("<br>".join(parts), currency)


def scenario_summary(result: ScenarioResult) -> str:
    """One scenario's effect: margin before and after, what turns unprofitable or short."""
    currency = result.currency
    bad = [b.brand for b in result.unprofitable]
    short = [f"{b.brand} (short by {b.after.uncovered:,} units)" for b in result.uncovered]
    standings = [
        f"{c.supplier_code} {c.before.value} → {c.after.value}" for c in result.standing_changes
    ]
    named = ", ".join(standings[:STANDINGS_NAMED])
    if len(standings) > STANDINGS_NAMED:
        named += f" and {len(standings) - STANDINGS_NAMED} more"
    unprofitable = _warning(f"Unprofitable: {', '.join(bad)}.") if bad else "Unprofitable: none."
    losing = (
        _warning(f"Losing coverage: {', '.join(short)}.") if short else ("Losing coverage: none.")
    )
    return (
        f"<b>{result.scenario.name}</b> ({result.scenario.describe()}): expected margin "
        f"{money(result.margin_before, currency)} → {money(result.margin_after, currency)} "
        f"a month. {unprofitable} {losing} Standings changing: {named or 'none'}."
    )


def scenario_summaries(results: Sequence[ScenarioResult]) -> str:
    """Every scenario's summary, one a line, in rich text."""
    if not results:
        return "Build a scenario above, or pick saved ones, and run it."
    return unbroken("<br>".join(scenario_summary(r) for r in results), results[0].currency)
