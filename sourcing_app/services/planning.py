"""Plan every brand's supply (docs/planning.md): scores → brand figures → allocation.

The rules live in `domain.allocation`; this module reads what they need
(a scoring run, each brand's channels and demand), keeps the planning
settings in the `setting` table (key `planning`, JSON) and writes a plan out
for `sourcing-app plan` and the desktop's exports.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, text

from sourcing_app.domain import formatting
from sourcing_app.domain.allocation import (
    BrandAllocation,
    BrandDemand,
    ChannelOption,
    PlanningSettings,
    PortfolioAllocation,
    allocate_portfolio,
)
from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode
from sourcing_app.domain.scenarios import PricingChanges
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput, ProgressCallback, no_progress
from sourcing_app.i18n import _, is_chinese, ngettext, pgettext
from sourcing_app.services import text_cells as cells
from sourcing_app.services.brand_overview import (
    BrandOverview,
    brand_margins,
    brand_overviews,
)
from sourcing_app.services.output_values import csv_cell, json_money, json_number
from sourcing_app.services.scoring import ScoringService, cycle_collector_paused
from sourcing_app.services.settings import load_settings, upsert_setting

PLANNING_KEY = "planning"


def load_planning_settings(conn: Connection | Engine) -> PlanningSettings:
    """The saved planning rules, or the defaults when none were saved."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load_planning_settings(c)
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": PLANNING_KEY}
    ).scalar()
    if not value:
        return PlanningSettings()
    try:
        data = json.loads(value)
    except ValueError:
        raise BadInput(_("the saved planning settings are not valid JSON")) from None
    if not isinstance(data, dict):
        raise BadInput(_("the saved planning settings are not a JSON object"))
    return PlanningSettings.from_json(data)


def save_planning_settings(conn: Connection, settings: PlanningSettings) -> None:
    put_setting(conn, PLANNING_KEY, json.dumps(settings.to_json(), sort_keys=True))


def put_setting(conn: Connection, key: str, payload: str) -> None:
    """Insert or replace one row of the `setting` table (the caller owns the transaction)."""
    upsert_setting(conn, key, payload)


def brand_demands(
    overviews: Iterable[BrandOverview], counterfeit: frozenset[int] = frozenset()
) -> list[BrandDemand]:
    """What the allocation needs of each brand: its demand and its active channels.

    `counterfeit`: the ids of suppliers flagged COUNTERFEIT_SUSPECTED, left out of the plan.
    """
    return [
        BrandDemand(
            o.id,
            o.name,
            o.hot_selling,
            o.planned_monthly_demand,
            tuple(
                ChannelOption(
                    c.supplier_id,
                    c.supplier_code,
                    c.supplier_name,
                    c.channel_type is ChannelType.VERTICAL,
                    c.standing,
                    c.unit_margin,
                    c.fill,
                    c.monthly_capacity,
                    c.supplier_id in counterfeit,
                )
                for c in o.active_channels
            ),
        )
        for o in overviews
    ]


@dataclass(frozen=True)
class PortfolioPlan:
    """A plan of every brand, with what it was built from."""

    as_of: dt.date
    home_currency: str
    allocation: PortfolioAllocation
    overviews: tuple[BrandOverview, ...]  # by brand name
    scores: tuple[SupplierScore, ...]

    @property
    def settings(self) -> PlanningSettings:
        return self.allocation.settings

    @property
    def brands(self) -> list[BrandAllocation]:
        """Every brand's allocation, by brand name."""
        return sorted(self.allocation.brands, key=lambda b: b.brand)

    def brand(self, name: str) -> BrandAllocation:
        for b in self.allocation.brands:
            if b.brand.casefold() == name.casefold():
                return b
        raise BadInput(_("there is no brand named '{name}'").format(name=name))

    def overview(self, brand_id: int) -> BrandOverview | None:
        for o in self.overviews:
            if o.id == brand_id:
                return o
        return None


def plan_portfolio(
    engine: Engine,
    as_of: dt.date,
    *,
    scores: Sequence[SupplierScore] | None = None,
    settings: PlanningSettings | None = None,
    scoring_settings: ScoringSettings | None = None,
    lost: Iterable[str] = (),
    pricing: PricingChanges | None = None,
    baseline: PortfolioPlan | None = None,
    progress: ProgressCallback = no_progress,
) -> PortfolioPlan:
    """Score (unless `scores` are given), then plan every brand that is not archived.

    `lost` and `pricing` are a scenario's changes; the data is only read. With a
    `baseline` plan of the same day, its channels, capacities and window units
    are reused (a scenario changes none of them), so only the scores are new.
    """
    scoring_settings = scoring_settings or load_settings(engine)
    if scores is None:
        scores = ScoringService(engine).score_all(
            as_of, scoring_settings, progress, pricing=pricing
        )
    if settings is None:
        settings = load_planning_settings(engine)
    progress(0, 1, _("Planning every brand's supply…"))
    with cycle_collector_paused():
        if baseline is not None and baseline.as_of == as_of:
            overviews = rescored_overviews(engine, baseline.overviews, scores)
        else:
            overviews = brand_overviews(engine, scores, as_of, scoring_settings)
        allocation = allocate_portfolio(
            brand_demands(overviews, counterfeit_suspects(scores)),
            settings,
            lost=lost,
            currency=scoring_settings.home_currency,
        )
    progress(
        1,
        1,
        ngettext("{count} brand planned.", "{count} brands planned.", len(overviews)).format(
            count=f"{len(overviews):,}"
        ),
    )
    return PortfolioPlan(
        as_of, scoring_settings.home_currency, allocation, tuple(overviews), tuple(scores)
    )


def counterfeit_suspects(scores: Iterable[SupplierScore]) -> frozenset[int]:
    """The suppliers a plan gives nothing: customers returned their goods as suspected fakes."""
    return frozenset(
        s.supplier_id
        for s in scores
        if any(f.code is FlagCode.COUNTERFEIT_SUSPECTED for f in s.flags)
    )


def rescored_overviews(
    engine: Engine, overviews: Sequence[BrandOverview], scores: Sequence[SupplierScore]
) -> list[BrandOverview]:
    """`overviews` with every channel's supplier figures taken from `scores` instead.

    The same figures, worked out the same way, as `brand_overviews` gives for
    these scores (tests/services/test_planning_demo checks that they are equal):
    it saves reading every channel and the window's units again for a scenario.
    """
    by_supplier = {s.supplier_id: s for s in scores}
    skus_by_brand: dict[int, set[str]] = defaultdict(set)
    with engine.connect() as conn:
        for brand_id, sku in conn.execute(text("SELECT brand_id, sku FROM product")):
            skus_by_brand[brand_id].add(sku)
    out = []
    for o in overviews:
        skus = skus_by_brand.get(o.id, set())
        channels = []
        for c in o.channels:
            score = by_supplier.get(c.supplier_id)
            margin_pct, unit_margin = brand_margins(score, skus)
            channels.append(
                replace(
                    c,
                    standing=score.standing if score else Standing.UNRATED,
                    sourcing_score=score.sourcing_score if score else None,
                    stability_score=score.stability_score if score else None,
                    fill=score.sub_scores["fill"].value
                    if score and "fill" in score.sub_scores
                    else None,
                    margin_pct=margin_pct,
                    unit_margin=unit_margin,
                )
            )
        channels.sort(key=lambda c: (not c.active, -(c.sourcing_score or -1.0), c.supplier_code))
        out.append(replace(o, channels=tuple(channels)))
    return out


# --- output: `sourcing-app plan` and exports -----------------------------------------------


def allocation_record(b: BrandAllocation) -> dict[str, Any]:
    """The documented JSON object of one brand's plan: exactly these fields."""
    return {
        "brand": b.brand,
        "demand": b.demand,
        "allocated": b.allocated,
        "uncovered": b.uncovered,
        "expected_margin": json_money(b.expected_margin),
        "vertical_share": json_number(b.vertical_share, 4),
        "hhi": json_number(b.hhi, 4),
        "lines": [
            {
                "supplier_code": line.supplier_code,
                "units": line.units,
                "unit_margin": json_money(line.unit_margin),
                "expected_fill": json_number(line.expected_fill, 4),
                "reason": line.file_reason,
            }
            for line in b.lines
        ],
    }


PLAN_CSV_COLUMNS = (
    "brand",
    "demand",
    "allocated",
    "uncovered",
    "expected_margin",
    "vertical_share",
    "hhi",
    "supplier_code",
    "units",
    "unit_margin",
    "expected_fill",
    "reason",
)


def plan_csv_rows(brands: Sequence[BrandAllocation]) -> list[list[Any]]:
    """One row per channel line, the brand's figures repeated; a brand without lines: one row."""
    rows: list[list[Any]] = []
    for b in brands:
        rec = allocation_record(b)
        head = [
            rec["brand"],
            rec["demand"],
            rec["allocated"],
            rec["uncovered"],
            csv_cell(rec["expected_margin"]),
            csv_cell(rec["vertical_share"]),
            csv_cell(rec["hhi"]),
        ]
        if not rec["lines"]:
            rows.append(head + ["", "", "", "", b.file_shortfall])
        for line in rec["lines"]:
            rows.append(
                head
                + [
                    line["supplier_code"],
                    line["units"],
                    csv_cell(line["unit_margin"]),
                    csv_cell(line["expected_fill"]),
                    line["reason"],
                ]
            )
    return rows


def write_plan(
    brands: Sequence[BrandAllocation], fmt: str, out: TextIO, *, currency: str = "CNY"
) -> None:
    if fmt == "json":
        json.dump([allocation_record(b) for b in brands], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(PLAN_CSV_COLUMNS)
        writer.writerows(plan_csv_rows(brands))
    else:
        _write_plan_table(brands, out, currency)


def format_money(value: Any, currency: str) -> str:
    """'CNY 1,234.50' in English (as the command line always wrote it); '¥1,234.50' in Chinese."""
    if value is None:
        return "—"
    if is_chinese():
        return formatting.money(value, currency)
    return f"{currency} {float(value):,.2f}"


def format_share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _write_plan_table(brands: Sequence[BrandAllocation], out: TextIO, currency: str) -> None:
    # Translators: the column headers of each brand's lines in `sourcing-app plan`.
    headers = (
        pgettext("plan table", "supplier"),
        pgettext("plan table", "units"),
        pgettext("plan table", "unit margin"),
        pgettext("plan table", "fill"),
        pgettext("plan table", "reason"),
    )
    widths = [max(w, cells.width(h)) for w, h in zip((12, 8, 16, 6), headers, strict=False)]

    def row(code: str, units: str, margin: str, fill: str, reason: str) -> str:
        return (
            f"  {cells.left(code, widths[0])} {cells.right(units, widths[1])} "
            f"{cells.right(margin, widths[2])} {cells.right(fill, widths[3])}  {reason}"
        )

    for b in brands:
        if b.hot_selling:
            title = _("{brand} (hot-selling): demand {demand} units a month")
        else:
            title = _("{brand}: demand {demand} units a month")
        out.write(title.format(brand=b.brand, demand=f"{b.demand:,}") + "\n")
        hhi = "—" if b.hhi is None else f"{b.hhi:.2f}"
        figures = _(
            "allocated {allocated}, uncovered {uncovered}; expected margin {margin} a month; "
            "vertical {vertical}; HHI {hhi}"
        ).format(
            allocated=f"{b.allocated:,}",
            uncovered=f"{b.uncovered:,}",
            margin=format_money(b.expected_margin, currency),
            vertical=format_share(b.vertical_share),
            hhi=hhi,
        )
        out.write(f"  {figures}\n")
        for note in (b.shortfall, b.floor_words):
            if note:
                out.write(f"  {note}\n")
        out.write(row(*headers) + "\n")
        for line in b.lines:
            fill = "—" if line.expected_fill is None else f"{line.expected_fill:.0%}"
            out.write(
                row(
                    line.supplier_code,
                    f"{line.units:,}",
                    format_money(line.unit_margin, currency),
                    fill,
                    line.reason,
                )
                + "\n"
            )
        out.write("\n")
    total = sum((b.expected_margin for b in brands), start=0)
    out.write(
        _("{count} brand(s); expected margin {margin} a month; uncovered {uncovered} units").format(
            count=len(brands),
            margin=format_money(total, currency),
            uncovered=f"{sum(b.uncovered for b in brands):,}",
        )
        + "\n"
    )
