"""Everything about the selected supplier, each number with where it came from.

The scores come from the workspace at once; the record, channels, quotes and
the window's history (services.supplier_detail) are read off the UI thread,
since a big supplier has thousands of lines.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.enums import STANDING_HEX, SupplierKind
from sourcing_app.domain.evaluation_types import (
    SUB_SCORE_KEYS,
    SubScore,
    SupplierScore,
    sub_score_label,
)
from sourcing_app.domain.formatting import (
    NO_VALUE,
    cell_day,
    days,
    money,
    percent,
    points,
    units,
)
from sourcing_app.i18n import N_, _, ngettext, pgettext
from sourcing_app.ui.shell.background import BackgroundRunner
from sourcing_app.ui.suppliers.trend_panel import TrendPanel
from sourcing_app.ui.widgets.flag_style import (
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
    # Imported for the types only: the service pulls in the ORM models (sqlmodel),
    # which the window must not wait for before it shows data (docs/performance.md).
    from sourcing_app.services.supplier_detail import ChannelInfo, QuoteInfo, SupplierDetail
    from sourcing_app.ui.shell.workspace import Workspace

WARNING = "#b3261e"
VALID = "#1b7f3b"
MUTED = "#5b6573"
# Between a figure column's widest text (its header or a cell) and the next column.
BREATHING_ROOM = 14
# The details load this long after the buyer stops on a supplier.
LOAD_AFTER_MS = 60


def kind_label(kind: str) -> str:
    try:
        return SupplierKind(kind).label
    except ValueError:
        return kind.replace("_", " ").capitalize()


class BreakdownRow:
    """One sub-score with its share of the weights and its points in the stability score."""

    __slots__ = ("label", "sub", "share", "points")

    def __init__(self, sub: SubScore, total_weight: float) -> None:
        self.label = sub_score_label(sub.key)
        self.sub = sub
        self.share = sub.weight / total_weight if total_weight else 0.0
        self.points = 100 * self.share * sub.value


def breakdown_columns() -> list[RecordColumn[BreakdownRow]]:
    """The breakdown's columns, their headers in the current language."""
    return [
        RecordColumn(
            _("Sub-score"), lambda r: r.label, sort_key=lambda r: SUB_SCORE_KEYS.index(r.sub.key)
        ),
        RecordColumn(_("Weight %"), lambda r: percent(r.share, 0), lambda r: r.share, numeric=True),
        RecordColumn(
            _("Used %"),
            lambda r: percent(r.sub.value),
            lambda r: r.sub.value,
            numeric=True,
            header_tip=_(
                "The measured rate shrunk toward the portfolio mean: "
                "(n × rate + 5 × prior) / (n + 5)"
            ),
        ),
        RecordColumn(
            _("Measured %"), lambda r: percent(r.sub.raw), lambda r: r.sub.raw, numeric=True
        ),
        RecordColumn(
            # Translators: the number of purchase lines or deliveries a sub-score rests on.
            _("n"),
            lambda r: f"{r.sub.n:,}",
            lambda r: r.sub.n,
            numeric=True,
            header_tip=_(
                "Due lines (fill, on time, price) or deliveries (lead time, quality,"
                " customs clearance)"
            ),
        ),
        RecordColumn(
            _("Points"),
            lambda r: _("{points} pts").format(points=f"{r.points:.1f}"),
            lambda r: r.points,
            numeric=True,
            header_tip=_(
                "100 × weight share × used value; the points add up to the stability score"
            ),
        ),
        RecordColumn(_("Inputs"), lambda r: r.sub.explanation, tooltip=lambda r: r.sub.explanation),
    ]


WalkRow = tuple[str, str, str, bool]  # step, amount with currency, how, is a total

# The walk's last three steps are its totals; the domain writes their names in English
# or in the reader's language, so both are recognised.
_WALK_TOTALS = (N_("Landed cost"), N_("Net revenue"), N_("Margin"))
# The domain's step names, for the catalog: shown through `_` when the domain
# writes them in English.
_WALK_STEPS = (
    N_("Customs value V"),
    N_("Consumption tax (CBEC)"),
    N_("VAT (CBEC)"),
    N_("Consumption tax"),
    N_("VAT"),
    N_("Duty (general trade)"),
    N_("Duty (general trade) (over the CBEC single-transaction limit)"),
    N_("Postal article tax"),
    N_("Clearance fee"),
    N_("Fulfilment fee"),
)


def walk_rows(walk: Any) -> list[WalkRow]:
    rows: list[WalkRow] = []
    home = walk.home_currency
    quoted = _("{price} {currency} + freight {freight} + insurance {insurance}, {regime}").format(
        price=walk.unit_price,
        currency=walk.currency,
        freight=walk.freight,
        insurance=walk.insurance,
        regime=walk.regime.label,
    )
    rows.append((_("Quoted price"), f"{walk.currency} {walk.unit_price:,}", quoted, False))
    totals = {*_WALK_TOTALS, *(_(t) for t in _WALK_TOTALS)}
    for label, amount, how in walk.steps():
        total = label in totals
        rows.append((_(label), money(amount, home) if amount is not None else NO_VALUE, how, total))
    rows.append((_("Margin %"), percent(walk.margin_pct, 2), _("margin / net revenue"), True))
    rows.append(
        (
            _("Margin score"),
            f"{walk.margin_score:.1f} / 100",
            _("100 × margin % / target margin, capped"),
            False,
        )
    )
    return rows


def walk_columns() -> list[RecordColumn[WalkRow]]:
    return [
        RecordColumn(_("Step"), lambda r: r[0], bold=lambda r: r[3]),
        RecordColumn(_("Amount per unit"), lambda r: r[1], numeric=True, bold=lambda r: r[3]),
        RecordColumn(_("How"), lambda r: r[2], tooltip=lambda r: r[2]),
    ]


def _valid_until(c: ChannelInfo) -> str:
    if c.authorized_until:
        return cell_day(c.authorized_until)
    # Translators: an authorization with no end date.
    return pgettext("valid until", "open") if c.authorization_ref else NO_VALUE


def _expiry(c: ChannelInfo) -> str:
    if c.expiry_warning:
        return c.expiry_warning
    if c.days_left is None:
        return ""
    return ngettext("{n} day left", "{n} days left", c.days_left).format(n=f"{c.days_left:,}")


def channel_columns() -> list[RecordColumn[ChannelInfo]]:
    return [
        RecordColumn(_("Brand"), lambda c: c.brand_name),
        RecordColumn(_("Type"), lambda c: c.channel_type.label, tooltip=lambda c: c.why),
        RecordColumn(_("Tier"), lambda c: str(c.tier), lambda c: c.tier, numeric=True),
        RecordColumn(_("Authorization"), lambda c: c.authorization_ref or NO_VALUE),
        RecordColumn(_("Valid until"), _valid_until, lambda c: c.authorized_until),
        RecordColumn(
            _("Expiry"),
            _expiry,
            lambda c: c.days_left,
            colour=lambda c: WARNING if c.expiry_warning else None,
            bold=lambda c: bool(c.expiry_warning),
        ),
        RecordColumn(_("Exclusive"), lambda c: _("yes") if c.exclusive else _("no")),
        RecordColumn(
            _("Active"),
            lambda c: _("active") if c.active else _("inactive"),
            colour=lambda c: None if c.active else MUTED,
        ),
    ]


def quote_columns() -> list[RecordColumn[QuoteInfo]]:
    return [
        RecordColumn(
            _("Valid"),
            lambda q: _("✓ valid") if q.valid_on_as_of else _("not valid"),
            lambda q: not q.valid_on_as_of,
            colour=lambda q: VALID if q.valid_on_as_of else MUTED,
            bold=lambda q: q.valid_on_as_of,
        ),
        RecordColumn(_("SKU"), lambda q: q.sku, tooltip=lambda q: q.product_name),
        RecordColumn(
            _("Unit price"),
            lambda q: money(q.unit_price, q.currency),
            lambda q: q.unit_price,
            numeric=True,
        ),
        RecordColumn(
            _("Freight + ins."),
            lambda q: money(q.freight_per_unit + q.insurance_per_unit, q.currency),
            lambda q: q.freight_per_unit + q.insurance_per_unit,
            numeric=True,
        ),
        RecordColumn(_("Incoterm"), lambda q: q.incoterm),
        RecordColumn(_("Min qty"), lambda q: units(q.min_qty), lambda q: q.min_qty, numeric=True),
        RecordColumn(
            _("Lead"),
            lambda q: days(q.lead_time_days),
            lambda q: q.lead_time_days,
            numeric=True,
        ),
        RecordColumn(_("From"), lambda q: cell_day(q.valid_from), lambda q: q.valid_from),
        RecordColumn(
            _("To"),
            lambda q: cell_day(q.valid_to) if q.valid_to else pgettext("valid until", "open"),
            lambda q: q.valid_to,
        ),
    ]


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("SectionTitle")
    return label


class SupplierDetailPane(QWidget):
    detail_shown = Signal(int)  # supplier id: record, channels, quotes and charts are on screen

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SupplierDetailPane")
        self.workspace = workspace
        self.supplier_id: int | None = None
        self.detail: SupplierDetail | None = None
        self._full_shown: int | None = None  # the supplier whose full score is on screen
        self._table_pending = False  # see table_pending
        self._load_after_table = False
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._detail_loaded)
        self._runner.failed.connect(self._detail_failed)
        self._job = 0
        # The details (channels, quotes, history) load for the row the buyer settles
        # on: arrowing through the table starts no load per row passed, and a
        # table painting 100k fresh rows does not share the GIL with a load.
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(LOAD_AFTER_MS)
        self._load_timer.timeout.connect(self._load)
        # A new run's score for the supplier shown, in an event of its own: run in the
        # same event as every other screen's answer to the run, it made one long stall.
        self._rescore_timer = QTimer(self)
        self._rescore_timer.setSingleShot(True)
        self._rescore_timer.setInterval(0)
        self._rescore_timer.timeout.connect(self._show_new_score)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title = QLabel(_("Select a supplier"))
        self.title.setObjectName("DetailTitle")
        self.subtitle = QLabel(
            _("Its scores, the inputs behind them and its landed costs show here.")
        )
        self.subtitle.setObjectName("DetailSubtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        self.standing = QLabel("")
        self.standing.setObjectName("StandingBadge")
        self.standing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.standing.hide()
        top.addWidget(self.standing, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.figures = QLabel("")
        self.figures.setObjectName("DetailFigures")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        # Score tab: the breakdown and the flags.
        score_tab = QWidget()
        score_layout = QVBoxLayout(score_tab)
        score_layout.setContentsMargins(0, 8, 0, 0)
        breakdown = breakdown_columns()
        self.breakdown_model: RecordTableModel[BreakdownRow] = RecordTableModel(breakdown)
        self.breakdown = record_view(self.breakdown_model, sortable=False)
        # The figures in the table; the inputs in words, too long for a cell, below it
        # (the column stays in the model, for its tooltip).
        # Each figure column as wide as its header or its widest figure, whichever is
        # wider, so no header is cut ("easured %"); the sub-scores' names take the rest.
        columns = self.breakdown.horizontalHeader()
        columns.setStretchLastSection(False)
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.breakdown.setColumnHidden(len(breakdown) - 1, True)
        self.breakdown.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.breakdown.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._fit_breakdown()
        score_layout.addWidget(self.breakdown)
        self.inputs = QLabel("")
        self.inputs.setObjectName("BreakdownInputs")
        self.inputs.setTextFormat(Qt.TextFormat.RichText)
        self.inputs.setWordWrap(True)
        self.inputs.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        score_layout.addWidget(self.inputs)
        self.stability_sum = QLabel("")
        self.stability_sum.setObjectName("Muted")
        self.stability_sum.setWordWrap(True)
        score_layout.addWidget(self.stability_sum)
        score_layout.addWidget(_section(_("Risk flags")))
        self.flags = QLabel("")
        self.flags.setObjectName("FlagList")
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        self.flags.setWordWrap(True)
        self.flags.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.flags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        score_layout.addWidget(self.flags, 1)
        # On a laptop screen the breakdown, its inputs in words and the flags are taller
        # than the pane: the tab scrolls rather than draw them over one another.
        score_page = QScrollArea()
        score_page.setWidget(score_tab)
        score_page.setWidgetResizable(True)
        score_page.setFrameShape(QFrame.Shape.NoFrame)
        score_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        score_page.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.score_page = score_page
        self.tabs.addTab(score_page, _("Score breakdown"))

        # Landed cost tab: one walk per quoted SKU.
        walk_tab = QWidget()
        walk_layout = QVBoxLayout(walk_tab)
        walk_layout.setContentsMargins(0, 8, 0, 0)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(_("SKU")))
        self.sku_picker = QComboBox()
        self.sku_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sku_picker.currentIndexChanged.connect(self._show_walk)
        pick.addWidget(self.sku_picker)
        pick.addStretch(1)
        walk_layout.addLayout(pick)
        self.walk_model: RecordTableModel[WalkRow] = RecordTableModel(walk_columns())
        self.walk = record_view(self.walk_model, sortable=False)
        self.walk.setWordWrap(True)
        self.walk.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        walk_header = self.walk.horizontalHeader()
        walk_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        walk_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        walk_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.walk.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        walk_layout.addWidget(self.walk, 1)
        self.walk_note = QLabel("")
        self.walk_note.setObjectName("Muted")
        self.walk_note.setWordWrap(True)
        walk_layout.addWidget(self.walk_note)
        self.tabs.addTab(walk_tab, _("Landed cost"))

        # History tab: the two charts, built when the window's lines arrive.
        self.history_tab = QSplitter(Qt.Orientation.Vertical)
        self.history_tab.setChildrenCollapsible(False)
        self.price_chart_slot = QFrame()
        self.lead_chart_slot = QFrame()
        for slot in (self.price_chart_slot, self.lead_chart_slot):
            QVBoxLayout(slot).setContentsMargins(0, 0, 0, 0)
            self.history_tab.addWidget(slot)
        # Translators: a tab title; "&&" shows as one "&".
        self.tabs.addTab(self.history_tab, _("Price && lead time"))
        # Trend tab: the scores at the last 12 month-ends (docs/trend.md).
        self.trend = TrendPanel(workspace)
        self.tabs.addTab(self.trend, _("Trend"))

        self.channels_model: RecordTableModel[ChannelInfo] = RecordTableModel(channel_columns())
        self.channels = record_view(self.channels_model)
        self.tabs.addTab(self.channels, _("Channels"))
        self.quotes_model: RecordTableModel[QuoteInfo] = RecordTableModel(quote_columns())
        self.quotes = record_view(self.quotes_model)
        self.tabs.addTab(self.quotes, _("Quotes"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.workspace.scores_changed.connect(self._scores_changed)
        # Work for a tab that is not on screen waits until it is (see _when_shown).
        self._pending: dict[QWidget, Callable[[], None]] = {}
        self.tabs.currentChanged.connect(lambda _index: self._run_pending())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._fit_breakdown()  # the style sheet's bold headers are known once polished
        super().showEvent(event)
        self._run_pending()

    def _when_shown(self, tab: QWidget, work: Callable[[], None]) -> None:
        """Do `work` for `tab` now if it is on screen, else when it is next shown.

        Opening a supplier drew both charts and fitted two tables on tabs nobody
        was looking at: 40 to 60 ms of the UI thread's time per click
        (docs/performance.md). Only the latest work per tab is kept.
        """
        if self.isVisible() and self.tabs.currentWidget() is tab:
            self._pending.pop(tab, None)
            work()
        else:
            self._pending[tab] = work

    def _run_pending(self) -> None:
        if self.isVisible():
            work = self._pending.pop(self.tabs.currentWidget(), None)
            if work is not None:
                work()

    def _size_breakdown_columns(self) -> None:
        view = self.breakdown
        header = view.horizontalHeader()
        for column in range(1, self.breakdown_model.columnCount() - 1):
            wanted = max(
                header.sectionSizeFromContents(column).width(), view.sizeHintForColumn(column)
            )
            view.setColumnWidth(column, wanted + BREATHING_ROOM)

    def _fit_breakdown(self) -> None:
        """The six sub-scores whole under a header as tall as its words (CJK glyphs are
        taller than the Latin ones the rows were measured by)."""
        view = self.breakdown
        header = view.horizontalHeader()
        view.ensurePolished()
        header.ensurePolished()
        rows = len(SUB_SCORE_KEYS) * view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(header.sizeHint().height() + rows + 2 * view.frameWidth())
        self._size_breakdown_columns()

    # --- showing --------------------------------------------------------------------------

    def show_supplier(self, supplier_id: int | None) -> None:
        self.supplier_id = supplier_id
        self.detail = None
        self._job = 0  # a load still running is for another supplier
        self._load_after_table = False
        self.trend.show_supplier(supplier_id)
        if supplier_id is None:
            self._load_timer.stop()
            self._clear()
            return
        self._show_known_score(supplier_id)
        self._load_timer.start()

    def _show_known_score(self, supplier_id: int) -> None:
        """The full score if it is at hand; else a big portfolio's summary, the rest to follow.

        Working a summarised supplier's full score out took 15 to 25 ms of the
        UI thread on every click; the detail's worker does it now, with the
        supplier's record (docs/performance.md).
        """
        full = self.workspace.ready_full_score(supplier_id)
        if full is not None:
            self._show_score(full)
        else:
            summary = self.workspace.score_for(supplier_id)
            if summary is not None:
                self._show_summary(summary)

    def _load(self) -> None:
        supplier_id = self.supplier_id
        if supplier_id is None:
            return
        workspace = self.workspace
        as_of = workspace.as_of
        wants_score = workspace.ready_full_score(supplier_id) is None

        def load() -> tuple[SupplierDetail, bool, tuple[int, SupplierScore] | None]:
            from sourcing_app.services.supplier_detail import load_supplier_detail

            detail = load_supplier_detail(workspace.engine, supplier_id, as_of)
            full = workspace.work_out_full_score(supplier_id) if wants_score else None
            return detail, wants_score, full

        self._job = self._runner.start(load)

    def _clear(self) -> None:
        self._full_shown = None
        self.title.setText(_("Select a supplier"))
        self.subtitle.setText(
            _("Its scores, the inputs behind them and its landed costs show here.")
        )
        self.standing.hide()
        self.figures.setText("")
        self.breakdown_model.set_rows([])
        self.inputs.setText("")
        self.walk_model.set_rows([])
        self.sku_picker.clear()
        self.flags.setText("")
        self.channels_model.set_rows([])
        self.quotes_model.set_rows([])

    def _scores_changed(self) -> None:
        if self.supplier_id is not None:
            self._rescore_timer.start()

    def _show_new_score(self) -> None:
        supplier_id = self.supplier_id
        if supplier_id is None:
            return
        ready = self.workspace.ready_full_score(supplier_id)
        if ready is not None or self._full_shown != supplier_id:
            self._show_known_score(supplier_id)
        # else the last run's full score stays on screen until this run's is worked out,
        # a moment later: one change on screen rather than a blank breakdown first.
        if ready is None:  # the full score and the record, read again
            if self._table_pending:
                self._load_after_table = True
            else:
                self._load_timer.start()

    def table_pending(self) -> None:
        """The Suppliers screen prepares its table's rows for new scores on a worker.

        A big portfolio's new run: the open supplier's full score is worked out
        once they are in (`table_ready`). Worked out meanwhile, its redraw waited
        on that worker for the GIL: stalls of 140 to 260 ms (docs/performance.md).
        """
        self._table_pending = True

    def table_ready(self) -> None:
        """The Suppliers screen's table has its rows (see `table_pending`)."""
        self._table_pending = False
        if self._load_after_table:
            self._load_after_table = False
            self._load_timer.start()

    def _show_summary(self, score: SupplierScore, *, no_run: bool = False) -> None:
        """A big portfolio's summary while the full score is worked out: the figures and
        flags at once, the breakdown and the landed cost a moment later. `no_run`: there
        is no run to work them out from yet (scores from the last session)."""
        self._full_shown = None
        self._show_header(score)
        self.breakdown_model.set_rows([])
        self.inputs.setText(
            html.escape(
                _("The breakdown shows once scoring has finished.")
                if no_run
                else _("Working out the breakdown…")
            )
        )
        self.stability_sum.setText("")
        self.sku_picker.blockSignals(True)
        self.sku_picker.clear()
        self.sku_picker.blockSignals(False)
        self.walk_model.set_rows([])
        self.walk_note.setText(
            _("The landed cost shows once scoring has finished.")
            if no_run
            else _("Working out the landed cost…")
        )

    def _show_header(self, score: SupplierScore) -> None:
        """The name, standing, headline figures and flags: a summary has them all."""
        self.title.setText(score.supplier_name)
        self.subtitle.setText(
            _("{code} · {country} · {kind} · brands: {brands}").format(
                code=score.supplier_code,
                country=score.country,
                kind=kind_label(score.kind),
                brands=pgettext("list", ", ").join(score.brands) or _("none"),
            )
        )
        colour = STANDING_HEX[score.standing]
        self.standing.setText(score.standing.label)
        self.standing.setStyleSheet(
            f"background: {colour}; color: white; border-radius: 4px; padding: 4px 12px;"
            "font-weight: 600;"
        )
        self.standing.show()
        currency = self.workspace_home_currency()
        margin = (
            _("no valid quote")
            if score.margin_pct is None
            else _("{margin} (score {score} / 100)").format(
                margin=percent(score.margin_pct), score=points(score.margin_score)
            )
        )
        due = ngettext("{n} due line", "{n} due lines", score.due_lines).format(
            n=f"{score.due_lines:,}"
        )
        self.figures.setText(
            _(
                "<span style='font-size:15pt; font-weight:600'>{score}</span> / 100 sourcing score"
                " &nbsp;·&nbsp; margin <b>{margin}</b>"
                " &nbsp;·&nbsp; stability <b>{stability} / 100</b>"
                " &nbsp;·&nbsp; confidence <b>{confidence}</b> ({due})"
                " &nbsp;·&nbsp; spend in window <b>{spend}</b>"
            ).format(
                score=points(score.sourcing_score),
                margin=html.escape(margin),
                stability=points(score.stability_score),
                confidence=percent(score.confidence, 0),
                due=html.escape(due),
                spend=money(score.spend, currency, 0),
            )
        )
        self._show_flags(score)

    def _show_score(self, score: SupplierScore) -> None:
        self._full_shown = score.supplier_id
        self._show_header(score)
        subs = [score.sub_scores[k] for k in SUB_SCORE_KEYS if k in score.sub_scores]
        total = sum(s.weight for s in subs)
        rows = [BreakdownRow(sub, total) for sub in subs]
        self.breakdown_model.set_rows(rows)
        self._size_breakdown_columns()
        self.inputs.setText(
            "<table cellspacing='0' cellpadding='2'>"
            + "".join(
                f"<tr><td><b>{html.escape(r.label)}</b>&nbsp;&nbsp;</td>"
                f"<td>{html.escape(r.sub.explanation)}</td></tr>"
                for r in rows
            )
            + "</table>"
        )
        if rows:
            added = " + ".join(f"{r.points:.1f}" for r in rows)
            self.stability_sum.setText(
                _(
                    "Stability score = {added} = {total} points of 100. "
                    "Used rates are shrunk toward the portfolio mean (m = 5), so a short history "
                    "cannot beat a long good one."
                ).format(added=added, total=f"{sum(r.points for r in rows):.1f}")
            )
        else:
            self.stability_sum.setText("")
        walks = list(score.sku_margins)
        current = self.sku_picker.currentText()
        self.sku_picker.blockSignals(True)
        self.sku_picker.clear()
        for walk in walks:
            self.sku_picker.addItem(f"{walk.sku} — {walk.product_name}", walk)  # type: ignore[attr-defined]
        self.sku_picker.blockSignals(False)
        found = self.sku_picker.findText(current)
        self.sku_picker.setCurrentIndex(max(found, 0) if walks else -1)
        self._show_walk()

    def workspace_home_currency(self) -> str:
        if self.detail is not None:
            return self.detail.home_currency
        for score in (self.workspace.score_for(self.supplier_id or 0),):
            for walk in score.sku_margins if score else ():
                return str(walk.home_currency)  # type: ignore[attr-defined]
        return "CNY"

    def _show_flags(self, score: SupplierScore) -> None:
        if not score.flags:
            # Not inside the f-string: the catalogue's extractor would not find it there.
            none_open = html.escape(_("No open risk flags."))
            self.flags.setText(f"<span style='color:{VALID}'>{none_open}</span>")
            return
        composite = has_composite_channel(score)
        loudest_first = sorted(score.flags, key=lambda f: loudness(f.code, composite))
        items = "".join(
            f"<li><b style='color:{flag_colour(f.code)}'>{html.escape(flag_title(f.code))}"
            f"</b> — {html.escape(f.message)}</li>"
            for f in loudest_first
        )
        self.flags.setText(f"<ul style='margin-left:-18px'>{items}</ul>")

    def _show_walk(self) -> None:
        walk = self.sku_picker.currentData()
        if walk is None:
            self.walk_model.set_rows([])
            score = self.workspace.score_for(self.supplier_id or 0)
            self.walk_note.setText(
                _("No quote is valid on the evaluation date, so there is no margin to walk.")
                if score is not None
                else ""
            )
            return
        self.walk_model.set_rows(walk_rows(walk))
        self.walk_note.setText(
            _(
                "Every amount is per unit in {currency}, rounded to the cent for display; "
                "the sums use the unrounded values."
            ).format(currency=walk.home_currency)
        )

    def _detail_loaded(
        self, job: int, loaded: tuple[SupplierDetail, bool, tuple[int, SupplierScore] | None]
    ) -> None:
        if job != self._job:
            return  # the buyer moved on to another supplier
        detail, asked, worked_out = loaded
        self.detail = detail
        if worked_out is not None:
            full = self.workspace.keep_full_score(worked_out)
            if full is not None:
                self._show_score(full)
            # else a new run or an edit came meanwhile: its own load follows
            # (_show_new_score), and what is on screen stays until then.
        elif asked:
            summary = self.workspace.score_for(detail.info.id)
            if summary is not None:
                self._show_summary(summary, no_run=True)
        info = detail.info
        capacity = (
            ngettext("{n} unit/month", "{n} units/month", info.monthly_capacity).format(
                n=f"{info.monthly_capacity:,}"
            )
            if info.monthly_capacity
            else _("capacity not stated")
        )
        parts = [info.code, info.country, kind_label(info.kind), capacity]
        if info.contact:
            parts.append(info.contact)
        if info.archived:
            parts.append(_("archived"))
        self.subtitle.setText(" · ".join(parts))
        self.channels_model.set_rows(detail.channels)
        self.quotes_model.set_rows(detail.quotes)
        for view in (self.channels, self.quotes):
            self._when_shown(view, partial(fit_columns_to_contents, view))
        self._when_shown(self.history_tab, partial(self._show_charts, detail))
        self.detail_shown.emit(info.id)

    def _detail_failed(self, job: int, error: Exception) -> None:
        if job == self._job:
            self.subtitle.setText(
                _("The supplier's record could not be read: {error}").format(error=error)
            )

    def _show_charts(self, detail: SupplierDetail) -> None:
        from sourcing_app.ui.suppliers.charts import chart_view, lead_time_chart, price_trend_chart

        window = (detail.window_start, detail.as_of)
        for slot, chart in (
            (self.price_chart_slot, price_trend_chart(detail.prices, window, detail.home_currency)),
            (self.lead_chart_slot, lead_time_chart(detail.lead_times, window)),
        ):
            layout = slot.layout()
            while layout.count():
                old = layout.takeAt(0).widget()
                if old is not None:
                    old.deleteLater()
            layout.addWidget(chart_view(chart))

    # --- for the tests and the Suppliers screen --------------------------------------------

    def breakdown_texts(self) -> list[str]:
        return [row.sub.explanation for row in self.breakdown_model.rows]

    def walk_amounts(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self.walk_model.rows}
