"""Importing buyers' files, all or nothing (docs/bad-input.md and docs/files-and-commands.md).

The story: a buyer brings in a small portfolio one file at a time, in the
documented order, re-imports files after corrections, and now and then hands
over a file with mistakes, which must change nothing and say exactly where
each mistake is. Numbers are small enough to check by hand.

The helpers at the top are shared with the other tests/services/test_import_*.py files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel, select

from sourcing_app.cli import main
from sourcing_app.db.models import (
    AuditEntry,
    Brand,
    Channel,
    Delivery,
    ExchangeRate,
    Product,
    PurchaseLine,
    Quote,
    Setting,
    Supplier,
    TaxCategory,
)
from sourcing_app.services.file_formats import FILE_KINDS, IMPORT_ORDER
from sourcing_app.services.importing import ImportFailure, ImportResult, Problem, import_file

# --- the sample portfolio ------------------------------------------------------------

PORTFOLIO: dict[str, str] = {
    "tax-categories": """\
name,tariff,consumption_tax,vat,postal_rate
Cosmetics,0.05,0.15,0.13,0.20
Infant formula,,,,
""",
    "suppliers": """\
code,name,country,kind,monthly_capacity,contact,notes
SH01,上海保税贸易有限公司,CN,Bonded-warehouse operator,5000,王经理,
TK01,Tokyo Beauty Trading,JP,Authorized distributor,2000,sato@example.jp,Osaka office
FR01,Paris Parfums SARL,FR,brand_owner,,,
""",
    "brands": """\
name,origin_country,category,hot_selling,planned_monthly_demand,target_retail_price
Sakura Skin,JP,cosmetics,yes,1200,399.00
Alpenmilch,DE,infant formula,no,800,
""",
    "products": """\
sku,brand,name,tax_category,retail_price,unit_weight_kg
SK-100,Sakura Skin,Sakura lotion 150ml,Cosmetics,299.00,0.2
AM-800,Alpenmilch,Alpenmilch stage 1 800g,Infant formula,268,0.9
""",
    "channels": """\
supplier_code,brand,tier,authorization_ref,authorized_until,contract_start,contract_end,exclusive,active
TK01,Sakura Skin,1,AUTH-2026-17,2026-12-31,2026-01-01,2026-12-31,yes,
SH01,Alpenmilch,3,,,,,,
SH01,Sakura Skin,2,,,,,no,yes
""",
    "quotes": """\
supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,freight_per_unit,insurance_per_unit,valid_from,valid_to
TK01,SK-100,1200,JPY,FOB,,14,35,2.5,2026-01-01,2026-06-30
TK01,SK-100,1100,JPY,FOB,500,14,35,2.5,2026-01-01,2026-06-30
SH01,AM-800,21.5,EUR,DAP,100,10,,,2026-01-01,
""",
    "purchases": """\
line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,currency,fx_rate,regime
PO-1001,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,,cbec
PO-1002,SH01,AM-800,2026-01-06,2026-01-16,50,21.50,EUR,7.75,general
PO-1003,SH01,SK-100,2026-01-07,2026-01-14,20,180,CNY,,
""",
    "deliveries": """\
line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days
PO-1001,2026-01-19,60,2,4
PO-1001,2026-01-25,40,,5
PO-1002,2026-01-15,50,0,
""",
    "fx-rates": """\
currency,date,rate_to_home
JPY,2026-01-02,0.0480
EUR,2026-01-02,7.80
""",
}
# fx-rates go in before purchases here: a blank fx_rate is filled from them.
PORTFOLIO_ORDER = (
    "tax-categories",
    "suppliers",
    "brands",
    "products",
    "channels",
    "quotes",
    "fx-rates",
    "purchases",
    "deliveries",
)
TABLE_OF_KIND = {
    "tax-categories": TaxCategory,
    "suppliers": Supplier,
    "brands": Brand,
    "products": Product,
    "channels": Channel,
    "quotes": Quote,
    "purchases": PurchaseLine,
    "deliveries": Delivery,
    "fx-rates": ExchangeRate,
}


def write_file(
    folder: Path, name: str, content: str, encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    path = folder / name
    path.write_bytes(content.replace("\n", newline).encode(encoding))
    return path


def import_text(
    engine: Engine, folder: Path, kind: str, content: str, **options: Any
) -> ImportResult:
    return import_file(engine, kind, write_file(folder, f"{kind}.csv", content), **options)


def seed(engine: Engine, folder: Path, upto: str | None = None) -> None:
    """Import the sample portfolio in order, stopping before `upto`."""
    for kind in PORTFOLIO_ORDER:
        if kind == upto:
            return
        result = import_text(engine, folder, kind, PORTFOLIO[kind])
        assert result.problems == [], [str(p) for p in result.problems]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: the database's content."""
    content: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(table.select()).all()
            content[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return content


def count(engine: Engine, model: type[SQLModel]) -> int:
    with Session(engine) as session:
        return len(session.exec(select(model)).all())


def problem_lines(result: ImportResult) -> list[str]:
    return [str(problem) for problem in result.problems]


# --- the contract ---------------------------------------------------------------------


def test_the_ten_file_kinds_carry_the_documented_headers_in_order() -> None:
    assert list(FILE_KINDS) == [
        "suppliers",
        "brands",
        "products",
        "tax-categories",
        "channels",
        "quotes",
        "purchases",
        "deliveries",
        "returns",
        "fx-rates",
    ]
    assert ",".join(FILE_KINDS["returns"].headers) == "line_ref,return_date,returned_qty,reason"
    assert ",".join(FILE_KINDS["deliveries"].headers) == (
        "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days"
    )
    assert ",".join(FILE_KINDS["purchases"].headers) == (
        "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,currency,"
        "fx_rate,regime"
    )
    assert FILE_KINDS["deliveries"].required == ("line_ref", "delivered_date", "delivered_qty")
    assert IMPORT_ORDER[0] == "tax-categories" and IMPORT_ORDER[-1] == "fx-rates"
    # The sample files use every documented column, so the tests cover them all.
    for kind, content in PORTFOLIO.items():
        assert tuple(content.splitlines()[0].split(",")) == FILE_KINDS[kind].headers


def test_problem_reads_as_line_column_reason() -> None:
    problem = Problem(7, "delivered_qty", "-3 is negative; quantities must be 0 or more")
    assert (
        str(problem) == "line 7, column delivered_qty: -3 is negative; quantities must be 0 or more"
    )
    assert str(Problem(1, "", "the file is empty")) == "line 1: the file is empty"


# --- each kind goes in, and a second import updates instead of duplicating ---------------


def test_each_kind_imports_and_reimport_updates_without_duplicating(
    engine: Engine, tmp_path: Path
) -> None:
    expected_rows = {
        "tax-categories": 2,
        "suppliers": 3,
        "brands": 2,
        "products": 2,
        "channels": 3,
        "quotes": 3,
        "fx-rates": 2,
        "purchases": 3,
        "deliveries": 3,
    }
    for kind in PORTFOLIO_ORDER:
        first = import_text(engine, tmp_path, kind, PORTFOLIO[kind])
        assert (first.rows, first.added, first.updated, first.problems) == (
            expected_rows[kind],
            expected_rows[kind],
            0,
            [],
        ), kind
    for kind in PORTFOLIO_ORDER:
        again = import_text(engine, tmp_path, kind, PORTFOLIO[kind])
        assert (again.rows, again.added, again.updated, again.problems) == (
            expected_rows[kind],
            0,
            expected_rows[kind],
            [],
        ), kind
        assert count(engine, TABLE_OF_KIND[kind]) == expected_rows[kind], kind


def test_imported_values_land_as_written(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    with Session(engine) as session:
        cosmetics = session.exec(select(TaxCategory).where(TaxCategory.name == "Cosmetics")).one()
        assert (cosmetics.tariff, cosmetics.consumption_tax, cosmetics.vat) == (
            Decimal("0.05"),
            Decimal("0.15"),
            Decimal("0.13"),
        )
        assert cosmetics.postal_rate == Decimal("0.20")
        # Blank optional cells take the documented defaults.
        formula = session.exec(
            select(TaxCategory).where(TaxCategory.name == "Infant formula")
        ).one()
        assert (formula.tariff, formula.consumption_tax, formula.vat, formula.postal_rate) == (
            0,
            0,
            Decimal("0.13"),
            Decimal("0.13"),
        )
        sh01 = session.exec(select(Supplier).where(Supplier.code == "SH01")).one()
        assert (sh01.name, sh01.country, sh01.kind, sh01.monthly_capacity, sh01.contact) == (
            "上海保税贸易有限公司",
            "CN",
            "bonded_warehouse",
            5000,
            "王经理",
        )
        fr01 = session.exec(select(Supplier).where(Supplier.code == "FR01")).one()
        assert (fr01.kind, fr01.monthly_capacity, fr01.archived) == ("brand_owner", None, False)
        sakura = session.exec(select(Brand).where(Brand.name == "Sakura Skin")).one()
        assert (sakura.hot_selling, sakura.planned_monthly_demand) == (True, 1200)
        assert sakura.target_retail_price == Decimal("399.00")
        alpen = session.exec(select(Brand).where(Brand.name == "Alpenmilch")).one()
        assert (alpen.hot_selling, alpen.target_retail_price) == (False, None)
        lotion = session.exec(select(Product).where(Product.sku == "SK-100")).one()
        assert (lotion.brand_id, lotion.retail_price) == (sakura.id, Decimal("299.00"))

        tk01 = session.exec(select(Supplier).where(Supplier.code == "TK01")).one()
        vertical = session.exec(select(Channel).where(Channel.supplier_id == tk01.id)).one()
        assert (vertical.tier, vertical.authorization_ref, vertical.authorized_until) == (
            1,
            "AUTH-2026-17",
            dt.date(2026, 12, 31),
        )
        assert (vertical.exclusive, vertical.active) == (True, True)  # blank active: true
        composite = session.exec(
            select(Channel).where(Channel.supplier_id == sh01.id, Channel.brand_id == alpen.id)
        ).one()
        assert (composite.tier, composite.authorized_until, composite.exclusive) == (3, None, False)

        quotes = session.exec(select(Quote).order_by(Quote.min_qty)).all()
        assert [(q.unit_price, q.min_qty, q.incoterm) for q in quotes] == [
            (Decimal("1200"), 1, "FOB"),  # blank min_qty is 1
            (Decimal("21.5"), 100, "DAP"),
            (Decimal("1100"), 500, "FOB"),
        ]
        assert quotes[1].valid_to is None and quotes[1].freight_per_unit == 0

        lines = {line.line_ref: line for line in session.exec(select(PurchaseLine)).all()}
        assert lines["PO-1001"].fx_rate == Decimal("0.048")  # blank: the stored JPY rate
        assert lines["PO-1002"].fx_rate == Decimal("7.75")  # given: kept as written
        assert lines["PO-1003"].fx_rate == 1  # CNY is the home currency
        assert (lines["PO-1003"].regime, lines["PO-1002"].regime) == ("cbec", "general")
        assert lines["PO-1002"].unit_price == Decimal("21.50")

        deliveries = session.exec(select(Delivery).order_by(Delivery.delivered_date)).all()
        assert [
            (d.delivered_date, d.delivered_qty, d.rejected_qty, d.clearance_days)
            for d in deliveries
        ] == [
            (dt.date(2026, 1, 15), 50, 0, None),
            (dt.date(2026, 1, 19), 60, 2, 4),
            (dt.date(2026, 1, 25), 40, 0, 5),  # blank rejected_qty is 0
        ]

        rates = session.exec(select(ExchangeRate).order_by(ExchangeRate.currency)).all()
        assert [(r.currency, r.rate_to_home, r.kind, r.source) for r in rates] == [
            ("EUR", Decimal("7.8"), "manual", "file:fx-rates.csv"),
            ("JPY", Decimal("0.048"), "manual", "file:fx-rates.csv"),
        ]


def test_reimport_rewrites_changed_values_and_bumps_the_version(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="brands")
    corrected = PORTFOLIO["suppliers"].replace("Tokyo Beauty Trading", "Tokyo Beauty Trading KK")
    result = import_text(engine, tmp_path, "suppliers", corrected)
    assert (result.added, result.updated) == (0, 3)
    with Session(engine) as session:
        tk01 = session.exec(select(Supplier).where(Supplier.code == "TK01")).one()
        # Every matched row is rewritten, so every version moves on: an editor
        # holding version 1 gets a conflict instead of undoing the import.
        assert (tk01.name, tk01.version) == ("Tokyo Beauty Trading KK", 2)


def test_a_column_left_out_keeps_stored_values_but_a_blank_cell_takes_the_default(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="brands")
    without_notes = "code,name,kind\nTK01,Tokyo Beauty Trading,trader\nNEW1,New Co,trader\n"
    result = import_text(engine, tmp_path, "suppliers", without_notes)
    assert (result.added, result.updated, result.problems) == (1, 1, [])
    with Session(engine) as session:
        tk01 = session.exec(select(Supplier).where(Supplier.code == "TK01")).one()
        assert (tk01.notes, tk01.contact, tk01.kind) == (
            "Osaka office",
            "sato@example.jp",
            "trader",
        )
        new = session.exec(select(Supplier).where(Supplier.code == "NEW1")).one()
        assert (new.notes, new.country, new.monthly_capacity) == ("", "", None)
    blank_notes = "code,name,kind,notes\nTK01,Tokyo Beauty Trading,trader,\n"
    assert import_text(engine, tmp_path, "suppliers", blank_notes).problems == []
    with Session(engine) as session:
        assert session.exec(select(Supplier.notes).where(Supplier.code == "TK01")).one() == ""


def test_headers_may_come_in_any_order(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="deliveries")
    shuffled = (
        "clearance_days,rejected_qty,delivered_qty,delivered_date,line_ref\n"
        "4,2,60,2026-01-19,PO-1001\n"
    )
    result = import_text(engine, tmp_path, "deliveries", shuffled)
    assert (result.added, result.problems) == (1, [])
    with Session(engine) as session:
        delivery = session.exec(select(Delivery)).one()
        assert (delivery.delivered_qty, delivery.rejected_qty, delivery.clearance_days) == (
            60,
            2,
            4,
        )


def test_each_import_writes_one_audit_entry(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="brands")
    import_text(engine, tmp_path, "suppliers", PORTFOLIO["suppliers"], who="li.wei")
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.entity, e.entity_key, e.action) for e in entries] == [
        ("tax-categories", "tax-categories.csv", "import"),
        ("suppliers", "suppliers.csv", "import"),
        ("suppliers", "suppliers.csv", "import"),
    ]
    assert json.loads(entries[1].changes) == {"added": 3, "updated": 0}
    assert json.loads(entries[2].changes) == {"added": 0, "updated": 3}
    assert entries[2].who == "li.wei"
    assert entries[0].who  # someone is always named
    now = dt.datetime.now(dt.UTC)
    assert abs(now - entries[2].at) < dt.timedelta(minutes=5)


# --- encodings --------------------------------------------------------------------------

CHINESE_SUPPLIER = (
    "code,name,country,kind\nSH01,上海保税贸易有限公司,CN,Bonded-warehouse operator\n"
)


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n")],
    ids=["utf-8", "utf-8 with BOM (Excel 'CSV UTF-8')", "GB18030 (Chinese Excel)"],
)
def test_chinese_names_survive_every_supported_encoding(
    engine: Engine, tmp_path: Path, encoding: str, newline: str
) -> None:
    path = write_file(tmp_path, "suppliers.csv", CHINESE_SUPPLIER, encoding, newline)
    if encoding == "gb18030":
        assert path.read_bytes() != CHINESE_SUPPLIER.encode("utf-8")  # really not UTF-8
    result = import_file(engine, "suppliers", path)
    assert (result.added, result.problems) == (1, [])
    with Session(engine) as session:
        supplier = session.exec(select(Supplier)).one()
    assert (supplier.code, supplier.name) == ("SH01", "上海保税贸易有限公司")


def test_a_western_excel_file_keeps_its_umlauts(engine: Engine, tmp_path: Path) -> None:
    """Western-European Excel saves CSV in Windows-1252: "Müller GmbH" must not become "M黮ler"."""
    path = write_file(
        tmp_path,
        "suppliers.csv",
        "code,name,country,kind,contact\n"
        "DE01,Müller GmbH,DE,trader,Köln\n"
        "DE02,Bäckerei Größe & Söhne,DE,trader,Düsseldorf\n",
        "cp1252",
        "\r\n",
    )
    assert b"M\xfcller" in path.read_bytes()  # really the Windows-1252 bytes
    result = import_file(engine, "suppliers", path)
    assert (result.added, result.problems) == (2, [])
    with Session(engine) as session:
        stored = session.exec(select(Supplier.code, Supplier.name, Supplier.contact)).all()
    assert sorted(stored) == [
        ("DE01", "Müller GmbH", "Köln"),
        ("DE02", "Bäckerei Größe & Söhne", "Düsseldorf"),
    ]


# Two bytes that are "你" in GB18030 and "Äã" in Windows-1252: either could be meant.
UNDECIDABLE = b"code,name,kind\nS1,\xc4\xe3,trader\n"


@pytest.mark.parametrize(
    "data",
    [UNDECIDABLE, b"code,name,kind\nS1,Caf\xe9 \x81 Ltd,trader\n"],
    ids=["reads either way", "reads neither way"],
)
def test_a_file_whose_encoding_cannot_be_told_is_refused_and_changes_nothing(
    engine: Engine, tmp_path: Path, data: bytes
) -> None:
    import_file(
        engine, "suppliers", write_file(tmp_path, "first.csv", "code,name,kind\nS0,Kept,trader\n")
    )
    path = tmp_path / "suppliers.csv"
    path.write_bytes(data)
    result = import_file(engine, "suppliers", path)
    assert problem_lines(result) == [
        "line 1: the text of the file is not clearly in one of the encodings read, "
        "UTF-8 (with or without BOM), GB18030 (Chinese Excel) or Windows-1252 (Western Excel); "
        "save it from Excel as 'CSV UTF-8 (comma delimited)' or as .xlsx"
    ]
    with Session(engine) as session:
        assert session.exec(select(Supplier.code, Supplier.name)).all() == [("S0", "Kept")]


# --- a bad file changes nothing and names every mistake ------------------------------------

BAD_DELIVERIES = """\
line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days
PO-1001,2026-01-19,60,2,4

PO-1001,2026-01-02,10,0,1
PO-1002,2026-01-15,-3,0,2
PO-9999,2026-01-16,5,0,2
PO-1002,05/01/2026,5,0,2
PO-1001,2026-01-19,60,2,4
PO-1003,2026-01-14,5,7,1
PO-1003,2026-01-15,five,0,
"""
BAD_DELIVERY_PROBLEMS = [
    "line 4, column delivered_date: 2026-01-02 is before the line's order date 2026-01-05",
    "line 5, column delivered_qty: -3 is negative; quantities must be 0 or more",
    "line 6, column line_ref: no purchase line 'PO-9999' in the database; "
    "import it in a purchases file first",
    "line 7, column delivered_date: '05/01/2026' is not a date in YYYY-MM-DD form",
    "line 8, column line_ref: repeats line 2 (same line_ref and delivered_date: "
    "PO-1001, 2026-01-19); each may appear only once in a file",
    "line 9, column rejected_qty: 7 rejected is more than the 5 delivered",
    "line 10, column delivered_qty: 'five' is not a whole number",
]


def test_every_bad_row_is_reported_and_the_database_is_left_as_it_was(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    before = snapshot(engine)
    result = import_text(engine, tmp_path, "deliveries", BAD_DELIVERIES)
    # Line 3 is blank: skipped, but it keeps its number, as in a spreadsheet.
    assert problem_lines(result) == BAD_DELIVERY_PROBLEMS
    assert (result.rows, result.added, result.updated) == (8, 0, 0)
    assert snapshot(engine) == before


def test_a_dry_run_reports_the_same_problems_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    before = snapshot(engine)
    result = import_text(engine, tmp_path, "deliveries", BAD_DELIVERIES, dry_run=True)
    assert problem_lines(result) == BAD_DELIVERY_PROBLEMS
    assert snapshot(engine) == before


def test_a_dry_run_of_a_good_file_counts_what_would_change_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="deliveries")
    before = snapshot(engine)
    result = import_text(engine, tmp_path, "deliveries", PORTFOLIO["deliveries"], dry_run=True)
    assert (result.rows, result.added, result.updated, result.problems) == (3, 3, 0, [])
    assert snapshot(engine) == before


def test_header_problems_are_reported_on_line_1(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="deliveries")
    before = snapshot(engine)
    result = import_text(
        engine,
        tmp_path,
        "deliveries",
        "line_ref,delivered_qty,Rejected_Qty,delivered_qty,colour\nPO-1001,5,0,5,red\n",
    )
    assert problem_lines(result) == [
        "line 1, column Rejected_Qty: unknown column; headers are exact, write it as rejected_qty",
        "line 1, column delivered_qty: appears twice in the header (columns B and D)",
        "line 1, column colour: unknown column; a deliveries file has the columns "
        "line_ref, delivered_date, delivered_qty, rejected_qty, clearance_days",
        "line 1, column delivered_date: this required column is missing from the header",
    ]
    assert snapshot(engine) == before


def test_a_semicolon_file_is_told_to_use_commas(engine: Engine, tmp_path: Path) -> None:
    result = import_text(
        engine, tmp_path, "fx-rates", "currency;date;rate_to_home\nUSD;2026-01-02;7.1\n"
    )
    assert problem_lines(result) == [
        "line 1: the columns are separated by ';'; save the file as CSV with commas"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "line 1: the file {path} does not exist"),
        ("", "line 1: the file is empty; line 1 must hold the column headers"),
        ("\n\ncurrency,date\n", "line 1: line 1 is blank; it must hold the column headers"),
    ],
    ids=["missing file", "empty file", "blank first line"],
)
def test_a_file_that_cannot_be_read_is_a_problem_not_a_traceback(
    engine: Engine, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "fx-rates.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = import_file(engine, "fx-rates", path)
    assert problem_lines(result) == [expected.format(path=path)]


def test_an_unknown_kind_is_an_import_failure(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ImportFailure, match="unknown file kind 'invoices'"):
        import_file(engine, "invoices", tmp_path / "x.csv")


def test_a_quoted_cell_with_a_line_break_is_still_one_spreadsheet_row(
    engine: Engine, tmp_path: Path
) -> None:
    content = (
        "code,name,kind,notes\n"
        'S1,First,trader,"two\nlines"\n'
        "S2,Second,wholesaler,\n"
        "S3,Third,pirate,\n"
    )
    result = import_text(engine, tmp_path, "suppliers", content)
    assert problem_lines(result) == [
        "line 4, column kind: 'pirate' is not a supplier kind; use one of: Brand owner, "
        "Authorized distributor, Wholesaler, Trader, Bonded-warehouse operator, Platform seller"
    ]


# --- exchange rates for purchases --------------------------------------------------------


def _add_rate(engine: Engine, currency: str, day: dt.date, rate: str, kind: str) -> None:
    with Session(engine) as session:
        session.add(
            ExchangeRate(
                currency=currency, rate_date=day, rate_to_home=Decimal(rate), kind=kind, source="t"
            )
        )
        session.commit()


def _fx_of(engine: Engine, line_ref: str) -> Decimal:
    with Session(engine) as session:
        return session.exec(
            select(PurchaseLine.fx_rate).where(PurchaseLine.line_ref == line_ref)
        ).one()


PURCHASE_HEADER = (
    "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,currency,fx_rate\n"
)


def test_a_blank_fx_rate_takes_the_latest_stored_rate_on_or_before_the_order_date(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="fx-rates")
    _add_rate(engine, "JPY", dt.date(2026, 1, 1), "0.0470", "feed")
    _add_rate(engine, "JPY", dt.date(2026, 1, 4), "0.0475", "feed")
    _add_rate(engine, "JPY", dt.date(2026, 1, 4), "0.0490", "manual")  # manual wins on the day
    _add_rate(engine, "JPY", dt.date(2026, 1, 6), "0.0500", "feed")  # after the order: unused
    content = PURCHASE_HEADER + (
        "PO-1,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,\n"
        "PO-2,TK01,SK-100,2026-01-02,2026-01-20,100,1200,JPY,\n"
        "PO-3,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,0.0460\n"
    )
    result = import_text(engine, tmp_path, "purchases", content)
    assert result.problems == []
    assert _fx_of(engine, "PO-1") == Decimal("0.049")
    assert _fx_of(engine, "PO-2") == Decimal("0.047")
    assert _fx_of(engine, "PO-3") == Decimal("0.046")


def test_a_blank_fx_rate_with_no_stored_rate_is_a_problem(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="fx-rates")
    _add_rate(engine, "JPY", dt.date(2026, 1, 9), "0.0470", "feed")  # only after the order
    content = PURCHASE_HEADER + "PO-1,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,\n"
    result = import_text(engine, tmp_path, "purchases", content)
    assert problem_lines(result) == [
        "line 2, column fx_rate: blank, and no JPY exchange rate is stored on or before "
        "2026-01-05; fill in fx_rate or import fx-rates first"
    ]


def test_the_home_currency_comes_from_settings(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="fx-rates")
    with Session(engine) as session:
        session.add(Setting(key="home_currency", value=json.dumps("JPY")))
        session.commit()
    content = PURCHASE_HEADER + (
        "PO-1,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,\n"
        "PO-2,SH01,SK-100,2026-01-05,2026-01-20,100,180,CNY,\n"
    )
    result = import_text(engine, tmp_path, "purchases", content)
    assert problem_lines(result) == [
        "line 3, column fx_rate: blank, and no CNY exchange rate is stored on or before "
        "2026-01-05; fill in fx_rate or import fx-rates first"
    ]
    content = PURCHASE_HEADER + "PO-1,TK01,SK-100,2026-01-05,2026-01-20,100,1200,JPY,\n"
    assert import_text(engine, tmp_path, "purchases", content).problems == []
    assert _fx_of(engine, "PO-1") == 1


def test_a_busy_database_is_an_import_failure_in_words(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="suppliers")
    impatient = create_engine(db_url, connect_args={"timeout": 0.05})
    database_file = db_url.removeprefix("sqlite:///")
    other_program = sqlite3.connect(database_file)
    try:
        other_program.execute("BEGIN IMMEDIATE")  # holds the write lock
        with pytest.raises(ImportFailure, match="^the database is busy"):
            import_text(impatient, tmp_path, "suppliers", PORTFOLIO["suppliers"])
    finally:
        other_program.rollback()
        other_program.close()
        impatient.dispose()
    assert count(engine, Supplier) == 0


def test_the_connection_goes_back_to_the_pool_with_foreign_keys_on(
    engine: Engine, tmp_path: Path
) -> None:
    # The import switches SQLite's per-row foreign-key probe off for its own
    # transaction only (it resolves every reference itself).
    seed(engine, tmp_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# --- the command line -----------------------------------------------------------------------


def test_cli_import_of_a_bad_file_exits_2_and_prints_each_problem(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    before = snapshot(engine)
    path = write_file(tmp_path, "bad-deliveries.csv", BAD_DELIVERIES)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", db_url, "import", "deliveries", str(path)], out=out, err=err)
    assert code == 2
    printed = err.getvalue().splitlines()
    assert printed[: len(BAD_DELIVERY_PROBLEMS)] == BAD_DELIVERY_PROBLEMS
    assert "nothing was imported" in printed[-1]
    assert snapshot(engine) == before


def test_cli_import_of_a_good_file_exits_0(engine: Engine, db_url: str, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="deliveries")
    path = write_file(tmp_path, "deliveries.csv", PORTFOLIO["deliveries"])
    out, err = io.StringIO(), io.StringIO()
    argv = ["--db", db_url, "import", "deliveries", str(path)]

    assert main([*argv, "--dry-run"], out=out, err=err) == 0
    assert count(engine, Delivery) == 0
    assert main(argv, out=out, err=err) == 0
    assert err.getvalue() == ""
    assert out.getvalue().splitlines() == [
        "would import 3 deliveries row(s): 3 added, 0 changed, 0 unchanged.",
        "imported 3 deliveries row(s): 3 added, 0 changed, 0 unchanged.",
    ]
    assert count(engine, Delivery) == 3


def test_cli_says_a_reimported_file_is_unchanged_as_the_wizard_does(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """Importing the same purchases again changes nothing; one edited price is one change."""
    seed(engine, tmp_path, upto="deliveries")
    path = write_file(tmp_path, "purchases.csv", PORTFOLIO["purchases"])
    # The lines were ordered in January: none is within 30 days of the standings' date.
    argv = ["--db", db_url, "import", "purchases", str(path), "--as-of", "2026-12-01"]
    out, err = io.StringIO(), io.StringIO()

    assert main(argv, out=out, err=err) == 0
    edited = PORTFOLIO["purchases"].replace(
        "PO-1001,TK01,SK-100,2026-01-05,2026-01-20,100,1200,",
        "PO-1001,TK01,SK-100,2026-01-05,2026-01-20,100,1250,",
    )
    assert edited != PORTFOLIO["purchases"]
    write_file(tmp_path, "purchases.csv", edited)
    assert main(argv, out=out, err=err) == 0

    assert err.getvalue() == ""
    assert out.getvalue().splitlines() == [
        "imported 3 purchases row(s): 0 added, 0 changed, 3 unchanged.",
        "imported 3 purchases row(s): 0 added, 1 changed, 2 unchanged.",
    ]


# --- PostgreSQL ---------------------------------------------------------------------------


def test_the_portfolio_imports_into_postgresql_too(pg_engine: Engine, tmp_path: Path) -> None:
    seed(pg_engine, tmp_path)
    assert count(pg_engine, Delivery) == 3
    assert _fx_of(pg_engine, "PO-1001") == Decimal("0.048")
    again = import_text(pg_engine, tmp_path, "purchases", PORTFOLIO["purchases"])
    assert (again.added, again.updated, again.problems) == (0, 3, [])
    with Session(pg_engine) as session:
        names = session.exec(select(Supplier.name).order_by(Supplier.code)).all()
        assert names[1] == "上海保税贸易有限公司"
        assert session.exec(select(AuditEntry)).all()[-1].changes == json.dumps(
            {"added": 0, "updated": 3}
        )
    before = snapshot(pg_engine)
    result = import_text(pg_engine, tmp_path, "deliveries", BAD_DELIVERIES)
    assert problem_lines(result) == BAD_DELIVERY_PROBLEMS
    assert snapshot(pg_engine) == before
    with pg_engine.connect() as conn:  # dates are native DATEs there
        assert conn.execute(text("SELECT MIN(delivered_date) FROM delivery")).scalar() == dt.date(
            2026, 1, 15
        )
