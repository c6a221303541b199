"""The Brands screen: each brand's supply at a glance, its suppliers side by side.

Figures come from services.brand_overview (docs/planning.md), worked out off
the UI thread after each scoring run.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLabel, QSplitter, QVBoxLayout, QWidget

from sourcing_app.domain.enums import STANDING_HEX, STANDING_RANK, ChannelType
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import flag_label
from sourcing_app.domain.formatting import NO_VALUE, cell_day, money, percent, points, units
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.widgets.record_table_model import (
    RecordColumn,
    RecordTableModel,
    fit_columns_to_contents,
    record_view,
)

if TYPE_CHECKING:
    # For the types only: the service imports the ORM models (see docs/performance.md, cold start).
    from sourcing_app.services.brand_overview import BrandChannel, BrandOverview
    from sourcing_app.ui.shell.workspace import Workspace

WARNING = "#b3261e"
HOT = "#c8642b"


def _flags(brand: BrandOverview) -> str:
    labels = [flag_label(f.code) for f in brand.flags]
    if brand.at_risk and not labels:
        labels.append(_("At risk"))
    return pgettext("list", ", ").join(labels)


def per_month(quantity: int | None) -> str:
    """'400 units/mo', '400 件/月'."""
    if quantity is None:
        return NO_VALUE
    return ngettext("{n} unit/mo", "{n} units/mo", quantity).format(n=f"{quantity:,}")


def brand_columns() -> list[RecordColumn[BrandOverview]]:
    """The brand table's columns, their headers in the current language."""
    return [
        RecordColumn(
            _("Brand"),
            lambda b: b.name,
            tooltip=lambda b: _("{category}, from {country}").format(
                category=b.category, country=b.origin_country
            ),
        ),
        RecordColumn(
            # Translators: a column header: whether the brand is a hot-selling brand.
            pgettext("column", "Hot"),
            lambda b: _("hot-selling") if b.hot_selling else "",
            colour=lambda b: HOT,
            sort_key=lambda b: not b.hot_selling,
        ),
        RecordColumn(
            _("Demand"),
            lambda b: per_month(b.planned_monthly_demand),
            lambda b: b.planned_monthly_demand,
            numeric=True,
            header_tip=_("Planned monthly demand"),
        ),
        RecordColumn(
            ChannelType.VERTICAL.label,
            lambda b: f"{b.vertical_count:,}",
            lambda b: b.vertical_count,
            numeric=True,
            header_tip=_("Active vertical channels"),
        ),
        RecordColumn(
            ChannelType.COMPOSITE.label,
            lambda b: f"{b.composite_count:,}",
            lambda b: b.composite_count,
            numeric=True,
            header_tip=_("Active composite channels"),
        ),
        RecordColumn(
            _("Coverage %"),
            lambda b: percent(b.coverage, 0),
            lambda b: b.coverage,
            numeric=True,
            header_tip=_("Suppliers' monthly capacity over planned demand, capped at 100%"),
        ),
        RecordColumn(
            _("Vertical possible %"),
            lambda b: percent(b.vertical_share_possible, 0),
            lambda b: b.vertical_share_possible,
            numeric=True,
            header_tip=_("Share of demand the vertical channels' capacity could carry"),
        ),
        RecordColumn(
            _("HHI"),
            lambda b: NO_VALUE if b.hhi is None else f"{b.hhi:.2f}",
            lambda b: b.hhi,
            numeric=True,
            header_tip=_("Concentration of the window's units across suppliers, Σ share², 0..1"),
        ),
        RecordColumn(
            _("Weighted margin %"),
            lambda b: percent(b.weighted_margin_pct),
            lambda b: b.weighted_margin_pct,
            numeric=True,
            header_tip=_("Margin of the active channels weighted by units ordered"),
        ),
        RecordColumn(
            _("Flags"),
            _flags,
            colour=lambda b: WARNING,
            tooltip=lambda b: "\n".join(f.message for f in b.flags) or None,
        ),
    ]


def _channel_type(c: BrandChannel) -> str:
    if c.active:
        return c.channel_type.label
    return _("{type} (inactive)").format(type=c.channel_type.label)


def channel_columns() -> list[RecordColumn[BrandChannel]]:
    """The brand's suppliers side by side, their headers in the current language."""
    return [
        RecordColumn(_("Supplier"), lambda c: c.supplier_code, tooltip=lambda c: c.supplier_name),
        RecordColumn(_("Name"), lambda c: c.supplier_name),
        RecordColumn(
            _("Type"),
            _channel_type,
            lambda c: (c.channel_type.value, not c.active),
            colour=lambda c: "#0f7b8a" if c.channel_type is ChannelType.VERTICAL else None,
        ),
        RecordColumn(_("Tier"), lambda c: str(c.tier), lambda c: c.tier, numeric=True),
        RecordColumn(
            _("Standing"),
            lambda c: c.standing.label,
            lambda c: STANDING_RANK[c.standing],
            chip=lambda c: STANDING_HEX[c.standing],
        ),
        RecordColumn(
            _("Score"),
            lambda c: points(c.sourcing_score),
            lambda c: c.sourcing_score,
            numeric=True,
            header_tip=_("Sourcing score, 0–100 points"),
        ),
        RecordColumn(
            _("Margin %"), lambda c: percent(c.margin_pct), lambda c: c.margin_pct, numeric=True
        ),
        RecordColumn(
            _("Unit margin"),
            lambda c: money(c.unit_margin),
            lambda c: c.unit_margin,
            numeric=True,
            header_tip=_("Mean home-currency margin per unit over the brand's SKUs it quotes"),
        ),
        RecordColumn(_("Fill %"), lambda c: percent(c.fill, 0), lambda c: c.fill, numeric=True),
        RecordColumn(
            _("Capacity"),
            lambda c: per_month(c.monthly_capacity),
            lambda c: c.monthly_capacity,
            numeric=True,
            header_tip=_("The supplier's monthly capacity, shared with its other brands"),
        ),
        RecordColumn(
            _("Units in window"),
            lambda c: units(c.units_in_window),
            lambda c: c.units_in_window,
            numeric=True,
        ),
        RecordColumn(
            _("Authorized until"),
            lambda c: cell_day(c.authorized_until),
            lambda c: c.authorized_until,
        ),
    ]


def overviews(engine: Any, scores: Sequence[SupplierScore], as_of: dt.date) -> list[BrandOverview]:
    from sourcing_app.services.brand_overview import brand_overviews

    return brand_overviews(engine, scores, as_of)


class BrandsScreen(QWidget):
    brands_shown = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("BrandsScreen")
        self.workspace = workspace
        self._dirty = True
        self._wanted_brand: int | None = None
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._loaded)
        self._job = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 8)
        layout.setSpacing(10)
        self.heading = QLabel(_("Brands"))
        self.heading.setObjectName("ScreenTitle")
        layout.addWidget(self.heading)

        self.model: RecordTableModel[BrandOverview] = RecordTableModel(brand_columns())
        self.table = record_view(self.model)
        self.table.setObjectName("BrandTable")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 6, 0, 0)
        self.brand_title = QLabel(_("Select a brand to see its suppliers side by side"))
        self.brand_title.setObjectName("DetailTitle")
        self.brand_facts = QLabel("")
        self.brand_facts.setObjectName("DetailSubtitle")
        self.brand_facts.setWordWrap(True)
        self.brand_facts.setTextFormat(Qt.TextFormat.RichText)
        detail_layout.addWidget(self.brand_title)
        detail_layout.addWidget(self.brand_facts)
        self.channels_model: RecordTableModel[BrandChannel] = RecordTableModel(channel_columns())
        self.channels = record_view(self.channels_model)
        self.channels.setObjectName("BrandChannels")
        self.channels.setToolTip(_("Double-click a supplier to open it in Suppliers"))
        self.channels.doubleClicked.connect(self._open_supplier)
        side = QSplitter(Qt.Orientation.Horizontal)
        side.addWidget(self.channels)
        self.chart_slot = QWidget()
        QVBoxLayout(self.chart_slot).setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.chart_slot)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        side.setSizes([900, 440])
        side.setChildrenCollapsible(False)
        self.side = side
        detail_layout.addWidget(side, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self.table.selectionModel().currentRowChanged.connect(self._brand_selected)
        workspace.scores_changed.connect(self._scores_changed)
        workspace.brand_requested.connect(self.open_brand)

    # --- window protocol -------------------------------------------------------------------

    def screen_shown(self) -> None:
        if self._dirty:
            self.reload()

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("header", self.table.horizontalHeader().saveState())
        settings.setValue("channels_header", self.channels.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        for key, target in (
            ("splitter", self.splitter),
            ("header", self.table.horizontalHeader()),
            ("channels_header", self.channels.horizontalHeader()),
        ):
            state = settings.value(key)
            if isinstance(state, QByteArray):
                target.restoreState(state)

    # --- work -----------------------------------------------------------------------------

    def _scores_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        self._dirty = False
        scores = list(self.workspace.scores)
        engine, as_of = self.workspace.engine, self.workspace.as_of
        self.heading.setText(_("Brands — working out the figures…"))
        self._job = self._runner.start(lambda: overviews(engine, scores, as_of))

    def open_brand(self, brand_id: int) -> None:
        self._wanted_brand = brand_id
        if self._dirty:
            self.reload()
        else:
            self._select_wanted()

    def _loaded(self, job: int, brands: list[BrandOverview]) -> None:
        if job != self._job:
            return
        current = self._current_brand()
        self.model.set_rows(brands)
        header = self.table.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        fit_columns_to_contents(self.table)
        hot = sum(b.hot_selling for b in brands)
        at_risk = sum(b.at_risk for b in brands)
        self.heading.setText(
            ngettext(
                "Brands — {n} brand, {hot} hot-selling, {at_risk} at risk",
                "Brands — {n} brands, {hot} hot-selling, {at_risk} at risk",
                len(brands),
            ).format(n=f"{len(brands):,}", hot=f"{hot:,}", at_risk=f"{at_risk:,}")
        )
        if self._wanted_brand is None and current is not None:
            self._wanted_brand = current
        if self._wanted_brand is None and brands:
            self._wanted_brand = self.model.row_at(0).id
        self._select_wanted()
        self.brands_shown.emit(len(brands))

    def _current_brand(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).id if index.isValid() else None

    def _select_wanted(self) -> None:
        wanted = self._wanted_brand
        self._wanted_brand = None
        for row, brand in enumerate(self.model.rows):
            if brand.id == wanted:
                index = self.model.index(row, 0)
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
                self._show_brand(brand)
                return

    def _brand_selected(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            self._show_brand(self.model.row_at(current.row()))

    def _show_brand(self, brand: BrandOverview) -> None:
        self.brand_title.setText(
            _("{brand} · hot-selling").format(brand=brand.name) if brand.hot_selling else brand.name
        )
        capacity = (
            ngettext("{n} unit/month", "{n} units/month", brand.capacity).format(
                n=f"{brand.capacity:,}"
            )
            if brand.capacity
            else _("no capacity on record")
        )
        demand = ngettext("{n} unit/month", "{n} units/month", brand.planned_monthly_demand).format(
            n=f"{brand.planned_monthly_demand:,}"
        )
        flags = "".join(
            f"<br><b style='color:{WARNING}'>{html.escape(flag_label(f.code))}</b>"
            f" — {html.escape(f.message)}"
            for f in brand.flags
        )
        self.brand_facts.setText(
            _(
                "{category}, from {country} · planned demand <b>{demand}</b>"
                " · capacity <b>{capacity}</b> (coverage <b>{coverage}</b>)"
                " · best margin <b>{margin}</b> · weighted stability <b>{stability} / 100</b>"
                " · HHI <b>{hhi}</b>"
            ).format(
                category=html.escape(brand.category),
                country=html.escape(brand.origin_country),
                demand=html.escape(demand),
                capacity=html.escape(capacity),
                coverage=percent(brand.coverage, 0),
                margin=percent(brand.best_margin_pct),
                stability=points(brand.weighted_stability),
                hhi=NO_VALUE if brand.hhi is None else f"{brand.hhi:.2f}",
            )
            + flags
        )
        self.channels_model.set_rows(brand.channels)
        fit_columns_to_contents(self.channels)
        if self.channels.columnWidth(1) > 240:
            self.channels.setColumnWidth(1, 240)  # the full name is in the Supplier tooltip
        self._show_chart(brand)

    def _show_chart(self, brand: BrandOverview) -> None:
        from sourcing_app.ui.suppliers.charts import brand_channels_chart, chart_view

        layout = self.chart_slot.layout()
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        layout.addWidget(chart_view(brand_channels_chart(brand)))

    def _open_supplier(self, index: Any) -> None:
        if index.isValid():
            self.workspace.open_supplier(self.channels_model.row_at(index.row()).supplier_id)
