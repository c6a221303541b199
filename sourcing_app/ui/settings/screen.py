"""Settings: weights, bands, window, fees, CBEC, customs, tax categories, currency, user name.

Everything a buyer may tune in docs/margin.md, docs/stability.md and
docs/standings-and-flags.md, shown in the units a
buyer thinks in (percentages with "%", money with its currency, days), checked
as it is typed, and saved in one go: the settings and the user name in one
audited transaction, changed tax categories through the editing service (each
audited). A changed setting re-scores every supplier in the background and
`workspace.settings_changed` tells the other screens; a changed tax category
alone re-scores only the suppliers quoting its products. The save is one step
on the undo stack (Ctrl+Z), like a catalogue edit.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, sub_score_label
from sourcing_app.domain.settings import ScoringSettings, StandingBands
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.services.editing import EditingService, Saved
from sourcing_app.services.settings import (
    load_settings,
    save_from_screen,
    settings_changes,
    settings_problems,
    stored_user_name,
)
from sourcing_app.ui.dialogs.edit_dialogs import REFUSAL_STYLE, _currencies
from sourcing_app.ui.settings.language import LanguageBox
from sourcing_app.ui.settings.tax_categories import TAX_COLUMNS, TaxCategoryTableModel
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.undo_commands import EditSession, SettingsState
from sourcing_app.ui.shell.workspace import ScoredRun, Workspace
from sourcing_app.ui.widgets.forms import INVALID_STYLE, PROBLEM_STYLE

ModelIndex = QModelIndex | QPersistentModelIndex

HUNDRED = Decimal(100)


def _percent(value: Decimal) -> str:
    return f"{(value * HUNDRED).normalize():f}%"


# --- the screen --------------------------------------------------------------------------


class SettingsScreen(QWidget):
    """Edit the scoring settings; Save checks, writes, audits, then re-scores in place."""

    saved = Signal(dict)  # the settings that changed: dotted path -> [old, new]

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.session = EditSession.of(workspace)
        self.service: EditingService = self.session.service
        self.inputs: dict[str, QWidget] = {}
        self.messages: dict[str, QLabel] = {}
        self.problems: dict[str, str] = {}

        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll, 1)
        page = QWidget(scroll)
        scroll.setWidget(page)
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(14)
        grid.addWidget(self._weights_box(), 0, 0)
        grid.addWidget(self._bands_box(), 1, 0)
        grid.addWidget(self._window_box(), 2, 0)
        grid.addWidget(self._you_box(), 3, 0)
        self.language_box = LanguageBox(self.has_unsaved_changes, self)
        grid.addWidget(self.language_box, 4, 0)
        grid.addWidget(self._fees_box(), 0, 1)
        grid.addWidget(self._cbec_box(), 1, 1)
        grid.addWidget(self._customs_box(), 2, 1)
        grid.addWidget(self._tax_box(), 3, 1, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)  # the tax table takes the height left over

        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        outer.addWidget(self.banner)
        bottom = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        bottom.addWidget(self.summary, 1)
        self.revert_button = QPushButton(_("Revert"), self)
        self.save_button = QPushButton(_("Save and re-score"), self)
        self.save_button.setDefault(True)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button.clicked.connect(self.load)
        self.save_button.setToolTip(_("Save the settings and score every supplier again (Ctrl+S)"))
        self.revert_button.setToolTip(_("Back to the settings as they are saved"))
        # Ctrl+S while the screen (or any field on it) has focus; Save only when it may.
        save_keys = QShortcut(QKeySequence.StandardKey.Save, self)
        save_keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_keys.activated.connect(
            lambda: self.save_button.isEnabled() and self.save_button.click()
        )
        self.load()
        # Undo and redo (and saves elsewhere) change what is stored: show it.
        workspace.settings_changed.connect(self.load)
        workspace.data_changed.connect(self._data_changed)

    def showEvent(self, event: QShowEvent) -> None:
        self._fit_heights()
        super().showEvent(event)

    def _fit_heights(self) -> None:
        """Every field tall enough for a Chinese character in the font it shows
        ('365 天' lost the top of 天 when the rows were squeezed to Latin heights)."""
        for widget in self.inputs.values():
            tall = widget.fontMetrics().boundingRect("天").height() + 10
            widget.setMinimumHeight(max(tall, widget.minimumSizeHint().height()))

    # --- building ---------------------------------------------------------------------

    def _form_box(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setHorizontalSpacing(12)
        return box, form

    def _add(
        self, form: QFormLayout, key: str, label: str, widget: QWidget, note: str = ""
    ) -> None:
        """A setting's row: its input, a note after it, and its problem under it."""
        widget.setObjectName(key)
        self.inputs[key] = widget
        row = QWidget(self)
        column = QVBoxLayout(row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        line = QHBoxLayout()
        line.addWidget(widget)
        if note:
            extra = QLabel(note, row)
            extra.setObjectName(f"{key}.note")
            extra.setStyleSheet("color: #555;")
            line.addWidget(extra)
        line.addStretch(1)
        column.addLayout(line)
        message = QLabel(row)
        message.setStyleSheet(PROBLEM_STYLE)
        message.setWordWrap(True)
        message.setVisible(False)
        column.addWidget(message)
        self.messages[key] = message
        form.addRow(_("{label}:").format(label=label), row)
        if isinstance(widget, QDoubleSpinBox | QSpinBox):
            widget.valueChanged.connect(self._changed)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(self._changed)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._changed)

    def _number(
        self, low: float, high: float, decimals: int = 2, suffix: str = "", step: float = 1.0
    ) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setRange(low, high)
        box.setDecimals(decimals)
        box.setSingleStep(step)
        box.setSuffix(suffix)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        box.setKeyboardTracking(True)
        box.setGroupSeparatorShown(True)
        box.setMinimumWidth(self.fontMetrics().horizontalAdvance("000,000,000.00 CNY") + 30)
        return box

    def _weights_box(self) -> QGroupBox:
        box, form = self._form_box(_("Stability weights"))
        for key in SUB_SCORE_KEYS:
            spin = self._number(0, 1000, 1, step=5)
            self._add(form, f"weights.{key}", sub_score_label(key), spin, note="= 0.0%")
        self.weight_sum = QLabel(box)
        self.weight_sum.setObjectName("weights.sum")
        self.weight_sum.setStyleSheet("font-weight: 600;")
        form.addRow(_("Sum:"), self.weight_sum)
        return box

    def _bands_box(self) -> QGroupBox:
        box, form = self._form_box(_("Standing bands (lower edges of the sourcing score)"))
        points = _("points of the 0–100 sourcing score")
        self._add(form, "bands.preferred", _("Preferred from"), self._number(0, 100, 1), points)
        self._add(form, "bands.approved", _("Approved from"), self._number(0, 100, 1), points)
        self._add(form, "bands.watch", _("Watch from"), self._number(0, 100, 1), points)
        self.avoid_label = QLabel(box)
        # Translators: the Avoid standing's band, as a form label: "Avoid: below 40 points".
        form.addRow(_("Avoid:"), self.avoid_label)
        return box

    def _window_box(self) -> QGroupBox:
        box, form = self._form_box(_("Evaluation"))
        window = QSpinBox(self)
        window.setRange(1, 3650)
        # Translators: after a number of days in a spin box: "365 days".
        window.setSuffix(_(" days"))
        self._add(
            form,
            "window_days",
            # Translators: the evaluation window (评估窗口), a form label.
            pgettext("setting", "Window"),
            window,
            _("purchase lines ordered in the last …"),
        )
        grace = QSpinBox(self)
        grace.setRange(0, 365)
        grace.setSuffix(_(" days"))
        self._add(
            form, "grace_days", pgettext("setting", "Grace"), grace, _("after the promised date")
        )
        return box

    def _customs_box(self) -> QGroupBox:
        # Translators: a settings group: customs clearance (清关) targets.
        box, form = self._form_box(pgettext("settings", "Customs clearance"))
        target = QSpinBox(self)
        target.setRange(0, 365)
        target.setSuffix(_(" days"))
        self._add(
            form,
            "clearance_target_days",
            _("Clearance target"),
            target,
            _("a delivery cleared within it counts as cleared in time"),
        )
        hold = QSpinBox(self)
        hold.setRange(1, 365)
        hold.setSuffix(_(" days"))
        self._add(
            form,
            "customs_hold_days",
            _("Customs hold"),
            hold,
            _("a recent delivery held longer is flagged as a customs delay"),
        )
        return box

    def _fees_box(self) -> QGroupBox:
        box, form = self._form_box(_("Margin and fees"))
        self._add(
            form,
            "costs.target_margin",
            _("Target margin"),
            self._number(0, 100, 2, "%"),
            _("a margin at or above it scores 100"),
        )
        self._add(
            form,
            "costs.platform_commission",
            _("Platform commission"),
            self._number(0, 100, 2, "%"),
            _("of the retail price"),
        )
        self._add(
            form,
            "costs.payment_fee",
            _("Payment fee"),
            self._number(0, 100, 2, "%"),
            _("of the retail price"),
        )
        self._add(
            form, "costs.clearance_fee", _("Clearance fee"), self._number(0, 1e6, 2), _("per unit")
        )
        self._add(
            form,
            "costs.fulfilment_fee",
            _("Domestic fulfilment"),
            self._number(0, 1e6, 2),
            _("per unit"),
        )
        return box

    def _cbec_box(self) -> QGroupBox:
        box, form = self._form_box(_("Cross-border e-commerce (CBEC) regime"))
        self._add(
            form,
            "costs.cbec_factor",
            _("Share of statutory taxes"),
            self._number(0, 100, 1, "%"),
            _("of consumption tax and VAT"),
        )
        self._add(
            form,
            "costs.cbec_transaction_limit",
            _("Single-transaction limit"),
            self._number(0, 1e9, 2),
        )
        self._add(form, "costs.cbec_annual_limit", _("Annual limit"), self._number(0, 1e9, 2))
        return box

    def _you_box(self) -> QGroupBox:
        box, form = self._form_box(_("Currency and you"))
        currency = QComboBox(self)
        currency.setEditable(True)
        currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for code, _words in _currencies():
            currency.addItem(code)
        self._add(
            form,
            "home_currency",
            _("Home currency"),
            currency,
            _("stored exchange rates are to this currency"),
        )
        name = QLineEdit(self)
        name.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 18)
        self._add(form, "user_name", _("Your name"), name, _("recorded in the audit trail"))
        return box

    def _tax_box(self) -> QGroupBox:
        box = QGroupBox(_("Tax categories (rates in %)"), self)
        layout = QVBoxLayout(box)
        self.tax_model = TaxCategoryTableModel(self.service, self)
        self.tax_table = QTableView(box)
        self.tax_table.setModel(self.tax_model)
        self.tax_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tax_table.setAlternatingRowColors(True)
        self.tax_table.verticalHeader().setVisible(False)
        header = self.tax_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(TAX_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tax_table.setMinimumHeight(220)
        layout.addWidget(self.tax_table)
        row = QHBoxLayout()
        add = QPushButton(_("Add tax category"), box)
        add.clicked.connect(self._add_tax_category)
        row.addWidget(add)
        row.addStretch(1)
        layout.addLayout(row)
        self.tax_model.problems_changed.connect(self._changed)
        return box

    def _add_tax_category(self) -> None:
        row = self.tax_model.add_row()
        index = self.tax_model.index(row, 0)
        self.tax_table.setCurrentIndex(index)
        self.tax_table.edit(index)

    # --- values -----------------------------------------------------------------------

    def load(self) -> None:
        """Show what is stored; this is also what a later Save is checked against."""
        self.opened = load_settings(self.workspace.engine)
        self.opened_user_name = self._stored_user_name()
        self._loading = True
        s = self.opened
        for key in SUB_SCORE_KEYS:
            self._spin(f"weights.{key}").setValue(s.weights.get(key, 0.0))
        self._spin("bands.preferred").setValue(s.bands.preferred)
        self._spin("bands.approved").setValue(s.bands.approved)
        self._spin("bands.watch").setValue(s.bands.watch)
        self._int("window_days").setValue(s.window_days)
        self._int("grace_days").setValue(s.grace_days)
        self._int("clearance_target_days").setValue(s.clearance_target_days)
        self._int("customs_hold_days").setValue(s.customs_hold_days)
        c = s.costs
        for key in ("target_margin", "platform_commission", "payment_fee", "cbec_factor"):
            self._spin(f"costs.{key}").setValue(float(getattr(c, key) * HUNDRED))
        for key in (
            "clearance_fee",
            "fulfilment_fee",
            "cbec_transaction_limit",
            "cbec_annual_limit",
        ):
            self._spin(f"costs.{key}").setValue(float(getattr(c, key)))
        combo = self.inputs["home_currency"]
        assert isinstance(combo, QComboBox)
        combo.setCurrentText(s.home_currency)
        name = self.inputs["user_name"]
        assert isinstance(name, QLineEdit)
        name.setText(self.opened_user_name)
        name.setPlaceholderText(self.workspace.user_name())
        self.tax_model.load()
        self._loading = False
        self.banner.setVisible(False)
        self._changed()

    def _data_changed(self, kind: str) -> None:
        if kind == "tax_category":
            self.tax_model.load()
            self._changed()

    def settings(self) -> ScoringSettings:
        """The settings as the screen shows them."""

        def pct(key: str) -> Decimal:
            return _decimal(self._spin(key).value()) / HUNDRED

        def money(key: str) -> Decimal:
            return _decimal(self._spin(key).value())

        combo = self.inputs["home_currency"]
        assert isinstance(combo, QComboBox)
        return replace(
            self.opened,
            weights={k: self._spin(f"weights.{k}").value() for k in SUB_SCORE_KEYS},
            bands=StandingBands(
                preferred=self._spin("bands.preferred").value(),
                approved=self._spin("bands.approved").value(),
                watch=self._spin("bands.watch").value(),
            ),
            window_days=self._int("window_days").value(),
            grace_days=self._int("grace_days").value(),
            clearance_target_days=self._int("clearance_target_days").value(),
            customs_hold_days=self._int("customs_hold_days").value(),
            home_currency=combo.currentText().strip().upper(),
            costs=replace(
                self.opened.costs,
                target_margin=pct("costs.target_margin"),
                platform_commission=pct("costs.platform_commission"),
                payment_fee=pct("costs.payment_fee"),
                cbec_factor=pct("costs.cbec_factor"),
                clearance_fee=money("costs.clearance_fee"),
                fulfilment_fee=money("costs.fulfilment_fee"),
                cbec_transaction_limit=money("costs.cbec_transaction_limit"),
                cbec_annual_limit=money("costs.cbec_annual_limit"),
            ),
        )

    def user_name(self) -> str:
        name = self.inputs["user_name"]
        assert isinstance(name, QLineEdit)
        return name.text().strip()

    def _spin(self, key: str) -> QDoubleSpinBox:
        widget = self.inputs[key]
        assert isinstance(widget, QDoubleSpinBox)
        return widget

    def _int(self, key: str) -> QSpinBox:
        widget = self.inputs[key]
        assert isinstance(widget, QSpinBox)
        return widget

    def has_unsaved_changes(self) -> bool:
        """Whether the screen shows anything other than what is stored."""
        if self.tax_model.dirty or self.user_name() != self.opened_user_name:
            return True
        return bool(settings_changes(self.opened, self.settings()))

    def _stored_user_name(self) -> str:
        with self.workspace.engine.connect() as conn:
            return stored_user_name(conn)

    # --- checking ----------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        if getattr(self, "_loading", True):
            return
        settings = self.settings()
        self._show_weights(settings)
        self._show_units(settings)
        self.problems = settings_problems(settings, self.user_name())
        for key, message in self.messages.items():
            problem = self.problems.get(key)
            message.setText(f"⚠ {problem}" if problem else "")
            message.setVisible(bool(problem))
            self.inputs[key].setStyleSheet(INVALID_STYLE if problem else "")
        tax_problems = self.tax_model.problem_words()
        whole = self.problems.get("weights")
        lines = ([_("Weights: {problem}").format(problem=whole)] if whole else []) + tax_problems
        if self.problems or tax_problems:
            count = len(self.problems) + len(tax_problems)
            words = ngettext(
                "{n} setting to fix before saving (marked in red).",
                "{n} settings to fix before saving (marked in red).",
                count,
            ).format(n=count)
            if lines:
                words = _("{summary} {problems}").format(
                    summary=words, problems=pgettext("list", "; ").join(lines)
                )
            self.summary.setText(words)
            self.summary.setStyleSheet(PROBLEM_STYLE)
        else:
            self.summary.setText("")
        self.save_button.setEnabled(not self.problems and not tax_problems)
        allowed = self.workspace.permissions  # team mode: settings are a manager's
        if not allowed.can_change_settings:
            allow(self.save_button, False, allowed.why_not("setting"))

    def _show_weights(self, settings: ScoringSettings) -> None:
        total = sum(max(0.0, w) for w in settings.weights.values())
        shares = settings.normalised_weights()
        for key in SUB_SCORE_KEYS:
            note = self.findChild(QLabel, f"weights.{key}.note")
            if note is not None:
                note.setText(
                    _("= {share} of the stability score").format(share=f"{shares[key]:.1%}")
                )
        self.weight_sum.setText(
            _("{total}; each weight counts as its share of the sum (normalised to 100%)").format(
                total=f"{total:g}"
            )
        )

    def _show_units(self, settings: ScoringSettings) -> None:
        home = settings.home_currency or "?"
        for key in (
            "clearance_fee",
            "fulfilment_fee",
            "cbec_transaction_limit",
            "cbec_annual_limit",
        ):
            self._spin(f"costs.{key}").setSuffix(f" {home}")
        self.avoid_label.setText(
            _("below {points} points").format(points=f"{settings.bands.watch:g}")
        )

    # --- saving -----------------------------------------------------------------------

    def save(self) -> dict[str, list[Any]] | None:
        """Write, audit, re-score, and put on the undo stack.

        None when not all could be saved; the reason is shown, and what was
        saved before the refusal stays saved (and can be undone).
        """
        self._changed()
        if self.problems or self.tax_model.problems:
            return None
        before = SettingsState(self.opened, self.opened_user_name)
        changes: dict[str, list[Any]] = {}
        taxes: list[Saved] = []
        refusal = ""
        try:
            changes = save_from_screen(
                self.workspace.engine,
                self.settings(),
                self.user_name(),
                opened=self.opened,
                opened_user_name=self.opened_user_name,
                who=self.workspace.user_name(),
            )
            self.tax_model.save(taxes)
        except (BadInput, CannotFinish) as error:
            refusal = str(error)
        if refusal and not changes and not taxes:
            self._show_refusal(refusal)
            return None
        self.load()
        everyone = self.session.settings_saved(
            before,
            SettingsState(self.opened, self.opened_user_name),
            dict(changes),
            taxes,
            on_rescored=self._rescored,
        )
        if refusal:
            self._show_refusal(refusal)
            return None
        for saved in taxes:
            changes[f"tax_category.{saved.after.get('name', saved.id)}"] = [saved.action, ""]
        if changes:
            if everyone:
                self.banner.setText(_("Saved. Re-scoring every supplier with the new settings…"))
            else:
                self.banner.setText(_("Saved."))
            self.banner.setStyleSheet("")
            self.banner.setVisible(True)
        self.saved.emit(changes)
        return changes

    def _show_refusal(self, words: str) -> None:
        self.banner.setText(words)
        self.banner.setStyleSheet(REFUSAL_STYLE)
        self.banner.setVisible(True)

    def _rescored(self, run: ScoredRun) -> None:
        n = len(run.scores)
        self.banner.setText(
            ngettext(
                "Saved, and {n} supplier re-scored.", "Saved, and {n} suppliers re-scored.", n
            ).format(n=f"{n:,}")
        )


def _decimal(value: float) -> Decimal:
    """A spin box's float as the Decimal a person typed (0.35, not 0.34999…)."""
    return Decimal(repr(round(value, 6))).normalize()
