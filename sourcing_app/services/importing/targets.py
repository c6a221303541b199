"""Where each file kind goes: its table, its natural key, and the columns naming stored rows.

The columns and how each cell is read come from `file_formats.FILE_KINDS`;
`TARGETS` says which table each kind writes, its natural key, and which small
`RowChecker._build_*` method resolves a row's references and cross-column checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sourcing_app.i18n import N_


@dataclass(frozen=True)
class Target:
    table: str
    conflict: tuple[str, ...]
    # (table column, file column it comes from). A None source is always written.
    # Columns absent from the file's header are given defaults on insert but
    # left alone on update, so an older file never wipes a newer column.
    fields: tuple[tuple[str, str | None], ...]
    build: str
    # File columns naming a stored row (a supplier code, a SKU): each such cell
    # is resolved as it is read, to the id or row the builder needs.
    references: tuple[str, ...] = ()
    # Quotes and purchases need the supplier's channel for the SKU's brand.
    needs_channels: bool = False
    # A key column that may be blank (a quote's valid_from). SQL unique keys let
    # NULLs repeat, so rows with it blank match on the other key columns through
    # a partial unique index (see db/models.py, Quote) and are written apart.
    blank_key: str | None = None


def _same(*names: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((name, name) for name in names)


TARGETS: dict[str, Target] = {
    "suppliers": Target(
        "supplier",
        ("code",),
        _same("code", "name", "country", "kind", "monthly_capacity", "contact", "notes"),
        "_build_as_is",
    ),
    "brands": Target(
        "brand",
        ("name",),
        _same(
            "name",
            "origin_country",
            "category",
            "hot_selling",
            "planned_monthly_demand",
            "target_retail_price",
        ),
        "_build_as_is",
    ),
    "products": Target(
        "product",
        ("sku",),
        (
            ("sku", "sku"),
            ("brand_id", "brand"),
            ("name", "name"),
            ("tax_category_id", "tax_category"),
            ("retail_price", "retail_price"),
            ("unit_weight_kg", "unit_weight_kg"),
        ),
        "_build_as_is",
        ("brand", "tax_category"),
    ),
    "tax-categories": Target(
        "tax_category",
        ("name",),
        _same("name", "tariff", "consumption_tax", "vat", "postal_rate"),
        "_build_as_is",
    ),
    "channels": Target(
        "channel",
        ("supplier_id", "brand_id"),
        (
            ("supplier_id", "supplier_code"),
            ("brand_id", "brand"),
            *_same(
                "tier",
                "authorization_ref",
                "authorized_until",
                "contract_start",
                "contract_end",
                "exclusive",
                "active",
            ),
        ),
        "_build_channel",
        ("supplier_code", "brand"),
    ),
    "quotes": Target(
        "quote",
        ("channel_id", "product_id", "min_qty", "valid_from"),
        (
            ("channel_id", "supplier_code"),
            ("product_id", "sku"),
            *_same(
                "unit_price",
                "currency",
                "incoterm",
                "min_qty",
                "lead_time_days",
                "freight_per_unit",
                "insurance_per_unit",
                "valid_from",
                "valid_to",
            ),
        ),
        "_build_quote",
        ("supplier_code", "sku"),
        needs_channels=True,
        blank_key="valid_from",
    ),
    "purchases": Target(
        "purchase_line",
        ("line_ref",),
        (
            ("line_ref", "line_ref"),
            ("channel_id", "supplier_code"),
            ("product_id", "sku"),
            *_same(
                "order_date",
                "promised_date",
                "ordered_qty",
                "unit_price",
                "currency",
                "fx_rate",
                "regime",
            ),
        ),
        "_build_purchase",
        ("supplier_code", "sku"),
        needs_channels=True,
    ),
    "deliveries": Target(
        "delivery",
        ("line_id", "delivered_date"),
        (
            ("line_id", "line_ref"),
            *_same("delivered_date", "delivered_qty", "rejected_qty", "clearance_days"),
        ),
        "_build_delivery",
        ("line_ref",),
    ),
    # A return is identified by its line, date and reason (docs/vocabulary.md).
    "returns": Target(
        "sale_return",
        ("line_id", "return_date", "reason"),
        (
            ("line_id", "line_ref"),
            *_same("return_date", "returned_qty", "reason"),
        ),
        "_build_return",
        ("line_ref",),
    ),
    "fx-rates": Target(
        "exchange_rate",
        ("currency", "rate_date", "kind"),
        (
            ("currency", "currency"),
            ("rate_date", "date"),
            ("rate_to_home", "rate_to_home"),
            ("kind", None),
            ("source", None),
        ),
        "_build_fx_rate",
    ),
}

# Natural keys within one file, as file columns (docs/files-and-commands.md).
FILE_KEYS: dict[str, tuple[str, ...]] = {
    "suppliers": ("code",),
    "brands": ("name",),
    "products": ("sku",),
    "tax-categories": ("name",),
    "channels": ("supplier_code", "brand"),
    "quotes": ("supplier_code", "sku", "min_qty", "valid_from"),
    "purchases": ("line_ref",),
    "deliveries": ("line_ref", "delivered_date"),
    "returns": ("line_ref", "return_date", "reason"),
    "fx-rates": ("currency", "date"),
}

# How a reference column resolves, and what a buyer reads when the key is unknown:
# file column: (query: key first, then what the builder gets; the key is not stored,
# and which file brings it in; the key is not stored but one differing in case is).
REFERENCES: dict[str, tuple[str, str, str]] = {
    "supplier_code": (
        "SELECT code, id FROM supplier",
        N_("no supplier with code '{key}' in the database; import it in a suppliers file first"),
        N_("no supplier with code '{key}' in the database (did you mean '{known}'?)"),
    ),
    "brand": (
        "SELECT name, id FROM brand",
        N_("no brand named '{key}' in the database; import it in a brands file first"),
        N_("no brand named '{key}' in the database (did you mean '{known}'?)"),
    ),
    "tax_category": (
        "SELECT name, id FROM tax_category",
        N_(
            "no tax category named '{key}' in the database; "
            "import it in a tax-categories file first"
        ),
        N_("no tax category named '{key}' in the database (did you mean '{known}'?)"),
    ),
    "sku": (
        "SELECT sku, id, brand_id FROM product",
        N_("no product with SKU '{key}' in the database; import it in a products file first"),
        N_("no product with SKU '{key}' in the database (did you mean '{known}'?)"),
    ),
    "line_ref": (
        "SELECT line_ref, id, order_date FROM purchase_line",
        N_("no purchase line '{key}' in the database; import it in a purchases file first"),
        N_("no purchase line '{key}' in the database (did you mean '{known}'?)"),
    ),
}
