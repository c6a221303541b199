"""The invented catalogue the demo draws from, read from resources/demo/.

Brands, products, tax categories, countries, currencies and the parts of
company and contact names are data, not code: a buyer reviewing the demo (or a
translator, issue 11) reads them as tables. Row order is part of the data: the
seeded draws pick from these lists by position, so reordering a file changes
the demo (tests/services/test_demo.py pins what the default demo shows).

Brand, product and company names are invented. Tax rates are realistic Chinese
rates for each kind of goods (docs/margin.md), and exchange rates sit near real
mid-2020s CNY levels.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.resources import folder

# (template code, name, tax key, retail low, retail high, unit weight kg, pack size)
ProductTemplate = tuple[str, str, str, float, float, float, int]
# (name, tariff, consumption tax, VAT, postal rate)
TaxRates = tuple[str, float, float, float, float]
# The product line of products.csv that holds the one unit over the CBEC limit.
SIGNATURE_LINE = "signature"


@dataclass(frozen=True)
class Catalogue:
    """Everything resources/demo/ holds, in the shapes the generator draws from."""

    # key: (name, tariff, consumption tax, VAT, postal rate). Chinese rates as of
    # the mid-2020s: ordinary cosmetics carry no consumption tax since 2016,
    # premium cosmetics 15%; postal-article tiers are 13%, 20% and 50%.
    tax_categories: dict[str, TaxRates]
    product_lines: dict[str, list[ProductTemplate]]
    # The one unit over the CBEC single-transaction limit (docs/margin.md).
    luxury_bag: ProductTemplate
    category_label: dict[str, str]
    # (name, origin, product line, hot-selling). About 30% are hot-selling.
    base_brands: tuple[tuple[str, str, str, bool], ...]
    # Sub-lines used to grow the brand list when many suppliers need more brands.
    sub_lines: tuple[str, ...]
    country_currency: dict[str, str]
    # Countries grey wholesalers and traders abroad are drawn from.
    foreign_countries: tuple[str, ...]
    owner_legal_form: dict[str, str]
    # CNY per unit; the demo feed wanders around these.
    base_rates: dict[str, float]
    weekly_rate_volatility: dict[str, float]
    cn_cities: tuple[str, ...]
    bonded_cities: tuple[str, ...]
    cn_words: tuple[str, ...]
    cn_suffixes: tuple[str, ...]
    bonded_suffixes: tuple[str, ...]
    platform_suffixes: tuple[str, ...]
    hk_suffixes: tuple[str, ...]
    # Per country: company name stems and legal forms.
    foreign_companies: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    contact_names: dict[str, tuple[str, ...]]
    kind_notes: dict[SupplierKind, tuple[str, ...]]


def _rows(place: Path, name: str) -> list[dict[str, str]]:
    with (place / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _yes(text: str) -> bool:
    return text == "yes"


@cache
def load_catalogue() -> Catalogue:
    """Read resources/demo/ once per process; the files ship inside the wheel."""
    place = folder() / "demo"
    tax_categories: dict[str, TaxRates] = {
        row["key"]: (
            row["name"],
            float(row["tariff"]),
            float(row["consumption_tax"]),
            float(row["vat"]),
            float(row["postal_rate"]),
        )
        for row in _rows(place, "tax_categories.csv")
    }
    product_lines: dict[str, list[ProductTemplate]] = {}
    for row in _rows(place, "products.csv"):
        product_lines.setdefault(row["line"], []).append(
            (
                row["code"],
                row["name"],
                row["tax_key"],
                float(row["retail_low"]),
                float(row["retail_high"]),
                float(row["unit_weight_kg"]),
                int(row["pack_size"]),
            )
        )
    (luxury_bag,) = product_lines.pop(SIGNATURE_LINE)
    countries = _rows(place, "countries.csv")
    currencies = _rows(place, "currencies.csv")
    names: dict[str, Any] = json.loads((place / "names.json").read_text(encoding="utf-8"))
    china = names["china"]
    return Catalogue(
        tax_categories=tax_categories,
        product_lines=product_lines,
        luxury_bag=luxury_bag,
        category_label={r["line"]: r["category"] for r in _rows(place, "product_lines.csv")},
        base_brands=tuple(
            (r["name"], r["origin"], r["line"], _yes(r["hot_selling"]))
            for r in _rows(place, "brands.csv")
        ),
        sub_lines=tuple(names["brand_sub_lines"]),
        country_currency={r["country"]: r["currency"] for r in countries},
        foreign_countries=tuple(r["country"] for r in countries if _yes(r["foreign_resellers"])),
        owner_legal_form={
            r["country"]: r["owner_legal_form"] for r in countries if r["owner_legal_form"]
        },
        base_rates={r["currency"]: float(r["cny_per_unit"]) for r in currencies},
        weekly_rate_volatility={r["currency"]: float(r["weekly_volatility"]) for r in currencies},
        cn_cities=tuple(china["cities"]),
        bonded_cities=tuple(china["bonded_cities"]),
        cn_words=tuple(china["words"]),
        cn_suffixes=tuple(china["suffixes"]),
        bonded_suffixes=tuple(china["bonded_suffixes"]),
        platform_suffixes=tuple(china["platform_suffixes"]),
        hk_suffixes=tuple(china["hong_kong_suffixes"]),
        foreign_companies={
            country: (tuple(parts["stems"]), tuple(parts["legal_forms"]))
            for country, parts in names["foreign_companies"].items()
        },
        contact_names={country: tuple(people) for country, people in names["contacts"].items()},
        kind_notes={
            SupplierKind(kind): tuple(notes) for kind, notes in names["supplier_notes"].items()
        },
    )
