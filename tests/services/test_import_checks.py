"""Every value check at the edge (docs/bad-input.md), one small file each.

Each case imports into the sample portfolio (everything but the kind under
test already in), expects exactly the listed problems, and checks that the
database did not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.services.test_importing import (
    PORTFOLIO_ORDER,
    import_text,
    problem_lines,
    seed,
    snapshot,
)

DELIVERIES = "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"
PURCHASES = (
    "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,currency,"
    "fx_rate,regime\n"
)
QUOTES = (
    "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,freight_per_unit,"
    "insurance_per_unit,valid_from,valid_to\n"
)
CHANNELS = (
    "supplier_code,brand,tier,authorization_ref,authorized_until,contract_start,contract_end,"
    "exclusive,active\n"
)
FRACTIONS = "rates in files are fractions in 0..1 (e.g. 0.13 for 13%)"

CASES: list[tuple[str, str, str, list[str]]] = [
    # (name, kind, file content, expected problems)
    (
        "negative delivered quantity",
        "deliveries",
        DELIVERIES + "PO-1001,2026-01-19,-3,0,4\n",
        ["line 2, column delivered_qty: -3 is negative; quantities must be 0 or more"],
    ),
    (
        "negative ordered quantity",
        "purchases",
        PURCHASES + "PO-9,TK01,SK-100,2026-01-05,2026-01-20,-10,1200,JPY,0.048,\n",
        ["line 2, column ordered_qty: -10 is negative; quantities must be 0 or more"],
    ),
    (
        "fractional quantity",
        "deliveries",
        DELIVERIES + "PO-1001,2026-01-19,2.5,0,4\n",
        ["line 2, column delivered_qty: '2.5' is not a whole number"],
    ),
    (
        "delivery dated before its line's order date",
        "deliveries",
        DELIVERIES + "PO-1001,2026-01-02,10,0,4\n",
        ["line 2, column delivered_date: 2026-01-02 is before the line's order date 2026-01-05"],
    ),
    (
        "promised before ordered",
        "purchases",
        PURCHASES + "PO-9,TK01,SK-100,2026-01-05,2026-01-04,10,1200,JPY,0.048,\n",
        ["line 2, column promised_date: 2026-01-04 is before the order date 2026-01-05"],
    ),
    (
        "more rejected than delivered",
        "deliveries",
        DELIVERIES + "PO-1001,2026-01-19,3,5,4\n",
        ["line 2, column rejected_qty: 5 rejected is more than the 3 delivered"],
    ),
    (
        "currency not ISO 4217",
        "purchases",
        PURCHASES + "PO-9,TK01,SK-100,2026-01-05,2026-01-20,10,1200,RMBX,1,\n",
        ["line 2, column currency: 'RMBX' is not an ISO 4217 currency code"],
    ),
    (
        "RMB is named as CNY",
        "fx-rates",
        "currency,date,rate_to_home\nRMB,2026-01-02,1\n",
        ["line 2, column currency: 'RMB' is not an ISO 4217 currency code (did you mean CNY?)"],
    ),
    (
        "unknown supplier code",
        "channels",
        CHANNELS + "XX99,Sakura Skin,1,,,,,,\n",
        [
            "line 2, column supplier_code: no supplier with code 'XX99' in the database; "
            "import it in a suppliers file first"
        ],
    ),
    (
        "supplier code in the wrong case gets a hint",
        "channels",
        CHANNELS + "tk01,Alpenmilch,1,,,,,,\n",
        [
            "line 2, column supplier_code: no supplier with code 'tk01' in the database "
            "(did you mean 'TK01'?)"
        ],
    ),
    (
        "unknown brand",
        "products",
        "sku,brand,name,tax_category,retail_price\nX-1,Nonesuch,Thing,Cosmetics,10\n",
        [
            "line 2, column brand: no brand named 'Nonesuch' in the database; "
            "import it in a brands file first"
        ],
    ),
    (
        "unknown tax category",
        "products",
        "sku,brand,name,tax_category,retail_price\nX-1,Sakura Skin,Thing,Toys,10\n",
        [
            "line 2, column tax_category: no tax category named 'Toys' in the database; "
            "import it in a tax-categories file first"
        ],
    ),
    (
        "unknown SKU",
        "quotes",
        QUOTES + "TK01,NOPE-1,10,JPY,,,,,,2026-01-01,\n",
        [
            "line 2, column sku: no product with SKU 'NOPE-1' in the database; "
            "import it in a products file first"
        ],
    ),
    (
        "unknown line_ref",
        "deliveries",
        DELIVERIES + "PO-0042,2026-01-19,3,0,4\n",
        [
            "line 2, column line_ref: no purchase line 'PO-0042' in the database; "
            "import it in a purchases file first"
        ],
    ),
    (
        "date not in YYYY-MM-DD form",
        "fx-rates",
        "currency,date,rate_to_home\nJPY,2026/01/02,0.048\nEUR,20260102,7.8\n",
        [
            "line 2, column date: '2026/01/02' is not a date in YYYY-MM-DD form",
            "line 3, column date: '20260102' is not a date in YYYY-MM-DD form",
        ],
    ),
    (
        "date that does not exist",
        "fx-rates",
        "currency,date,rate_to_home\nJPY,2026-02-30,0.048\n",
        ["line 2, column date: '2026-02-30' is not a real date (YYYY-MM-DD)"],
    ),
    (
        "number with a decimal comma",
        "products",
        'sku,brand,name,tax_category,retail_price\nX-1,Sakura Skin,Thing,Cosmetics,"12,50"\n',
        [
            "line 2, column retail_price: '12,50' is not a number (use a dot for decimals, "
            "no currency signs or thousands separators)"
        ],
    ),
    (
        "negative price",
        "products",
        "sku,brand,name,tax_category,retail_price\nX-1,Sakura Skin,Thing,Cosmetics,-1.5\n",
        ["line 2, column retail_price: -1.5 is negative; amounts must be 0 or more"],
    ),
    (
        "VAT written as a percentage",
        "tax-categories",
        "name,vat\nToys,13\n",
        [f"line 2, column vat: 13 looks like a percentage; {FRACTIONS}"],
    ),
    (
        "tariff with a percent sign",
        "tax-categories",
        "name,tariff\nToys,5%\n",
        [f"line 2, column tariff: '5%' is a percentage; {FRACTIONS}"],
    ),
    (
        "rate above 100",
        "tax-categories",
        "name,consumption_tax\nToys,150\n",
        [f"line 2, column consumption_tax: 150 is not between 0 and 1; {FRACTIONS}"],
    ),
    (
        "consumption tax of 1",
        "tax-categories",
        "name,consumption_tax\nToys,1\n",
        [
            "line 2, column consumption_tax: 1 cannot be used: the tax formula divides by "
            "1 - rate; use below 1"
        ],
    ),
    (
        "postal rate off the tiers",
        "tax-categories",
        "name,postal_rate\nToys,0.30\nGames,20\n",
        [
            "line 2, column postal_rate: 0.30 is not a postal-article tax tier; "
            "use 0.13, 0.20 or 0.50 (13%, 20%, 50%)",
            f"line 3, column postal_rate: 20 looks like a percentage; {FRACTIONS}",
        ],
    ),
    (
        "negative or fractional tier",
        "channels",
        CHANNELS + "TK01,Alpenmilch,-1,,,,,,\nFR01,Alpenmilch,1.5,,,,,,\n",
        [
            "line 2, column tier: -1 is negative; tiers must be 0 or more",
            "line 3, column tier: '1.5' is not a whole number",
        ],
    ),
    (
        "country written out",
        "suppliers",
        "code,name,country,kind\nS9,Some Co,China,trader\nS8,Other Co,UK,trader\n",
        [
            "line 2, column country: 'China' is not an ISO 3166-1 alpha-2 country code "
            "(two letters, e.g. CN, JP, US, DE)",
            "line 3, column country: 'UK' is not an ISO 3166-1 alpha-2 country code "
            "(did you mean GB?)",
        ],
    ),
    (
        "unknown incoterm",
        "quotes",
        QUOTES
        + "TK01,SK-100,10,JPY,FOBB,,,,,2026-01-01,\nTK01,SK-100,10,JPY,DAT,5,,,,2026-01-01,\n",
        [
            "line 2, column incoterm: 'FOBB' is not an Incoterms 2020 rule; use one of "
            "EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP",
            "line 3, column incoterm: 'DAT' is not an Incoterms 2020 rule; DAT became DPU in "
            "2020; use one of EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP",
        ],
    ),
    (
        "unknown regime",
        "purchases",
        PURCHASES + "PO-9,TK01,SK-100,2026-01-05,2026-01-20,10,1200,JPY,0.048,retail\n",
        ["line 2, column regime: 'retail' is not an import regime; use cbec, general or postal"],
    ),
    (
        "unknown supplier kind",
        "suppliers",
        "code,name,kind\nS9,Some Co,factory\n",
        [
            "line 2, column kind: 'factory' is not a supplier kind; use one of: Brand owner, "
            "Authorized distributor, Wholesaler, Trader, Bonded-warehouse operator, "
            "Platform seller"
        ],
    ),
    (
        "quote from a supplier with no channel for the brand",
        "quotes",
        QUOTES + "FR01,SK-100,10,EUR,,,,,,2026-01-01,\n",
        [
            "line 2, column supplier_code: supplier 'FR01' has no channel for brand "
            "'Sakura Skin' (the brand of SKU 'SK-100'); import a channels row for them first"
        ],
    ),
    (
        "purchase from a supplier with no channel for the brand",
        "purchases",
        PURCHASES + "PO-9,TK01,AM-800,2026-01-05,2026-01-20,10,20,EUR,7.8,\n",
        [
            "line 2, column supplier_code: supplier 'TK01' has no channel for brand "
            "'Alpenmilch' (the brand of SKU 'AM-800'); import a channels row for them first"
        ],
    ),
    (
        "duplicate natural key",
        "quotes",
        QUOTES
        + "TK01,SK-100,10,JPY,,,,,,2026-01-01,\n"
        + "TK01,SK-100,11,JPY,,5,,,,2026-01-01,\n"
        + "TK01,SK-100,12,JPY,,1,,,,2026-01-01,\n",
        [
            "line 4, column supplier_code: repeats line 2 (same supplier_code and sku and "
            "min_qty and valid_from: TK01, SK-100, 1, 2026-01-01); each may appear only once "
            "in a file"
        ],
    ),
    (
        "blank required cell",
        "purchases",
        PURCHASES + "PO-9,TK01,SK-100,,2026-01-20,10,1200,JPY,0.048,\n",
        ["line 2, column order_date: this cell is blank; a value is required"],
    ),
    (
        "minimum quantity of 0",
        "quotes",
        QUOTES + "TK01,SK-100,10,JPY,,0,,,,2026-01-01,\n",
        ["line 2, column min_qty: 0 is too small; minimum quantities must be at least 1"],
    ),
    (
        "quote valid to before valid from",
        "quotes",
        QUOTES + "TK01,SK-100,10,JPY,,,,,,2026-03-01,2026-02-01\n",
        ["line 2, column valid_to: 2026-02-01 is before valid_from 2026-03-01"],
    ),
    (
        "contract end before start",
        "channels",
        CHANNELS + "FR01,Alpenmilch,0,,,2026-06-01,2026-05-31,,\n",
        ["line 2, column contract_end: 2026-05-31 is before the contract start 2026-06-01"],
    ),
    (
        "flag that is neither yes nor no",
        "brands",
        "name,hot_selling\nNew Brand,maybe\n",
        [
            "line 2, column hot_selling: 'maybe' is not yes or no; "
            "use true/false, yes/no, y/n or 1/0"
        ],
    ),
    (
        "exchange rate of 0",
        "fx-rates",
        "currency,date,rate_to_home\nUSD,2026-01-02,0\n",
        ["line 2, column rate_to_home: 0 is not a usable exchange rate; it must be more than 0"],
    ),
    (
        "code too long for its column",
        "suppliers",
        "code,name,kind\n" + "S" * 41 + ",Some Co,trader\n",
        ["line 2, column code: is 41 characters long; at most 40 fit"],
    ),
    (
        "a cell beyond the last column",
        "fx-rates",
        "currency,date,rate_to_home\nUSD,2026-01-02,7.1,oops\nEUR,2026-01-02,7.8,\n",
        [
            "line 2, column D: this cell is to the right of the last column; "
            "the header has no name for it"
        ],
    ),
    (
        "a header cell left empty",
        "fx-rates",
        "currency,,date,rate_to_home\nUSD,x,2026-01-02,7.1\n",
        ["line 1, column B: this column has no header; name it or delete it"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_bad_value_is_refused_with_a_clear_reason(
    engine: Engine, tmp_path: Path, kind: str, content: str, expected: list[str]
) -> None:
    seed(engine, tmp_path, upto=kind if kind in PORTFOLIO_ORDER else None)
    before = snapshot(engine)
    result = import_text(engine, tmp_path, kind, content)
    assert problem_lines(result) == expected
    assert (result.added, result.updated) == (0, 0)
    assert snapshot(engine) == before


def test_a_short_row_reads_its_missing_cells_as_blank(engine: Engine, tmp_path: Path) -> None:
    # Editors drop trailing empty cells; they are blank optional cells, not errors.
    seed(engine, tmp_path, upto="deliveries")
    result = import_text(engine, tmp_path, "deliveries", DELIVERIES + "PO-1001,2026-01-19,5\n")
    assert (result.added, result.problems) == (1, [])


def test_an_upper_case_bool_and_lower_case_codes_are_accepted(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="quotes")
    content = QUOTES + "TK01,SK-100,10,jpy,fob,,,,,2026-01-01,\n"
    assert import_text(engine, tmp_path, "quotes", content).problems == []
    content = "name,hot_selling,origin_country\nNew Brand,YES,jp\n"
    assert import_text(engine, tmp_path, "brands", content).problems == []
