"""The Dashboard: where the portfolio stands, and what needs a buyer today.

A risk matrix (margin score against stability score, one point per supplier,
the standing bands drawn as the curves margin × stability = band², since the
sourcing score is their geometric mean, docs/standings-and-flags.md), headline figures, the
open risk flags with their causes, and the hot-selling brands at risk. A
suspected counterfeit, the loudest flag, has its own banner above everything
and heads the flag list (ui/widgets/flag_style.py).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.enums import STANDING_HEX, STANDING_RANK, ChannelType, Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.formatting import day, money, percent, points
from sourcing_app.domain.settings import StandingBands
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.ui.dashboard.movers import MoversList
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.suppliers.charts import styled_chart
from sourcing_app.ui.widgets.flag_style import (
    COUNTERFEIT_BACKGROUND,
    COUNTERFEIT_RED,
    flag_colour,
    flag_title,
    has_composite_channel,
    loudness,
)
from sourcing_app.ui.widgets.record_table_model import (
    RecordColumn,
    RecordTableModel,
    fit_columns_to_contents,
    record_view,
)

if TYPE_CHECKING:
    from sourcing_app.services.brand_overview import BrandOverview
    from sourcing_app.ui.shell.workspace import Workspace

MOST_COUNTERFEITS = 3  # named in the banner; the rest head the flag list
# Up to this many suppliers the figures are added up on the UI thread (milliseconds).
QUICK_UP_TO = 5_000
BRANDS_AFTER_MS = 150
VERTICAL_COLOUR = "#0f7b8a"
COMPOSITE_COLOUR = "#c8642b"
MARKER_SIZES = (7.0, 11.0, 16.0)  # spend classes: lower third, middle third, top third
BAND_STYLE = Qt.PenStyle.DashLine
# The flags of suppliers a buyer is most likely to be buying from badly come first.
FLAG_URGENCY = {
    Standing.AVOID: 0,
    Standing.WATCH: 1,
    Standing.UNRATED: 2,
    Standing.APPROVED: 3,
    Standing.PREFERRED: 4,
}


@dataclass(frozen=True)
class FlagRow:
    supplier_id: int
    supplier_code: str
    supplier_name: str
    standing: Standing
    flag: Flag
    composite: bool = False  # the supplier buys through a composite channel

    @property
    def loudness(self) -> int:
        return loudness(self.flag.code, self.composite)


def flag_order(rows: Sequence[FlagRow]) -> list[FlagRow]:
    """Suspected counterfeits first (a composite channel's before the rest), then by standing."""
    return sorted(rows, key=lambda r: (r.loudness, FLAG_URGENCY[r.standing], r.supplier_code))


@dataclass(frozen=True)
class DashboardFigures:
    """Everything the dashboard shows, worked out off the UI thread."""

    as_of: dt.date
    standings: dict[Standing, int]
    total_spend: Decimal
    vertical_spend: Decimal
    currency: str
    # (vertical?, size class) -> points and the supplier ids in the same order
    points: dict[tuple[bool, int], tuple[list[tuple[float, float]], list[int]]]
    spend_edges: tuple[Decimal, Decimal]
    unplotted: int  # suppliers with no margin score (no valid quote)
    flags: list[FlagRow]
    brands: list[BrandOverview] | None  # None until the brands' figures are worked out
    bands: StandingBands

    @property
    def vertical_share(self) -> float | None:
        return float(self.vertical_spend / self.total_spend) if self.total_spend else None

    @property
    def hot_brands(self) -> list[BrandOverview]:
        return [b for b in self.brands or () if b.hot_selling]

    @property
    def brands_at_risk(self) -> list[BrandOverview]:
        return [b for b in self.brands or () if b.at_risk]


def work_out_figures(
    workspace_engine: Any,
    scores: Sequence[SupplierScore],
    as_of: dt.date,
    *,
    with_brands: bool = True,
) -> DashboardFigures:
    """Pure work (SQL and arithmetic), for a worker thread; without the brands it is quick."""
    from sourcing_app.services.settings import load_settings

    with workspace_engine.connect() as conn:
        settings = load_settings(conn)
    standings = dict.fromkeys(Standing, 0)
    total = Decimal(0)
    vertical = Decimal(0)
    for score in scores:
        standings[score.standing] += 1
        total += score.spend
        if ChannelType.VERTICAL in score.channel_types:
            vertical += score.spend
    spends = sorted(s.spend for s in scores if s.margin_score is not None)
    if spends:
        edges = (spends[len(spends) // 3], spends[(2 * len(spends)) // 3])
    else:
        edges = (Decimal(0), Decimal(0))
    points_: dict[tuple[bool, int], tuple[list[tuple[float, float]], list[int]]] = {
        (v, c): ([], []) for v in (True, False) for c in range(3)
    }
    unplotted = 0
    flags: list[FlagRow] = []
    for score in scores:
        for flag in score.flags:
            flags.append(
                FlagRow(
                    score.supplier_id,
                    score.supplier_code,
                    score.supplier_name,
                    score.standing,
                    flag,
                    has_composite_channel(score),
                )
            )
        if score.margin_score is None:
            unplotted += 1
            continue
        size = 0 if score.spend < edges[0] else (1 if score.spend < edges[1] else 2)
        xy, ids = points_[(ChannelType.VERTICAL in score.channel_types, size)]
        xy.append((score.margin_score, score.stability_score))
        ids.append(score.supplier_id)
    brands = None
    if with_brands:  # the brands' service imports the ORM models: not on the quick path
        from sourcing_app.services.brand_overview import brand_overviews

        brands = brand_overviews(workspace_engine, scores, as_of, settings)
    return DashboardFigures(
        as_of, standings, total, vertical, settings.home_currency, points_, edges, unplotted,
        flags, brands, settings.bands,
    )  # fmt: skip


def band_curve(band: float, steps: int = 80) -> list[QPointF]:
    """Where the sourcing score equals `band`: margin × stability = band² (both 0..100)."""
    if band <= 0:
        return []
    low = band * band / 100.0  # at stability 100
    out = []
    for i in range(steps + 1):
        # Denser near the corner, where the curve bends.
        x = low * (100.0 / low) ** (i / steps)
        out.append(QPointF(x, band * band / x))
    return out


class RiskMatrix(QChartView):
    supplier_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        self._chart = styled_chart(_("Risk matrix: margin against supply stability"))
        super().__init__(self._chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The least height at which the stability axis still shows every ten points
        # (at 280 its labels turned to "…"); it grows with the window. On a 1366 × 768
        # laptop the Dashboard scrolls a little rather than squeeze it further.
        self.setMinimumSize(440, 340)
        self.x_axis = QValueAxis()
        self.x_axis.setRange(-3, 103)  # points on 0 or 100 are drawn whole
        self.x_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.x_axis.setTickAnchor(0)
        self.x_axis.setTickInterval(10)
        self.x_axis.setLabelFormat("%.0f")
        self.x_axis.setTitleText(
            _("Margin score (0–100 points; 100 = target margin of 35% or more)")
        )
        self.y_axis = QValueAxis()
        self.y_axis.setRange(-3, 103)
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(0)
        self.y_axis.setTickInterval(10)
        self.y_axis.setLabelFormat("%.0f")
        self.y_axis.setTitleText(_("Stability score (0–100 points)"))
        self._chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self._chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self._bands: list[QLineSeries] = []
        self.series: dict[tuple[bool, int], QScatterSeries] = {}
        self._ids: dict[tuple[bool, int], list[int]] = {}
        self._xy: dict[tuple[bool, int], list[tuple[float, float]]] = {}
        for vertical in (True, False):
            for size in range(3):
                series = QScatterSeries()
                colour = QColor(VERTICAL_COLOUR if vertical else COMPOSITE_COLOUR)
                colour.setAlpha(190)
                series.setColor(colour)
                series.setBorderColor(QColor(colour).darker(130))
                series.setMarkerSize(MARKER_SIZES[size])
                series.setUseOpenGL(False)
                key = (vertical, size)
                series.hovered.connect(
                    lambda point, state, key=key: self._hovered(key, point, state)
                )
                series.clicked.connect(lambda point, key=key: self._clicked(key, point))
                self._chart.addSeries(series)
                series.attachAxis(self.x_axis)
                series.attachAxis(self.y_axis)
                self._chart.legend().markers(series)[0].setVisible(False)
                self.series[key] = series
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

    def show_figures(self, figures: DashboardFigures) -> None:
        self._draw_bands(figures.bands)
        for key, series in self.series.items():
            xy, ids = figures.points[key]
            series.replace([QPointF(x, y) for x, y in xy])
            self._ids[key] = ids
            self._xy[key] = xy

    def _draw_bands(self, bands: StandingBands) -> None:
        for old in self._bands:
            self._chart.removeSeries(old)
        self._bands = []
        for standing, edge in (
            (Standing.PREFERRED, bands.preferred),
            (Standing.APPROVED, bands.approved),
            (Standing.WATCH, bands.watch),
        ):
            line = QLineSeries()
            line.setName(
                _("{standing} from {points} points").format(
                    standing=standing.label, points=f"{edge:g}"
                )
            )
            pen = QPen(QColor(STANDING_HEX[standing]), 1.6, BAND_STYLE)
            line.setPen(pen)
            line.append(band_curve(edge))
            self._chart.addSeries(line)
            line.attachAxis(self.x_axis)
            line.attachAxis(self.y_axis)
            self._bands.append(line)

    def supplier_at(self, key: tuple[bool, int], point: QPointF) -> int | None:
        xy = self._xy.get(key, [])
        if not xy:
            return None
        best = min(
            range(len(xy)), key=lambda i: (xy[i][0] - point.x()) ** 2 + (xy[i][1] - point.y()) ** 2
        )
        return self._ids[key][best]

    def position_of(self, supplier_id: int) -> tuple[QPointF, tuple[bool, int]] | None:
        """Where a supplier's point is drawn, in viewport coordinates (for the tests)."""
        for key, ids in self._ids.items():
            if supplier_id in ids:
                x, y = self._xy[key][ids.index(supplier_id)]
                scene = self._chart.mapToScene(
                    self._chart.mapToPosition(QPointF(x, y), self.series[key])
                )
                return QPointF(self.mapFromScene(scene)), key
        return None

    def _hovered(self, key: tuple[bool, int], point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        supplier_id = self.supplier_at(key, point)
        names = getattr(self, "names", {})
        if supplier_id is not None:
            QToolTip.showText(QCursor.pos(), names.get(supplier_id, str(supplier_id)), self)

    def _clicked(self, key: tuple[bool, int], point: QPointF) -> None:
        supplier_id = self.supplier_at(key, point)
        if supplier_id is not None:
            self.supplier_clicked.emit(supplier_id)


class Headline(QFrame):
    def __init__(self, caption: str, colour: str | None = None) -> None:
        super().__init__()
        self.setObjectName("Headline")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.value = QLabel("—")
        self.value.setObjectName("HeadlineValue")
        if colour:
            self.value.setStyleSheet(f"color: {colour};")
        self.caption = QLabel(caption)
        self.caption.setObjectName("HeadlineCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def show_value(self, value: str, caption: str | None = None) -> None:
        self.value.setText(value)
        if caption is not None:
            self.caption.setText(caption)


def flag_columns() -> list[RecordColumn[FlagRow]]:
    """The open flags' columns, their headers in the current language."""
    return [
        RecordColumn(_("Supplier"), lambda r: r.supplier_code, tooltip=lambda r: r.supplier_name),
        RecordColumn(
            _("Standing"),
            lambda r: r.standing.label,
            lambda r: STANDING_RANK[r.standing],
            chip=lambda r: STANDING_HEX[r.standing],
        ),
        RecordColumn(
            _("Flag"),
            lambda r: flag_title(r.flag.code),
            lambda r: (r.loudness, r.flag.code.value),
            colour=lambda r: flag_colour(r.flag.code),
            bold=lambda r: r.flag.code is FlagCode.COUNTERFEIT_SUSPECTED,
        ),
        RecordColumn(_("Cause"), lambda r: r.flag.message, tooltip=lambda r: r.flag.message),
    ]


def _brand_reason(brand: BrandOverview) -> str:
    reasons = [f.message for f in brand.flags]
    if brand.single_point_of_failure and not reasons:
        reasons.append(_("one active channel"))
    if brand.vertical_count == 0 and not reasons:
        reasons.append(_("composite channels only"))
    if any(c.standing is Standing.AVOID for c in brand.active_channels):
        reasons.append(_("an Avoid supplier among its channels"))
    # Translators: between the reasons a hot-selling brand is at risk.
    return pgettext("reasons", "; ").join(reasons) or _("at risk")


def brand_columns() -> list[RecordColumn[Any]]:
    """The hot-selling brands at risk, their headers in the current language."""
    return [
        RecordColumn(_("Brand"), lambda b: b.name),
        RecordColumn(
            _("Demand"),
            lambda b: ngettext(
                "{n} unit/month", "{n} units/month", b.planned_monthly_demand
            ).format(n=f"{b.planned_monthly_demand:,}"),
            lambda b: b.planned_monthly_demand,
            numeric=True,
        ),
        RecordColumn(
            _("Channels"),
            lambda b: _("{vertical} vertical, {composite} composite").format(
                vertical=b.vertical_count, composite=b.composite_count
            ),
        ),
        RecordColumn(_("Why"), _brand_reason, tooltip=_brand_reason),
    ]


def brand_overviews_for(
    engine: Any, scores: Sequence[SupplierScore], as_of: dt.date, figures: Any
) -> list[BrandOverview]:
    from sourcing_app.services.brand_overview import brand_overviews

    return brand_overviews(engine, scores, as_of)


class DashboardScreen(QWidget):
    figures_shown = Signal()  # the standings, spend, matrix and flags are on screen
    brands_shown = Signal()  # the hot-selling brands at risk too

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardScreen")
        self.workspace = workspace
        self.figures: DashboardFigures | None = None
        self._dirty = True
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._worked_out)
        self._runner.failed.connect(self._failed)
        self._job = 0
        self._generation = 0  # bumped by each reload; a brands job for an older one is dropped
        self._brands_pending: tuple[int, Any, list[SupplierScore], dt.date] | None = None
        self._brands_timer = QTimer(self)  # a child: it cannot fire after the screen is gone
        self._brands_timer.setSingleShot(True)
        self._brands_timer.setInterval(BRANDS_AFTER_MS)
        self._brands_timer.timeout.connect(self._start_brands)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(12)
        title_row = QHBoxLayout()
        title = QLabel(_("Dashboard"))
        title.setObjectName("ScreenTitle")
        title_row.addWidget(title)
        self.subtitle = QLabel(_("Scoring the suppliers…"))
        self.subtitle.setObjectName("Muted")
        title_row.addSpacing(12)
        title_row.addWidget(self.subtitle, 1)
        layout.addLayout(title_row)

        # The loudest flag: above everything else, only while there is one.
        self.counterfeit_banner = QLabel("")
        self.counterfeit_banner.setObjectName("CounterfeitBanner")
        self.counterfeit_banner.setWordWrap(True)
        self.counterfeit_banner.setTextFormat(Qt.TextFormat.RichText)
        self.counterfeit_banner.setStyleSheet(
            f"QLabel {{ background: {COUNTERFEIT_BACKGROUND}; color: {COUNTERFEIT_RED};"
            f" border: 2px solid {COUNTERFEIT_RED}; border-radius: 4px; padding: 8px 10px; }}"
        )
        self.counterfeit_banner.linkActivated.connect(
            lambda link: workspace.open_supplier(int(link))
        )
        self.counterfeit_banner.setVisible(False)
        layout.addWidget(self.counterfeit_banner)

        cards = QGridLayout()
        cards.setHorizontalSpacing(10)
        self.standing_cards: dict[Standing, Headline] = {}
        for n, standing in enumerate(Standing):
            card = Headline(
                _("{standing} suppliers").format(standing=standing.label), STANDING_HEX[standing]
            )
            self.standing_cards[standing] = card
            cards.addWidget(card, 0, n)
        self.vertical_card = Headline(_("of spend goes through suppliers with a vertical channel"))
        cards.addWidget(self.vertical_card, 0, len(Standing))
        self.risk_card = Headline(_("hot-selling brands at risk"))
        self.risk_card.value.setStyleSheet("color: #b3261e;")
        cards.addWidget(self.risk_card, 0, len(Standing) + 1)
        for column in range(len(Standing) + 2):
            cards.setColumnStretch(column, 2 if column >= len(Standing) else 1)
        layout.addLayout(cards)

        self.matrix = RiskMatrix()
        self.matrix.supplier_clicked.connect(workspace.open_supplier)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.matrix, 1)
        self.legend = QLabel("")
        self.legend.setObjectName("ChartLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        left_layout.addWidget(self.legend)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.flags_title = QLabel(_("Open risk flags"))
        self.flags_title.setObjectName("SectionTitle")
        right_layout.addWidget(self.flags_title)
        self.flags_model: RecordTableModel[FlagRow] = RecordTableModel(flag_columns())
        self.flags_view = record_view(self.flags_model, last_in_view=True)
        self.flags_view.setToolTip(_("Click a flag to open its supplier"))
        self.flags_view.clicked.connect(self._flag_clicked)
        self.flags_view.activated.connect(self._flag_clicked)
        right_layout.addWidget(self.flags_view, 3)
        self.brands_title = QLabel(_("Hot-selling brands at risk"))
        self.brands_title.setObjectName("SectionTitle")
        right_layout.addWidget(self.brands_title)
        self.brands_model: RecordTableModel[Any] = RecordTableModel(brand_columns())
        self.brands_view = record_view(self.brands_model, last_in_view=True)
        self.brands_view.setToolTip(_("Click a brand to open it"))
        self.brands_view.clicked.connect(self._brand_clicked)
        self.brands_view.activated.connect(self._brand_clicked)
        right_layout.addWidget(self.brands_view, 2)
        # Who fell or rose most over six months (docs/trend.md); its own module.
        self.movers = MoversList(workspace)
        right_layout.addWidget(self.movers, 3)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([760, 640])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)
        workspace.scores_changed.connect(self._scores_changed)

    # --- window protocol ------------------------------------------------------------------

    def screen_shown(self) -> None:
        if self._dirty:
            self.reload()

    def save_state(self, settings: Any) -> None:
        settings.setValue("splitter", self.splitter.saveState())

    def restore_state(self, settings: Any) -> None:
        from PySide6.QtCore import QByteArray

        state = settings.value("splitter")
        if isinstance(state, QByteArray):
            self.splitter.restoreState(state)

    # --- work ----------------------------------------------------------------------------

    def _scores_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        self._dirty = False
        scores = list(self.workspace.scores)
        if not scores:
            return
        engine, as_of = self.workspace.engine, self.workspace.as_of
        if len(scores) <= QUICK_UP_TO:
            # A few thousand suppliers add up in milliseconds: show them now and
            # let the brands' figures (SQL over every channel) follow.
            self._show_figures(work_out_figures(engine, scores, as_of, with_brands=False))
            self._job = 0  # a job still working for older scores is no longer wanted
            self._generation += 1
            wanted = self._generation
            # The brands' worker imports the ORM models and reads every channel;
            # it starts once the figures above are painted, not in their way.
            self._brands_pending = (wanted, engine, scores, as_of)
            self._brands_timer.start()
            return
        self._generation += 1
        self.subtitle.setText(
            ngettext(
                "Working out the figures of {n} supplier…",
                "Working out the figures of {n} suppliers…",
                len(scores),
            ).format(n=f"{len(scores):,}")
        )
        self._job = self._runner.start(lambda: work_out_figures(engine, scores, as_of))

    def _start_brands(self) -> None:
        if self._brands_pending is None:
            return
        wanted, engine, scores, as_of = self._brands_pending
        self._brands_pending = None
        if wanted == self._generation:
            self._job = self._runner.start(
                lambda: brand_overviews_for(engine, scores, as_of, self.figures)
            )

    def _failed(self, job: int, error: Exception) -> None:
        if job == self._job:
            self.subtitle.setText(
                _("The figures could not be worked out: {error}").format(error=error)
            )

    def _worked_out(self, job: int, result: DashboardFigures | list[BrandOverview]) -> None:
        if job != self._job:
            return
        if isinstance(result, list):
            if self.figures is not None:
                self.figures = replace(self.figures, brands=result)
                self._show_brands(self.figures)
            return
        self._show_figures(result)

    def _show_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        total = sum(figures.standings.values())
        self.subtitle.setText(
            ngettext(
                "{n} supplier scored as of {day}; spend in the window {spend}",
                "{n} suppliers scored as of {day}; spend in the window {spend}",
                total,
            ).format(
                n=f"{total:,}",
                day=day(figures.as_of),
                spend=money(figures.total_spend, figures.currency, 0),
            )
        )
        for standing, card in self.standing_cards.items():
            n = figures.standings[standing]
            card.show_value(
                f"{n:,}",
                _("{standing} suppliers ({share})").format(
                    standing=standing.label, share=percent(n / total if total else 0, 0)
                ),
            )
        share = figures.vertical_share
        self.vertical_card.show_value(
            percent(share),
            _("of spend ({vertical} of {total}) goes to suppliers with a vertical channel").format(
                vertical=money(figures.vertical_spend, figures.currency, 0),
                total=money(figures.total_spend, figures.currency, 0),
            ),
        )
        self._show_brands(figures)
        self.matrix.names = {
            f.supplier_id: f"{f.supplier_code} {f.supplier_name}" for f in figures.flags
        }
        self.matrix.names.update(
            {
                s.supplier_id: _("{name} ({code}): score {score}, {standing}").format(
                    name=s.supplier_name,
                    code=s.supplier_code,
                    score=points(s.sourcing_score),
                    standing=s.standing.label,
                )
                for s in self.workspace.scores
            }
        )
        self.matrix.show_figures(figures)
        low, high = figures.spend_edges
        cur = figures.currency
        dot = "<span style='color:{colour}; font-size:14pt'>●</span>"
        text = _(
            "{vertical_dot} has a vertical channel &nbsp; {composite_dot} composite only"
            " &nbsp;&nbsp; Marker size = spend in the window: small &lt; {low}"
            " ≤ medium &lt; {high} ≤ large."
            " &nbsp; Dashed curves: standing bands (sourcing score = √(margin × stability))."
        ).format(
            vertical_dot=dot.format(colour=VERTICAL_COLOUR),
            composite_dot=dot.format(colour=COMPOSITE_COLOUR),
            low=money(low, cur, 0),
            high=money(high, cur, 0),
        )
        if figures.unplotted:
            text += " " + ngettext(
                "{n} supplier without a valid quote not plotted.",
                "{n} suppliers without a valid quote not plotted.",
                figures.unplotted,
            ).format(n=f"{figures.unplotted:,}")
        self.legend.setText(text)
        self.flags_model.set_rows(flag_order(figures.flags))
        self._show_counterfeits(figures.flags)
        self.flags_title.setText(
            _("Open risk flags ({n}) — click one to open its supplier").format(
                n=f"{len(figures.flags):,}"
            )
        )
        fit_columns_to_contents(self.flags_view)
        self.figures_shown.emit()

    def _show_counterfeits(self, rows: Sequence[FlagRow]) -> None:
        """The banner: every suspected counterfeit, a composite channel's first."""
        fakes = [r for r in flag_order(rows) if r.flag.code is FlagCode.COUNTERFEIT_SUSPECTED]
        self.counterfeit_banner.setVisible(bool(fakes))
        if not fakes:
            self.counterfeit_banner.setText("")
            return
        shown = fakes[:MOST_COUNTERFEITS]
        lines = [
            _("<a href='{id}'>{code}</a> {name}: {cause}").format(
                id=r.supplier_id,
                code=html.escape(r.supplier_code),
                name=html.escape(r.supplier_name),
                cause=html.escape(r.flag.message),
            )
            for r in shown
        ]
        if len(fakes) > len(shown):
            lines.append(
                ngettext(
                    "and {n} more supplier in the flag list below",
                    "and {n} more suppliers in the flag list below",
                    len(fakes) - len(shown),
                ).format(n=f"{len(fakes) - len(shown):,}")
            )
        heading = ngettext(
            "⚠ Suspected counterfeit returned by customers: {n} supplier — stop and check"
            " before buying again",
            "⚠ Suspected counterfeit returned by customers: {n} suppliers — stop and check"
            " before buying again",
            len(fakes),
        ).format(n=f"{len(fakes):,}")
        self.counterfeit_banner.setText(f"<b>{html.escape(heading)}</b><br>" + "<br>".join(lines))

    def _show_brands(self, figures: DashboardFigures) -> None:
        if figures.brands is None:
            self.risk_card.show_value("…", _("hot-selling brands at risk (working out)"))
            return
        at_risk = figures.brands_at_risk
        self.risk_card.show_value(
            _("{n} of {total}").format(n=f"{len(at_risk):,}", total=f"{len(figures.hot_brands):,}"),
            _("hot-selling brands at risk"),
        )
        self.brands_model.set_rows(at_risk)
        self.brands_title.setText(
            _("Hot-selling brands at risk ({n}) — click one to open it").format(
                n=f"{len(at_risk):,}"
            )
        )
        fit_columns_to_contents(self.brands_view)
        self.brands_shown.emit()

    def _flag_clicked(self, index: Any) -> None:
        if index.isValid():
            self.workspace.open_supplier(self.flags_model.row_at(index.row()).supplier_id)

    def _brand_clicked(self, index: Any) -> None:
        if index.isValid():
            self.workspace.open_brand(self.brands_model.row_at(index.row()).id)
