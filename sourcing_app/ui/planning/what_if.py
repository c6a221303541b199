"""The what-if form of the Planning screen: a scenario built from ticks and numbers.

    form = ScenarioForm(parent)
    form.scenario()          # the Scenario it describes; BadInput if none or wrong
    form.fill(scenario)      # show a saved one, to edit or run again
    form.run_requested / form.save_requested   # Run (Ctrl+Enter) and Save pressed

The scenario changes nothing in the data (docs/planning.md); the screen runs it.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from sourcing_app.domain.scenarios import MAX_CLEARANCE_DAYS, ChangeKind, Scenario
from sourcing_app.errors import BadInput
from sourcing_app.i18n import N_, _, is_chinese, ngettext
from sourcing_app.services.scenarios import ScenarioChoices

TAX_FIELDS = (
    (N_("Tariff"), "tariff"),
    (N_("Consumption tax"), "consumption-tax"),
    (N_("VAT"), "vat"),
)


class ScenarioForm(QGroupBox):
    """Ticks for the changes a scenario makes, a name, Save and Run."""

    run_requested = Signal()
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Build a scenario (the data is never changed)"), parent)
        self.cbec_box = QCheckBox(
            _("CBEC preferential tax withdrawn: CBEC lines taxed as general trade")
        )
        self.withdraw_box = QCheckBox(_("Off the positive list:"))
        self.withdraw_box.setToolTip(
            _(
                "This tax category leaves the CBEC positive list: its goods are taxed as "
                "general trade; the others keep CBEC"
            )
        )
        self.withdraw_category = QComboBox()
        self.limit_box = QCheckBox(_("CBEC limit:"))
        self.limit_box.setToolTip(
            _(
                "The CBEC single-transaction limit becomes this amount: a unit whose customs "
                "value is over it is taxed as general trade"
            )
        )
        self.limit_amount = QDoubleSpinBox()
        self.limit_amount.setRange(1, 999_999)  # whole yuan: limits are round sums
        self.limit_amount.setDecimals(0)
        self.limit_amount.setGroupSeparatorShown(True)
        self.limit_amount.setValue(2000)  # the limit before 2019
        self._show_currency("CNY")
        self.clearance_box = QCheckBox(_("Clearance slower:"))
        self.clearance_box.setToolTip(
            _(
                "Customs takes this many more days on every delivery: the clearance "
                "sub-score and customs delays are worked out again"
            )
        )
        self.clearance_days = QSpinBox()
        self.clearance_days.setRange(1, MAX_CLEARANCE_DAYS)
        self.clearance_days.setPrefix("+")
        self.clearance_days.setValue(2)
        self._days_suffix(2)
        self.clearance_days.valueChanged.connect(self._days_suffix)
        self.tax_box = QCheckBox(_("Tax change:"))
        self.tax_field = QComboBox()
        for label, key in TAX_FIELDS:
            self.tax_field.addItem(_(label), key)
        self.tax_category = QComboBox()
        self.tax_rate = QDoubleSpinBox()
        self.tax_rate.setRange(0, 99.99)
        self.tax_rate.setDecimals(2)
        self.tax_rate.setSuffix(" %")
        self.tax_rate.setValue(10)
        self.currency_box = QCheckBox(_("Currency moves:"))
        self.currency = QComboBox()
        self.currency_move = QDoubleSpinBox()
        self.currency_move.setRange(-90, 500)
        self.currency_move.setDecimals(1)
        self.currency_move.setSuffix(" %")
        self.currency_move.setValue(10)
        self.currency_move.setToolTip(_("+10 % means one unit of it costs 10 % more home currency"))
        self.freight_box = QCheckBox(_("Freight moves:"))
        self.freight_move = QDoubleSpinBox()
        self.freight_move.setRange(-100, 500)
        self.freight_move.setDecimals(1)
        self.freight_move.setSuffix(" %")
        self.freight_move.setValue(20)
        self.freight_move.setToolTip(_("+20 % means every line's freight per unit costs 20 % more"))
        self.lose_box = QCheckBox(_("Suppliers lost:"))
        self.lose_codes = QLineEdit()
        self.lose_codes.setPlaceholderText(_("supplier codes, e.g. SUP-0012, SUP-0040"))
        self._code_model = QStringListModel(self)
        completer = QCompleter(self._code_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.lose_codes.setCompleter(completer)
        self.lose_codes.textEdited.connect(lambda t: self.lose_box.setChecked(bool(t.strip())))
        self.scenario_name = QLineEdit()
        self.scenario_name.setPlaceholderText(_("a name to save it under"))
        self.run_button = QPushButton(_("Run"))
        self.run_button.setToolTip(_("Run the scenario above against today's plan (Ctrl+Enter)"))
        self.run_button.clicked.connect(self.run_requested)
        run_keys = QShortcut(QKeySequence("Ctrl+Return"), self)
        run_keys.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        run_keys.activated.connect(self.run_requested)
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save_requested)

        # Lists as wide as a short name, not their longest: the brands' table on the left
        # keeps its width when this tab comes forward.
        for combo in (self.tax_field, self.tax_category, self.currency, self.withdraw_category):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
        grid = QGridLayout(self)
        grid.addWidget(self.cbec_box, 0, 0, 1, 4)
        grid.addWidget(self.withdraw_box, 1, 0)
        grid.addWidget(self.withdraw_category, 1, 1)
        grid.addWidget(self.limit_box, 1, 2)
        grid.addWidget(self.limit_amount, 1, 3)
        grid.addWidget(self.tax_box, 2, 0)
        grid.addWidget(self.tax_field, 2, 1)
        grid.addWidget(self.tax_category, 2, 2)
        grid.addWidget(self.tax_rate, 2, 3)
        grid.addWidget(self.currency_box, 3, 0)
        grid.addWidget(self.currency, 3, 1)
        grid.addWidget(self.currency_move, 3, 2)
        grid.addWidget(self.freight_box, 4, 0)
        grid.addWidget(self.freight_move, 4, 1)
        grid.addWidget(self.clearance_box, 4, 2)
        grid.addWidget(self.clearance_days, 4, 3)
        grid.addWidget(self.lose_box, 5, 0)
        grid.addWidget(self.lose_codes, 5, 1, 1, 3)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel(_("Name:")))
        name_row.addWidget(self.scenario_name, 1)
        name_row.addWidget(self.save_button)
        name_row.addWidget(self.run_button)
        grid.addLayout(name_row, 6, 0, 1, 4)
        grid.setVerticalSpacing(4)
        # Touching a change's fields ticks its box: what you edit is what runs.
        self.tax_field.activated.connect(lambda _i: self.tax_box.setChecked(True))
        self.tax_category.activated.connect(lambda _i: self.tax_box.setChecked(True))
        self.tax_rate.valueChanged.connect(lambda _v: self.tax_box.setChecked(True))
        self.currency.activated.connect(lambda _i: self.currency_box.setChecked(True))
        self.currency_move.valueChanged.connect(lambda _v: self.currency_box.setChecked(True))
        self.freight_move.valueChanged.connect(lambda _v: self.freight_box.setChecked(True))
        self.withdraw_category.activated.connect(lambda _i: self.withdraw_box.setChecked(True))
        self.limit_amount.valueChanged.connect(lambda _v: self.limit_box.setChecked(True))
        self.clearance_days.valueChanged.connect(lambda _v: self.clearance_box.setChecked(True))

    def _days_suffix(self, days: int) -> None:
        # Translators: after the number in the "clearance slower" box: "+2 days".
        self.clearance_days.setSuffix(ngettext(" day", " days", days))

    def set_choices(self, choices: ScenarioChoices) -> None:
        """The tax categories, currencies and supplier codes the data has."""
        for combo, items in (
            (self.tax_category, choices.categories),
            (self.withdraw_category, choices.categories),
            (self.currency, choices.currencies),
        ):
            current = combo.currentText()
            combo.clear()
            combo.addItems(list(items))
            if current in items:
                combo.setCurrentText(current)
        self._code_model.setStringList(list(choices.supplier_codes))
        self._show_currency(choices.home_currency)

    def _show_currency(self, currency: str) -> None:
        """The limit's currency as money is written (domain.formatting.money): ¥ in Chinese."""
        self.home_currency = currency
        if currency == "CNY" and is_chinese():
            self.limit_amount.setPrefix("¥")
            self.limit_amount.setSuffix("")
        else:
            self.limit_amount.setPrefix("")
            self.limit_amount.setSuffix(f" {currency}")

    def name(self) -> str:
        return self.scenario_name.text().strip()

    def scenario(self) -> Scenario:
        """The scenario the form describes; BadInput if it describes none or is wrong."""
        changes: list[str] = []
        if self.cbec_box.isChecked():
            changes.append("cbec-withdrawn")
        if self.withdraw_box.isChecked():
            category = self.withdraw_category.currentText()
            if not category:
                raise BadInput(_("choose the tax category that leaves the CBEC positive list"))
            changes.append(f"cbec-withdrawn:{category}")
        if self.limit_box.isChecked():
            changes.append(f"cbec-limit:{self.limit_amount.value():.0f}")
        if self.clearance_box.isChecked():
            changes.append(f"clearance:+{self.clearance_days.value()}")
        if self.tax_box.isChecked():
            category = self.tax_category.currentText()
            if not category:
                raise BadInput(_("choose a tax category for the tax change"))
            rate = f"{self.tax_rate.value():g}%"
            changes.append(f"{self.tax_field.currentData()}:{category}:{rate}")
        if self.currency_box.isChecked():
            if not self.currency.currentText():
                raise BadInput(_("choose a currency to move"))
            changes.append(
                f"currency:{self.currency.currentText()}:{self.currency_move.value():+g}%"
            )
        if self.freight_box.isChecked():
            changes.append(f"freight:{self.freight_move.value():+g}%")
        if self.lose_box.isChecked():
            codes = ",".join(c.strip() for c in self.lose_codes.text().split(",") if c.strip())
            changes.append(f"lose:{codes}")
        # Translators: the name of a scenario run without a name.
        return Scenario.from_texts(self.name() or _("What-if"), changes)

    def fill(self, scenario: Scenario) -> None:
        for box in (
            self.cbec_box,
            self.withdraw_box,
            self.limit_box,
            self.clearance_box,
            self.tax_box,
            self.currency_box,
            self.freight_box,
            self.lose_box,
        ):
            box.setChecked(False)
        self.lose_codes.clear()
        for change in scenario.changes:
            kind = change.kind.value
            if change.kind is ChangeKind.CBEC_WITHDRAWN and change.target:
                self.withdraw_category.setCurrentText(change.target)
                self.withdraw_box.setChecked(True)
            elif kind == "cbec-withdrawn":
                self.cbec_box.setChecked(True)
            elif change.kind is ChangeKind.CBEC_LIMIT:
                self.limit_amount.setValue(float(change.value))
                self.limit_box.setChecked(True)
            elif change.kind is ChangeKind.CLEARANCE:
                self.clearance_days.setValue(change.days)
                self.clearance_box.setChecked(True)
            elif kind in ("tariff", "consumption-tax", "vat"):
                self.tax_field.setCurrentIndex(self.tax_field.findData(kind))
                self.tax_category.setCurrentText(change.target)
                self.tax_rate.setValue(float(change.value) * 100)
                self.tax_box.setChecked(True)
            elif kind == "currency":
                self.currency.setCurrentText(change.target)
                self.currency_move.setValue(float(change.value) * 100)
                self.currency_box.setChecked(True)
            elif kind == "freight":
                self.freight_move.setValue(float(change.value) * 100)
                self.freight_box.setChecked(True)
            else:
                self.lose_codes.setText(", ".join(change.suppliers))
                self.lose_box.setChecked(True)
        self.scenario_name.setText(scenario.name)
