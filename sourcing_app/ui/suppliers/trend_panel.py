"""The detail pane's Trend tab: the supplier's scores at the last 12 month-ends and today.

The points come from the workspace's TrendStore, worked out off the UI thread;
until they are in (or while an edit has made them stale) the tab says so
instead of showing old points. docs/trend.md.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sourcing_app.domain.enums import STANDING_HEX, Standing
from sourcing_app.i18n import _
from sourcing_app.services.trend import change_words
from sourcing_app.ui.suppliers.trend_store import TrendStore

if TYPE_CHECKING:
    from sourcing_app.domain.settings import StandingBands
    from sourcing_app.services.score_history import HistoryPoint
    from sourcing_app.ui.shell.workspace import Workspace


class TrendPanel(QWidget):
    trend_shown = Signal(int)  # supplier id: its chart is on screen

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TrendPanel")
        self.workspace = workspace
        self.store = TrendStore.of(workspace)
        self.supplier_id: int | None = None
        self.points: tuple[HistoryPoint, ...] = ()  # what the chart shows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.placeholder = QLabel(_("Working out the trend…"))
        self.placeholder.setObjectName("Muted")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        layout.addWidget(self.placeholder, 1)
        self.chart_slot = QWidget()
        QVBoxLayout(self.chart_slot).setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart_slot, 1)
        self.caption = QLabel("")
        self.caption.setObjectName("ChartLegend")
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.chart_slot.hide()
        self.caption.hide()
        self._pending = False  # a chart to build once the tab is shown
        self.store.changed.connect(self._refresh)
        self.store.failed.connect(self._failed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.supplier_id is not None:
            self.store.want(self)
        if self._pending:
            self._refresh()

    def show_supplier(self, supplier_id: int | None) -> None:
        self.supplier_id = supplier_id
        # The history of a big portfolio is minutes of a core's work: it is asked
        # for once the tab is on screen, not for every supplier passed over.
        if supplier_id is not None and self.isVisible():
            self.store.want(self)
        self._refresh()

    def _failed(self, problem: str) -> None:
        self._placeholder(_("The trend could not be worked out: {problem}").format(problem=problem))

    def _placeholder(self, words: str) -> None:
        self.points = ()
        self.placeholder.setText(words)
        self.placeholder.show()
        self.chart_slot.hide()
        self.caption.hide()
        self._drop_chart()

    def _drop_chart(self) -> None:
        layout = self.chart_slot.layout()
        while layout.count():
            old = layout.takeAt(0).widget()
            if old is not None:
                old.deleteLater()

    def _refresh(self) -> None:
        if self.supplier_id is None:
            self._placeholder("")
            return
        found = self.store.points_of(self.supplier_id)
        if found is None:
            self._placeholder(_("Working out the trend…"))
            return
        if not found:
            self._placeholder(_("No trend: the supplier is archived or was not scored."))
            return
        if not self.isVisible():
            # Hidden behind another tab: built when shown, not for every supplier passed over.
            self._placeholder(_("Working out the trend…"))
            self._pending = True
            return
        self._pending = False
        trend = self.store.trend
        assert trend is not None
        from sourcing_app.ui.suppliers.charts import chart_view, score_trend_chart

        self.points = found
        self._drop_chart()
        view = chart_view(score_trend_chart(found, trend.bands))
        view.setMinimumHeight(300)
        self.chart_slot.layout().addWidget(view)
        self.caption.setText(self._caption(found, trend.bands))
        self.placeholder.hide()
        self.chart_slot.show()
        self.caption.show()
        self.trend_shown.emit(self.supplier_id)

    def _caption(self, found: tuple[HistoryPoint, ...], bands: StandingBands) -> str:
        edges = {
            Standing.PREFERRED: _("Preferred ≥ {edge}"),
            Standing.APPROVED: _("Approved ≥ {edge}"),
            Standing.WATCH: _("Watch ≥ {edge}"),
            Standing.AVOID: _("Avoid below {edge}"),
        }
        values = {
            Standing.PREFERRED: bands.preferred,
            Standing.APPROVED: bands.approved,
            Standing.WATCH: bands.watch,
            Standing.AVOID: bands.watch,
        }
        chips = " &nbsp; ".join(
            f"<span style='color:{STANDING_HEX[s]}'>■</span> "
            + html.escape(words.format(edge=f"{values[s]:g}"))
            for s, words in edges.items()
        )
        moved = change_words(found)
        hover = _("Hover a point for its date, scores and standing.")
        return f"{chips}<br>{html.escape(moved)} {html.escape(hover)}"
