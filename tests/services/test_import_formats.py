"""Reading files (CSV in three encodings, XLSX) and the code lists behind the checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session, select

from sourcing_app.db.models import Delivery
from sourcing_app.domain.codes import (
    INCOTERMS_2020,
    ISO_3166_COUNTRIES,
    ISO_4217_CURRENCIES,
    parse_bool,
    parse_supplier_kind,
)
from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.file_formats import TableError, read_table
from sourcing_app.services.importing import import_file
from tests.services.test_importing import (
    PORTFOLIO,
    import_text,
    problem_lines,
    seed,
    snapshot,
    write_file,
)

# --- code lists -------------------------------------------------------------------------


def test_code_lists_are_complete() -> None:
    assert len(ISO_3166_COUNTRIES) == 249
    assert {"CN", "HK", "MO", "TW", "JP", "KR", "US", "DE", "FR", "GB"} <= ISO_3166_COUNTRIES
    assert "UK" not in ISO_3166_COUNTRIES
    assert len(ISO_4217_CURRENCIES) > 175
    assert {"CNY", "HKD", "JPY", "KRW", "USD", "EUR", "GBP", "AUD", "XCG"} <= ISO_4217_CURRENCIES
    assert not {"RMB", "HRK", "DEM"} & ISO_4217_CURRENCIES
    assert all(len(code) == 3 and code.isupper() for code in ISO_4217_CURRENCIES)
    assert INCOTERMS_2020 == (
        "EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("YES", True), ("y", True), ("1", True), (" No ", False), ("n", False),
     ("0", False), ("False", False)],
)  # fmt: skip
def test_parse_bool(text: str, value: bool) -> None:
    assert parse_bool(text) is value


def test_parse_bool_refuses_other_words() -> None:
    with pytest.raises(ValueError, match="'maybe' is not yes or no"):
        parse_bool("maybe")


@pytest.mark.parametrize(
    "text",
    ["authorized_distributor", "Authorized distributor", "AUTHORIZED-DISTRIBUTOR",
     "authorised distributor", " authorized  distributor "],
)  # fmt: skip
def test_parse_supplier_kind_takes_value_or_label(text: str) -> None:
    assert parse_supplier_kind(text) is SupplierKind.AUTHORIZED_DISTRIBUTOR


def test_every_supplier_kind_round_trips_by_label_and_value() -> None:
    for kind in SupplierKind:
        assert parse_supplier_kind(kind.label) is kind
        assert parse_supplier_kind(kind.value) is kind


# --- reading CSV ------------------------------------------------------------------------


def test_read_table_numbers_rows_as_a_spreadsheet_does(tmp_path: Path) -> None:
    path = write_file(
        tmp_path,
        "t.csv",
        ' code , name \nA,"first"\n\n , \nB,"two\nlines"\nC,third\n',
        encoding="utf-8-sig",
    )
    header, rows = read_table(path)
    assert header == ["code", "name"]
    assert list(rows) == [(2, ["A", "first"]), (5, ["B", "two\nlines"]), (6, ["C", "third"])]


def test_read_table_can_hand_over_blank_rows_for_a_bulk_reader(tmp_path: Path) -> None:
    path = write_file(tmp_path, "t.csv", "code\nA\n\nB\n")
    _header, rows = read_table(path, keep_blank_rows=True)
    assert list(rows) == [(2, ["A"]), (3, []), (4, ["B"])]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfec\x00o\x00d\x00e\x00", "the file is UTF-16 text (Excel's 'Unicode Text')"),
        (b"PK\x03\x04rest-of-a-zip", "the file is an Excel workbook; give it the .xlsx extension"),
        (b"code\n\x81\n", "the text of the file is not clearly in one of the encodings read"),
    ],
    ids=["utf-16", "xlsx named .csv", "undecodable"],
)
def test_read_table_refuses_what_it_cannot_read_in_words(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    with pytest.raises(TableError) as caught:
        read_table(path)
    assert caught.value.reason.startswith(reason)
    assert caught.value.line == 1


def test_an_old_xls_workbook_is_refused_in_words(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "deliveries.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert problem_lines(import_file(engine, "deliveries", path)) == [
        "line 1: old Excel .xls workbooks cannot be read; save it from Excel as "
        "'CSV UTF-8 (comma delimited)' or as .xlsx"
    ]


# --- the deliveries fast path and the generic path agree ------------------------------


def test_repeated_deliveries_are_named_whichever_earlier_line_they_repeat(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="deliveries")
    rows = (
        "PO-1001,2026-01-19,60,2,4\n"
        "PO-1001,2026-01-25,40,0,5\n"
        "PO-1001,2026-01-25,40,0,5\n"
        "PO-1001,2026-01-19,60,2,4\n"
    )
    expected = [
        "line 4, column line_ref: repeats line 3 (same line_ref and delivered_date: "
        "PO-1001, 2026-01-25); each may appear only once in a file",
        "line 5, column line_ref: repeats line 2 (same line_ref and delivered_date: "
        "PO-1001, 2026-01-19); each may appear only once in a file",
    ]
    full = "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n" + rows
    assert problem_lines(import_text(engine, tmp_path, "deliveries", full)) == expected
    # Without the optional clearance_days column the rows take the generic path.
    short = "line_ref,delivered_date,delivered_qty,rejected_qty\n" + "".join(
        line.rsplit(",", 1)[0] + "\n" for line in rows.splitlines()
    )
    assert problem_lines(import_text(engine, tmp_path, "deliveries", short)) == expected


def test_deliveries_without_an_optional_column_import_through_the_generic_path(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="deliveries")
    content = (
        "line_ref,delivered_date,delivered_qty\nPO-1001,2026-01-19,60\n\nPO-1002,2026-01-15,5\n"
    )
    result = import_text(engine, tmp_path, "deliveries", content)
    assert (result.rows, result.added, result.problems) == (2, 2, [])
    with Session(engine) as session:
        assert {(d.rejected_qty, d.clearance_days) for d in session.exec(select(Delivery))} == {
            (0, None)
        }


# --- XLSX -------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_file_reads_like_a_csv(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="deliveries")
    path = _workbook(
        tmp_path / "deliveries.xlsx",
        [
            ["line_ref", "delivered_date", "delivered_qty", "rejected_qty", "clearance_days"],
            ["PO-1001", dt.datetime(2026, 1, 19), 60, 2.0, 4],  # Excel keeps numbers as doubles
            ["PO-1001", dt.date(2026, 1, 25), 40, None, "5"],
            [None, None, None, None, None],
            ["PO-1002", "2026-01-15", 50.0, 0, None],
        ],
    )
    result = import_file(engine, "deliveries", path)
    assert (result.rows, result.added, result.problems) == (3, 3, [])
    with Session(engine) as session:
        got = {
            (d.delivered_date, d.delivered_qty, d.rejected_qty, d.clearance_days)
            for d in session.exec(select(Delivery))
        }
    assert got == {
        (dt.date(2026, 1, 19), 60, 2, 4),
        (dt.date(2026, 1, 25), 40, 0, 5),
        (dt.date(2026, 1, 15), 50, 0, None),
    }


def test_an_xlsx_file_reports_problems_by_sheet_row(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="products")
    before = snapshot(engine)
    path = _workbook(
        tmp_path / "tax.xlsx",
        [
            ["name", "tariff", "consumption_tax", "vat", "postal_rate"],
            ["Toys", 0.05, 0, 0.13, 0.2],
            [],
            ["Games", 0.05, 0, 13, 0.2],
            ["Books", 0.05, 0, 0.13, dt.datetime(2026, 1, 5, 10, 30)],
        ],
    )
    assert problem_lines(import_file(engine, "tax-categories", path)) == [
        "line 4, column vat: 13 looks like a percentage; rates in files are fractions in 0..1 "
        "(e.g. 0.13 for 13%)",
        "line 5, column postal_rate: '2026-01-05 10:30:00' is not a number (use a dot for "
        "decimals, no currency signs or thousands separators)",
    ]
    assert snapshot(engine) == before


def test_a_damaged_xlsx_is_a_problem_not_a_traceback(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "deliveries.xlsx"
    path.write_bytes(b"not a zip at all")
    (problem,) = problem_lines(import_file(engine, "deliveries", path))
    assert problem.startswith("line 1: the file cannot be read as an Excel workbook")


def test_xlsx_and_csv_of_the_same_portfolio_give_the_same_database(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="tax-categories")  # nothing: an empty database
    lines = PORTFOLIO["tax-categories"].splitlines()
    rows = [line.split(",") for line in lines]
    path = _workbook(tmp_path / "tax.xlsx", rows)
    assert import_file(engine, "tax-categories", path).problems == []
    from_xlsx = snapshot(engine)["tax_category"]
    again = import_text(engine, tmp_path, "tax-categories", PORTFOLIO["tax-categories"])
    assert (again.added, again.updated) == (0, 2)
    assert [row[:-1] for row in snapshot(engine)["tax_category"]] == [
        row[:-1]
        for row in from_xlsx  # all but the version, which the re-import moved on
    ]
