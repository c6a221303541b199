"""Charts of the detail pane: unit price over the window, lead time per delivery, and
the score trend over the last twelve month-ends.

QtCharts is imported with this module, which the window loads only after its
first paint (docs/performance.md, cold start).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QAreaSeries,
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QToolTip

from sourcing_app.domain.enums import STANDING_HEX, Standing
from sourcing_app.domain.formatting import cell_day, day, month_label
from sourcing_app.domain.formatting import points as score_points
from sourcing_app.i18n import N_, _

if TYPE_CHECKING:
    from sourcing_app.domain.settings import StandingBands
    from sourcing_app.services.score_history import HistoryPoint
    from sourcing_app.services.supplier_detail import LeadTimePoint, PricePoint

# Distinct, print-friendly colours for one line per SKU.
SERIES_COLOURS = ("#2f6db5", "#c8642b", "#2e8b57", "#8e44ad", "#b8860b", "#d1495b", "#4a4a4a")
ON_TIME = "#2e8b57"
LATE = "#c0392b"
PROMISED = "#5b6573"


def epoch_ms(day: dt.date) -> float:
    return float(QDateTime(day, QTime(12, 0)).toMSecsSinceEpoch())


def styled_chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSizeF(font.pointSizeF() + 0.5)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return view


def _date_axis(start: dt.date, end: dt.date, title: str) -> QValueAxis | QDateTimeAxis:
    """Months along the bottom, labelled by `formatting.month_label` ('Dec 2026',
    '2026年12月'), not by Qt's locale-dependent 'MMM yy': a tick on the first of each
    month (every second or third month over a long window)."""
    low, high = epoch_ms(start) - 12 * 3_600_000, epoch_ms(end + dt.timedelta(days=1))
    months = []
    month = dt.date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    step = max(1, -(-len(months) // 7))
    # A label is centred on its tick: none so near an end that it would be cut.
    span = high - low
    first, last = low + 0.04 * span, high - 0.07 * span
    ticks = [m for m in months[::step] if first <= epoch_ms(m) <= last]
    if len(ticks) < 2:
        axis = QDateTimeAxis()
        axis.setFormat("yyyy-MM-dd")
        axis.setTickCount(5)
        axis.setRange(
            QDateTime(start, QTime(0, 0)), QDateTime(end + dt.timedelta(days=1), QTime(0, 0))
        )
        axis.setTitleText(title)
        return axis
    categories = QCategoryAxis()
    categories.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    categories.setRange(low, high)
    for m in ticks:
        categories.append(month_label(m), epoch_ms(m))
    categories.setTitleText(title)
    return categories


def _value_axis(title: str, low: float, high: float, label_format: str) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat(label_format)
    span = max(high - low, abs(high) * 0.05, 1.0)
    axis.setRange(max(0.0, low - span * 0.1), high + span * 0.1)
    axis.applyNiceNumbers()
    return axis


def price_trend_chart(
    prices: Sequence[PricePoint], window: tuple[dt.date, dt.date], currency: str
) -> QChart:
    """Home-currency unit price of each purchase line by order date, one line per SKU."""
    chart = styled_chart(
        _("Unit price per purchase line ({currency} per unit)").format(currency=currency)
    )
    by_sku: dict[str, list[PricePoint]] = defaultdict(list)
    for point in prices:
        by_sku[point.sku].append(point)
    x_axis = _date_axis(*window, _("Order date"))
    values = [float(p.unit_price_home) for p in prices] or [0.0, 1.0]
    y_axis = _value_axis(
        _("{currency} per unit").format(currency=currency), min(values), max(values), "%.0f"
    )
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for n, (sku, points) in enumerate(sorted(by_sku.items())):
        colour = QColor(SERIES_COLOURS[n % len(SERIES_COLOURS)])
        line = QLineSeries()
        line.setName(sku)
        line.setPen(QPen(colour, 1.6))
        line.setPointsVisible(len(points) <= 60)
        line.append([QPointF(epoch_ms(p.order_date), float(p.unit_price_home)) for p in points])
        chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
    chart.legend().setVisible(0 < len(by_sku) <= 8)
    return chart


def lead_time_chart(leads: Sequence[LeadTimePoint], window: tuple[dt.date, dt.date]) -> QChart:
    """Lead days of each delivery (on time green, late red) against the lead promised."""
    chart = styled_chart(_("Lead time per delivery (days from order to delivery)"))
    x_axis = _date_axis(*window, _("Delivered"))
    days = [p.lead_days for p in leads] + [p.promised_days for p in leads] or [0, 1]
    y_axis = _value_axis(_("Days"), 0.0, float(max(days)), "%.0f")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    promised = QScatterSeries()
    promised.setName(_("Promised lead"))
    promised.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
    promised.setMarkerSize(6)
    promised.setColor(QColor(PROMISED))
    promised.setBorderColor(QColor(PROMISED))
    on_time = QScatterSeries()
    on_time.setName(_("Delivered on time"))
    late = QScatterSeries()
    late.setName(_("Delivered late"))
    for series, colour in ((on_time, ON_TIME), (late, LATE)):
        series.setMarkerSize(9)
        series.setColor(QColor(colour))
        series.setBorderColor(QColor(colour).darker(120))
    for point in leads:
        x = epoch_ms(point.delivered_date)
        promised.append(x, point.promised_days)
        (late if point.late_days > 0 else on_time).append(x, point.lead_days)
    for series in (promised, on_time, late):
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
    return chart


def brand_channels_chart(brand: Any, most: int = 8) -> QChart:
    """Margin % and fill % of the brand's active suppliers side by side (best scores first)."""
    chart = styled_chart(_("{brand}: margin and fill per supplier (%)").format(brand=brand.name))
    channels = [c for c in brand.active_channels][:most]
    margin = QBarSet(_("Margin %"))
    margin.setColor(QColor("#2f6db5"))
    fill = QBarSet(_("Fill %"))
    fill.setColor(QColor("#2e8b57"))
    names = []
    for channel in reversed(channels):  # a horizontal bar chart draws the first at the bottom
        names.append(channel.supplier_code)
        margin.append(100 * (channel.margin_pct or 0.0))
        fill.append(100 * (channel.fill or 0.0))
    series = QHorizontalBarSeries()
    series.append(margin)
    series.append(fill)
    series.setLabelsVisible(False)
    chart.addSeries(series)
    y_axis = QBarCategoryAxis()
    y_axis.append(names)
    x_axis = QValueAxis()
    x_axis.setRange(0, 100)
    x_axis.setLabelFormat("%.0f%%")
    x_axis.setTitleText(_("Percent"))
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y_axis)
    series.attachAxis(x_axis)
    return chart


# The three scores of the trend: the sourcing score drawn boldest, the two it is made of lighter.
TREND_LINES = (
    ("sourcing_score", N_("Sourcing score"), "#1f2a36", 2.6, Qt.PenStyle.SolidLine),
    ("margin_score", N_("Margin score"), "#2f6db5", 1.6, Qt.PenStyle.DashLine),
    ("stability_score", N_("Stability score"), "#7a4fa3", 1.6, Qt.PenStyle.DotLine),
)
BAND_ALPHA = 46  # of 255: the standing bands behind the lines stay pale


def band_spans(bands: StandingBands) -> list[tuple[Standing, float, float]]:
    """Each standing's span of the sourcing score, from Avoid at the bottom to Preferred."""
    return [
        (Standing.AVOID, 0.0, bands.watch),
        (Standing.WATCH, bands.watch, bands.approved),
        (Standing.APPROVED, bands.approved, bands.preferred),
        (Standing.PREFERRED, bands.preferred, 100.0),
    ]


def trend_point_words(point: HistoryPoint) -> str:
    """A trend point's tooltip: its date, its three scores and its standing in words."""
    return _(
        "{day}: sourcing score {sourcing} / 100, margin score {margin} / 100, "
        "stability score {stability} / 100; standing {standing}"
    ).format(
        day=day(point.as_of),
        sourcing=score_points(point.sourcing_score),
        margin=score_points(point.margin_score),
        stability=score_points(point.stability_score),
        standing=point.standing.label,
    )


def trend_axis_label(point: HistoryPoint, last: bool) -> str:
    """Month-ends by their month ('Nov 2026'); the last point by its day, the evaluation date."""
    return cell_day(point.as_of) if last else month_label(point.as_of)


def score_trend_chart(history: Sequence[HistoryPoint], bands: StandingBands) -> QChart:
    """Sourcing, margin and stability scores at each month-end and the evaluation date.

    The points are evenly spaced, one per scorecard period. Behind them the
    standing bands, coloured as the standings are everywhere; each sourcing point
    is coloured by its standing and says its figures when hovered. A score with
    no value (no valid quote that day) leaves a gap in its line.
    """
    chart = styled_chart(_("Score trend: the last 12 month-ends and the evaluation date"))
    count = len(history)
    x_axis = QCategoryAxis()
    x_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    # Room on the right for the evaluation date's label, longer than a month's.
    left, right = -0.4, max(count - 1, 1) + 0.9
    x_axis.setRange(left, right)
    every = 1 if count <= 7 else 3  # five labels of 13: a Chinese month label is wide
    for n, point in enumerate(history):
        # From the last point back, so the evaluation date always has its label.
        if (count - 1 - n) % every == 0:
            x_axis.append(trend_axis_label(point, n == count - 1), n)
    x_axis.setTitleText(_("Month-end"))
    y_axis = QValueAxis()
    y_axis.setRange(0, 100)
    y_axis.setTickCount(6)
    y_axis.setLabelFormat("%.0f")
    y_axis.setTitleText(_("Score (0–100)"))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    hidden: list[Any] = []  # series that need no legend entry of their own

    def add(series: Any, in_legend: bool) -> None:
        chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        if not in_legend:
            hidden.append(series)

    for standing, low, high in band_spans(bands):
        # Owned by the chart: the area series does not keep its two edges alive.
        lower, upper = QLineSeries(chart), QLineSeries(chart)
        lower.append([QPointF(left, low), QPointF(right, low)])
        upper.append([QPointF(left, high), QPointF(right, high)])
        area = QAreaSeries(upper, lower)
        area.setName(standing.label)
        colour = QColor(STANDING_HEX[standing])
        colour.setAlpha(BAND_ALPHA)
        area.setBrush(colour)
        area.setPen(QPen(Qt.PenStyle.NoPen))
        add(area, False)
    for key, name, colour, width, style in TREND_LINES:
        pen = QPen(QColor(colour), width, style)
        first = True
        for run in _unbroken_runs([getattr(p, key) for p in history]):
            line = QLineSeries()
            line.setName(_(name))
            line.setPen(pen)
            line.append([QPointF(n, value) for n, value in run])
            if len(run) == 1:  # a point alone between gaps: a line of one point draws nothing
                line.setPointsVisible(True)
            add(line, first)
            first = False
        if first:  # no value at any point: still named in the legend
            line = QLineSeries()
            line.setName(_(name))
            line.setPen(pen)
            add(line, True)
    for standing in Standing:
        marks = QScatterSeries()
        marks.setName(standing.label)
        marks.setMarkerSize(11)
        marks.setColor(QColor(STANDING_HEX[standing]))
        marks.setBorderColor(QColor("white"))
        for n, point in enumerate(history):
            if point.standing is standing:
                # A point with no sourcing score (no valid quote) sits on its stability score.
                value = point.sourcing_score
                marks.append(n, point.stability_score if value is None else value)
        marks.hovered.connect(
            lambda at, state: QToolTip.showText(
                QCursor.pos(), trend_point_words(history[round(at.x())]) if state else ""
            )
        )
        add(marks, False)
    for series in hidden:
        for marker in chart.legend().markers(series):
            marker.setVisible(False)
    return chart


def _unbroken_runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """(position, value) runs between the gaps left by values that are None."""
    runs: list[list[tuple[int, float]]] = [[]]
    for n, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((n, float(value)))
    return [run for run in runs if run]
