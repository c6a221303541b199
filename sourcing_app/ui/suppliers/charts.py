"""Charts of the detail pane: unit price over the window, and lead time per delivery.

QtCharts is imported with this module, which the window loads only after its
first paint (docs/performance.md, cold start).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QFont, QPainter, QPen

if TYPE_CHECKING:
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


def _date_axis(start: dt.date, end: dt.date) -> QDateTimeAxis:
    axis = QDateTimeAxis()
    axis.setFormat("MMM yy")
    axis.setTickCount(7)
    axis.setRange(QDateTime(start, QTime(0, 0)), QDateTime(end + dt.timedelta(days=1), QTime(0, 0)))
    axis.setTitleText("Order date" if start else "")
    return axis


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
    chart = styled_chart(f"Unit price per purchase line ({currency} per unit)")
    by_sku: dict[str, list[PricePoint]] = defaultdict(list)
    for point in prices:
        by_sku[point.sku].append(point)
    x_axis = _date_axis(*window)
    x_axis.setTitleText("Order date")
    values = [float(p.unit_price_home) for p in prices] or [0.0, 1.0]
    y_axis = _value_axis(f"{currency} per unit", min(values), max(values), "%.0f")
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
    chart = styled_chart("Lead time per delivery (days from order to delivery)")
    x_axis = _date_axis(*window)
    x_axis.setTitleText("Delivered")
    days = [p.lead_days for p in leads] + [p.promised_days for p in leads] or [0, 1]
    y_axis = _value_axis("Days", 0.0, float(max(days)), "%.0f")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    promised = QScatterSeries()
    promised.setName("Promised lead")
    promised.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
    promised.setMarkerSize(6)
    promised.setColor(QColor(PROMISED))
    promised.setBorderColor(QColor(PROMISED))
    on_time = QScatterSeries()
    on_time.setName("Delivered on time")
    late = QScatterSeries()
    late.setName("Delivered late")
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
    chart = styled_chart(f"{brand.name}: margin and fill per supplier (%)")
    channels = [c for c in brand.active_channels][:most]
    margin = QBarSet("Margin %")
    margin.setColor(QColor("#2f6db5"))
    fill = QBarSet("Fill %")
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
    x_axis.setTitleText("Percent")
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(y_axis)
    series.attachAxis(x_axis)
    return chart
