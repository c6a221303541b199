"""The score trend in the reports: the supplier's, and the brand's channels' side by side.

docs/trend.md: the points are each as `score --as-of` gives them for that date;
the report draws them over the standing bands and lists them, so every point
can be read off as a figure.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QImage

from sourcing_app.domain.formatting import cell_day, points
from sourcing_app.i18n import _, pgettext
from sourcing_app.reports.pdf import table, text
from sourcing_app.reports.plots import score_trend_chart, trend_multiples
from sourcing_app.services.report_data import ReportTrend
from sourcing_app.services.trend import change_words

MOST_PANELS = 12  # channels drawn in the brand report; the rest are named in words


def supplier_trend(
    supplier_id: int, trend: ReportTrend, family: str
) -> tuple[str, dict[str, QImage]]:
    """The supplier report's trend section (HTML) and its chart."""
    history = trend.points.get(supplier_id, ())
    parts = ["<h2>" + _("Score trend") + "</h2>"]
    parts.append(
        '<p class="sub">'
        + _(
            "Each point is the full evaluation as of that date (its own window, quotes, "
            "rates and portfolio priors), over the standing bands. A gap means no valid "
            "quote that day, so no margin or sourcing score."
        )
        + " "
        + text(change_words(history) if history else "")
        + "</p>"
    )
    parts.append('<p><img src="chart:trend" width="680" height="240"></p>')
    rows = [
        [
            cell_day(p.as_of),
            points(p.sourcing_score),
            points(p.margin_score),
            points(p.stability_score),
            text(p.standing.label),
        ]
        for p in history
    ]
    if rows:
        parts.append(
            table(
                [
                    # Translators: the date of a point of the score trend.
                    pgettext("trend", "Date"),
                    _("Sourcing score"),
                    _("Margin score"),
                    _("Stability score"),
                    _("Standing"),
                ],
                rows,
                numeric={1, 2, 3},
                widths=[24, 19, 19, 19, 19],
                font_pt=7.5,
            )
        )
    return "".join(parts), {"chart:trend": score_trend_chart(history, trend.bands, family=family)}


def brand_trends(
    channels: Sequence[tuple[int, str, bool]], trend: ReportTrend, family: str
) -> tuple[str, dict[str, QImage]]:
    """The brand report's trends: one small chart per channel's supplier (id, code, active).

    Active channels first, in the order given; at most MOST_PANELS are drawn.
    """
    ordered = [c for c in channels if c[2]] + [c for c in channels if not c[2]]
    drawn = ordered[:MOST_PANELS]
    parts = ["<h2>" + _("Channels' score trends side by side") + "</h2>"]
    parts.append(
        '<p class="sub">'
        + _(
            "Each channel's supplier: its sourcing score at each of the last 12 month-ends "
            "and on the evaluation date, over the standing bands (0 to 100)."
        )
        + "</p>"
    )
    if len(ordered) > len(drawn):
        left = ", ".join(text(code) for _sid, code, _active in ordered[len(drawn) :])
        parts.append(
            '<p class="note">'
            + _("Not drawn, for room: {suppliers}.").format(suppliers=left)
            + "</p>"
        )
    parts.append('<p><img src="chart:trends" width="680"></p>')
    panels = [
        (code if active else _("{name} (inactive)").format(name=code), trend.points.get(sid, ()))
        for sid, code, active in drawn
    ]
    return "".join(parts), {"chart:trends": trend_multiples(panels, trend.bands, family=family)}
