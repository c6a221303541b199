"""A small desk built row by row for the rule tests, imported and scored for real.

The buyer imports Aurelle leather bags. Everything is priced in CNY, the home
currency, so a quote's customs value V is simply its price plus freight and
insurance: no exchange rate to carry in your head.

Tax category "handbags": tariff 10%, consumption tax 0, VAT 13%. So
- under CBEC a unit pays 0.7 × 13% = 9.1% of V: landed = 1.091 × V;
- under general trade it pays 10% duty, then 13% VAT on V + duty:
  landed = 1.1 × 1.13 × V = 1.243 × V.
Net revenue of a bag retailing at R is R × (1 − 5% − 1%) = 0.94 × R.

Evaluation on 2026-06-30 with the default settings: window 365 days, grace
2 days, m = 5, bands 75 / 55 / 35, target margin 35%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.importing import import_file
from sourcing_app.services.scoring import ScoringService

AS_OF = dt.date(2026, 6, 30)

HEADERS = {
    "tax-categories": "name,tariff,consumption_tax,vat,postal_rate",
    "suppliers": "code,name,country,kind,monthly_capacity,contact,notes",
    "brands": "name,origin_country,category,hot_selling,planned_monthly_demand,target_retail_price",
    "products": "sku,brand,name,tax_category,retail_price,unit_weight_kg",
    "channels": "supplier_code,brand,tier,authorization_ref,authorized_until,contract_start,"
    "contract_end,exclusive,active",
    "quotes": "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,"
    "freight_per_unit,insurance_per_unit,valid_from,valid_to",
    "purchases": "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,"
    "currency,fx_rate,regime",
    "deliveries": "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days",
}

TAX_CATEGORIES = ("handbags,0.10,0,0.13,0.20",)
BRANDS = ("Aurelle,FR,handbags,false,100,9000",)
SUPPLIERS = ("S-ONE,Aurelle Paris SAS,FR,brand_owner,5000,,",)
PRODUCTS = ("AUR-BAG,Aurelle,Aurelle tote bag,handbags,9000,1.2",)
CHANNELS = ("S-ONE,Aurelle,0,,,,,false,true",)
QUOTES = ("S-ONE,AUR-BAG,4000,CNY,DDP,1,30,0,0,2026-01-01,",)


def quote(
    price: str,
    *,
    supplier: str = "S-ONE",
    sku: str = "AUR-BAG",
    min_qty: int = 1,
    valid_from: str = "2026-01-01",
    valid_to: str = "",
) -> str:
    """A quote row in CNY, delivered duty paid, no freight or insurance on top."""
    return f"{supplier},{sku},{price},CNY,DDP,{min_qty},30,0,0,{valid_from},{valid_to}"


def line(
    ref: str,
    ordered: str,
    promised: str,
    *,
    qty: int = 100,
    price: str = "4000",
    supplier: str = "S-ONE",
    sku: str = "AUR-BAG",
) -> str:
    """A purchase line in CNY (exchange rate 1)."""
    return f"{ref},{supplier},{sku},{ordered},{promised},{qty},{price},CNY,1,cbec"


def delivery(ref: str, on: str, qty: int = 100, rejected: int = 0) -> str:
    return f"{ref},{on},{qty},{rejected},2"


def build(
    engine: Engine,
    folder: Path,
    *,
    suppliers: Sequence[str] = SUPPLIERS,
    products: Sequence[str] = PRODUCTS,
    channels: Sequence[str] = CHANNELS,
    quotes: Sequence[str] = QUOTES,
    purchases: Sequence[str] = (),
    deliveries: Sequence[str] = (),
) -> None:
    """Write each kind of row to a CSV file and import it with the real importer."""
    rows = {
        "tax-categories": TAX_CATEGORIES,
        "suppliers": suppliers,
        "brands": BRANDS,
        "products": products,
        "channels": channels,
        "quotes": quotes,
        "purchases": purchases,
        "deliveries": deliveries,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for kind, lines in rows.items():
        if not lines:
            continue
        path = folder / f"{kind}.csv"
        path.write_text("\n".join((HEADERS[kind], *lines)) + "\n", encoding="utf-8")
        result = import_file(engine, kind, path, who="setup")
        assert result.ok, result.problems


def score(engine: Engine, as_of: dt.date = AS_OF) -> dict[str, SupplierScore]:
    """A full scoring run, by supplier code."""
    return {s.supplier_code: s for s in ScoringService(engine).score_all(as_of)}


def flags(scored: SupplierScore) -> set[FlagCode]:
    return {f.code for f in scored.flags}


def message(scored: SupplierScore, code: FlagCode) -> str:
    [found] = [f.message for f in scored.flags if f.code is code]
    return found
