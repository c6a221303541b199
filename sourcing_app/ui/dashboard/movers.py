"""The dashboard's movers: the suppliers that fell or rose most over six months.

Each with the sub-score that moved it most ("On time 92.0% → 71.0%"); a fall
of ten points or more is marked falling (docs/trend.md). The figures come from
the workspace's TrendStore, worked out off the UI thread; clicking a row opens
the supplier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from sourcing_app.domain.enums import STANDING_HEX, STANDING_RANK
from sourcing_app.domain.evaluation_types import sub_score_label
from sourcing_app.domain.formatting import percent, points
from sourcing_app.i18n import _, pgettext
from sourcing_app.services.score_history import FALLING_POINTS
from sourcing_app.services.trend import MARGIN_KEY, Mover
from sourcing_app.ui.suppliers.trend_store import TrendStore
from sourcing_app.ui.widgets.record_table_model import (
    RecordColumn,
    RecordTableModel,
    fit_columns_to_contents,
    record_view,
)

if TYPE_CHECKING:
    from sourcing_app.ui.shell.workspace import Workspace

FALLING_COLOUR = "#b3261e"
RISING_COLOUR = "#1b7f3b"


def mark(m: Mover) -> str:
    """'falling' for a fall of ten points or more, 'rising' for a rise as large, else nothing."""
    if m.falling:
        # Translators: a supplier whose sourcing score fell 10 points or more in six months.
        return pgettext("trend", "falling")
    if m.change >= FALLING_POINTS:
        # Translators: a supplier whose sourcing score rose 10 points or more in six months.
        return pgettext("trend", "rising")
    return ""


def cause_words(m: Mover) -> str:
    """What moved the supplier most, before and after: 'On time 92.0% → 71.0%'."""
    if m.cause is None or m.cause_before is None or m.cause_after is None:
        return _("no single sub-score moved that way")
    if m.cause == MARGIN_KEY:
        return _("Margin score {before} → {after}").format(
            before=points(m.cause_before), after=points(m.cause_after)
        )
    return _("{sub_score} {before} → {after}").format(
        sub_score=sub_score_label(m.cause),
        before=percent(m.cause_before),
        after=percent(m.cause_after),
    )


def change_words(m: Mover) -> str:
    sign = "+" if m.change > 0 else ""
    return _("{change} pts").format(change=sign + points(m.change))


def mover_columns() -> list[RecordColumn[Mover]]:
    return [
        RecordColumn(_("Supplier"), lambda m: m.supplier_code, tooltip=lambda m: m.supplier_name),
        RecordColumn(
            _("Six months"),
            change_words,
            lambda m: m.change,
            numeric=True,
            colour=lambda m: FALLING_COLOUR if m.change < 0 else RISING_COLOUR,
            header_tip=_("Sourcing points gained or lost since the month-end six months ago"),
        ),
        RecordColumn(
            pgettext("trend", "Trend"),
            mark,
            colour=lambda m: FALLING_COLOUR if m.falling else RISING_COLOUR,
            bold=lambda m: bool(mark(m)),
        ),
        RecordColumn(
            _("Sourcing score"),
            lambda m: _("{before} → {after}").format(
                before=points(m.before), after=points(m.after)
            ),
            lambda m: m.after,
            numeric=True,
        ),
        RecordColumn(
            _("Standing"),
            lambda m: m.standing_after.label,
            lambda m: STANDING_RANK[m.standing_after],
            chip=lambda m: STANDING_HEX[m.standing_after],
            tooltip=lambda m: _("{before} six months ago").format(before=m.standing_before.label),
        ),
        RecordColumn(_("What moved it most"), cause_words, tooltip=cause_words),
    ]


class MoversList(QWidget):
    """The five that fell most, then the five that rose most."""

    movers_shown = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MoversList")
        self.workspace = workspace
        self.store = TrendStore.of(workspace)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(_("Movers over six months"))
        self.title.setObjectName("SectionTitle")
        layout.addWidget(self.title)
        self.model: RecordTableModel[Mover] = RecordTableModel(mover_columns())
        self.view = record_view(self.model, sortable=False, last_in_view=True)
        self.view.setToolTip(_("Click a supplier to open it"))
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        layout.addWidget(self.view, 1)
        self.store.changed.connect(self.refresh)
        self.store.failed.connect(
            lambda problem: self.title.setText(
                _("Movers over six months: could not be worked out ({problem})").format(
                    problem=problem
                )
            )
        )

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.store.want(self)
        self.refresh()
        super().showEvent(event)

    @property
    def rows(self) -> list[Mover]:
        return self.model.rows

    def refresh(self) -> None:
        trend = self.store.trend
        if trend is None:
            self.title.setText(_("Movers over six months: working out the trend…"))
            self.model.set_rows([])
            return
        rows = [*trend.falling, *trend.rising]
        self.model.set_rows(rows)
        if rows:
            self.title.setText(_("Movers over six months — click one to open it"))
        else:
            self.title.setText(_("Movers over six months: no supplier's score moved"))
        fit_columns_to_contents(self.view)
        self.movers_shown.emit()

    def _clicked(self, index: Any) -> None:
        if index.isValid():
            self.workspace.open_supplier(self.model.row_at(index.row()).supplier_id)
