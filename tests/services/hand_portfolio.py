"""A two-supplier portfolio small enough to score by hand, and its hand-worked scores.

Evaluation on 2026-06-30, window 365 days, grace 2 days, m = 5.

S-VERT, the brand owner of Aurelle (tier 0, vertical), quotes AUR-SERUM at
USD 20.00 + 1.50 freight + 0.50 insurance. USD is 7.10 on the feed and 7.20
entered by hand for 2026-06-01: the manual rate wins, so V = 22 × 7.20.
  L0 ordered 2025-06-30, exactly 365 days before: out of the window
  L1 ordered 2026-01-10, promised 02-10, 100 units at USD 20 (fx 7.0: CNY 140):
     delivered 02-09, 100 units, 2 rejected            lead 30 days, on time,
     cleared in 3 days (the 3-day target: in)
  L2 ordered 03-01, promised 04-01, 100 at USD 21 (CNY 147):
     delivered 04-05, 100 units                         lead 35 days, late,
     cleared in 5 days (out)
  L3 ordered 06-20, promised 07-20, 50 units: not yet due (weights only)

S-COMP, a tier-3 trader of Aurelle, quotes EUR 19.00 + 1.00 freight; EUR 7.70.
  M1 ordered 02-01, promised 03-01, 100 at EUR 19 (fx 7.5: CNY 142.50):
     delivered 03-02, 60 units (on time), and 03-20, 50 units with 5 rejected,
     each cleared in 6 days (out)
  M2 ordered 04-01, promised 05-01, 100 at EUR 20 (CNY 150): nothing came
"""

from __future__ import annotations

import math
from decimal import Decimal as D

AS_OF = "2026-06-30"

CSV_FILES: dict[str, str] = {
    "tax-categories": "name,tariff,consumption_tax,vat,postal_rate\ncosmetics,0.05,0.15,0.13,0.5\n",
    "suppliers": "code,name,country,kind,monthly_capacity,contact,notes\n"
    "S-VERT,Aurelle Paris SAS,FR,brand_owner,5000,,\n"
    "S-COMP,Golden Bridge Trading,HK,trader,2000,,\n",
    "brands": "name,origin_country,category,hot_selling,planned_monthly_demand,"
    "target_retail_price\n"
    "Aurelle,FR,cosmetics,true,400,299\n",
    "products": "sku,brand,name,tax_category,retail_price,unit_weight_kg\n"
    "AUR-SERUM,Aurelle,Aurelle serum 30 ml,cosmetics,299,0.1\n",
    "channels": "supplier_code,brand,tier,authorization_ref,authorized_until,contract_start,"
    "contract_end,exclusive,active\n"
    "S-VERT,Aurelle,0,,,2025-01-01,,false,true\n"
    "S-COMP,Aurelle,3,,,,,false,true\n",
    "quotes": "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,"
    "freight_per_unit,insurance_per_unit,valid_from,valid_to\n"
    "S-VERT,AUR-SERUM,20.00,USD,CIF,1,30,1.50,0.50,2026-01-01,\n"
    "S-COMP,AUR-SERUM,19.00,EUR,FOB,1,35,1.00,0,2026-01-01,2026-12-31\n",
    "purchases": "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,"
    "currency,fx_rate,regime\n"
    "L0,S-VERT,AUR-SERUM,2025-06-30,2025-07-30,100,20,USD,7.0,cbec\n"
    "L1,S-VERT,AUR-SERUM,2026-01-10,2026-02-10,100,20,USD,7.0,cbec\n"
    "L2,S-VERT,AUR-SERUM,2026-03-01,2026-04-01,100,21,USD,7.0,cbec\n"
    "L3,S-VERT,AUR-SERUM,2026-06-20,2026-07-20,50,21,USD,7.0,cbec\n"
    "M1,S-COMP,AUR-SERUM,2026-02-01,2026-03-01,100,19,EUR,7.5,cbec\n"
    "M2,S-COMP,AUR-SERUM,2026-04-01,2026-05-01,100,20,EUR,7.5,cbec\n",
    "deliveries": "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"
    "L0,2025-07-29,100,0,3\n"
    "L1,2026-02-09,100,2,3\n"
    "L2,2026-04-05,100,0,5\n"
    "M1,2026-03-02,60,0,6\n"
    "M1,2026-03-20,50,5,6\n",
    # Shown, not scored (late and other are no fault of the goods): the scores above hold.
    "returns": "line_ref,return_date,returned_qty,reason\n"
    "L1,2026-03-01,3,late\n"
    "M1,2026-04-02,1,other\n",
    "fx-rates": "currency,date,rate_to_home\nUSD,2026-06-01,7.20\nEUR,2026-06-01,7.70\n",
}
# The USD feed rate that the manual 7.20 must beat (stored with kind 'feed').
FEED_RATES = [("USD", "2026-06-01", D("7.10"))]

IMPORT_ORDER = (
    "tax-categories", "suppliers", "brands", "products", "channels", "quotes",
    "purchases", "deliveries", "returns", "fx-rates",
)  # fmt: skip


def _cv(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) / mean


def expected() -> dict[str, dict[str, float]]:
    """The scores worked out with the formulas of docs/, step by step."""
    raw = {
        "S-VERT": {
            "fill": (98 + 100) / 200,  # accepted 98 of 100 and 100 of 100
            "on_time": 100 / 200,  # L1 by 02-12; L2 came 04-05 after 04-03
            "lead_time": 1 - _cv([30, 35]),
            "quality": 1 - 2 / 200,
            "price": 1 - 2 * _cv([140, 147]),
            "clearance": 1 / 2,  # L1 in 3 days of 3; L2 in 5 (L0 is out of the window)
        },
        "S-COMP": {
            "fill": (100 + 0) / 200,  # M1 105 accepted, capped at 100; M2 nothing
            "on_time": 60 / 200,  # only the 03-02 part by 03-03
            "lead_time": 1 - _cv([29, 47]),
            "quality": 1 - 5 / 110,
            "price": 1 - 2 * _cv([142.5, 150]),
            "clearance": 0 / 2,  # both M1 deliveries took 6 days
        },
    }
    prior = {k: (raw["S-VERT"][k] + raw["S-COMP"][k]) / 2 for k in raw["S-VERT"]}
    n = 2  # two due lines and two deliveries each
    m = 5
    out: dict[str, dict[str, float]] = {}
    channel = {"S-VERT": 1.0, "S-COMP": 0.5}
    # Margin: V, CBEC tax 0.7 × V × (0.15 + 0.13) / 0.85, net revenue 299 × 0.94.
    value = {"S-VERT": 22 * 7.20, "S-COMP": 20 * 7.70}
    # Clearance: prior (0.5 + 0) / 2 = 0.25, so S-VERT (2 × 0.5 + 5 × 0.25) / 7 = 2.25 / 7
    # and S-COMP (2 × 0 + 5 × 0.25) / 7 = 1.25 / 7.
    weights = {"fill": 20, "on_time": 20, "lead_time": 15, "quality": 15, "price": 10,
               "channel": 10, "clearance": 10}  # fmt: skip
    for code in raw:
        subs = {k: (n * raw[code][k] + m * prior[k]) / (n + m) for k in raw[code]}
        subs["channel"] = channel[code]
        stability = 100 * sum(weights[k] * subs[k] for k in weights) / 100
        v = value[code]
        landed = v + 0.7 * v * 0.28 / 0.85
        net = 299 * 0.94
        margin_pct = (net - landed) / net
        margin_score = 100 * min(1.0, max(0.0, margin_pct / 0.35))
        out[code] = {
            **{f"sub.{k}": s for k, s in subs.items()},
            "stability_score": stability,
            "margin_pct": margin_pct,
            "margin_score": margin_score,
            "sourcing_score": 100 * math.sqrt(margin_score / 100 * stability / 100),
            "confidence": 2 / 7,
        }
    return out
