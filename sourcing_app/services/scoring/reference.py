"""The small tables a run reads whole: suppliers, channels, products, brands, rates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from sourcing_app.db.types import DayDate
from sourcing_app.domain.channels import ChannelTerms
from sourcing_app.domain.landed_cost import TaxRates
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.rate_lookup import rates_on


@dataclass
class Reference:
    """The small tables scoring reads whole: suppliers, channels, products, rates."""

    suppliers: dict[int, tuple[str, str, str, str]]  # id -> code, name, country, kind
    channels: dict[int, tuple[int, int, str, ChannelTerms, bool]]  # id -> supplier, brand...
    products: dict[int, tuple[str, str, int, Decimal, TaxRates]]  # sku, name, brand, retail
    brands: dict[int, tuple[str, bool]]  # id -> name, hot-selling
    fx: dict[str, Decimal]
    channels_by_supplier: dict[int, list[int]] = field(default_factory=dict)
    channels_by_brand: dict[int, list[int]] = field(default_factory=dict)

    def tables(self) -> tuple[dict[Any, Any], ...]:
        return (
            self.suppliers,
            self.channels,
            self.products,
            self.channels_by_supplier,
            self.channels_by_brand,
        )

    def index_channels(self) -> None:
        self.channels_by_supplier = defaultdict(list)
        self.channels_by_brand = defaultdict(list)
        for cid, (sid, bid, *_rest) in self.channels.items():
            self.channels_by_supplier[sid].append(cid)
            self.channels_by_brand[bid].append(cid)


class SkuNames(dict[int, str]):
    """Product id -> SKU; an id missing from the products stands for itself."""

    def __missing__(self, product_id: int) -> str:
        return str(product_id)


def load_reference(conn: Connection, as_of: dt.date, settings: ScoringSettings) -> Reference:
    day = DayDate()
    dialect = conn.dialect
    suppliers = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute(
            text(
                "SELECT id, code, name, country, kind FROM supplier "
                "WHERE archived = :f ORDER BY code"
            ),
            {"f": False},
        )
    }
    brands = load_brands(conn)
    channels: dict[int, tuple[int, int, str, ChannelTerms, bool]] = {}
    for cid, sid, bid, tier, ref, until, active in conn.execute(
        text(
            "SELECT id, supplier_id, brand_id, tier, authorization_ref, authorized_until, active "
            "FROM channel"
        )
    ):
        if sid not in suppliers:
            continue
        terms = ChannelTerms(int(tier), ref or "", day.process_result_value(until, dialect))
        channels[cid] = (sid, bid, brands[bid][0], terms, bool(active))
    reference = Reference(
        suppliers, channels, load_products(conn), brands, load_fx(conn, as_of, settings)
    )
    reference.index_channels()
    return reference


def load_brands(conn: Connection) -> dict[int, tuple[str, bool]]:
    rows = conn.execute(text("SELECT id, name, hot_selling FROM brand"))
    return {r[0]: (r[1], bool(r[2])) for r in rows}


def load_products(conn: Connection) -> dict[int, tuple[str, str, int, Decimal, TaxRates]]:
    products: dict[int, tuple[str, str, int, Decimal, TaxRates]] = {}
    for pid, sku, name, bid, retail, tariff, ctax, vat, postal in conn.execute(
        text(
            "SELECT p.id, p.sku, p.name, p.brand_id, p.retail_price, t.tariff, "
            "t.consumption_tax, t.vat, t.postal_rate "
            "FROM product p JOIN tax_category t ON t.id = p.tax_category_id"
        )
    ):
        products[pid] = (
            sku,
            name,
            bid,
            decimal_of(retail),
            TaxRates(decimal_of(tariff), decimal_of(ctax), decimal_of(vat), decimal_of(postal)),
        )
    return products


def refresh_catalogue(conn: Connection, reference: Reference) -> None:
    """Read brands, products and their tax rates afresh; a renamed brand's channels follow."""
    brands = load_brands(conn)
    for bid, (name, _hot) in brands.items():
        if bid in reference.brands and reference.brands[bid][0] != name:
            for cid in reference.channels_by_brand.get(bid, ()):
                sid, _bid, _old, terms, active = reference.channels[cid]
                reference.channels[cid] = (sid, bid, name, terms, active)
    reference.brands = brands
    reference.products = load_products(conn)


def refresh_supplier(conn: Connection, reference: Reference, supplier_id: int) -> Reference:
    """Read one supplier's own row and channels afresh into the cached reference tables."""
    day = DayDate()
    row = conn.execute(
        text("SELECT code, name, country, kind FROM supplier WHERE id = :id"),
        {"id": supplier_id},
    ).one_or_none()
    if row is None:
        raise KeyError(f"no supplier with id {supplier_id}")
    reference.suppliers[supplier_id] = (row[0], row[1], row[2], row[3])
    for cid in reference.channels_by_supplier.get(supplier_id, ()):
        brand_id = reference.channels[cid][1]
        reference.channels_by_brand[brand_id].remove(cid)
        del reference.channels[cid]
    reference.channels_by_supplier[supplier_id] = []
    for cid, bid, tier, ref, until, active in conn.execute(
        text(
            "SELECT id, brand_id, tier, authorization_ref, authorized_until, active "
            "FROM channel WHERE supplier_id = :sid"
        ),
        {"sid": supplier_id},
    ):
        terms = ChannelTerms(int(tier), ref or "", day.process_result_value(until, conn.dialect))
        reference.channels[cid] = (supplier_id, bid, reference.brands[bid][0], terms, bool(active))
        reference.channels_by_supplier[supplier_id].append(cid)
        reference.channels_by_brand.setdefault(bid, []).append(cid)
    return reference


def load_fx(conn: Connection, as_of: dt.date, settings: ScoringSettings) -> dict[str, Decimal]:
    """Each currency's rate on `as_of` (services.rate_lookup's rule), home = 1."""
    fx = {currency: found.rate for currency, found in rates_on(conn, as_of).items()}
    fx[settings.home_currency] = Decimal("1")
    return fx


def decimal_of(value: Any) -> Decimal:
    if value is None:
        return Decimal("0")
    if isinstance(value, Decimal):
        return value
    # SQLite hands back floats for NUMERIC columns; repr is the shortest exact-looking form.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
