"""A two-supplier portfolio whose customs clearance can be worked out by hand.

Evaluation on 2026-06-30, window 365 days, grace 2 days, clearance target 3 days.

S-OWN, the brand owner of Aurelle (tier 0, vertical), ships under CBEC:
  A1..A4 cleared in 1, 2, 2 and 9 days (delivered Feb, Mar, Apr and May 2026):
  median 2, slowest 9 (line A4), 3 of 4 within 3 days (75%).
  A0 was ordered exactly 365 days before: outside the window (its 20 days never count).
  A5 has no clearance days recorded: left out.
S-HOPS, a tier-3 trader (composite), ships as postal articles:
  B1 cleared in 6 days (March), B2 in 11 (May): median 8.5, slowest 11 (line B2), 0%.
  B3 is not yet due on 2026-06-30: its 30 days never count.
Everyone: 1, 2, 2, 6, 9, 11 → median (2 + 6) / 2 = 4, slowest 11, 3 of 6 within 3 (50%).
May 2026: 9 and 11 → median 10, none within 3 days.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.importing import import_file

AS_OF = "2026-06-30"

CSV_FILES: dict[str, str] = {
    "tax-categories": "name,tariff,consumption_tax,vat,postal_rate\ncosmetics,0.05,0.15,0.13,0.5\n",
    "suppliers": "code,name,country,kind,monthly_capacity,contact,notes\n"
    "S-OWN,Aurelle Paris SAS,FR,brand_owner,5000,,\n"
    "S-HOPS,Golden Bridge Trading,HK,trader,2000,,\n",
    "brands": "name,origin_country,category,hot_selling,planned_monthly_demand,"
    "target_retail_price\n"
    "Aurelle,FR,cosmetics,true,400,299\n",
    "products": "sku,brand,name,tax_category,retail_price,unit_weight_kg\n"
    "AUR-SERUM,Aurelle,Aurelle serum 30 ml,cosmetics,299,0.1\n",
    "channels": "supplier_code,brand,tier,authorization_ref,authorized_until,contract_start,"
    "contract_end,exclusive,active\n"
    "S-OWN,Aurelle,0,,,2025-01-01,,false,true\n"
    "S-HOPS,Aurelle,3,,,,,false,true\n",
    "quotes": "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,"
    "freight_per_unit,insurance_per_unit,valid_from,valid_to\n"
    "S-OWN,AUR-SERUM,20.00,CNY,CIF,1,30,0,0,2026-01-01,\n"
    "S-HOPS,AUR-SERUM,19.00,CNY,FOB,1,35,0,0,2026-01-01,\n",
    "purchases": "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,"
    "currency,fx_rate,regime\n"
    "A0,S-OWN,AUR-SERUM,2025-06-30,2025-07-30,100,20,CNY,1,cbec\n"
    "A1,S-OWN,AUR-SERUM,2026-01-05,2026-02-05,100,20,CNY,1,cbec\n"
    "A2,S-OWN,AUR-SERUM,2026-02-05,2026-03-05,100,20,CNY,1,cbec\n"
    "A3,S-OWN,AUR-SERUM,2026-03-05,2026-04-05,100,20,CNY,1,cbec\n"
    "A4,S-OWN,AUR-SERUM,2026-04-05,2026-05-05,100,20,CNY,1,cbec\n"
    "A5,S-OWN,AUR-SERUM,2026-04-06,2026-05-06,100,20,CNY,1,cbec\n"
    "B1,S-HOPS,AUR-SERUM,2026-02-01,2026-03-01,100,19,CNY,1,postal\n"
    "B2,S-HOPS,AUR-SERUM,2026-04-01,2026-05-01,100,19,CNY,1,postal\n"
    "B3,S-HOPS,AUR-SERUM,2026-06-10,2026-07-20,100,19,CNY,1,postal\n",
    "deliveries": "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"
    "A0,2025-07-29,100,0,20\n"
    "A1,2026-02-03,100,0,1\n"
    "A2,2026-03-03,100,0,2\n"
    "A3,2026-04-03,100,0,2\n"
    "A4,2026-05-03,100,0,9\n"
    "A5,2026-05-04,100,0,\n"
    "B1,2026-03-10,100,0,6\n"
    "B2,2026-05-10,100,0,11\n"
    "B3,2026-06-25,100,0,30\n",
}

IMPORT_ORDER = (
    "tax-categories", "suppliers", "brands", "products", "channels", "quotes",
    "purchases", "deliveries",
)  # fmt: skip


def load_customs_portfolio(engine: Engine, folder: Path) -> None:
    for kind in IMPORT_ORDER:
        path = folder / f"{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        result = import_file(engine, kind, path, who="setup")
        assert result.ok, result.problems


def add_returns(engine: Engine, rows: list[tuple[str, str, int, str]]) -> None:
    """Returns after sale (line_ref, return date, quantity, reason), as the importer writes."""
    import datetime as dt

    from sqlmodel import Session, select

    from sourcing_app.db.models import PurchaseLine, SaleReturn

    with Session(engine) as session:
        for line_ref, when, qty, reason in rows:
            line = session.exec(select(PurchaseLine).where(PurchaseLine.line_ref == line_ref)).one()
            assert line.id is not None
            session.add(
                SaleReturn(
                    line_id=line.id,
                    return_date=dt.date.fromisoformat(when),
                    returned_qty=qty,
                    reason=reason,
                )
            )
        session.commit()
