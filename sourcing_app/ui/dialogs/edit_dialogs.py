"""Dialogs to create and edit each entity, saving through the editing service with undo.

`EditDialog(workspace, entity, entity_id=None, initial=None, parent=None)` is
the one dialog for suppliers, brands, products, tax categories, channels,
quotes, purchase lines and deliveries. It checks as the buyer types, keeps Save
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
from sourcing_app.domain.enums import Regime, Standing, SupplierKind
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.services.editing import Conflict, Invalid, ReasonRequired, Saved
from sourcing_app.services.entities import ENTITIES
from sourcing_app.ui.shell.undo_commands import EditSession
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
            FormField("code", "Code", placeholder="e.g. HK-HARBOUR", hint="Unique; files use it"),
            FormField("name", "Name"),
            FormField("country", "Country", K.TYPED_CHOICE, _countries(), hint="ISO 3166 code"),
            FormField("kind", "Kind", K.CHOICE, [(k.value, k.label) for k in SupplierKind]),
            FormField(
                "monthly_capacity",
                "Monthly capacity",
                K.NUMBER,
                suffix="units/month",
                placeholder="unknown",
            ),
            FormField("contact", "Contact"),
            FormField("notes", "Notes", K.LONG_TEXT),
        ]
    if entity == "brand":
        return [
            FormField("name", "Name"),
            FormField("origin_country", "Origin country", K.TYPED_CHOICE, _countries()),
            FormField("category", "Category", placeholder="e.g. cosmetics, baby formula"),
            FormField("hot_selling", "Hot-selling", K.CHECK),
            FormField("planned_monthly_demand", "Planned demand", K.NUMBER, suffix="units/month"),
            FormField(
                "target_retail_price",
                "Target retail price",
                K.MONEY,
                suffix=home,
                placeholder="none",
            ),
        ]
    if entity == "product":
        return [
            FormField("sku", "SKU", placeholder="e.g. AUR-SERUM-30"),
            FormField("brand_id", "Brand", K.CHOICE, service.choices("brand")),
            FormField("name", "Name"),
            FormField("tax_category_id", "Tax category", K.CHOICE, service.choices("tax_category")),
            FormField("retail_price", "Retail price", K.MONEY, suffix=home),
            FormField(
                "unit_weight_kg", "Unit weight", K.NUMBER, suffix="kg", placeholder="unknown"
            ),
        ]
    if entity == "tax_category":
        hint = "a fraction, e.g. 0.13 for 13%"
        return [
            FormField("name", "Name"),
            FormField("tariff", "Tariff", K.NUMBER, hint=hint, suffix="(fraction)"),
            FormField(
                "consumption_tax", "Consumption tax", K.NUMBER, hint=hint, suffix="(fraction)"
            ),
            FormField("vat", "VAT", K.NUMBER, hint=hint, suffix="(fraction)"),
            FormField(
                "postal_rate",
                "Postal-article tax",
                K.CHOICE,
                [("0.13", "13%"), ("0.2", "20%"), ("0.5", "50%")],
            ),
        ]
    if entity == "channel":
        return [
            FormField("supplier_id", "Supplier", K.CHOICE, service.choices("supplier")),
            FormField("brand_id", "Brand", K.CHOICE, service.choices("brand")),
            FormField(
                "tier",
                "Tier",
                K.NUMBER,
                suffix="hands from the brand owner",
                hint="0 = the brand owner itself, 1 = one distributor, and so on",
            ),
            FormField("authorization_ref", "Authorization", placeholder="none"),
            FormField(
                "authorized_until", "Authorized until", K.OPTIONAL_DATE, blank_label="no end"
            ),
            FormField("contract_start", "Contract start", K.OPTIONAL_DATE, blank_label="none"),
            FormField("contract_end", "Contract end", K.OPTIONAL_DATE, blank_label="open"),
            FormField("exclusive", "Exclusive", K.CHECK),
            FormField("active", "Active", K.CHECK),
        ]
    products = service.choices("product", supplier_id=supplier_id)
    if entity == "quote":
        return [
            FormField("supplier_id", "Supplier", K.CHOICE, service.choices("supplier")),
            FormField("product_id", "SKU", K.CHOICE, products),
            FormField("unit_price", "Unit price", K.MONEY, currency_field="currency"),
            FormField("currency", "Currency", K.TYPED_CHOICE, _currencies()),
            FormField(
                "incoterm",
                "Incoterm",
                K.TYPED_CHOICE,
                [("", "")] + [(t, t) for t in INCOTERMS_2020],
            ),
            FormField("min_qty", "Minimum quantity", K.NUMBER, suffix="units"),
            FormField(
                "lead_time_days", "Lead time", K.NUMBER, suffix="days", placeholder="unknown"
            ),
            FormField("freight_per_unit", "Freight per unit", K.MONEY, currency_field="currency"),
            FormField(
                "insurance_per_unit", "Insurance per unit", K.MONEY, currency_field="currency"
            ),
            FormField("valid_from", "Valid from", K.DATE),
            FormField("valid_to", "Valid to", K.OPTIONAL_DATE, blank_label="open-ended"),
        ]
    if entity == "purchase":
        return [
            FormField("line_ref", "Line reference", placeholder="e.g. PO-2026-0412-1"),
            FormField("supplier_id", "Supplier", K.CHOICE, service.choices("supplier")),
            FormField("product_id", "SKU", K.CHOICE, products),
            FormField("order_date", "Order date", K.DATE),
            FormField("promised_date", "Promised date", K.DATE),
            FormField("ordered_qty", "Ordered quantity", K.NUMBER, suffix="units"),
            FormField("unit_price", "Unit price", K.MONEY, currency_field="currency"),
            FormField("currency", "Currency", K.TYPED_CHOICE, _currencies()),
            FormField(
                "fx_rate",
                "Exchange rate",
                K.NUMBER,
                suffix=f"{home} per unit",
                currency_field="currency",
                unit_template=f"{home} per {{currency}}",
                placeholder="stored rate",
                hint="Blank: the stored rate on or before the order date",
                home_currency=home,
                home_note=f"{home} is the home currency, so no exchange is needed.",
            ),
            FormField(
                "regime",
                "Import regime",
                K.CHOICE,
                [
                    (Regime.CBEC.value, "Cross-border e-commerce (CBEC)"),
                    (Regime.GENERAL.value, "General trade"),
                    (Regime.POSTAL.value, "Personal postal articles"),
                ],
            ),
        ]
    if entity == "delivery":
        return [
            FormField("delivered_date", "Delivered on", K.DATE),
            FormField("delivered_qty", "Delivered quantity", K.NUMBER, suffix="units"),
            FormField(
                "rejected_qty",
                "Rejected quantity",
                K.NUMBER,
                suffix="units",
                hint="Damaged, wrong or counterfeit",
            ),
            FormField(
                "clearance_days",
                "Customs clearance",
                K.NUMBER,
                suffix="days",
                placeholder="unknown",
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
    }[entity]


def standing_words(score: SupplierScore) -> str:
    number = "" if score.sourcing_score is None else f", sourcing score {score.sourcing_score:.1f}"
    return f"{score.supplier_name} ({score.supplier_code}) stands at {score.standing.value}{number}"


class AvoidReasonDialog(QDialog):
    """A purchase with an Avoid supplier needs a reason for the audit trail.

    The rule is in docs/standings-and-flags.md.
    """

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Avoid supplier: a reason is needed")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.message = QLabel(message, self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(REFUSAL_STYLE)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Why buy from this supplier anyway? (kept in the audit trail)"))
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText("e.g. the only stock left before the 11.11 sale")
        self.reason_edit.setFixedHeight(self.fontMetrics().height() * 5)
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(self)
        self.record_button = self.buttons.addButton(
            "Record with this reason", QDialogButtonBox.ButtonRole.AcceptRole
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
        if entity == "delivery":
            self.fixed["line_id"] = values["line_id"]

        verb = "New" if entity_id is None else "Edit"
        self.setWindowTitle(f"{verb} {self.spec.label}")
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
        self.reload_button = QPushButton("Reload latest", self)
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
        parts = []
        if marked:
            parts.append(f"{marked} field{'s' if marked > 1 else ''} to fix (marked in red)")
        if waiting:
            parts.append("still to fill in: " + ", ".join(waiting))
        self.summary.setText("Save is available once everything is right: " + "; ".join(parts))

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
                f"⚠ {standing_words(score)}. You can record the purchase; keep an eye on "
                "its fill, timeliness and quality."
            )
            self.banner.setStyleSheet(WARNING_STYLE)
        else:
            self.banner.setText(
                f"{standing_words(score)}. A purchase with it is refused unless you give "
                "a reason, which goes into the audit trail."
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
                return f"Record a delivery for line {values.get('line_ref', '')}".strip()
            if self.entity == "purchase":
                return "Record a purchase line"
            return f"New {self.spec.label}"
        label = self.service.load(self.entity, self.entity_id)
        words = {
            "supplier": label.get("code"),
            "brand": label.get("name"),
            "product": label.get("sku"),
            "tax_category": label.get("name"),
            "purchase": label.get("line_ref"),
        }.get(self.entity)
        return f"{self.spec.label.capitalize()} {words}" if words else (f"Edit {self.spec.label}")


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
