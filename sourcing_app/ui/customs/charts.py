"""The Customs screen's charts: clearance month by month, one line per import regime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCharts import QCategoryAxis, QChart, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from sourcing_app.domain.enums import Regime
from sourcing_app.domain.formatting import days, month_label
from sourcing_app.i18n import _
from sourcing_app.ui.suppliers.charts import styled_chart

if TYPE_CHECKING:
    from sourcing_app.services.customs_overview import ClearanceFigures, MonthClearance

# One colour per regime, and a darker, thicker line for every regime together.
REGIME_COLOURS = {Regime.CBEC: "#2f6db5", Regime.GENERAL: "#2e8b57", Regime.POSTAL: "#c8642b"}
ALL_COLOUR = "#333333"


def _months(points: Sequence[MonthClearance]) -> list[dt.date]:
    return sorted({p.month for p in points})


def _month_axis(months: list[dt.date]) -> QCategoryAxis:
    """Months by position (0, 1, …), labelled 'Dec 2026' / '2026年12月', every few months."""
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.5, max(len(months) - 0.5, 0.5))
    step = max(1, -(-len(months) // 6))
    for n in range(0, len(months), step):
        axis.append(month_label(months[n]), n)
    axis.setTitleText(_("Month delivered"))
    return axis


def _series(
    points: Sequence[MonthClearance],
    months: list[dt.date],
    value: Callable[[ClearanceFigures], float | None],
) -> list[QLineSeries]:
    shown = [r for r in Regime if any(p.regime is r for p in points)]
    regimes: list[Regime | None] = [None, *shown]
    position = {m: n for n, m in enumerate(months)}
    out = []
    for regime in regimes:
        line = QLineSeries()
        if regime is None:
            line.setName(_("All regimes"))
            line.setPen(QPen(QColor(ALL_COLOUR), 2.6))
        else:
            line.setName(regime.label)
            line.setPen(QPen(QColor(REGIME_COLOURS.get(regime, "#777777")), 1.6))
        for p in points:
            y = value(p.figures) if p.regime is regime else None
            if y is not None:
                line.append(position[p.month], y)
        line.setPointsVisible(True)
        out.append(line)
    return out


def _chart(
    title: str,
    points: Sequence[MonthClearance],
    value: Callable[[ClearanceFigures], float | None],
    y_axis: QValueAxis,
) -> QChart:
    chart = styled_chart(title)
    months = _months(points)
    x_axis = _month_axis(months)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for line in _series(points, months, value):
        chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
    return chart


def median_trend_chart(points: Sequence[MonthClearance], target_days: int) -> QChart:
    """Median clearance days per month, by regime and for all regimes together."""
    highest = max((p.figures.median_days or 0.0 for p in points), default=0.0)
    y_axis = QValueAxis()
    # Translators: a chart's vertical axis: a number of days (天).
    y_axis.setTitleText(_("Days"))
    # Two trailing spaces widen the single-digit labels: beside labels that narrow,
    # Qt Charts cut the Chinese title (天数, taller glyphs) down to "⋮".
    y_axis.setLabelFormat("%.0f  ")
    y_axis.setRange(0, max(highest, float(target_days), 1.0) * 1.15)
    y_axis.applyNiceNumbers()
    return _chart(_("Median clearance days by month"), points, lambda f: f.median_days, y_axis)


def share_trend_chart(points: Sequence[MonthClearance], target_days: int) -> QChart:
    """The share of deliveries cleared within the target per month (0–100%)."""
    y_axis = QValueAxis()
    y_axis.setTitleText(_("Share of deliveries"))
    y_axis.setLabelFormat("%.0f%%")
    y_axis.setRange(0, 100)

    def share(f: ClearanceFigures) -> float | None:
        s = f.share_within_target
        return None if s is None else 100 * s

    title = _("Share cleared within {target} by month").format(target=days(target_days))
    return _chart(title, points, share, y_axis)
