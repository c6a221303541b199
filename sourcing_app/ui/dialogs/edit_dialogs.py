"""Dialogs to create and edit each entity, saving through the editing service with undo.

`EditDialog(workspace, entity, entity_id=None, initial=None, parent=None)` is
the one dialog for suppliers, brands, products, tax categories, channels,
quotes, purchase lines, deliveries and returns. It checks as the buyer types, keeps Save
disabled while anything is wrong, and on Save:

- writes through `EditingService` and pushes the change on the undo stack;
- for a purchase, applies the supplier's standing (docs/standings-and-flags.md): a
  Watch supplier is announced in the form and the saved change carries the
  warning; an Avoid supplier needs a reason, asked for in `AvoidReasonDialog`;
- on a version conflict, says who saved in between and offers to reload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.domain.codes import INCOTERMS_2020, ISO_3166_COUNTRIES, ISO_4217_CURRENCIES
from sourcing_app.domain.enums import Regime, ReturnReason, Standing, SupplierKind
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import N_, _, ngettext, pgettext
from sourcing_app.services.editing import Conflict, Invalid, ReasonRequired, Saved
from sourcing_app.services.entities import ENTITIES
from sourcing_app.ui.shell.undo_commands import EditSession, entity_word
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.forms import EntityForm, FieldKind, FormField

K = FieldKind
WARNING_STYLE = "background: #fff4e0; border: 1px solid #e0a040; border-radius: 4px; padding: 8px;"
REFUSAL_STYLE = "background: #fdecea; border: 1px solid #d05050; border-radius: 4px; padding: 8px;"

# Common currencies first; the rest of ISO 4217 follows alphabetically.
_COMMON_CURRENCIES = ("CNY", "USD", "EUR", "JPY", "KRW", "HKD", "GBP", "AUD", "CHF", "NZD")


def _currencies() -> list[tuple[Any, str]]:
    rest = sorted(ISO_4217_CURRENCIES - set(_COMMON_CURRENCIES))
    return [(c, c) for c in (*_COMMON_CURRENCIES, *rest)]


def _countries() -> list[tuple[Any, str]]:
    return [("", "")] + [(c, c) for c in sorted(ISO_3166_COUNTRIES)]


def form_fields(
    entity: str, session: EditSession, *, supplier_id: int | None = None
) -> list[FormField]:
    """The fields of one entity's form, in the order a buyer fills them in."""
    service = session.service
    home = service.home_currency()
    if entity == "supplier":
        return [
            FormField(
                "code", _("Code"), placeholder=_("e.g. HK-HARBOUR"), hint=_("Unique; files use it")
            ),
            FormField("name", _("Name")),
            FormField(
                "country", _("Country"), K.TYPED_CHOICE, _countries(), hint=_("ISO 3166 code")
            ),
            FormField(
                "kind",
                pgettext("supplier", "Kind"),
                K.CHOICE,
                [(k.value, k.label) for k in SupplierKind],
            ),
            FormField(
                "monthly_capacity",
                _("Monthly capacity"),
                K.NUMBER,
                suffix=_("units/month"),
                placeholder=_("unknown"),
            ),
            FormField("contact", _("Contact")),
            FormField("notes", _("Notes"), K.LONG_TEXT),
        ]
    if entity == "brand":
        return [
            FormField("name", _("Name")),
            FormField("origin_country", _("Origin country"), K.TYPED_CHOICE, _countries()),
            FormField("category", _("Category"), placeholder=_("e.g. cosmetics, baby formula")),
            FormField("hot_selling", _("Hot-selling"), K.CHECK),
            FormField(
                "planned_monthly_demand", _("Planned demand"), K.NUMBER, suffix=_("units/month")
            ),
            FormField(
                "target_retail_price",
                _("Target retail price"),
                K.MONEY,
                suffix=home,
                placeholder=_("none"),
            ),
        ]
    if entity == "product":
        return [
            FormField("sku", _("SKU"), placeholder=_("e.g. AUR-SERUM-30")),
            FormField("brand_id", _("Brand"), K.CHOICE, service.choices("brand")),
            FormField("name", _("Name")),
            FormField(
                "tax_category_id", _("Tax category"), K.CHOICE, service.choices("tax_category")
            ),
            FormField("retail_price", _("Retail price"), K.MONEY, suffix=home),
            FormField(
                "unit_weight_kg", _("Unit weight"), K.NUMBER, suffix="kg", placeholder=_("unknown")
            ),
        ]
    if entity == "tax_category":
        hint = _("a fraction, e.g. 0.13 for 13%")
        return [
            FormField("name", _("Name")),
            FormField("tariff", _("Tariff"), K.NUMBER, hint=hint, suffix=_("(fraction)")),
            FormField(
                "consumption_tax", _("Consumption tax"), K.NUMBER, hint=hint, suffix=_("(fraction)")
            ),
            FormField("vat", _("VAT"), K.NUMBER, hint=hint, suffix=_("(fraction)")),
            FormField(
                "postal_rate",
                _("Postal-article tax"),
                K.CHOICE,
                [("0.13", "13%"), ("0.2", "20%"), ("0.5", "50%")],
            ),
        ]
    if entity == "channel":
        return [
            FormField("supplier_id", _("Supplier"), K.CHOICE, service.choices("supplier")),
            FormField("brand_id", _("Brand"), K.CHOICE, service.choices("brand")),
            FormField(
                "tier",
                _("Tier"),
                K.NUMBER,
                suffix=_("hands from the brand owner"),
                hint=_("0 = the brand owner itself, 1 = one distributor, and so on"),
            ),
            FormField("authorization_ref", _("Authorization"), placeholder=_("none")),
            FormField(
                "authorized_until", _("Authorized until"), K.OPTIONAL_DATE, blank_label=_("no end")
            ),
            FormField(
                "contract_start", _("Contract start"), K.OPTIONAL_DATE, blank_label=_("none")
            ),
            FormField("contract_end", _("Contract end"), K.OPTIONAL_DATE, blank_label=_("open")),
            FormField("exclusive", _("Exclusive"), K.CHECK),
            FormField("active", _("Active"), K.CHECK),
        ]
    products = service.choices("product", supplier_id=supplier_id)
    if entity == "quote":
        return [
            FormField("supplier_id", _("Supplier"), K.CHOICE, service.choices("supplier")),
            FormField("product_id", _("SKU"), K.CHOICE, products),
            FormField("unit_price", _("Unit price"), K.MONEY, currency_field="currency"),
            FormField("currency", _("Currency"), K.TYPED_CHOICE, _currencies()),
            FormField(
                "incoterm",
                _("Incoterm"),
                K.TYPED_CHOICE,
                [("", "")] + [(t, t) for t in INCOTERMS_2020],
            ),
            FormField("min_qty", _("Minimum quantity"), K.NUMBER, suffix=_("units")),
            FormField(
                "lead_time_days",
                _("Lead time"),
                K.NUMBER,
                suffix=_("days"),
                placeholder=_("unknown"),
            ),
            FormField(
                "freight_per_unit", _("Freight per unit"), K.MONEY, currency_field="currency"
            ),
            FormField(
                "insurance_per_unit", _("Insurance per unit"), K.MONEY, currency_field="currency"
            ),
            FormField("valid_from", _("Valid from"), K.DATE),
            FormField("valid_to", _("Valid to"), K.OPTIONAL_DATE, blank_label=_("open-ended")),
        ]
    if entity == "purchase":
        return [
            FormField("line_ref", _("Line reference"), placeholder=_("e.g. PO-2026-0412-1")),
            FormField("supplier_id", _("Supplier"), K.CHOICE, service.choices("supplier")),
            FormField("product_id", _("SKU"), K.CHOICE, products),
            FormField("order_date", _("Order date"), K.DATE),
            FormField("promised_date", _("Promised date"), K.DATE),
            FormField("ordered_qty", _("Ordered quantity"), K.NUMBER, suffix=_("units")),
            FormField("unit_price", _("Unit price"), K.MONEY, currency_field="currency"),
            FormField("currency", _("Currency"), K.TYPED_CHOICE, _currencies()),
            FormField(
                "fx_rate",
                _("Exchange rate"),
                K.NUMBER,
                suffix=_("{home} per unit").format(home=home),
                currency_field="currency",
                unit_template=_("{home} per {currency}").replace("{home}", home),
                placeholder=_("stored rate"),
                hint=_("Blank: the stored rate on or before the order date"),
                home_currency=home,
                home_note=_("{home} is the home currency, so no exchange is needed.").format(
                    home=home
                ),
            ),
            FormField(
                "regime",
                _("Import regime"),
                K.CHOICE,
                [
                    (Regime.CBEC.value, _("Cross-border e-commerce (CBEC)")),
                    (Regime.GENERAL.value, _("General trade")),
                    (Regime.POSTAL.value, _("Personal postal articles")),
                ],
            ),
        ]
    if entity == "delivery":
        return [
            FormField("delivered_date", _("Delivered on"), K.DATE),
            FormField("delivered_qty", _("Delivered quantity"), K.NUMBER, suffix=_("units")),
            FormField(
                "rejected_qty",
                _("Rejected quantity"),
                K.NUMBER,
                suffix=_("units"),
                hint=_("Damaged, wrong or counterfeit"),
            ),
            FormField(
                "clearance_days",
                _("Clearance days"),
                K.NUMBER,
                suffix=_("days"),
                placeholder=_("unknown"),
            ),
        ]
    if entity == "return":
        return [
            FormField("return_date", _("Returned on"), K.DATE),
            FormField("returned_qty", _("Returned quantity"), K.NUMBER, suffix=_("units")),
            FormField(
                "reason",
                _("Return reason"),
                K.CHOICE,
                [(r.value, r.label) for r in ReturnReason],
                hint=_("Late and other are listed but do not lower the quality score"),
            ),
        ]
    raise KeyError(entity)


def _defaults(entity: str, home: str) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "supplier": {"kind": SupplierKind.TRADER.value},
        "brand": {"planned_monthly_demand": "0"},
        "product": {},
        "tax_category": {
            "tariff": "0",
            "consumption_tax": "0",
            "vat": "0.13",
            "postal_rate": "0.13",
        },
        "channel": {
            "tier": "1",
            "active": True,
            "authorized_until": None,
            "contract_start": None,
            "contract_end": None,
        },
        "quote": {
            "currency": home,
            "min_qty": "1",
            "valid_from": today,
            "valid_to": None,
            "freight_per_unit": "0",
            "insurance_per_unit": "0",
        },
        "purchase": {
            "currency": home,
            "order_date": today,
            "promised_date": today + dt.timedelta(days=30),
            "regime": "cbec",
        },
        "delivery": {"delivered_date": today, "rejected_qty": "0"},
        "return": {"return_date": today, "returned_qty": "1", "reason": "damaged"},
    }[entity]


def standing_words(score: SupplierScore) -> str:
    """'Golden Bridge (S-COMP) stands at Watch, sourcing score 48.2' (no full stop)."""
    if score.sourcing_score is None:
        return _("{name} ({code}) stands at {standing}").format(
            name=score.supplier_name, code=score.supplier_code, standing=score.standing.label
        )
    return _("{name} ({code}) stands at {standing}, sourcing score {score}").format(
        name=score.supplier_name,
        code=score.supplier_code,
        standing=score.standing.label,
        score=f"{score.sourcing_score:.1f}",
    )


# The dialog's title, new and edited, for each kind of row.
NEW_TITLES = {
    "supplier": N_("New supplier"),
    "brand": N_("New brand"),
    "product": N_("New product"),
    "tax_category": N_("New tax category"),
    "channel": N_("New channel"),
    "quote": N_("New quote"),
    "purchase": N_("New purchase line"),
    "delivery": N_("New delivery"),
    "return": N_("New return"),
}
EDIT_TITLES = {
    "supplier": N_("Edit supplier"),
    "brand": N_("Edit brand"),
    "product": N_("Edit product"),
    "tax_category": N_("Edit tax category"),
    "channel": N_("Edit channel"),
    "quote": N_("Edit quote"),
    "purchase": N_("Edit purchase line"),
    "delivery": N_("Edit delivery"),
    "return": N_("Edit return"),
}


class AvoidReasonDialog(QDialog):
    """A purchase with an Avoid supplier needs a reason for the audit trail.

    The rule is in docs/standings-and-flags.md.
    """

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Avoid supplier: a reason is needed"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(REFUSAL_STYLE)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(_("Why buy from this supplier anyway? (kept in the audit trail)")))
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText(_("e.g. the only stock left before the 11.11 sale"))
        self.reason_edit.setFixedHeight(self.fontMetrics().height() * 5)
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(self)
        self.record_button = self.buttons.addButton(
            _("Record with this reason"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.record_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda: self.record_button.setEnabled(bool(self.reason().strip()))
        )
        layout.addWidget(self.buttons)

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()


class EditDialog(QDialog):
    """Create (no `entity_id`) or edit one record; Save goes through the editing service."""

    saved = Signal(object)  # the Saved of the change, once it is written and on the undo stack

    def __init__(
        self,
        workspace: Workspace,
        entity: str,
        entity_id: int | None = None,
        *,
        initial: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.session = EditSession.of(workspace)
        self.service = self.session.service
        self.entity = entity
        self.spec = ENTITIES[entity]
        self.entity_id = entity_id
        self.version: int | str | None = None
        self.fixed: dict[str, Any] = {}  # values the form does not show (a delivery's line)
        self.reason_dialog: AvoidReasonDialog | None = None
        self.last_saved: Saved | None = None

        current: dict[str, Any] = {}
        if entity_id is not None:
            current = self.service.load(entity, entity_id)
            self.version = current["version"]
        values = {**_defaults(entity, self.service.home_currency()), **(initial or {}), **current}
        if entity in ("delivery", "return"):
            self.fixed["line_id"] = values["line_id"]

        titles = NEW_TITLES if entity_id is None else EDIT_TITLES
        self.setWindowTitle(_(titles[entity]))
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        self.heading = QLabel(self._heading(values), self)
        self.heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        layout.addWidget(self.heading)
        self.banner = QLabel(self)
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        fields = form_fields(entity, self.session, supplier_id=values.get("supplier_id"))
        self.form = EntityForm(fields, self._check, self)
        self.form.set_values(values)
        if entity in ("quote", "purchase") and values.get("supplier_id") is None:
            # The supplier list opens on its first row: offer only the SKUs it can sell, or
            # the first SKU of all would be refused as "no channel for brand ...".
            self._sku_choices_follow_supplier()
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color: #555;")
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.reload_button = QPushButton(_("Reload latest"), self)
        self.buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.reload_button.setVisible(False)  # after addButton, which shows it
        self.conflicted = False
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(lambda: self.save())
        self.reload_button.clicked.connect(self.reload)
        layout.addWidget(self.buttons)

        self.form.validity_changed.connect(self._validity)
        self.form.values_changed.connect(self._value_changed)
        self.setMinimumWidth(560)
        self.form.validate()
        self._show_standing()
        # Wide enough for every unit and note beside its field ("CNY is the home currency,
        # so no exchange is needed." was cut at the minimum width in English).
        hint = self.sizeHint()
        self.resize(min(max(hint.width(), 560), 900), hint.height())

    # --- checking --------------------------------------------------------------------

    def _check(self, values: dict[str, Any]) -> dict[str, str]:
        return self.service.check(self.entity, {**values, **self.fixed}, entity_id=self.entity_id)

    def _validity(self, valid: bool) -> None:
        self.save_button.setEnabled(valid and not self.conflicted)
        if valid:
            self.summary.setText("")
            return
        waiting = self.form.untouched_problems()
        marked = len(self.form.problems) - len(waiting)
        fields = _(", ").join(waiting)
        to_fix = ngettext(
            "{n} field to fix (marked in red)", "{n} fields to fix (marked in red)", marked
        ).format(n=marked)
        if marked and waiting:
            text = _(
                "Save is available once everything is right: {to_fix}; still to fill in: {fields}"
            ).format(to_fix=to_fix, fields=fields)
        elif marked:
            text = _("Save is available once everything is right: {to_fix}").format(to_fix=to_fix)
        else:
            text = _(
                "Save is available once everything is right: still to fill in: {fields}"
            ).format(fields=fields)
        self.summary.setText(text)

    def _value_changed(self, name: str) -> None:
        if name == "supplier_id" and self.entity in ("quote", "purchase"):
            self._sku_choices_follow_supplier()
            self._show_standing()

    def _sku_choices_follow_supplier(self) -> None:
        supplier_id = self.form.editor("supplier_id").value()
        products = self.service.choices("product", supplier_id=supplier_id)
        self.form.editor("product_id").set_choices(products)

    def _show_standing(self) -> None:
        """A purchase shows the supplier's standing before anything is saved."""
        if self.entity != "purchase":
            return
        supplier_id = self.form.editor("supplier_id").value()
        score = self.workspace.score_for(supplier_id) if supplier_id is not None else None
        if score is None or score.standing not in (Standing.WATCH, Standing.AVOID):
            self.banner.setVisible(False)
            return
        if score.standing is Standing.WATCH:
            self.banner.setText(
                _(
                    "⚠ {standing}. You can record the purchase; keep an eye on "
                    "its fill, timeliness and quality."
                ).format(standing=standing_words(score))
            )
            self.banner.setStyleSheet(WARNING_STYLE)
        else:
            self.banner.setText(
                _(
                    "{standing}. A purchase with it is refused unless you give "
                    "a reason, which goes into the audit trail."
                ).format(standing=standing_words(score))
            )
            self.banner.setStyleSheet(REFUSAL_STYLE)
        self.banner.setVisible(True)

    # --- saving ----------------------------------------------------------------------

    def save(self, reason: str = "") -> Saved | None:
        """Write the form; None when nothing was written (problems, conflict, a reason asked)."""
        values = {**self.form.values(), **self.fixed}
        standing = None
        if self.entity == "purchase" and values.get("supplier_id") is not None:
            standing = self.workspace.score_for(int(values["supplier_id"]))
        try:
            if self.entity_id is None:
                saved = self.service.create(self.entity, values, standing=standing, reason=reason)
            else:
                saved = self.service.edit(
                    self.entity,
                    self.entity_id,
                    self.version,
                    values,
                    standing=standing,
                    reason=reason,
                )
        except Invalid as invalid:
            self.form.show_problems(invalid.problems, everywhere=True)
            return None
        except ReasonRequired as refusal:
            self._ask_reason(str(refusal))
            return None
        except Conflict as conflict:
            self._show_refusal(str(conflict))
            self.conflicted = True
            self.reload_button.setVisible(True)
            self.save_button.setEnabled(False)
            return None
        except (BadInput, CannotFinish) as error:
            self._show_refusal(str(error))
            return None
        self.last_saved = saved
        self.session.push(saved)
        self.saved.emit(saved)
        self.accept()
        return saved

    def _ask_reason(self, message: str) -> None:
        dialog = AvoidReasonDialog(message, self)
        self.reason_dialog = dialog
        dialog.accepted.connect(lambda: self.save(reason=dialog.reason()))
        dialog.open()

    def _show_refusal(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.setStyleSheet(REFUSAL_STYLE)
        self.banner.setVisible(True)

    def reload(self) -> None:
        """After a conflict: show what is stored now, to edit again from there."""
        if self.entity_id is None:
            return
        try:
            current = self.service.load(self.entity, self.entity_id)
        except Conflict as gone:
            self._show_refusal(str(gone))
            return
        self.version = current["version"]
        self.form.set_values(current)
        self.conflicted = False
        self.reload_button.setVisible(False)
        self.banner.setVisible(False)
        self.form.validate()

    # --- words -------------------------------------------------------------------------

    def _heading(self, values: dict[str, Any]) -> str:
        if self.entity_id is None:
            if self.entity == "delivery":
                line = values.get("line_ref", "")
                if not line:
                    return _("Record a delivery")
                return _("Record a delivery for line {line}").format(line=line)
            if self.entity == "return":
                line = values.get("line_ref", "")
                if not line:
                    return _("Record a return after sale")
                return _("Record a return after sale for line {line}").format(line=line)
            if self.entity == "purchase":
                return _("Record a purchase line")
            return _(NEW_TITLES[self.entity])
        label = self.service.load(self.entity, self.entity_id)
        words = {
            "supplier": label.get("code"),
            "brand": label.get("name"),
            "product": label.get("sku"),
            "tax_category": label.get("name"),
            "purchase": label.get("line_ref"),
        }.get(self.entity)
        if not words:
            return _(EDIT_TITLES[self.entity])
        entity = entity_word(self.entity)
        return _("{entity} {key}").format(entity=entity[:1].upper() + entity[1:], key=words)


def open_editor(
    workspace: Workspace,
    entity: str,
    entity_id: int | None = None,
    *,
    initial: dict[str, Any] | None = None,
    parent: QWidget | None = None,
) -> EditDialog:
    """Open the dialog window-modally and return it (for the main window's actions)."""
    dialog = EditDialog(workspace, entity, entity_id, initial=initial, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
