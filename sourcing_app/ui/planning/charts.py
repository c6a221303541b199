"""Charts of the Planning screen (QtCharts): a brand's split, and margins before and after.

Each chart is a QChartView that rebuilds its series when given new figures;
they hold a handful of bars, so rebuilding is cheaper than patching.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from sourcing_app.domain.allocation import BrandAllocation
from sourcing_app.domain.formatting import money
from sourcing_app.i18n import _
from sourcing_app.services.scenarios import ScenarioResult

UNCOVERED = QColor("#c8c8c8")
# Distinct, calm colours for suppliers (the theme's run out after five).
PALETTE = [
    QColor(c)
    for c in (
        "#2f6db5", "#e08a1e", "#3c9a5f", "#8c56b8", "#c8553d", "#2aa1a8",
        "#b5912f", "#5c6bc0", "#7a8b3a", "#d0648a", "#4d7d99", "#9c6644",
    )
]  # fmt: skip
MARGIN_COLOURS = [QColor("#7f8c99"), QColor("#2f6db5"), QColor("#e08a1e"), QColor("#3c9a5f")]


def _nice_max(value: float) -> float:
    """A round axis end just above `value`."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)


class _ChartView(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(180)

    def _reset(self, title: str) -> QChart:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        font = QFont(chart.titleFont())
        font.setBold(True)
        chart.setTitleFont(font)
        chart.setTitle(title)
        return chart

    def series_count(self) -> int:
        return len(self.chart().series())


class AllocationChart(_ChartView):
    """One horizontal stacked bar per plan of a brand: its units by supplier, and uncovered."""

    def show_allocations(
        self, brand: str, plans: Sequence[tuple[str, BrandAllocation]], currency: str
    ) -> None:
        chart = self._reset(_("{brand}: units a month by supplier").format(brand=brand))
        if not plans:
            return
        # A horizontal chart draws its first category at the bottom: today goes on top.
        plans = list(reversed(plans))
        codes: list[str] = []
        for _label, plan in plans:
            for line in plan.allocated_lines:
                if line.supplier_code not in codes:
                    codes.append(line.supplier_code)
        series = QHorizontalStackedBarSeries()
        for i, code in enumerate(codes):
            bar = QBarSet(code)
            bar.setColor(PALETTE[i % len(PALETTE)])
            for _label, plan in plans:
                bar.append(
                    float(sum(x.units for x in plan.allocated_lines if x.supplier_code == code))
                )
            series.append(bar)
        if any(plan.uncovered for _label, plan in plans):
            bar = QBarSet(_("Uncovered"))
            bar.setColor(UNCOVERED)
            for _label, plan in plans:
                bar.append(float(plan.uncovered))
            series.append(bar)
        series.setBarWidth(0.6)
        chart.addSeries(series)
        labels = [
            _("{plan}\n{margin} a month").format(
                plan=label, margin=money(plan.expected_margin, currency, places=0)
            )
            for label, plan in plans
        ]
        categories = QBarCategoryAxis()
        categories.append(labels)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        values = QValueAxis()
        demand = max(plan.demand for _label, plan in plans)
        values.setRange(0, _nice_max(demand))
        values.setLabelFormat("%.0f")
        values.setTitleText(_("units a month (demand {demand})").format(demand=f"{demand:,}"))
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        chart.legend().setVisible(True)


class MarginChangeChart(_ChartView):
    """Expected margin today and under each scenario, for the brands it moves most."""

    def show_results(self, results: Sequence[ScenarioResult], top: int = 6) -> None:
        if not results:
            self._reset(_("Run a scenario to see its effect on margins"))
            return
        currency = results[0].currency
        chart = self._reset(_("Expected margin a month, the brands that move most"))
        base = results[0].brands
        moved = sorted(
            range(len(base)),
            key=lambda i: -max(abs(float(r.brands[i].margin_change)) for r in results),
        )[:top]
        moved.reverse()  # a horizontal chart draws the first category at the bottom
        series = QHorizontalBarSeries()
        biggest = max(
            [abs(float(base[i].before.expected_margin)) for i in moved]
            + [abs(float(r.brands[i].after.expected_margin)) for r in results for i in moved],
            default=0.0,
        )
        # Thousands read better than seven-digit axis labels.
        scale, unit = (
            (1000.0, _("{currency} thousand a month").format(currency=currency))
            if biggest >= 100_000
            else (1.0, _("{currency} a month").format(currency=currency))
        )
        sets = [(_("Today"), [float(base[i].before.expected_margin) / scale for i in moved])]
        sets += [
            (r.scenario.name, [float(r.brands[i].after.expected_margin) / scale for i in moved])
            for r in results
        ]
        for k, (name, values) in enumerate(sets):
            bar = QBarSet(name)
            bar.setColor(MARGIN_COLOURS[k % len(MARGIN_COLOURS)])
            bar.append(values)
            series.append(bar)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([base[i].brand for i in moved])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        every = [v for _name, values in sets for v in values]
        values_axis = QValueAxis()
        low = min(0.0, min(every, default=0.0))
        values_axis.setRange(-_nice_max(-low) if low < 0 else 0.0, _nice_max(max(every, default=1)))
        values_axis.setLabelFormat("%.0f")
        values_axis.setTitleText(unit)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values_axis)
        chart.legend().setVisible(True)
