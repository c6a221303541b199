"""The brand sourcing report (PDF): a brand's channels side by side (docs/planning.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.formatting import NO_VALUE, cell_day, day, money, percent
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.reports.fonts import CJK_FONTS, FONT_FAMILY, report_font
from sourcing_app.reports.pdf import Report, table, text, write_pdf
from sourcing_app.reports.plots import channel_bars
from sourcing_app.reports.supplier_report import (
    channel_type_words,
    figure_headers,
    flag_headers,
    flag_rows,
    footer,
    made_by,
    window_words,
)
from sourcing_app.reports.trend_section import brand_trends
from sourcing_app.services.brand_overview import BrandOverview, brand_overviews
from sourcing_app.services.report_data import ReportTrend, database_label_of, report_trend
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
    cjk_fonts: tuple[str, ...] = CJK_FONTS,
    trend: ReportTrend | None = None,
) -> int:
    """Write the brand's sourcing report to `path` (a PDF); returns the page count.

    `trend`: the channels' score history, when the caller holds it; otherwise worked out here.

    A Chinese report is set in the first installed of `cjk_fonts`, and refused when none is.
    """
    settings = load_settings(engine)
    if scores is None:
        scores = ScoringService(engine).score_all(as_of, settings=settings)
    overviews = brand_overviews(engine, scores, as_of, settings, include_archived=True)
    overview = next((o for o in overviews if o.name == brand_name), None)
    if overview is None:
        near = next((o.name for o in overviews if o.name.lower() == brand_name.lower()), None)
        if near:
            raise BadInput(
                _("no brand named '{name}' (did you mean '{near}'?)").format(
                    name=brand_name, near=near
                )
            )
        raise BadInput(_("no brand named '{name}'").format(name=brand_name))
    window_start = as_of - dt.timedelta(days=settings.window_days)
    if trend is None:
        trend = report_trend(engine, as_of, [c.supplier_id for c in overview.channels])
    report = build_brand_report(
        overview,
        as_of,
        window_start,
        settings.home_currency,
        database or database_label_of(engine),
        made_on or dt.date.today(),
        cjk_fonts=cjk_fonts,
        trend=trend,
    )
    return write_pdf(report, path)


def build_brand_report(
    o: BrandOverview,
    as_of: dt.date,
    window_start: dt.date,
    home: str,
    database: str,
    made_on: dt.date,
    *,
    cjk_fonts: tuple[str, ...] = CJK_FONTS,
    trend: ReportTrend | None = None,
) -> Report:
    family = report_font(cjk_fonts)
    window = window_words(window_start + dt.timedelta(days=1), as_of)
    parts = ["<h1>" + _("Brand sourcing: {name}").format(name=text(o.name)) + "</h1>"]
    hot = _("hot-selling") if o.hot_selling else _("not marked hot-selling")
    about = _("{category}, from {country}, {hot}").format(
        category=text(o.category or _("no category")),
        country=text(o.origin_country or _("an unrecorded country")),
        hot=hot,
    )
    when = _("evaluated as of {day} over purchase lines ordered {window}").format(
        day=day(as_of), window=window
    )
    parts.append(f'<p class="sub">{about} · {when}</p>')
    coverage = NO_VALUE if o.coverage is None else percent(o.coverage, 0)
    capacity = _("not recorded") if o.capacity is None else _units_a_month(o.capacity)
    if o.unknown_capacity:
        capacity = ngettext(
            "{capacity} ({n} active channel states no capacity)",
            "{capacity} ({n} active channels state no capacity)",
            o.unknown_capacity,
        ).format(capacity=capacity, n=o.unknown_capacity)
    hhi = (
        NO_VALUE
        if o.hhi is None
        else _("{hhi} (1.00 = one supplier takes everything)").format(hhi=f"{o.hhi:.2f}")
    )
    facts = [
        [_("Planned demand"), _units_a_month(o.planned_monthly_demand)],
        [
            _("Active channels"),
            _("{count}: {vertical} vertical, {composite} composite").format(
                count=len(o.active_channels),
                vertical=o.vertical_count,
                composite=o.composite_count,
            ),
        ],
        [_("Capacity of those suppliers"), capacity],
        [_("Capacity coverage of demand"), coverage],
        [_("Share vertical channels could carry"), percent(o.vertical_share_possible, 0)],
        [_("Best margin"), percent(o.best_margin_pct, 2)],
        [_("Margin weighted by units ordered"), percent(o.weighted_margin_pct, 2)],
        [
            _("Stability weighted by units ordered"),
            NO_VALUE if o.weighted_stability is None else f"{o.weighted_stability:.1f} / 100",
        ],
        [_("Concentration (HHI of units ordered)"), hhi],
        [
            _("Single point of failure"),
            _("yes: one active channel") if o.single_point_of_failure else pgettext("answer", "no"),
        ],
    ]
    parts.append(
        "<h2>"
        + _("The brand at a glance")
        + "</h2>"
        + table(figure_headers(), facts, widths=[40, 60])
    )
    parts.append("<h2>" + _("Risk flags") + "</h2>")
    if o.flags:
        parts.append(table(flag_headers(), flag_rows(o.flags), widths=[22, 78]))
    else:
        parts.append("<p>" + _("No brand-level risk flags.") + "</p>")
    parts.append("<h2>" + _("Channels side by side") + "</h2>")
    if not o.channels:
        parts.append("<p>" + _("No channels on record for this brand.") + "</p>")
    else:
        rows = []
        for c in o.channels:
            channel = channel_type_words(c.channel_type.label, c.active)
            channel += "<br>" + _("tier {tier}").format(tier=c.tier)
            if c.authorized_until is not None:
                channel += "<br>" + _("auth. to {day}").format(day=cell_day(c.authorized_until))
            rows.append(
                [
                    f"<b>{text(c.supplier_code)}</b><br>{text(c.supplier_name)}",
                    channel,
                    text(c.standing.label),
                    NO_VALUE if c.sourcing_score is None else f"{c.sourcing_score:.1f}",
                    percent(c.margin_pct, 2),
                    money(c.unit_margin, home),
                    NO_VALUE if c.stability_score is None else f"{c.stability_score:.1f}",
                    percent(c.fill),
                    f"{c.units_in_window:,}",
                    NO_VALUE if c.monthly_capacity is None else f"{c.monthly_capacity:,}",
                ]
            )
        parts.append(
            table(
                [
                    _("Supplier"),
                    pgettext("brand report", "Channel"),
                    _("Standing"),
                    _("Sourcing<br>score"),
                    pgettext("brand report", "Margin"),
                    _("Margin<br>per unit"),
                    pgettext("brand report", "Stability"),
                    pgettext("brand report", "Fill"),
                    _("Units in<br>window"),
                    _("Capacity<br>a month"),
                ],
                rows,
                numeric={3, 4, 5, 6, 7, 8, 9},
                widths=[16, 10, 9, 9, 8, 13, 9, 7, 9, 10],  # "CNY 2,952.56" on one line
                font_pt=7.5,
            )  # fmt: skip
        )
        parts.append(
            '<p class="note">'
            + _(
                "Scores are out of 100. Margin is the mean over the brand's SKUs each supplier "
                "quotes validly on the date; fill is the supplier's shrunk fill rate. Capacity "
                "is the supplier's, shared with its other brands."
            )
            + "</p>"
        )
    # Before the chart: after it, this one line alone could take a second page.
    parts.append(f'<p class="note">{made_by(made_on, database)}</p>')
    if o.channels:
        parts.append('<p><img src="chart:bars" width="680"></p>')
    images: dict[str, QImage] = {}
    if o.channels:
        images["chart:bars"] = channel_bars(
            [
                (
                    c.supplier_code
                    if c.active
                    else _("{name} (inactive)").format(name=c.supplier_code),
                    c.sourcing_score,
                    c.channel_type is ChannelType.VERTICAL,
                )
                for c in o.channels
            ],
            family=family or FONT_FAMILY,
        )
    if o.channels and trend is not None:
        channels = [(c.supplier_id, c.supplier_code, c.active) for c in o.channels]
        trend_html, trend_images = brand_trends(channels, trend, family or FONT_FAMILY)
        parts.append(trend_html)
        images.update(trend_images)
    return Report(
        title=_("Brand sourcing · {name}").format(name=o.name),
        header_right=_("as of {day}").format(day=day(as_of)),
        footer_left=footer(database, window),
        body_html="".join(parts),
        images=images,
        font_family=family,
        fonts_looked_for=cjk_fonts,
    )


def _units_a_month(n: int) -> str:
    return ngettext("{n} unit a month", "{n} units a month", n).format(n=f"{n:,}")
