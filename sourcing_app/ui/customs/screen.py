"""The Customs screen: customs clearance (清关) by import regime, by month and by supplier.

Figures come from services.customs_overview (docs/customs.md), worked out off
the UI thread whenever the scores, the data or the settings change: on a
million purchase lines the database needs a few seconds to count them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.formatting import NO_VALUE, cell_day, day, percent
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.widgets.record_table_model import (
    RecordColumn,
    RecordTableModel,
    fit_columns_to_contents,
    record_view,
)

if TYPE_CHECKING:
    # For the types only: the service imports SQLAlchemy (see docs/performance.md, cold start).
    from sourcing_app.services.customs_overview import (
        ClearanceFigures,
        CustomsOverview,
        RegimeClearance,
        SupplierClearance,
    )
    from sourcing_app.ui.shell.workspace import Workspace

SLOW = "#b3261e"
VERTICAL = "#0f7b8a"


def clearance_days(value: float | None) -> str:
    """'2 days', '6.5 days' ('6.5 天'): a median may fall between two whole days."""
    if value is None:
        return NO_VALUE
    if float(value).is_integer():
        n = int(value)
        return ngettext("{n} day", "{n} days", n).format(n=f"{n:,}")
    return ngettext("{n} day", "{n} days", 2).format(n=f"{value:.1f}")


def _share(f: ClearanceFigures) -> str:
    return percent(f.share_within_target, 0)


def _share_tip(f: ClearanceFigures, target: int) -> str:
    return ngettext(
        "{within} of {n} delivery cleared within {target} days",
        "{within} of {n} deliveries cleared within {target} days",
        f.deliveries,
    ).format(within=f"{f.within_target:,}", n=f"{f.deliveries:,}", target=target)


def regime_columns(target: int) -> list[RecordColumn[RegimeClearance]]:
    return [
        RecordColumn(_("Import regime"), lambda r: r.regime.label),
        *_figure_columns(lambda r: r.figures, target),
    ]


def _figure_columns(figures: Any, target: int) -> list[RecordColumn[Any]]:
    """Deliveries, median, slowest and share within target, for any row holding figures."""
    return [
        RecordColumn(
            _("Deliveries"),
            lambda r: f"{figures(r).deliveries:,}",
            lambda r: figures(r).deliveries,
            numeric=True,
            header_tip=_("Deliveries of the window with clearance days recorded"),
        ),
        RecordColumn(
            _("Median clearance"),
            lambda r: clearance_days(figures(r).median_days),
            lambda r: figures(r).median_days,
            numeric=True,
            colour=lambda r: SLOW if (figures(r).median_days or 0) > target else None,
        ),
        RecordColumn(
            _("Slowest"),
            lambda r: clearance_days(figures(r).slowest_days),
            lambda r: figures(r).slowest_days,
            numeric=True,
        ),
        RecordColumn(
            _("Within target %"),
            lambda r: _share(figures(r)),
            lambda r: figures(r).share_within_target,
            numeric=True,
            tooltip=lambda r: _share_tip(figures(r), target),
            header_tip=ngettext(
                "Share of deliveries cleared within the target of {n} day",
                "Share of deliveries cleared within the target of {n} days",
                target,
            ).format(n=target),
        ),
    ]


def supplier_columns(target: int) -> list[RecordColumn[SupplierClearance]]:
    figure_columns = _figure_columns(lambda s: s.figures, target)
    slowest = figure_columns[2]
    return [
        RecordColumn(_("Supplier"), lambda s: s.supplier_code, tooltip=lambda s: s.supplier_name),
        RecordColumn(_("Name"), lambda s: s.supplier_name),
        RecordColumn(
            _("Channel type"),
            lambda s: s.channel_type.label,
            colour=lambda s: VERTICAL if s.channel_type is ChannelType.VERTICAL else None,
        ),
        figure_columns[0],
        figure_columns[1],
        RecordColumn(
            slowest.title,
            lambda s: _("{days}, line {line}").format(
                days=clearance_days(s.figures.slowest_days), line=s.slowest_line
            ),
            slowest.sort_key,
            numeric=True,
            header_tip=_("The longest clearance, and the purchase line it was on"),
        ),
        figure_columns[3],
    ]


def load_overview(engine: Any, as_of: dt.date) -> CustomsOverview:
    from sourcing_app.services.customs_overview import customs_overview

    return customs_overview(engine, as_of)


class CustomsScreen(QWidget):
    """Clearance compared by regime and supplier; double-click a supplier to open it."""

    overview_shown = Signal(object)  # the CustomsOverview now on screen

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CustomsScreen")
        self.workspace = workspace
        self.overview: CustomsOverview | None = None
        self._dirty = True
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._loaded)
        self._runner.failed.connect(self._failed)
        self._job = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 8)
        layout.setSpacing(8)
        # Translators: the Customs screen's title (清关).
        self.heading = QLabel(pgettext("screen", "Customs clearance"))
        self.heading.setObjectName("ScreenTitle")
        layout.addWidget(self.heading)
        self.summary = QLabel("")
        self.summary.setObjectName("DetailSubtitle")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.regime_model: RecordTableModel[RegimeClearance] = RecordTableModel(regime_columns(3))
        # Three rows in the regimes' own order: nothing to sort.
        self.regimes = record_view(self.regime_model, sortable=False, stretch_last=False)
        self.regimes.setObjectName("CustomsRegimes")
        self.regimes.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.regimes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.regimes.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # Its size hint follows its rows and columns (a view's default hint is 256 × 192).
        self.regimes.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.regimes, 0, Qt.AlignmentFlag.AlignTop)
        summary_row.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignTop)
        # The two trend charts (QtCharts loads with the first figures, not with the window).
        self.chart_views: list[Any] = []
        top = QSplitter(Qt.Orientation.Horizontal)
        top.setChildrenCollapsible(False)
        self.top = top

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 6, 0, 0)
        self.suppliers_title = QLabel(_("Suppliers whose goods wait longest"))
        self.suppliers_title.setObjectName("DetailTitle")
        lower_layout.addWidget(self.suppliers_title)
        self.supplier_model: RecordTableModel[SupplierClearance] = RecordTableModel(
            supplier_columns(3)
        )
        # The name takes the room left over, not the last figure column.
        self.suppliers = record_view(self.supplier_model, stretch_last=False)
        self.suppliers.setObjectName("CustomsSuppliers")
        # Longest median first, as the service lists them; the buyer may sort otherwise.
        self.suppliers.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        self.suppliers.setToolTip(_("Double-click a supplier to open it in Suppliers"))
        self.suppliers.doubleClicked.connect(self._open_supplier)
        lower_layout.addWidget(self.suppliers, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout.addLayout(summary_row)
        layout.addWidget(self.splitter, 1)

        workspace.scores_changed.connect(self._stale)
        workspace.settings_changed.connect(self._stale)
        workspace.data_changed.connect(lambda _kind: self._stale())

    # --- window protocol -------------------------------------------------------------------

    def screen_shown(self) -> None:
        if self._dirty:
            self.reload()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("suppliers_header", self.suppliers.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        for key, target in (
            ("splitter", self.splitter),
            ("suppliers_header", self.suppliers.horizontalHeader()),
        ):
            state = settings.value(key)
            if isinstance(state, QByteArray):
                target.restoreState(state)

    # --- work ------------------------------------------------------------------------------

    def _stale(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.reload()

    def reload(self) -> int:
        """Work the figures out again off the UI thread; the job number."""
        self._dirty = False
        engine, as_of = self.workspace.engine, self.workspace.as_of
        self.heading.setText(_("Customs clearance — working out the figures…"))
        self._job = self._runner.start(lambda: load_overview(engine, as_of))
        return self._job

    def _failed(self, job: int, error: object) -> None:
        if job == self._job:
            self.heading.setText(pgettext("screen", "Customs clearance"))
            self.summary.setText(
                _("The clearance figures could not be worked out: {problem}").format(problem=error)
            )

    def _loaded(self, job: int, overview: CustomsOverview) -> None:
        if job != self._job:
            return
        self.show_overview(overview)

    def show_overview(self, overview: CustomsOverview) -> None:
        self.overview = overview
        target = overview.target_days
        f = overview.overall
        self.heading.setText(
            _("Customs clearance — window {start} to {end}, target {target}").format(
                start=cell_day(overview.window_start + dt.timedelta(days=1)),
                end=cell_day(overview.as_of),
                target=clearance_days(target),
            )
        )
        if f.deliveries:
            self.summary.setText(
                ngettext(
                    "<b>{n}</b> delivery with clearance days recorded: median <b>{median}</b>,"
                    " slowest <b>{slowest}</b>, <b>{share}</b> cleared within {target}.",
                    "<b>{n}</b> deliveries with clearance days recorded: median <b>{median}</b>,"
                    " slowest <b>{slowest}</b>, <b>{share}</b> cleared within {target}.",
                    f.deliveries,
                ).format(
                    n=f"{f.deliveries:,}",
                    median=clearance_days(f.median_days),
                    slowest=clearance_days(f.slowest_days),
                    share=_share(f),
                    target=clearance_days(target),
                )
            )
        else:
            self.summary.setText(
                _(
                    "No delivery of the window up to {day} has its clearance days recorded:"
                    " import deliveries with the clearance_days column to see them here."
                ).format(day=day(overview.as_of))
            )
        self.regime_model.set_columns(regime_columns(target), overview.by_regime)
        fit_columns_to_contents(self.regimes)
        self._fit_regimes()
        self.supplier_model.set_columns(supplier_columns(target), overview.slowest_suppliers)
        header = self.suppliers.horizontalHeader()
        self.supplier_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        fit_columns_to_contents(self.suppliers)
        # The name fills what the figures leave; cut short on a narrow window, it is
        # whole in the Supplier tooltip.
        self.suppliers.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        shown = len(overview.slowest_suppliers)
        self.suppliers_title.setText(
            ngettext(
                "Suppliers whose goods wait longest: the slowest {shown} of {n} (supplier and"
                " channel type), longest median first",
                "Suppliers whose goods wait longest: the slowest {shown} of {n} (supplier and"
                " channel type), longest median first",
                overview.suppliers_with_data,
            ).format(shown=f"{shown:,}", n=f"{overview.suppliers_with_data:,}")
        )
        self._show_charts(overview)
        self.overview_shown.emit(overview)

    def _fit_regimes(self) -> None:
        """The regimes' table exactly as big as its three or so rows: no scroll bars."""
        view = self.regimes
        frame = 2 * view.frameWidth()
        view.setFixedWidth(view.horizontalHeader().length() + frame)
        rows = max(1, self.regime_model.rowCount())
        view.setFixedHeight(
            view.horizontalHeader().height()
            + rows * view.verticalHeader().defaultSectionSize()
            + frame
        )

    def _show_charts(self, overview: CustomsOverview) -> None:
        from sourcing_app.ui.customs.charts import median_trend_chart, share_trend_chart
        from sourcing_app.ui.suppliers.charts import chart_view

        charts = (
            median_trend_chart(overview.by_month, overview.target_days),
            share_trend_chart(overview.by_month, overview.target_days),
        )
        if not self.chart_views:
            self.chart_views = [chart_view(chart) for chart in charts]
            for view in self.chart_views:
                self.top.addWidget(view)
            # The splitter was laid out with nothing above the suppliers: share the height.
            height = self.splitter.height()
            self.splitter.setSizes([max(300, height * 2 // 5), max(200, height * 3 // 5)])
            return
        for view, chart in zip(self.chart_views, charts, strict=True):
            old = view.chart()
            view.setChart(chart)  # the view owns the new chart; the old one is ours to free
            old.deleteLater()

    def _open_supplier(self, index: Any) -> None:
        if index.isValid():
            self.workspace.open_supplier(self.supplier_model.row_at(index.row()).supplier_id)
