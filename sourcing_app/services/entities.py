"""What each editable entity holds, field by field, as the forms and the editing service see it.

Each field names the cell parser of its file column (`file_formats`), so a form
checks a value exactly as an import of the same column would. Natural keys are
those of docs/files-and-commands.md, with the words said when one is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sourcing_app.services import file_formats as cells


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    parse: cells.CellParser | None = None  # None: a reference to another row's id
    required: bool = False
    default: Any = None
    reference: str = ""  # the entity an id field points at


@dataclass(frozen=True)
class EntitySpec:
    name: str
    table: str
    label: str  # the buyer's word
    fields: tuple[FieldSpec, ...]
    archive_column: str = ""  # "archived" (True when archived) or "active" (False)
    versioned: bool = True

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _ref(name: str, label: str, entity: str) -> FieldSpec:
    return FieldSpec(name, label, None, True, None, entity)


ENTITIES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "supplier",
            "supplier",
            "supplier",
            (
                FieldSpec("code", "Code", cells.text, True),
                FieldSpec("name", "Name", cells.text, True),
                FieldSpec("country", "Country", cells.country, False, ""),
                FieldSpec("kind", "Kind", cells.supplier_kind, True),
                FieldSpec("monthly_capacity", "Monthly capacity", cells.whole("capacities")),
                FieldSpec("contact", "Contact", cells.text, False, ""),
                FieldSpec("notes", "Notes", cells.text, False, ""),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "brand",
            "brand",
            "brand",
            (
                FieldSpec("name", "Name", cells.text, True),
                FieldSpec("origin_country", "Origin country", cells.country, False, ""),
                FieldSpec("category", "Category", cells.text, False, ""),
                FieldSpec("hot_selling", "Hot-selling", cells.boolean, False, False),
                FieldSpec(
                    "planned_monthly_demand",
                    "Planned monthly demand",
                    cells.whole("quantities"),
                    False,
                    0,
                ),
                FieldSpec("target_retail_price", "Target retail price", cells.money),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "product",
            "product",
            "product",
            (
                FieldSpec("sku", "SKU", cells.text, True),
                _ref("brand_id", "Brand", "brand"),
                FieldSpec("name", "Name", cells.text, True),
                _ref("tax_category_id", "Tax category", "tax_category"),
                FieldSpec("retail_price", "Retail price", cells.money, True),
                FieldSpec("unit_weight_kg", "Unit weight", cells.money),
            ),
            archive_column="archived",
        ),
        EntitySpec(
            "tax_category",
            "tax_category",
            "tax category",
            (
                FieldSpec("name", "Name", cells.text, True),
                FieldSpec("tariff", "Tariff", cells.fraction, False, Decimal("0")),
                FieldSpec(
                    "consumption_tax", "Consumption tax", cells.consumption_tax, False, Decimal(0)
                ),
                FieldSpec("vat", "VAT", cells.fraction, False, Decimal("0.13")),
                FieldSpec("postal_rate", "Postal rate", cells.postal_rate, False, Decimal("0.13")),
            ),
        ),
        EntitySpec(
            "channel",
            "channel",
            "channel",
            (
                _ref("supplier_id", "Supplier", "supplier"),
                _ref("brand_id", "Brand", "brand"),
                FieldSpec("tier", "Tier", cells.whole("tiers"), True),
                FieldSpec("authorization_ref", "Authorization", cells.text, False, ""),
                FieldSpec("authorized_until", "Authorized until", cells.iso_date),
                FieldSpec("contract_start", "Contract start", cells.iso_date),
                FieldSpec("contract_end", "Contract end", cells.iso_date),
                FieldSpec("exclusive", "Exclusive", cells.boolean, False, False),
                FieldSpec("active", "Active", cells.boolean, False, True),
            ),
            archive_column="active",
        ),
        EntitySpec(
            "quote",
            "quote",
            "quote",
            (
                # Stored as the supplier's channel for the SKU's brand, as in the importer.
                _ref("supplier_id", "Supplier", "supplier"),
                _ref("product_id", "SKU", "product"),
                FieldSpec("unit_price", "Unit price", cells.money, True),
                FieldSpec("currency", "Currency", cells.currency, True),
                FieldSpec("incoterm", "Incoterm", cells.incoterm, False, ""),
                FieldSpec(
                    "min_qty", "Minimum quantity", cells.whole("minimum quantities", 1), False, 1
                ),
                FieldSpec("lead_time_days", "Lead time", cells.whole("days")),
                FieldSpec("freight_per_unit", "Freight per unit", cells.money, False, Decimal(0)),
                FieldSpec(
                    "insurance_per_unit", "Insurance per unit", cells.money, False, Decimal(0)
                ),
                # Blank: valid since always (a standing price list), as in the importer.
                FieldSpec("valid_from", "Valid from", cells.iso_date),
                FieldSpec("valid_to", "Valid to", cells.iso_date),
            ),
        ),
        EntitySpec(
            "purchase",
            "purchase_line",
            "purchase line",
            (
                FieldSpec("line_ref", "Line reference", cells.text, True),
                _ref("supplier_id", "Supplier", "supplier"),
                _ref("product_id", "SKU", "product"),
                FieldSpec("order_date", "Order date", cells.iso_date, True),
                FieldSpec("promised_date", "Promised date", cells.iso_date, True),
                FieldSpec("ordered_qty", "Ordered quantity", cells.whole("quantities"), True),
                FieldSpec("unit_price", "Unit price", cells.money, True),
                FieldSpec("currency", "Currency", cells.currency, True),
                # Blank: the stored rate on or before the order date, as in the importer.
                FieldSpec("fx_rate", "Exchange rate", cells.exchange_rate),
                FieldSpec("regime", "Import regime", cells.regime, False, "cbec"),
            ),
        ),
        EntitySpec(
            "delivery",
            "delivery",
            "delivery",
            (
                _ref("line_id", "Purchase line", "purchase"),
                FieldSpec("delivered_date", "Delivered on", cells.iso_date, True),
                FieldSpec("delivered_qty", "Delivered quantity", cells.whole("quantities"), True),
                FieldSpec("rejected_qty", "Rejected quantity", cells.whole("quantities"), False, 0),
                FieldSpec("clearance_days", "Customs clearance", cells.whole("days")),
            ),
            versioned=False,
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
}
UNIQUE_WORDS: dict[str, str] = {
    "supplier": "another supplier already has this code",
    "brand": "another brand already has this name",
    "product": "another product already has this SKU",
    "tax_category": "another tax category already has this name",
    "channel": "this supplier already has a channel for this brand",
    "quote": "this supplier already quotes this SKU at this minimum quantity from this date",
    "purchase": "another purchase line already has this reference",
    "delivery": "this line already has a delivery on this date; edit that one instead",
}
