"""The Planning screen (docs/planning.md): each brand's split across its channels, and what-ifs.

    screen = PlanningScreen(workspace)      # a QWidget; the main window adds it as a page
    screen.refresh()                        # plan again (also on scores/data/settings changes)

Left, every brand with its planned coverage, vertical share, concentration and
flags. Right, two tabs: the selected brand's allocation (a stacked bar per plan,
the reasons in a table) and the what-if scenarios (a form to build one, the
saved ones, their effect on margins and coverage side by side, export).
Planning and scenario runs go through `workspace.run_task`, so they run off the
UI thread with progress and cancel in the main window's status bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QStringListModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.allocation import BrandAllocation, PlanningSettings
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.formatting import day, money
from sourcing_app.domain.scenarios import Scenario
from sourcing_app.errors import BadInput, Cancelled, ProgressCallback
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.services.planning import (
    PortfolioPlan,
    load_planning_settings,
    plan_portfolio,
    save_planning_settings,
)
from sourcing_app.services.scenarios import (
    ScenarioChoices,
    ScenarioResult,
    delete_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
    save_scenario,
    scenario_choices,
    write_comparison,
    write_result,
)
from sourcing_app.ui.planning.charts import AllocationChart, MarginChangeChart
from sourcing_app.ui.planning.models import (
    AllocationLinesModel,
    BrandPlanModel,
    BrandRow,
    LineRow,
    ScenarioComparisonModel,
)
from sourcing_app.ui.planning.summaries import (
    ERROR_STYLE,
    brand_summary,
    scenario_summaries,
    sentence,
)
from sourcing_app.ui.planning.what_if import ScenarioForm
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.flow_layout import FlowLayout, pair
from sourcing_app.ui.widgets.record_table_model import fit_columns_to_contents

# The allocation lines at 1600 px: a supplier's name wraps at this width and the
# reasons get the rest of the row, wrapped, but never less than this.
SUPPLIER_WIDTH = 160
SUPPLIER_MIN_WIDTH = 120
REASON_WIDTH = 160
SUMMARY_LINES = 4  # of scenario summaries before they scroll
COMPARISON_ROWS = 5  # brands the comparison shows however long the summaries above it


def _table(parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSortingEnabled(True)
    table.verticalHeader().setVisible(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class PlanningScreen(QWidget):
    planned = Signal(int)  # a new plan is on screen: the number of brands
    scenarios_ran = Signal(int)  # scenario results are on screen: how many scenarios
    failed = Signal(str)  # planning or a scenario failed: the reason in words

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self._plan: PortfolioPlan | None = None
        self._results: list[ScenarioResult] = []
        self._job: int | None = None

        self.status = QLabel(_("Not planned yet."), self)
        self.status.setWordWrap(True)
        rules = self._build_rules()

        self.brand_model = BrandPlanModel(self)
        self.brand_table = _table(self)
        self.brand_table.setModel(self.brand_model)
        self.brand_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.brand_table.selectionModel().currentRowChanged.connect(self._brand_chosen)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_allocation_tab(), _("Allocation"))
        self.tabs.addTab(self._build_scenario_tab(), _("What-if scenarios"))

        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.brand_table)
        split.addWidget(self.tabs)
        split.setChildrenCollapsible(False)
        split.setSizes([600, 1000])
        self._split = split

        layout = QVBoxLayout(self)
        layout.addWidget(rules)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        # Planning is re-run when the screen is in front, or as soon as it comes
        # forward: a re-score elsewhere never sets it off in the background.
        self._stale = True
        workspace.scores_changed.connect(self._inputs_changed)
        workspace.data_changed.connect(lambda _kind: self._inputs_changed())
        workspace.settings_changed.connect(self._settings_changed)
        self._load_rules()
        self._load_saved()

    # --- building the widgets ------------------------------------------------------------

    def _build_rules(self) -> QGroupBox:
        box = QGroupBox(_("Planning rules"), self)
        box.setObjectName("PlanningRules")
        self.max_share = QSpinBox(box)
        self.max_share.setRange(1, 100)
        # Translators: after a number in a spin box: "30 % of demand".
        self.max_share.setSuffix(_(" % of demand"))
        self.max_share.setToolTip(_("The most of a brand's demand one supplier may carry"))
        self.min_standing = QComboBox(box)
        for standing in (Standing.PREFERRED, Standing.APPROVED, Standing.WATCH, Standing.AVOID):
            self.min_standing.addItem(standing.label, standing.value)
        self.min_standing.setToolTip(
            _("Suppliers below this standing get nothing; Unrated ones (no valid quote) never do")
        )
        self.vertical_floor = QSpinBox(box)
        self.vertical_floor.setRange(0, 100)
        self.vertical_floor.setSuffix(_(" % of demand"))
        self.vertical_floor.setToolTip(
            _(
                "The least share of demand through vertical channels, "
                "as far as their capacity allows"
            )
        )
        self.cover_at_loss = QCheckBox(_("Cover demand at a loss"), box)
        self.cover_at_loss.setToolTip(
            _("Use channels that lose money on each unit, last, for demand nothing else can cover")
        )
        self.save_rules_button = QPushButton(_("Save rules"), box)
        self.save_rules_button.clicked.connect(self.save_rules)
        allowed = self.workspace.permissions  # team mode: planning rules are a manager's
        allow(self.save_rules_button, allowed.can_change_settings, allowed.why_not("setting"))
        self.replan_button = QPushButton(_("Re-plan"), box)
        self.replan_button.clicked.connect(self.refresh)
        self.as_of_label = QLabel(box)
        # Wraps onto a second line on a narrow window: as one row it held the window
        # 1,235 pixels wide, more than a 1366 × 768 laptop leaves beside the sidebar.
        row = FlowLayout(box, spacing=12, last_at_right=True)
        for label, widget in (
            (_("Most per supplier:"), self.max_share),
            (_("Lowest standing:"), self.min_standing),
            (_("Vertical floor:"), self.vertical_floor),
        ):
            row.addWidget(pair(label, widget, parent=box))
        row.addWidget(self.cover_at_loss)
        actions = QWidget(box)
        buttons = QHBoxLayout(actions)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.as_of_label)
        buttons.addWidget(self.save_rules_button)
        buttons.addWidget(self.replan_button)
        row.addWidget(actions)
        return box

    def _build_allocation_tab(self) -> QWidget:
        tab = QWidget(self)
        self.allocation_chart = AllocationChart(tab)
        self.allocation_chart.setMinimumHeight(260)
        self.brand_summary = QLabel(_("Choose a brand on the left."), tab)
        self.brand_summary.setWordWrap(True)
        self.brand_summary.setTextFormat(Qt.TextFormat.RichText)
        self.lines_under = QComboBox(tab)
        self.lines_under.addItem(_("Today's plan"))
        self.lines_under.currentIndexChanged.connect(lambda _i: self._show_brand())
        self.lines_model = AllocationLinesModel(self)
        self.lines_table = _table(tab)
        self.lines_table.setModel(self.lines_model)
        self.lines_table.setSortingEnabled(False)  # the plan's own order: allocated first
        self.lines_table.setWordWrap(True)
        self.lines_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.lines_table.viewport().installEventFilter(self)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(_("Lines of:"), tab))
        pick.addWidget(self.lines_under)
        pick.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical, tab)
        split.addWidget(self.allocation_chart)
        lower = QWidget(tab)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.brand_summary)
        lower_layout.addLayout(pick)
        lower_layout.addWidget(self.lines_table, 1)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(tab)
        layout.addWidget(split)
        return tab

    def _build_scenario_tab(self) -> QWidget:
        tab = QWidget()
        self.form = form_box = ScenarioForm(tab)
        form_box.run_requested.connect(self.run_form)
        form_box.save_requested.connect(self.save_form)

        saved_box = QGroupBox(_("Saved scenarios"), tab)
        self.saved_model = QStringListModel(self)
        self.saved_list = QListView(saved_box)
        self.saved_list.setModel(self.saved_model)
        self.saved_list.setMaximumHeight(110)
        self.saved_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.saved_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.saved_list.doubleClicked.connect(lambda _i: self.load_into_form())
        self.compare_button = QPushButton(_("Run / compare selected"))
        self.compare_button.clicked.connect(self.run_selected)
        # Translators: a button: open the selected scenario in the form to change it.
        self.load_button = QPushButton(pgettext("scenario", "Edit"))
        self.load_button.clicked.connect(self.load_into_form)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        allowed = self.workspace.permissions  # team mode: saved scenarios are a manager's
        allow(self.delete_button, allowed.can_change_settings, allowed.why_not("setting"))
        allow(self.form.save_button, allowed.can_change_settings, allowed.why_not("setting"))
        self.export_button = QPushButton(_("Export results…"))
        self.export_button.clicked.connect(self._export_dialog)
        self.export_button.setEnabled(False)
        saved_layout = QVBoxLayout(saved_box)
        saved_layout.addWidget(self.saved_list, 1)
        buttons = QGridLayout()
        buttons.addWidget(self.compare_button, 0, 0, 1, 2)
        buttons.addWidget(self.load_button, 1, 0)
        buttons.addWidget(self.delete_button, 1, 1)
        buttons.addWidget(self.export_button, 2, 0, 1, 2)
        saved_layout.addLayout(buttons)

        top = QHBoxLayout()
        top.addWidget(form_box, 3, Qt.AlignmentFlag.AlignTop)
        top.addWidget(saved_box, 2, Qt.AlignmentFlag.AlignTop)
        for box in (form_box, saved_box):
            box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.result_summary = QLabel(
            _("Build a scenario above, or pick saved ones, and run it."), tab
        )
        self.result_summary.setWordWrap(True)
        self.result_summary.setTextFormat(Qt.TextFormat.RichText)
        self.result_summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.margin_chart = MarginChangeChart(tab)
        self.margin_chart.setMinimumHeight(260)
        self.comparison_model = ScenarioComparisonModel(self)
        self.comparison_table = _table(tab)
        self.comparison_table.setModel(self.comparison_model)
        self.comparison_table.horizontalHeader().setStretchLastSection(False)
        self.comparison_table.horizontalHeader().sortIndicatorChanged.connect(
            lambda _column, _order: fit_columns_to_contents(self.comparison_table)
        )

        # Three scenarios' summaries take room: the chart gives way before the table,
        # which always shows a handful of brands.
        rows = self.comparison_table.verticalHeader().defaultSectionSize()
        self.comparison_table.setMinimumHeight(COMPARISON_ROWS * rows + 3 * rows)
        results = QSplitter(Qt.Orientation.Vertical, tab)
        results.addWidget(self.margin_chart)
        results.addWidget(self.comparison_table)
        results.setChildrenCollapsible(False)
        results.setSizes([380, 220])
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        # The summaries scroll past a few lines: three scenarios' worth would squeeze the
        # chart's brand names to "…" and the table to a row.
        summary = QScrollArea(tab)
        summary.setWidget(self.result_summary)
        summary.setWidgetResizable(True)
        summary.setFrameShape(QFrame.Shape.NoFrame)
        summary.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        summary.setMaximumHeight(self.fontMetrics().lineSpacing() * SUMMARY_LINES + 6)
        summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.result_summary_area = summary
        layout.addWidget(summary)
        layout.addWidget(results, 1)
        # The form, the summaries, the chart and the comparison need some 800 pixels of
        # height; on a laptop screen the tab scrolls instead of holding the window taller
        # than the screen.
        page = QScrollArea(self)
        page.setWidget(tab)
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.scenario_page = page
        return page

    # --- rules ---------------------------------------------------------------------------

    def rules(self) -> PlanningSettings:
        """The planning rules as the form shows them."""
        return PlanningSettings(
            max_share=self.max_share.value() / 100,
            min_standing=Standing(self.min_standing.currentData()),
            min_vertical_share=self.vertical_floor.value() / 100,
            cover_at_a_loss=self.cover_at_loss.isChecked(),
        )

    def _load_rules(self) -> None:
        try:
            rules = load_planning_settings(self.workspace.engine)
        except BadInput as error:
            self._say(
                _("The saved planning rules could not be read ({reason}); defaults shown.").format(
                    reason=error
                )
            )
            rules = PlanningSettings()
        self.max_share.setValue(round(rules.max_share * 100))
        self.min_standing.setCurrentIndex(self.min_standing.findData(rules.min_standing.value))
        self.vertical_floor.setValue(round(rules.min_vertical_share * 100))
        self.cover_at_loss.setChecked(rules.cover_at_a_loss)

    def save_rules(self) -> None:
        try:
            rules = self.rules()
            with self.workspace.engine.begin() as conn:
                save_planning_settings(conn, rules)
        except BadInput as error:
            self._fail(str(error))
            return
        self._say(_("Planning rules saved: {rules}.").format(rules=rules.describe()))
        self.refresh()

    def _settings_changed(self) -> None:
        self._load_rules()
        self._inputs_changed()

    # --- planning ------------------------------------------------------------------------

    @property
    def plan(self) -> PortfolioPlan | None:
        return self._plan

    @property
    def results(self) -> list[ScenarioResult]:
        return list(self._results)

    def _inputs_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def screen_shown(self) -> None:
        """The main window brought the screen forward: plan if anything changed since."""
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Plan every brand again, off the UI thread; `planned` says when it is on screen."""
        self._stale = False
        workspace = self.workspace
        as_of = workspace.as_of
        scores = workspace.scores if workspace.scores else None
        try:
            rules = self.rules()
        except BadInput as error:
            self._fail(str(error))
            return
        engine = workspace.engine

        def work(progress: ProgressCallback) -> tuple[PortfolioPlan, ScenarioChoices]:
            plan = plan_portfolio(engine, as_of, scores=scores, settings=rules, progress=progress)
            return plan, scenario_choices(engine)

        self._say(_("Planning every brand…"))
        self._start(_("Planning brands"), work, self._show_plan)

    def _start(self, title: str, work: Callable[[ProgressCallback], Any], done: Callable) -> None:
        if self._job is not None:
            self.workspace.cancel_task(self._job)
        job_box: list[int] = []

        def on_done(result: Any) -> None:
            if job_box and self._job == job_box[0]:
                self._job = None
                done(result)

        def on_failed(error: Exception) -> None:
            if job_box and self._job == job_box[0]:
                self._job = None
                if isinstance(error, Cancelled):
                    self._say(_("Cancelled; nothing was changed."))
                else:
                    self._fail(str(error) or type(error).__name__)

        self._job = self.workspace.run_task(title, work, on_done, on_failed)
        job_box.append(self._job)

    def _show_plan(self, result: tuple[PortfolioPlan, ScenarioChoices]) -> None:
        plan, choices = result
        selected = self._selected_brand_id()
        self._plan = plan
        self._results = []
        self.form.set_choices(choices)
        rows = [BrandRow(b, plan.overview(b.brand_id), plan.home_currency) for b in plan.brands]
        self.brand_model.set_rows(rows)
        self.brand_table.resizeColumnsToContents()
        header = self.brand_table.horizontalHeader()
        self.brand_table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self._show_results()
        self.as_of_label.setText(_("as of {day}").format(day=day(plan.as_of)))
        total = sum(b.expected_margin for b in plan.brands)
        short = [b for b in plan.brands if b.uncovered]
        figures = {
            "n": f"{len(rows):,}",
            "day": day(plan.as_of),
            "margin": money(total, plan.home_currency),
            "short": f"{len(short):,}",
        }
        if short:
            words = ngettext(
                "{n} brands planned as of {day}: expected margin {margin} a month; "
                "{short} brand short of demand.",
                "{n} brands planned as of {day}: expected margin {margin} a month; "
                "{short} brands short of demand.",
                len(short),
            )
        else:
            words = _(
                "{n} brands planned as of {day}: expected margin {margin} a month; "
                "every brand's demand is covered."
            )
        self._say(words.format(**figures))
        row = self.brand_model.row_of_brand(selected) if selected is not None else -1
        self.select_row(row if row >= 0 else 0)
        self.planned.emit(len(rows))

    # --- the selected brand ----------------------------------------------------------------

    def select_row(self, row: int) -> None:
        if 0 <= row < self.brand_model.rowCount():
            self.brand_table.selectionModel().setCurrentIndex(
                self.brand_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _selected_brand_id(self) -> int | None:
        index = self.brand_table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.brand_model.row_at(index.row()).plan.brand_id

    def _brand_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_brand()

    def selected_plans(self) -> list[tuple[str, BrandAllocation]]:
        """The selected brand today and under each scenario on screen."""
        brand_id = self._selected_brand_id()
        if brand_id is None or self._plan is None:
            return []
        today = next(b for b in self._plan.allocation.brands if b.brand_id == brand_id)
        plans = [(_("Today"), today)]
        for result in self._results:
            for change in result.brands:
                if change.before.brand_id == brand_id:
                    plans.append((result.scenario.name, change.after))
        return plans

    def _show_brand(self) -> None:
        plans = self.selected_plans()
        if not plans or self._plan is None:
            return
        currency = self._plan.home_currency
        today = plans[0][1]
        self.allocation_chart.show_allocations(today.brand, plans, currency)
        k = min(max(0, self.lines_under.currentIndex()), len(plans) - 1)
        label, shown = plans[k]
        self.lines_model.set_rows([LineRow(line, currency) for line in shown.lines])
        table = self.lines_table
        table.resizeColumnsToContents()
        # Long names wrap (the whole name is one hover away too).
        table.setColumnWidth(0, min(table.columnWidth(0), SUPPLIER_WIDTH))
        self._fit_reasons()
        overview = self._plan.overview(shown.brand_id)
        self.brand_summary.setText(brand_summary(label, shown, overview, currency))

    def _fit_reasons(self) -> None:
        """The reasons wrap in the width left, so every reason can be read whole.

        Again whenever the table changes width (the window maximised after the
        plan arrived, the splitter dragged), not only when a brand is chosen.
        """
        table = self.lines_table
        last = self.lines_model.columnCount() - 1
        used = sum(table.columnWidth(c) for c in range(last))
        short = REASON_WIDTH - (table.viewport().width() - used)
        if short > 0:  # names wrap onto one more line rather than the table scroll sideways
            narrower = max(SUPPLIER_MIN_WIDTH, table.columnWidth(0) - short)
            used -= table.columnWidth(0) - narrower
            table.setColumnWidth(0, narrower)
        wanted = max(REASON_WIDTH, table.viewport().width() - used)
        if table.columnWidth(last) != wanted:
            table.setColumnWidth(last, wanted)
        table.resizeRowsToContents()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.lines_table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_reasons()
        return super().eventFilter(watched, event)

    # --- scenarios -----------------------------------------------------------------------

    def save_form(self) -> None:
        try:
            if not self.form.name():
                raise BadInput(_("give the scenario a name to save it under"))
            saved = save_scenario(self.workspace.engine, self.form.scenario())
        except BadInput as error:
            self._fail(str(error))
            return
        self._load_saved()
        self._say(
            _("Saved scenario {name}: {changes}.").format(
                name=saved.name, changes=saved.describe(self.form.home_currency)
            )
        )

    def run_form(self) -> None:
        try:
            scenario = self.form.scenario()
        except BadInput as error:
            self._fail(str(error))
            return
        self._run([scenario])

    def _selected_names(self) -> list[str]:
        rows = sorted(i.row() for i in self.saved_list.selectionModel().selectedRows())
        names = self.saved_model.stringList()
        return [names[r] for r in rows]

    def select_saved(self, names: Sequence[str]) -> None:
        selection = self.saved_list.selectionModel()
        selection.clearSelection()
        all_names = self.saved_model.stringList()
        for name in names:
            selection.select(
                self.saved_model.index(all_names.index(name)),
                QItemSelectionModel.SelectionFlag.Select,
            )

    def run_selected(self) -> None:
        names = self._selected_names()
        if not names:
            self._fail(_("select one or more saved scenarios to run"))
            return
        try:
            scenarios = [load_scenario(self.workspace.engine, n) for n in names]
        except BadInput as error:
            self._fail(str(error))
            return
        self._run(scenarios)

    def load_into_form(self) -> None:
        names = self._selected_names()
        if names:
            try:
                self.form.fill(load_scenario(self.workspace.engine, names[0]))
            except BadInput as error:
                self._fail(str(error))

    def delete_selected(self) -> None:
        for name in self._selected_names():
            try:
                delete_scenario(self.workspace.engine, name)
            except BadInput as error:
                self._fail(str(error))
                return
        self._load_saved()
        self._say(_("Deleted."))

    def _load_saved(self) -> None:
        try:
            names = [s.name for s in list_scenarios(self.workspace.engine)]
        except BadInput as error:
            self._fail(str(error))
            names = []
        self.saved_model.setStringList(names)

    def _run(self, scenarios: list[Scenario]) -> None:
        plan = self._plan
        if plan is None:
            self._fail(_("wait for the plan to finish before running a scenario"))
            return
        engine = self.workspace.engine
        rules = plan.settings

        def work(progress: ProgressCallback) -> list[ScenarioResult]:
            out = []
            for i, scenario in enumerate(scenarios):
                progress(
                    i, len(scenarios), _("Running scenario {name}…").format(name=scenario.name)
                )
                out.append(
                    run_scenario(engine, scenario, plan.as_of, baseline=plan, settings=rules)
                )
            return out

        names = pgettext("list", ", ").join(s.name for s in scenarios)
        self._say(_("Running {names}…").format(names=names))
        self._start(_("Scenario {names}").format(names=names), work, self._show_scenarios)

    def _show_scenarios(self, results: list[ScenarioResult]) -> None:
        self._results = results
        self._show_results()
        self.tabs.setCurrentIndex(1)
        names = pgettext("list", ", ").join(r.scenario.name for r in results)
        self._say(_("Ran {names}; the data was not changed.").format(names=names))
        self.scenarios_ran.emit(len(results))

    def _show_results(self) -> None:
        results = self._results
        self.comparison_model.set_results(results)
        fit_columns_to_contents(self.comparison_table)
        self.margin_chart.show_results(results)
        self.export_button.setEnabled(bool(results))
        self.lines_under.blockSignals(True)
        self.lines_under.clear()
        self.lines_under.addItem(_("Today's plan"))
        for r in results:
            self.lines_under.addItem(_("Under {scenario}").format(scenario=r.scenario.name))
        self.lines_under.blockSignals(False)
        self._show_brand()
        self.result_summary.setText(scenario_summaries(results))

    def export_results(self, path: Path | str, fmt: str | None = None) -> None:
        """Write the scenario results on screen as CSV or JSON (by the file's extension)."""
        if not self._results:
            raise BadInput(_("run a scenario before exporting its results"))
        path = Path(path)
        fmt = fmt or ("json" if path.suffix.lower() == ".json" else "csv")
        with path.open("w", encoding="utf-8", newline="") as out:
            if len(self._results) == 1:
                write_result(self._results[0], fmt, out)
            else:
                write_comparison(self._results, fmt, out)

    def _export_dialog(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            _("Export scenario results"),
            "scenario.csv",
            _("CSV (*.csv);;JSON (*.json)"),
        )
        if path:
            try:
                self.export_results(path)
            except (BadInput, OSError) as error:
                self._fail(_("the results could not be written: {reason}").format(reason=error))
                return
            self._say(_("Exported to {path}.").format(path=path))

    # --- messages ---------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)

    def _fail(self, reason: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(sentence(reason))
        self.failed.emit(reason)


__all__ = ["PlanningScreen"]
