"""The planned portfolio as table rows, handed to the bulk writer table by table.

A few details are drawn only here (planned demand, company and contact names,
notes, capacities, quote validity), after the plan and before the purchase
history. The order of the calls in `build_demo` is part of the demo: moving a
draw changes every later one.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sourcing_app.domain.enums import RateKind, SupplierKind
from sourcing_app.services.demo.bulk import BulkWriter
from sourcing_app.services.demo.catalogue import Catalogue
from sourcing_app.services.demo.plan import (
    RATE_SOURCE,
    Plan,
    PlannedBrand,
    PlannedChannel,
    PlannedSupplier,
    QuotedItem,
)
from sourcing_app.services.demo.portfolio import plain_ascii
from sourcing_app.services.demo.prices import round_price

# Monthly capacity range in units (low, high, rounding step).
KIND_CAPACITY: dict[SupplierKind, tuple[int, int, int]] = {
    SupplierKind.BRAND_OWNER: (30_000, 120_000, 1000),
    SupplierKind.AUTHORIZED_DISTRIBUTOR: (8_000, 40_000, 1000),
    SupplierKind.WHOLESALER: (2_000, 15_000, 500),
    SupplierKind.TRADER: (300, 3_000, 100),
    SupplierKind.BONDED_WAREHOUSE: (5_000, 30_000, 1000),
    SupplierKind.PLATFORM_SELLER: (200, 2_000, 100),
}


def write_tax_categories(
    writer: BulkWriter, catalogue: Catalogue, new: list[str], ids: dict[str, int]
) -> None:
    """Only the categories the database lacks; existing ones are reused by name."""
    rate = writer.money if writer.dialect == "sqlite" else (lambda v: Decimal(str(v)))
    records = []
    for key in new:
        name, tariff, consumption, vat, postal = catalogue.tax_categories[key]
        records.append(
            {
                "id": ids[key],
                "name": name,
                "tariff": rate(tariff),
                "consumption_tax": rate(consumption),
                "vat": rate(vat),
                "postal_rate": rate(postal),
                "version": 1,
            }
        )
    writer.insert_records("tax_category", records)


def write_brands(writer: BulkWriter, plan: Plan) -> None:
    """Planned demand is drawn here; the target retail price is the median of the range."""
    rng = plan.rng
    records = []
    for brand in plan.brands:
        prices = sorted(plan.product(p).retail for p in brand.product_ids)
        demand = rng.randint(6, 30) * 500 if brand.hot else rng.randint(3, 25) * 100
        if brand.line == "fashion":
            demand //= 4  # bags and scarves sell in far smaller numbers
        records.append(
            {
                "id": brand.id,
                "name": brand.name,
                "origin_country": brand.origin,
                "category": plan.catalogue.category_label[brand.line],
                "hot_selling": brand.hot,
                "planned_monthly_demand": demand,
                "target_retail_price": writer.money(prices[len(prices) // 2]),
                "archived": False,
                "version": 1,
            }
        )
    writer.insert_records("brand", records)


def write_products(writer: BulkWriter, plan: Plan) -> None:
    records = [
        {
            "id": p.id,
            "sku": p.sku,
            "brand_id": p.brand_id,
            "name": p.name,
            "tax_category_id": plan.tax_ids[p.tax_key],
            "retail_price": writer.money(p.retail),
            "unit_weight_kg": writer.money(p.weight),
            "archived": False,
            "version": 1,
        }
        for p in plan.products
    ]
    writer.insert_records("product", records)


def write_suppliers(writer: BulkWriter, plan: Plan) -> None:
    """Names, contacts, notes and capacity are drawn here, in the order the demo always has."""
    rng = plan.rng
    catalogue = plan.catalogue
    contacts = catalogue.contact_names
    names: set[str] = set()
    records = []
    for supplier in plan.suppliers:
        first = plan.channels[supplier.channel_ids[0] - 1] if supplier.channel_ids else None
        name = company_name(rng, catalogue, supplier, first.brand if first else None, names)
        names.add(name)
        person = rng.choice(contacts.get(supplier.country, contacts["CN"]))
        words = ["".join(ch for ch in w if ch.isalnum()) for w in plain_ascii(name).lower().split()]
        domain = "-".join([w for w in words if w][:2])
        local = ".".join(plain_ascii(person).lower().replace("-", "").split())
        low, high, step = KIND_CAPACITY[supplier.kind]
        records.append(
            {
                "id": supplier.id,
                "code": supplier.code,
                "name": name,
                "country": supplier.country,
                "kind": supplier.kind.value,
                # Fictional addresses on the reserved .example domain.
                "contact": f"{person} <{local}@{domain}.example>",
                "notes": rng.choice(catalogue.kind_notes[supplier.kind])
                if rng.random() < 0.25
                else "",
                "monthly_capacity": rng.randint(low // step, high // step) * step,
                "archived": False,
                "version": 1,
            }
        )
    writer.insert_records("supplier", records)


def write_channels(writer: BulkWriter, plan: Plan) -> None:
    d = writer.optional_date
    records = [
        {
            "id": c.id,
            "supplier_id": c.supplier.id,
            "brand_id": c.brand.id,
            "tier": c.tier,
            "authorization_ref": c.authorization_ref,
            "authorized_until": d(c.authorized_until),
            "contract_start": d(c.contract_start),
            "contract_end": d(c.contract_end),
            "exclusive": c.exclusive,
            "active": c.active,
            "version": 1,
        }
        for c in plan.channels
    ]
    writer.insert_records("channel", records)


def write_quotes(writer: BulkWriter, plan: Plan) -> int:
    """Every price break of every price list; returns how many quote rows were written."""
    rng = plan.rng
    as_of = plan.as_of
    records: list[dict[str, Any]] = []
    for channel in plan.channels:
        if not channel.active and channel.contract_end is not None:
            valid_to: int | None = channel.contract_end
            valid_from = channel.contract_end - rng.randint(100, 300)
        elif channel.quotes_lapse:
            valid_to = as_of - rng.randint(5, 60)
            valid_from = valid_to - rng.randint(90, 270)
        else:
            valid_from = max(as_of - rng.randint(20, 200), channel.first_order_day)
            valid_to = as_of + rng.randint(30, 240) if rng.random() < 0.7 else None
        # A price rise is a new price list; the old one stays on file, expired.
        price_lists: list[tuple[int, int | None, float]] = [(valid_from, valid_to, 1.0)]
        if channel.spike_day is not None:
            old_from = as_of - rng.randint(200, 400)
            price_lists = [
                (old_from, channel.spike_day - 1, 1.0),
                (channel.spike_day, valid_to, channel.spike_factor),
            ]
        for item in channel.quoted:
            breaks = [(item.min_qty, item.base_price)]
            if item.break_qty:
                breaks.append((item.break_qty, item.break_price))
            for list_from, list_to, factor in price_lists:
                for min_qty, price in breaks:
                    quote = quote_record(writer, channel, item, min_qty, price * factor)
                    quote["valid_from"] = writer.date_value(list_from)
                    quote["valid_to"] = writer.optional_date(list_to)
                    records.append(quote)
    writer.insert_records("quote", records)
    return len(records)


def quote_record(
    writer: BulkWriter, channel: PlannedChannel, item: QuotedItem, min_qty: int, price: float
) -> dict[str, Any]:
    currency = channel.supplier.currency
    return {
        "channel_id": channel.id,
        "product_id": item.product_id,
        "unit_price": writer.money(round_price(price, currency)),
        "currency": currency,
        "incoterm": channel.incoterm,
        "min_qty": min_qty,
        "lead_time_days": channel.lead_days,
        "freight_per_unit": writer.money(item.freight),
        "insurance_per_unit": writer.money(item.insurance),
        "version": 1,
    }


def write_rates(writer: BulkWriter, plan: Plan) -> int:
    """The weekly demo feed; returns how many rates it offered."""
    rows = [
        (
            currency,
            writer.date_value(plan.first_rate_day + 7 * week),
            writer.fx_value(rate),
            RateKind.FEED.value,
            RATE_SOURCE,
        )
        for currency, series in plan.rates.items()
        for week, rate in enumerate(series)
    ]
    # Rates the real feed already stored for the same days are kept as they are.
    writer.insert(
        "exchange_rate",
        "currency, rate_date, rate_to_home, kind, source",
        rows,
        skip_existing=True,
    )
    return len(rows)


def company_name(
    rng: random.Random,
    catalogue: Catalogue,
    supplier: PlannedSupplier,
    brand: PlannedBrand | None,
    taken: set[str],
) -> str:
    """An invented company name that fits the supplier's kind and country, unique in the demo."""
    kind, country = supplier.kind, supplier.country
    pick, c = rng.choice, catalogue
    name = ""
    for _attempt in range(8):
        if kind is SupplierKind.BRAND_OWNER and brand is not None:
            name = f"{brand.name} {c.owner_legal_form.get(country, 'Ltd')}"
        elif kind is SupplierKind.BONDED_WAREHOUSE:
            name = f"{pick(c.bonded_cities)} {pick(c.cn_words)} {pick(c.bonded_suffixes)}"
        elif kind is SupplierKind.PLATFORM_SELLER:
            name = f"{pick(c.cn_words)} {pick(c.platform_suffixes)}"
        elif country == "CN":
            name = f"{pick(c.cn_cities)} {pick(c.cn_words)} {pick(c.cn_suffixes)}"
        elif country == "HK":
            name = f"{pick(c.cn_words)} {pick(c.hk_suffixes)}"
        else:
            stems, forms = c.foreign_companies[country]
            name = f"{pick(stems)} {pick(forms)}"
        if name not in taken:
            return name
    # Many suppliers share a handful of stems; a branch number keeps names apart.
    branch = 2
    while f"{name} (Branch {branch})" in taken:
        branch += 1
    return f"{name} (Branch {branch})"
