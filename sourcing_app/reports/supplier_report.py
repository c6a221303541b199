"""The supplier evaluation report (PDF): scores, their breakdown, costs, flags, charts.

For people who never open the app: every number carries its unit and the
words behind it, the landed-cost walk can be checked by hand, and the page
says when it was made, over which window and from which database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, SupplierScore, sub_score_label
from sourcing_app.domain.formatting import day, money, percent, score_of_100
from sourcing_app.domain.landed_cost import LandedCostWalk
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput
from sourcing_app.reports.pdf import Report, table, text, write_pdf
from sourcing_app.reports.plots import lead_time_chart, price_chart
from sourcing_app.services.report_data import database_label_of, supplier_id_of
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
) -> int:
    """Write the supplier's evaluation report to `path` (a PDF); returns the page count.

    `score` may be passed when the caller already holds this run's scores (the
    desktop does); otherwise every supplier is scored as of `as_of`, since the
    portfolio priors and the brand flags depend on all of them.
    """
    supplier_id = supplier_id_of(engine, supplier_code)
    settings = load_settings(engine)
    if score is None:
        scores = ScoringService(engine).score_all(as_of, settings=settings)
        found = next((s for s in scores if s.supplier_id == supplier_id), None)
        if found is None:  # scoring leaves archived suppliers out
            raise BadInput(
                f"supplier '{supplier_code}' is archived, so it is not scored; "
                "restore it to report on it"
            )
        score = found
    detail = load_supplier_detail(engine, supplier_id, as_of, settings)
    report = build_supplier_report(
        detail, score, settings, database or database_label_of(engine), made_on or dt.date.today()
    )
    return write_pdf(report, path)


def build_supplier_report(
    detail: SupplierDetail,
    score: SupplierScore,
    settings: ScoringSettings,
    database: str,
    made_on: dt.date,
) -> Report:
    info = detail.info
    home = detail.home_currency
    window = f"{day(detail.window_start)} to {day(detail.as_of)}"
    parts: list[str] = []
    known = {k.value for k in SupplierKind}
    kind = SupplierKind(info.kind).label if info.kind in known else info.kind
    archived = " · archived" if info.archived else ""
    parts.append(f"<h1>Supplier evaluation: {text(info.code)} · {text(info.name)}</h1>")
    parts.append(
        f'<p class="sub">{text(kind)}, {text(info.country or "country not recorded")}'
        f"{archived} · evaluated as of {day(detail.as_of)} over the purchase lines ordered "
        f"{window} ({settings.window_days} days) · home currency {home}</p>"
    )
    parts.append(_headline(score, home, settings))
    # Under the scores, not at the end: there, these two lines alone could take a last page.
    parts.append(
        f'<p class="note">Sourcing score = 100 × √(margin score/100 × stability score/100); '
        f"standings Preferred ≥ {settings.bands.preferred:g}, Approved ≥ "
        f"{settings.bands.approved:g}, Watch ≥ {settings.bands.watch:g}, else Avoid. "
        f"Made on {day(made_on)} by Sourcing desk from the database {text(database)}.</p>"
    )
    parts.append(_breakdown(score, settings))
    parts.append(_flags(score))
    parts.append(_landed_costs(score, home))
    parts.append("<h2>Price and delivery history</h2>")
    parts.append(
        f'<p class="sub">Purchase lines ordered {window}; deliveries dated on or before '
        f"{day(detail.as_of)}.</p>"
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
            f"quoted {days} days ("
            + (next(iter(skus)) if len(skus) == 1 else f"{len(skus)} SKUs")
            + ")",
            days,
        )
        for days, skus in sorted(skus_by_days.items())
    ]
    images = {
        "chart:price": price_chart(
            [(p.order_date, p.sku, p.unit_price_home) for p in detail.prices],
            detail.window_start,
            detail.as_of,
            home,
        ),
        "chart:lead": lead_time_chart(
            [
                (t.delivered_date, t.lead_days, t.late_days > settings.grace_days)
                for t in detail.lead_times
            ],
            quoted[:4],
            detail.window_start,
            detail.as_of,
        ),
    }
    return Report(
        title=f"Supplier evaluation · {info.code} {info.name}",
        header_right=f"as of {day(detail.as_of)}",
        footer_left=f"Sourcing desk · {database} · window {window}",
        body_html="".join(parts),
        images=images,
    )


def _headline(s: SupplierScore, home: str, settings: ScoringSettings) -> str:
    rows = [
        ["Standing", f'<span class="big">{text(s.standing.value)}</span>'],
        ["Sourcing score", f"<b>{score_of_100(s.sourcing_score)}</b>"],
        [
            "Margin score",
            f"{score_of_100(s.margin_score)} "
            f"(margin {percent(s.margin_pct, 2)} after landing costs)",
        ],
        ["Stability score", score_of_100(s.stability_score)],
        [
            "Confidence",
            f"{percent(s.confidence, 0)} ({s.due_lines} due purchase lines; "
            f"n / (n + {settings.shrinkage_m:g}))",
        ],
        ["Spend in the window", money(s.spend, home)],
    ]
    body = table(["Figure", "Value"], rows, widths=[30, 70])
    return f"<h2>Scores</h2>{body}"


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
        raw = "no data" if sub.raw is None else percent(sub.raw)
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
    rows.append(["<b>Stability score</b>", "100%", "", "", "", f"<b>{total:.1f}</b>", ""])
    body = table(
        ["Sub-score", "Weight", "Measured", "n", "Used", "Points", "How it was measured"],
        rows,
        numeric={1, 2, 3, 4, 5},
        widths=[15, 8, 11, 6, 8, 8, 44],  # n up to "1,234" on one line
        font_pt=8,
        total_rows={len(rows) - 1},
    )
    return (
        "<h2>How the stability score is made</h2>"
        '<p class="sub">Each measured rate is shrunk toward the portfolio mean by its sample '
        f"size ((n × rate + m × prior) / (n + m), m = {settings.shrinkage_m:g}); the value "
        "used is weighted into the score. "
        "Channel structure is a property, not a sample, so it is not shrunk.</p>" + body
    )


def _flags(s: SupplierScore) -> str:
    if not s.flags:
        return "<h2>Risk flags</h2><p>No risk flags.</p>"
    rows = [[f"<b>{text(f.code.value)}</b>", text(f.message)] for f in s.flags]
    return "<h2>Risk flags</h2>" + table(["Flag", "Cause"], rows, widths=[22, 78])


def _landed_costs(s: SupplierScore, home: str) -> str:
    walks = [w for w in s.sku_margins if isinstance(w, LandedCostWalk)]
    if not walks:
        return (
            "<h2>Landed cost per unit</h2><p>No quote is valid on the evaluation date, so "
            "there is no margin to show.</p>"
        )
    parts = [
        "<h2>Landed cost per unit</h2>",
        '<p class="sub">For each SKU, the valid quote with the lowest minimum quantity, '
        f"walked from the quoted price to the margin, in {home} per unit.</p>",
    ]
    for walk in walks:
        regime = {"cbec": "CBEC retail import", "general": "general trade", "postal": "postal"}
        parts.append(
            f"<h3>{text(walk.sku)} · {text(walk.product_name)} "
            f"({text(regime.get(walk.regime.value, walk.regime.value))})</h3>"
        )
        rows = []
        steps = walk.steps()
        totals = set()
        for index, (label, amount, how) in enumerate(steps):
            if label in ("Landed cost", "Margin"):
                totals.add(index)
            rows.append([text(label), money(amount, home), text(how)])
        rows.append(
            [
                "<b>Margin %</b>",
                f"<b>{percent(walk.margin_pct, 2)}</b>",
                f"margin / net revenue; margin score {walk.margin_score:.1f} / 100",
            ]
        )
        totals.add(len(rows) - 1)
        parts.append(
            table(
                ["Step", "Amount", "How"],
                rows,
                numeric={1},
                widths=[28, 20, 52],
                total_rows=totals,
            )
        )
    return "".join(parts)


def _channels(detail: SupplierDetail) -> str:
    if not detail.channels:
        return "<h2>Channels</h2><p>No channels on record.</p>"
    rows = []
    for c in detail.channels:
        authorization = text(c.authorization_ref) or "none"
        if c.authorized_until is not None:
            authorization += f", valid until {day(c.authorized_until)}"
        if c.expiry_warning:
            authorization += f" <b>({text(c.expiry_warning)})</b>"
        rows.append(
            [
                text(c.brand_name),
                str(c.tier),
                f"{c.channel_type.value}" + ("" if c.active else " (inactive)"),
                text(c.why),
                authorization,
            ]
        )
    body = table(
        ["Brand", "Tier", "Type", "Why", "Authorization"], rows, widths=[16, 6, 13, 35, 30]
    )
    return "<h2>Channels</h2>" + body


def _quotes(detail: SupplierDetail) -> str:
    if not detail.quotes:
        return "<h2>Quotes</h2><p>No quotes on record.</p>"
    rows = []
    for q in detail.quotes:
        extra = Decimal(q.freight_per_unit) + Decimal(q.insurance_per_unit)
        rows.append(
            [
                text(q.sku),
                money(q.unit_price, q.currency, 2),
                money(extra, q.currency, 2),
                text(q.incoterm or "—"),
                f"{q.min_qty:,}",
                "—" if q.lead_time_days is None else f"{q.lead_time_days} days",
                f"{day(q.valid_from)} to {day(q.valid_to) if q.valid_to else 'open'}",
                "valid" if q.valid_on_as_of else "not valid",
            ]
        )
    body = table(
        ["SKU", "Unit price", "Freight +<br>insurance", "Incoterm", "Min qty", "Lead time",
         "Valid", "On the date"],
        rows,
        numeric={1, 2, 4},
        widths=[14, 15, 13, 10, 6, 9, 23, 10],  # "JPY 143,197.00" on one line
        font_pt=8,
    )  # fmt: skip
    return "<h2>Quotes</h2>" + body
