"""What each editable entity holds, field by field, as the forms and the editing service see it.

Each field names the cell parser of its file column (`file_formats`), so a form
checks a value exactly as an import of the same column would. Natural keys are
those of docs/files-and-commands.md, with the words said when one is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sourcing_app.i18n import N_, _
from sourcing_app.services import file_formats as cells


@dataclass(frozen=True)
class FieldSpec:
    name: str
    words: str  # the label in English, marked with N_; `label` reads it in the reader's language
    parse: cells.CellParser | None = None  # None: a reference to another row's id
    required: bool = False
    default: Any = None
    reference: str = ""  # the entity an id field points at

    @property
    def label(self) -> str:
        return _(self.words)


@dataclass(frozen=True)
class EntitySpec:
    name: str
    table: str
    words: str  # the buyer's word, in English; `label` reads it in the reader's language
    fields: tuple[FieldSpec, ...]
    archive_column: str = ""  # "archived" (True when archived) or "active" (False)
    versioned: bool = True

    @property
    def label(self) -> str:
        # Translators: the name of a kind of record, in a sentence: "the supplier …".
        return _(self.words)

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _ref(name: str, words: str, entity: str) -> FieldSpec:
    return FieldSpec(name, words, None, True, None, entity)


ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "supplier",
            "supplier",
            N_("supplier"),
            (
                FieldSpec("code", N_("Code"), cells.text, True),
                FieldSpec("name", N_("Name"), cells.text, True),
                FieldSpec("country", N_("Country"), cells.country, False, ""),
                FieldSpec("kind", N_("Kind"), cells.supplier_kind, True),
                FieldSpec("monthly_capacity", N_("Monthly capacity"), cells.whole("capacities")),
                FieldSpec("contact", N_("Contact"), cells.text, False, ""),
                FieldSpec("notes", N_("Notes"), cells.text, False, ""),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "brand",
            "brand",
            N_("brand"),
            (
                FieldSpec("name", N_("Name"), cells.text, True),
                FieldSpec("origin_country", N_("Origin country"), cells.country, False, ""),
                FieldSpec("category", N_("Category"), cells.text, False, ""),
                FieldSpec("hot_selling", N_("Hot-selling"), cells.boolean, False, False),
                FieldSpec(
                    "planned_monthly_demand",
                    N_("Planned monthly demand"),
                    cells.whole("quantities"),
                    False,
                    0,
                ),
                FieldSpec("target_retail_price", N_("Target retail price"), cells.money),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "product",
            "product",
            N_("product"),
            (
                FieldSpec("sku", N_("SKU"), cells.text, True),
                _ref("brand_id", N_("Brand"), "brand"),
                FieldSpec("name", N_("Name"), cells.text, True),
                _ref("tax_category_id", N_("Tax category"), "tax_category"),
                FieldSpec("retail_price", N_("Retail price"), cells.money, True),
                FieldSpec("unit_weight_kg", N_("Unit weight"), cells.money),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "tax_category",
            "tax_category",
            N_("tax category"),
            (
                FieldSpec("name", N_("Name"), cells.text, True),
                FieldSpec("tariff", N_("Tariff"), cells.fraction, False, Decimal("0")),
                FieldSpec(
                    "consumption_tax",
                    N_("Consumption tax"),
                    cells.consumption_tax,
                    False,
                    Decimal(0),
                ),
                FieldSpec("vat", N_("VAT"), cells.fraction, False, Decimal("0.13")),
                FieldSpec(
                    "postal_rate", N_("Postal rate"), cells.postal_rate, False, Decimal("0.13")
                ),
            ),
        ),
        EntitySpec(
            "channel",
            "channel",
            N_("channel"),
            (
                _ref("supplier_id", N_("Supplier"), "supplier"),
                _ref("brand_id", N_("Brand"), "brand"),
                FieldSpec("tier", N_("Tier"), cells.whole("tiers"), True),
                FieldSpec("authorization_ref", N_("Authorization"), cells.text, False, ""),
                FieldSpec("authorized_until", N_("Authorized until"), cells.iso_date),
                FieldSpec("contract_start", N_("Contract start"), cells.iso_date),
                FieldSpec("contract_end", N_("Contract end"), cells.iso_date),
                FieldSpec("exclusive", N_("Exclusive"), cells.boolean, False, False),
                FieldSpec("active", N_("Active"), cells.boolean, False, True),
            ),
            archive_column="active",
        ),
        EntitySpec(
            "quote",
            "quote",
            N_("quote"),
            (
                # Stored as the supplier's channel for the SKU's brand, as in the importer.
                _ref("supplier_id", N_("Supplier"), "supplier"),
                _ref("product_id", N_("SKU"), "product"),
                FieldSpec("unit_price", N_("Unit price"), cells.money, True),
                FieldSpec("currency", N_("Currency"), cells.currency, True),
                FieldSpec("incoterm", N_("Incoterm"), cells.incoterm, False, ""),
                FieldSpec(
                    "min_qty",
                    N_("Minimum quantity"),
                    cells.whole("minimum quantities", 1),
                    False,
                    1,
                ),
                FieldSpec("lead_time_days", N_("Lead time"), cells.whole("days")),
                FieldSpec(
                    "freight_per_unit", N_("Freight per unit"), cells.money, False, Decimal(0)
                ),
                FieldSpec(
                    "insurance_per_unit", N_("Insurance per unit"), cells.money, False, Decimal(0)
                ),
                # Blank: valid since always (a standing price list), as in the importer.
                FieldSpec("valid_from", N_("Valid from"), cells.iso_date),
                FieldSpec("valid_to", N_("Valid to"), cells.iso_date),
            ),
        ),
        EntitySpec(
            "purchase",
            "purchase_line",
            N_("purchase line"),
            (
                FieldSpec("line_ref", N_("Line reference"), cells.text, True),
                _ref("supplier_id", N_("Supplier"), "supplier"),
                _ref("product_id", N_("SKU"), "product"),
                FieldSpec("order_date", N_("Order date"), cells.iso_date, True),
                FieldSpec("promised_date", N_("Promised date"), cells.iso_date, True),
                FieldSpec("ordered_qty", N_("Ordered quantity"), cells.whole("quantities"), True),
                FieldSpec("unit_price", N_("Unit price"), cells.money, True),
                FieldSpec("currency", N_("Currency"), cells.currency, True),
                # Blank: the stored rate on or before the order date, as in the importer.
                FieldSpec("fx_rate", N_("Exchange rate"), cells.exchange_rate),
                FieldSpec("regime", N_("Import regime"), cells.regime, False, "cbec"),
            ),
        ),
        EntitySpec(
            "delivery",
            "delivery",
            N_("delivery"),
            (
                _ref("line_id", N_("Purchase line"), "purchase"),
                FieldSpec("delivered_date", N_("Delivered on"), cells.iso_date, True),
                FieldSpec(
                    "delivered_qty", N_("Delivered quantity"), cells.whole("quantities"), True
                ),
                FieldSpec(
                    "rejected_qty", N_("Rejected quantity"), cells.whole("quantities"), False, 0
                ),
                FieldSpec("clearance_days", N_("Clearance days"), cells.whole("days")),
            ),
            versioned=False,
        ),
        # Goods an end customer sent back after sale (docs/vocabulary.md).
        EntitySpec(
            "return",
            "sale_return",
            N_("return"),
            (
                _ref("line_id", N_("Purchase line"), "purchase"),
                FieldSpec("return_date", N_("Returned on"), cells.iso_date, True),
                FieldSpec(
                    "returned_qty",
                    N_("Returned quantity"),
                    cells.whole("quantities", 1),
                    True,
                ),
                FieldSpec("reason", N_("Return reason"), cells.return_reason, True),
            ),
        ),
    )
}

# Fields kept on the channel rather than on the row itself.
VIA_CHANNEL = ("quote", "purchase")


NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "supplier": ("code",),
    "brand": ("name",),
    "product": ("sku",),
    "tax_category": ("name",),
    "channel": ("supplier_id", "brand_id"),
    "quote": ("channel_id", "product_id", "min_qty", "valid_from"),
    "purchase": ("line_ref",),
    "delivery": ("line_id", "delivered_date"),
    "return": ("line_id", "return_date", "reason"),
}
# Where a clash is shown in the form.
KEY_FIELD: dict[str, str] = {
    "supplier": "code",
    "brand": "name",
    "product": "sku",
    "tax_category": "name",
    "channel": "brand_id",
    "quote": "valid_from",
    "purchase": "line_ref",
    "delivery": "delivered_date",
    "return": "reason",
}
# Marked with N_; shown through `_`.
UNIQUE_WORDS: dict[str, str] = {
    "supplier": N_("another supplier already has this code"),
    "brand": N_("another brand already has this name"),
    "product": N_("another product already has this SKU"),
    "tax_category": N_("another tax category already has this name"),
    "channel": N_("this supplier already has a channel for this brand"),
    "quote": N_("this supplier already quotes this SKU at this minimum quantity from this date"),
    "purchase": N_("another purchase line already has this reference"),
    "delivery": N_("this line already has a delivery on this date; edit that one instead"),
    "return": N_(
        "this line already has a return on this date for this reason; edit that one instead"
    ),
}
