"""Brands, products and tax categories: whose scores an edit of one can move.

Only a few of their fields reach a score (docs/margin.md, docs/standings-and-flags.md):
a brand's name and whether it sells hot (its single-channel and composite-only
flags), a product's SKU, brand, retail price and tax category, and a tax
category's rates. A change to any of these moves the suppliers that deal in
that brand or SKU, and no one else; a change to the other fields (planned
demand, category, origin, weight) or archiving moves no score at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

from sourcing_app.services.editing.outcomes import (
    NOBODY,
    FamilyRules,
    Moves,
    Row,
    no_rules_across,
)
from sourcing_app.services.editing.rows import same

SCORED_FIELDS: dict[str, tuple[str, ...]] = {
    "brand": ("name", "hot_selling"),
    "product": ("sku", "name", "brand_id", "tax_category_id", "retail_price"),
    "tax_category": ("tariff", "consumption_tax", "vat", "postal_rate"),
}

# Suppliers still in the portfolio with a channel of the brand: its name is on
# each channel, and its flags are raised on each supplier with an active one.
_OF_BRAND = (
    "SELECT DISTINCT c.supplier_id FROM channel c JOIN supplier s ON s.id = c.supplier_id "
    "WHERE c.brand_id = :key AND s.archived = :f ORDER BY c.supplier_id"
)
# Suppliers quoting the SKU (its margin) or buying it (its price history).
_OF_PRODUCT = (
    "SELECT DISTINCT c.supplier_id FROM channel c JOIN supplier s ON s.id = c.supplier_id "
    "WHERE s.archived = :f AND c.id IN ("
    "SELECT channel_id FROM quote WHERE product_id = :key "
    "UNION SELECT channel_id FROM purchase_line WHERE product_id = :key"
    ") ORDER BY c.supplier_id"
)
# Suppliers quoting a SKU of the category: taxes enter the landed cost of a quote only.
_OF_TAX_CATEGORY = (
    "SELECT DISTINCT c.supplier_id FROM channel c JOIN supplier s ON s.id = c.supplier_id "
    "JOIN quote q ON q.channel_id = c.id JOIN product p ON p.id = q.product_id "
    "WHERE p.tax_category_id = :key AND s.archived = :f ORDER BY c.supplier_id"
)
_WHO = {"brand": _OF_BRAND, "product": _OF_PRODUCT, "tax_category": _OF_TAX_CATEGORY}


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    if not before:
        # New: nothing refers to it yet, but a scoring run should know it from now on.
        return Moves(catalogue=True)
    if after and all(same(before[k], after[k]) for k in SCORED_FIELDS[entity]):
        return NOBODY
    params: dict[str, Any] = {"key": int(before["id"]), "f": False}
    suppliers = tuple(int(sid) for (sid,) in conn.execute(text(_WHO[entity]), params))
    return Moves(suppliers=suppliers, catalogue=True)


RULES = FamilyRules(no_rules_across, _moves)
