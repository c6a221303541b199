"""The brand sourcing report (PDF): a brand's channels side by side (docs/planning.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.formatting import day, money, percent
from sourcing_app.errors import BadInput
from sourcing_app.reports.pdf import Report, table, text, write_pdf
from sourcing_app.reports.plots import channel_bars
from sourcing_app.services.brand_overview import BrandOverview, brand_overviews
from sourcing_app.services.report_data import database_label_of
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def write_brand_report(
    engine: Engine,
    brand_name: str,
    path: str | Path,
    as_of: dt.date,
    *,
    scores: list[SupplierScore] | None = None,
    database: str | None = None,
    made_on: dt.date | None = None,
) -> int:
    """Write the brand's sourcing report to `path` (a PDF); returns the page count."""
    settings = load_settings(engine)
    if scores is None:
        scores = ScoringService(engine).score_all(as_of, settings=settings)
    overviews = brand_overviews(engine, scores, as_of, settings, include_archived=True)
    overview = next((o for o in overviews if o.name == brand_name), None)
    if overview is None:
        near = next((o.name for o in overviews if o.name.lower() == brand_name.lower()), None)
        hint = f" (did you mean '{near}'?)" if near else ""
        raise BadInput(f"no brand named '{brand_name}'{hint}")
    window_start = as_of - dt.timedelta(days=settings.window_days)
    report = build_brand_report(
        overview,
        as_of,
        window_start,
        settings.home_currency,
        database or database_label_of(engine),
        made_on or dt.date.today(),
    )
    return write_pdf(report, path)


def build_brand_report(
    o: BrandOverview,
    as_of: dt.date,
    window_start: dt.date,
    home: str,
    database: str,
    made_on: dt.date,
) -> Report:
    window = f"{day(window_start + dt.timedelta(days=1))} to {day(as_of)}"
    parts = [f"<h1>Brand sourcing: {text(o.name)}</h1>"]
    hot = "hot-selling" if o.hot_selling else "not marked hot-selling"
    parts.append(
        f'<p class="sub">{text(o.category or "no category")}, from '
        f"{text(o.origin_country or 'an unrecorded country')}, {hot} · evaluated as of "
        f"{day(as_of)} over purchase lines ordered {window}</p>"
    )
    coverage = "—" if o.coverage is None else percent(o.coverage, 0)
    capacity = "not recorded" if o.capacity is None else f"{o.capacity:,} units a month"
    if o.unknown_capacity:
        capacity += f" ({o.unknown_capacity} active channel(s) state no capacity)"
    hhi = "—" if o.hhi is None else f"{o.hhi:.2f} (1.00 = one supplier takes everything)"
    facts = [
        ["Planned demand", f"{o.planned_monthly_demand:,} units a month"],
        [
            "Active channels",
            f"{len(o.active_channels)}: {o.vertical_count} vertical, {o.composite_count} composite",
        ],
        ["Capacity of those suppliers", capacity],
        ["Capacity coverage of demand", coverage],
        ["Share vertical channels could carry", percent(o.vertical_share_possible, 0)],
        ["Best margin", percent(o.best_margin_pct, 2)],
        ["Margin weighted by units ordered", percent(o.weighted_margin_pct, 2)],
        [
            "Stability weighted by units ordered",
            "—" if o.weighted_stability is None else f"{o.weighted_stability:.1f} / 100",
        ],
        ["Concentration (HHI of units ordered)", hhi],
        [
            "Single point of failure",
            "yes: one active channel" if o.single_point_of_failure else "no",
        ],
    ]
    parts.append(
        "<h2>The brand at a glance</h2>" + table(["Figure", "Value"], facts, widths=[40, 60])
    )
    if o.flags:
        rows = [[f"<b>{text(f.code.value)}</b>", text(f.message)] for f in o.flags]
        parts.append("<h2>Risk flags</h2>" + table(["Flag", "Cause"], rows, widths=[22, 78]))
    else:
        parts.append("<h2>Risk flags</h2><p>No brand-level risk flags.</p>")
    parts.append("<h2>Channels side by side</h2>")
    if not o.channels:
        parts.append("<p>No channels on record for this brand.</p>")
    else:
        rows = []
        for c in o.channels:
            state = "" if c.active else " (inactive)"
            until = "" if c.authorized_until is None else f"<br>auth. to {day(c.authorized_until)}"
            rows.append(
                [
                    f"<b>{text(c.supplier_code)}</b><br>{text(c.supplier_name)}",
                    f"{c.channel_type.value}{state}<br>tier {c.tier}{until}",
                    text(c.standing.value),
                    "—" if c.sourcing_score is None else f"{c.sourcing_score:.1f}",
                    percent(c.margin_pct, 2),
                    money(c.unit_margin, home),
                    "—" if c.stability_score is None else f"{c.stability_score:.1f}",
                    percent(c.fill),
                    f"{c.units_in_window:,}",
                    "—" if c.monthly_capacity is None else f"{c.monthly_capacity:,}",
                ]
            )
        parts.append(
            table(
                [
                    "Supplier",
                    "Channel",
                    "Standing",
                    "Sourcing<br>score",
                    "Margin",
                    "Margin<br>per unit",
                    "Stability",
                    "Fill",
                    "Units in<br>window",
                    "Capacity<br>a month",
                ],
                rows,
                numeric={3, 4, 5, 6, 7, 8, 9},
                widths=[16, 10, 9, 9, 8, 13, 9, 7, 9, 10],  # "CNY 2,952.56" on one line
                font_pt=7.5,
            )  # fmt: skip
        )
        parts.append(
            '<p class="note">Scores are out of 100. Margin is the mean over the brand\'s SKUs '
            "each supplier quotes validly on the date; fill is the supplier's shrunk fill rate. "
            "Capacity is the supplier's, shared with its other brands.</p>"
        )
    # Before the chart: after it, this one line alone could take a second page.
    parts.append(
        f'<p class="note">Made on {day(made_on)} by Sourcing desk from the database '
        f"{text(database)}.</p>"
    )
    if o.channels:
        parts.append('<p><img src="chart:bars" width="680"></p>')
    images = {}
    if o.channels:
        images["chart:bars"] = channel_bars(
            [
                (
                    f"{c.supplier_code}{'' if c.active else ' (inactive)'}",
                    c.sourcing_score,
                    c.channel_type is ChannelType.VERTICAL,
                )
                for c in o.channels
            ]
        )
    return Report(
        title=f"Brand sourcing · {o.name}",
        header_right=f"as of {day(as_of)}",
        footer_left=f"Sourcing desk · {database} · window {window}",
        body_html="".join(parts),
        images=images,
    )
