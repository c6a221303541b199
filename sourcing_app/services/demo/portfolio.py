"""Who the demo portfolio holds: brands with their products, and suppliers of every kind.

Kinds come in realistic shares for a grey-market importer: most suppliers are
composite channels (docs/vocabulary.md). Some suppliers of every kind are
better run than others, and a good share of grey resellers are chronically
unreliable, so standings spread as a buyer's would (docs/standings-and-flags.md).
"""

from __future__ import annotations

import random
import unicodedata

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.demo.patterns import (
    LUXURY_BRAND,
    MIN_SUPPLIERS_FOR_PATTERNS,
    assign_roles,
)
from sourcing_app.services.demo.plan import Plan, PlannedBrand, PlannedProduct, PlannedSupplier

KIND_SHARE: dict[SupplierKind, float] = {
    SupplierKind.BRAND_OWNER: 0.04,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 0.12,
    SupplierKind.WHOLESALER: 0.20,
    SupplierKind.TRADER: 0.30,
    SupplierKind.BONDED_WAREHOUSE: 0.12,
    SupplierKind.PLATFORM_SELLER: 0.22,
}
# Enough of each kind to carry every planted role.
KIND_MINIMUM: dict[SupplierKind, int] = {
    SupplierKind.BRAND_OWNER: 1,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 3,
    SupplierKind.WHOLESALER: 2,
    SupplierKind.TRADER: 3,
    SupplierKind.BONDED_WAREHOUSE: 1,
    SupplierKind.PLATFORM_SELLER: 2,
}
# How often a supplier of each kind is ordered from, relative to each other. Small
# resellers still get a few dozen lines a year, enough for their real behaviour to
# outweigh the portfolio prior that scores are shrunk toward (docs/stability.md).
KIND_ORDER_WEIGHT: dict[SupplierKind, float] = {
    SupplierKind.BRAND_OWNER: 5.0,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 3.5,
    SupplierKind.WHOLESALER: 2.2,
    SupplierKind.TRADER: 1.5,
    SupplierKind.BONDED_WAREHOUSE: 2.5,
    SupplierKind.PLATFORM_SELLER: 1.2,
}
CHRONIC_TROUBLE_KINDS = (
    SupplierKind.TRADER,
    SupplierKind.PLATFORM_SELLER,
    SupplierKind.BONDED_WAREHOUSE,
)
CHRONIC_TROUBLE_SHARE = 0.25
CHRONIC_EXTRA_MARKUP = 0.02
# Official channels are mostly steady, but not all: this share of authorized
# distributors deliver noticeably short and late.
STRETCHED_SHARE = 0.25


def plain_ascii(text: str) -> str:
    """Letters without accents, for SKU initials, e-mail addresses and references."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _retail_price(rng: random.Random, low: float, high: float) -> float:
    """A shelf price with the usual Chinese retail ending (…8)."""
    if low == high:
        return float(low)
    raw = rng.uniform(low, high)
    if raw >= 1000:
        return float(int(raw / 100) * 100 + 80)
    return float(int(raw / 10) * 10 + 8)


def plan_brands(plan: Plan, n_brands: int) -> None:
    """The base brands, then sub-lines of them when a large demo needs more, with products."""
    rng = plan.rng
    catalogue = plan.catalogue
    base_brands, sub_lines = catalogue.base_brands, catalogue.sub_lines
    product_id = 1
    for index in range(n_brands):
        base_name, origin, line, hot = base_brands[index % len(base_brands)]
        generation = index // len(base_brands)
        if generation == 0:
            name = base_name
        elif generation <= len(sub_lines):
            name = f"{base_name} {sub_lines[generation - 1]}"
            hot = rng.random() < 0.3
        else:
            name = f"{base_name} Series {generation}"
            hot = rng.random() < 0.3
        popularity = (3.0 if hot else 1.0) * rng.lognormvariate(0.0, 0.3)
        brand = PlannedBrand(index + 1, name, origin, line, hot, popularity)
        plan.brands.append(brand)

        templates = catalogue.product_lines[line]
        count = rng.choices((2, 3, 4), weights=(25, 50, 25))[0]
        chosen = rng.sample(templates, count)
        if name == LUXURY_BRAND:
            chosen = [catalogue.luxury_bag, *chosen[:2]]
        initials = "".join(w[0] for w in plain_ascii(base_name).split() if w[0].isalpha())[
            :3
        ].upper()
        for code, title, tax_key, low, high, weight, pack in chosen:
            plan.products.append(
                PlannedProduct(
                    id=product_id,
                    brand_id=brand.id,
                    sku=f"{initials}{brand.id:03d}-{code}",
                    name=f"{name} {title}",
                    tax_key=tax_key,
                    retail=_retail_price(rng, low, high),
                    weight=weight,
                    pack=pack,
                )
            )
            brand.product_ids.append(product_id)
            product_id += 1


def _kind_counts(n: int, n_brands: int) -> dict[SupplierKind, int]:
    """Supplier kinds in realistic shares, with room for every planted role."""
    shares = dict(KIND_SHARE)
    raw = {kind: share * n for kind, share in shares.items()}
    counts = {kind: int(value) for kind, value in raw.items()}
    for kind in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True):
        if sum(counts.values()) >= n:
            break
        counts[kind] += 1
    # A brand has one owner at most; keep owners to a quarter of the brands.
    owner_cap = max(1, n_brands // 4)
    if counts[SupplierKind.BRAND_OWNER] > owner_cap:
        counts[SupplierKind.WHOLESALER] += counts[SupplierKind.BRAND_OWNER] - owner_cap
        counts[SupplierKind.BRAND_OWNER] = owner_cap
    if n >= MIN_SUPPLIERS_FOR_PATTERNS:
        for kind, minimum in KIND_MINIMUM.items():
            while counts[kind] < minimum:
                donor = max(counts, key=lambda k: counts[k] - KIND_MINIMUM[k])
                counts[donor] -= 1
                counts[kind] += 1
    return counts


def plan_suppliers(plan: Plan, n: int) -> None:
    """Suppliers of every kind, each with its own order weight, reliability and appetite."""
    rng = plan.rng
    counts = _kind_counts(n, len(plan.brands))
    kinds = [kind for kind in KIND_SHARE for _ in range(counts[kind])]
    rng.shuffle(kinds)
    for index, kind in enumerate(kinds):
        supplier = PlannedSupplier(id=index + 1, code=f"SUP-{index + 1:04d}", kind=kind)
        supplier.order_weight = KIND_ORDER_WEIGHT[kind] * rng.lognormvariate(0.0, 0.45)
        # Some suppliers of every kind are simply better run than others, and a
        # good share of grey resellers are chronically unreliable.
        supplier.reliability = rng.lognormvariate(0.0, 0.3)
        chronic = kind in CHRONIC_TROUBLE_KINDS and rng.random() < CHRONIC_TROUBLE_SHARE
        if chronic:
            supplier.reliability *= rng.uniform(2.0, 3.0)
        elif kind is SupplierKind.AUTHORIZED_DISTRIBUTOR and rng.random() < STRETCHED_SHARE:
            # An official importer stretched thin: short allocations, slow clearance.
            supplier.reliability *= rng.uniform(2.5, 4.0)
        if kind not in (SupplierKind.BRAND_OWNER, SupplierKind.AUTHORIZED_DISTRIBUTOR):
            # How much a reseller adds on top of the usual markup of its place in the
            # chain. The worst run buy small lots at a time, and pay for it.
            typical = CHRONIC_EXTRA_MARKUP if chronic else 0.0
            supplier.markup = max(-0.04, min(0.06, rng.gauss(typical, 0.03)))
        plan.suppliers.append(supplier)
    if n >= MIN_SUPPLIERS_FOR_PATTERNS:
        assign_roles(plan)
