"""The supplier evaluation report (PDF): scores, their breakdown, costs, flags, charts.

For people who never open the app: every number carries its unit and the
words behind it, the landed-cost walk can be checked by hand, and the page
says when it was made, over which window and from which database. Every word
goes through the catalog: a Chinese report uses the glossary's terms.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sourcing_app.domain.enums import ChannelType, SupplierKind
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, SupplierScore, sub_score_label
from sourcing_app.domain.flags import Flag, FlagCode, flag_label
from sourcing_app.domain.formatting import (
    NO_VALUE,
    cell_day,
    day,
    days,
    money,
    percent,
    score_of_100,
)
from sourcing_app.domain.landed_cost import LandedCostWalk
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, is_chinese, ngettext, pgettext
from sourcing_app.reports.fonts import CJK_FONTS, FONT_FAMILY, report_font
from sourcing_app.reports.pdf import Report, table, text, write_pdf
from sourcing_app.reports.plots import lead_time_chart, price_chart
from sourcing_app.reports.trend_section import supplier_trend
from sourcing_app.services.report_data import (
    ReportTrend,
    database_label_of,
    report_trend,
    supplier_id_of,
)
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_settings
from sourcing_app.services.supplier_detail import SupplierDetail, load_supplier_detail

if TYPE_CHECKING:
    from sqlalchemy import Engine


def write_supplier_report(
    engine: Engine,
    supplier_code: str,
    path: str | Path,
    as_of: dt.date,
    *,
    score: SupplierScore | None = None,
    database: str | None = None,
    made_on: dt.date | None = None,
    cjk_fonts: tuple[str, ...] = CJK_FONTS,
    trend: ReportTrend | None = None,
) -> int:
    """Write the supplier's evaluation report to `path` (a PDF); returns the page count.

    `trend`: the score history, when the caller holds it; otherwise worked out here.

    `score` may be passed when the caller already holds this run's scores (the
    desktop does); otherwise every supplier is scored as of `as_of`, since the
    portfolio priors and the brand flags depend on all of them. A Chinese report
    is set in the first installed of `cjk_fonts`, and refused when none is.
    """
    supplier_id = supplier_id_of(engine, supplier_code)
    settings = load_settings(engine)
    if score is None:
        scores = ScoringService(engine).score_all(as_of, settings=settings)
        found = next((s for s in scores if s.supplier_id == supplier_id), None)
        if found is None:  # scoring leaves archived suppliers out
            raise BadInput(
                _(
                    "supplier '{code}' is archived, so it is not scored; restore it to report on it"
                ).format(code=supplier_code)
            )
        score = found
    detail = load_supplier_detail(engine, supplier_id, as_of, settings)
    if trend is None:
        trend = report_trend(engine, as_of, [supplier_id])
    report = build_supplier_report(
        detail,
        score,
        settings,
        database or database_label_of(engine),
        made_on or dt.date.today(),
        cjk_fonts=cjk_fonts,
        trend=trend,
    )
    return write_pdf(report, path)


def build_supplier_report(
    detail: SupplierDetail,
    score: SupplierScore,
    settings: ScoringSettings,
    database: str,
    made_on: dt.date,
    *,
    cjk_fonts: tuple[str, ...] = CJK_FONTS,
    trend: ReportTrend | None = None,
) -> Report:
    family = report_font(cjk_fonts)
    info = detail.info
    home = detail.home_currency
    window = window_words(detail.window_start, detail.as_of)
    parts: list[str] = []
    known = {k.value for k in SupplierKind}
    kind = SupplierKind(info.kind).label if info.kind in known else info.kind
    country = info.country or _("country not recorded")
    about = [_("{kind}, {country}").format(kind=text(kind), country=text(country))]
    if info.archived:
        about.append(_("archived"))
    about.append(
        _("evaluated as of {day} over the purchase lines ordered {window} ({days})").format(
            day=day(detail.as_of), window=window, days=days(settings.window_days)
        )
    )
    about.append(_("home currency {currency}").format(currency=home))
    parts.append(
        "<h1>"
        + _("Supplier evaluation: {code} · {name}").format(
            code=text(info.code), name=text(info.name)
        )
        + "</h1>"
    )
    parts.append(f'<p class="sub">{" · ".join(about)}</p>')
    # The loudest flag (docs/standings-and-flags.md) opens page one, before the scores.
    parts.append(_counterfeit_alert(score))
    parts.append(_headline(score, home, settings))
    # Under the scores, not at the end: there, these two lines alone could take a last page.
    bands = settings.bands
    rule = _(
        "Sourcing score = 100 × √(margin score/100 × stability score/100); standings "
        "Preferred ≥ {preferred}, Approved ≥ {approved}, Watch ≥ {watch}, else Avoid."
    ).format(
        preferred=f"{bands.preferred:g}", approved=f"{bands.approved:g}", watch=f"{bands.watch:g}"
    )
    parts.append(f'<p class="note">{rule} {made_by(made_on, database)}</p>')
    parts.append(_breakdown(score, settings))
    parts.append(_flags(score))
    parts.append(_landed_costs(score, home))
    trend_html, trend_images = (
        supplier_trend(info.id, trend, family or FONT_FAMILY) if trend else ("", {})
    )
    parts.append(trend_html)  # the score trend (docs/trend.md)
    parts.append("<h2>" + _("Price and delivery history") + "</h2>")
    parts.append(
        '<p class="sub">'
        + _("Purchase lines ordered {window}; deliveries dated on or before {day}.").format(
            window=window, day=day(detail.as_of)
        )
        + "</p>"
    )
    parts.append('<p><img src="chart:price" width="680" height="250"></p>')
    parts.append('<p><img src="chart:lead" width="680" height="230"></p>')
    parts.append(_channels(detail))
    parts.append(_quotes(detail))
    # One reference line per quoted lead time, naming its SKUs (or how many).
    skus_by_days: dict[int, set[str]] = {}
    for q in detail.quotes:
        if q.valid_on_as_of and q.lead_time_days is not None:
            skus_by_days.setdefault(q.lead_time_days, set()).add(q.sku)
    quoted = [
        (
            _("quoted {days} ({sku})").format(days=days(lead), sku=next(iter(skus)))
            if len(skus) == 1
            else ngettext("quoted {days} ({n} SKU)", "quoted {days} ({n} SKUs)", len(skus)).format(
                days=days(lead), n=len(skus)
            ),
            lead,
        )
        for lead, skus in sorted(skus_by_days.items())
    ]
    chart_font = family or FONT_FAMILY
    images = {
        "chart:price": price_chart(
            [(p.order_date, p.sku, p.unit_price_home) for p in detail.prices],
            detail.window_start,
            detail.as_of,
            home,
            family=chart_font,
        ),
        "chart:lead": lead_time_chart(
            [
                (t.delivered_date, t.lead_days, t.late_days > settings.grace_days)
                for t in detail.lead_times
            ],
            quoted[:4],
            detail.window_start,
            detail.as_of,
            family=chart_font,
        ),
        **trend_images,
    }
    return Report(
        title=_("Supplier evaluation · {code} {name}").format(code=info.code, name=info.name),
        header_right=_("as of {day}").format(day=day(detail.as_of)),
        footer_left=footer(database, window),
        body_html="".join(parts),
        images=images,
        font_family=family,
        fonts_looked_for=cjk_fonts,
    )


def window_words(start: dt.date, end: dt.date) -> str:
    # Translators: the evaluation window, "1 Jul 2025 to 30 Jun 2026".
    return pgettext("report window", "{start} to {end}").format(start=day(start), end=day(end))


def made_by(made_on: dt.date, database: str) -> str:
    """The provenance line: when, by what, from which database."""
    return _("Made on {day} by Sourcing desk from the database {database}.").format(
        day=day(made_on), database=text(database)
    )


def footer(database: str, window: str) -> str:
    return _("Sourcing desk · {database} · window {window}").format(
        database=database, window=window
    )


def flag_rows(flags: list[Flag]) -> list[list[str]]:
    """Each flag, then its cause: in Chinese by the glossary's name (授权即将到期), in
    English by its code (AUTH_EXPIRING), as the command line's JSON and the screens name it.
    """
    return [
        [f"<b>{text(flag_label(f.code) if is_chinese() else f.code.value)}</b>", text(f.message)]
        for f in flags
    ]


def flag_headers() -> list[str]:
    return [pgettext("report", "Flag"), pgettext("report", "Cause")]


def figure_headers() -> list[str]:
    return [pgettext("report", "Figure"), pgettext("report", "Value")]


def _headline(s: SupplierScore, home: str, settings: ScoringSettings) -> str:
    rows = [
        [_("Standing"), f'<span class="big">{text(s.standing.label)}</span>'],
        [_("Sourcing score"), f"<b>{score_of_100(s.sourcing_score)}</b>"],
        [
            _("Margin score"),
            _("{score} (margin {margin} after landing costs)").format(
                score=score_of_100(s.margin_score), margin=percent(s.margin_pct, 2)
            ),
        ],
        [_("Stability score"), score_of_100(s.stability_score)],
        [
            _("Confidence"),
            ngettext(
                "{confidence} ({n} due purchase line; n / (n + {m}))",
                "{confidence} ({n} due purchase lines; n / (n + {m}))",
                s.due_lines,
            ).format(
                confidence=percent(s.confidence, 0),
                n=f"{s.due_lines:,}",
                m=f"{settings.shrinkage_m:g}",
            ),
        ],
        [_("Spend in the window"), money(s.spend, home)],
    ]
    body = table(figure_headers(), rows, widths=[30, 70])
    return "<h2>" + _("Scores") + f"</h2>{body}"


def _breakdown(s: SupplierScore, settings: ScoringSettings) -> str:
    weights = settings.normalised_weights()
    rows = []
    total = 0.0
    for key in SUB_SCORE_KEYS:
        sub = s.sub_scores.get(key)
        if sub is None:
            continue
        weight = weights.get(key, 0.0)
        points = 100 * weight * sub.value
        total += points
        raw = _("no data") if sub.raw is None else percent(sub.raw)
        rows.append(
            [
                text(sub_score_label(key)),
                f"{weight * 100:.0f}%",
                raw,
                f"{sub.n:,}",
                percent(sub.value),
                f"{points:.1f}",
                text(sub.explanation),
            ]
        )
    stability = _("Stability score")
    rows.append([f"<b>{stability}</b>", "100%", "", "", "", f"<b>{total:.1f}</b>", ""])
    body = table(
        [
            _("Sub-score"),
            _("Weight"),
            # Translators: the raw rate measured from the purchase lines, before shrinking.
            pgettext("sub-score", "Measured"),
            "n",
            # Translators: the rate after shrinking toward the portfolio mean, used in the score.
            pgettext("sub-score", "Used"),
            # Translators: what the sub-score adds to the stability score, out of 100.
            pgettext("sub-score", "Points"),
            _("How it was measured"),
        ],
        rows,
        numeric={1, 2, 3, 4, 5},
        widths=[15, 8, 11, 6, 8, 8, 44],  # n up to "1,234" on one line
        font_pt=8,
        total_rows={len(rows) - 1},
    )
    how = _(
        "Each measured rate is shrunk toward the portfolio mean by its sample size "
        "((n × rate + m × prior) / (n + m), m = {m}); the value used is weighted into the "
        "score. Channel structure is a property, not a sample, so it is not shrunk."
    ).format(m=f"{settings.shrinkage_m:g}")
    return "<h2>" + _("How the stability score is made") + f'</h2><p class="sub">{how}</p>' + body


def _flags(s: SupplierScore) -> str:
    heading = "<h2>" + _("Risk flags") + "</h2>"
    if not s.flags:
        return heading + "<p>" + _("No risk flags.") + "</p>"
    # A suspected counterfeit first, as everywhere the desk lists flags.
    flags = sorted(s.flags, key=lambda f: f.code is not FlagCode.COUNTERFEIT_SUSPECTED)
    return heading + table(flag_headers(), flag_rows(flags), widths=[22, 78])


def _counterfeit_alert(s: SupplierScore) -> str:
    """A boxed warning at the top of page one when customers returned suspected fakes.

    Black and white like the rest of the report: a heavy border and bold words, no colour.
    """
    fakes = [f for f in s.flags if f.code is FlagCode.COUNTERFEIT_SUSPECTED]
    if not fakes:
        return ""
    if ChannelType.COMPOSITE in s.channel_types:
        heading = _(
            "Suspected counterfeit: customers returned goods from this supplier as fakes,"
            " and it sells through a composite channel. Check before buying again."
        )
    else:
        heading = _(
            "Suspected counterfeit: customers returned goods from this supplier as fakes."
            " Check before buying again."
        )
    causes = "<br>".join(text(f.message) for f in fakes)
    return (
        '<table width="100%" cellpadding="6" cellspacing="0" border="2"'
        ' style="border-color: #000000; border-style: solid; margin-bottom: 6px">'
        f'<tr><td><span class="big">{text(heading)}</span><br>{causes}</td></tr></table>'
    )


def _landed_costs(s: SupplierScore, home: str) -> str:
    walks = [w for w in s.sku_margins if isinstance(w, LandedCostWalk)]
    if not walks:
        return (
            "<h2>" + _("Landed cost per unit") + "</h2><p>"
            + _("No quote is valid on the evaluation date, so there is no margin to show.")
            + "</p>"
        )  # fmt: skip
    parts = [
        "<h2>" + _("Landed cost per unit") + "</h2>",
        '<p class="sub">'
        + _(
            "For each SKU, the valid quote with the lowest minimum quantity, walked from the "
            "quoted price to the margin, in {currency} per unit."
        ).format(currency=home)
        + "</p>",
    ]
    for walk in walks:
        parts.append(
            "<h3>"
            + _("{sku} · {product} ({regime})").format(
                sku=text(walk.sku), product=text(walk.product_name), regime=text(walk.regime.label)
            )
            + "</h3>"
        )
        rows = []
        steps = walk.steps()
        # The walk ends landed cost, net revenue, margin (docs/margin.md): by place,
        # since the labels may come translated.
        totals = {len(steps) - 3, len(steps) - 1}
        for label, amount, how in steps:
            rows.append([text(label), money(amount, home), text(how)])
        rows.append(
            [
                "<b>" + _("Margin %") + "</b>",
                f"<b>{percent(walk.margin_pct, 2)}</b>",
                _("margin / net revenue; margin score {score} / 100").format(
                    score=f"{walk.margin_score:.1f}"
                ),
            ]
        )
        totals.add(len(rows) - 1)
        parts.append(
            table(
                [_("Step"), _("Amount"), pgettext("landed cost", "How")],
                rows,
                numeric={1},
                widths=[28, 20, 52],
                total_rows=totals,
            )
        )
    return "".join(parts)


def _channels(detail: SupplierDetail) -> str:
    heading = "<h2>" + _("Channels") + "</h2>"
    if not detail.channels:
        return heading + "<p>" + _("No channels on record.") + "</p>"
    rows = []
    for c in detail.channels:
        # Translators: no authorization reference on the channel.
        authorization = text(c.authorization_ref) or pgettext("authorization", "none")
        if c.authorized_until is not None:
            authorization = _("{authorization}, valid until {day}").format(
                authorization=authorization, day=cell_day(c.authorized_until)
            )
        if c.expiry_warning:
            authorization += " <b>" + _("({warning})").format(warning=text(c.expiry_warning))
            authorization += "</b>"
        rows.append(
            [
                text(c.brand_name),
                str(c.tier),
                channel_type_words(c.channel_type.label, c.active),
                text(c.why),
                authorization,
            ]
        )
    headers = [_("Brand"), _("Tier"), pgettext("channel", "Type"), _("Why"), _("Authorization")]
    return heading + table(headers, rows, widths=[16, 6, 13, 35, 30])


def channel_type_words(label: str, active: bool) -> str:
    """'vertical', 'composite (inactive)'; in Chinese the glossary's 垂直渠道, 复合渠道."""
    words = text(label.lower())  # lower case inside a table row; Chinese has no case
    return words if active else _("{name} (inactive)").format(name=words)


def _quotes(detail: SupplierDetail) -> str:
    heading = "<h2>" + _("Quotes") + "</h2>"
    if not detail.quotes:
        return heading + "<p>" + _("No quotes on record.") + "</p>"
    rows = []
    for q in detail.quotes:
        extra = Decimal(q.freight_per_unit) + Decimal(q.insurance_per_unit)
        rows.append(
            [
                text(q.sku),
                money(q.unit_price, q.currency, 2),
                money(extra, q.currency, 2),
                text(q.incoterm or NO_VALUE),
                f"{q.min_qty:,}",
                days(q.lead_time_days),
                pgettext("report window", "{start} to {end}").format(
                    start=cell_day(q.valid_from),
                    # Translators: a quote with no end date.
                    end=cell_day(q.valid_to) if q.valid_to else pgettext("valid to", "open"),
                ),
                pgettext("quote", "valid") if q.valid_on_as_of else pgettext("quote", "not valid"),
            ]
        )
    body = table(
        ["SKU", _("Unit price"), _("Freight +<br>insurance"), _("Incoterm"), _("Min qty"),
         _("Lead time"), pgettext("quote", "Valid"), _("On the date")],
        rows,
        numeric={1, 2, 4},
        widths=[14, 15, 13, 10, 6, 9, 23, 10],  # "JPY 143,197.00" on one line
        font_pt=8,
    )  # fmt: skip
    return heading + body
