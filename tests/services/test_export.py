"""Exports mirror imports: every kind goes out with its exact headers and comes back unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.db.migrate import prepare_database
from sourcing_app.db.types import date_param
from sourcing_app.errors import BadInput, Cancelled
from sourcing_app.services.demo import build_demo
from sourcing_app.services.exporting import export_table, plain_number
from sourcing_app.services.file_formats import FILE_KINDS, IMPORT_ORDER, read_table
from sourcing_app.services.importing import import_file
from sourcing_app.services.score_output import write_scores
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.templates import EXAMPLE_ROWS, write_template
from tests.services.hand_portfolio import AS_OF, CSV_FILES, FEED_RATES, expected

TABLES = (
    "tax_category",
    "supplier",
    "brand",
    "product",
    "channel",
    "quote",
    "purchase_line",
    "delivery",
    "sale_return",
    "exchange_rate",
)


def load_hand_portfolio(engine: Engine, folder: Path) -> None:
    for kind in IMPORT_ORDER:
        path = folder / f"hand-{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        result = import_file(engine, kind, path)
        assert result.problems == [], (kind, result.problems)
    with engine.begin() as conn:
        for currency, day, rate in FEED_RATES:
            conn.execute(
                text(
                    "INSERT INTO exchange_rate (currency, rate_date, rate_to_home, kind, source) "
                    "VALUES (:c, :d, :r, 'feed', 'test feed')"
                ),
                {
                    "c": currency,
                    "d": date_param("sqlite", dt.date.fromisoformat(day)),
                    "r": float(rate),
                },
            )


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        return {
            table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in TABLES
        }


def scores_json(engine: Engine, as_of: dt.date) -> str:
    out = io.StringIO()
    write_scores(ScoringService(engine).score_all(as_of), "json", out)
    return out.getvalue()


def read_back(path: Path) -> tuple[list[str], list[list[str]]]:
    header, rows = read_table(path)
    try:
        return header, [row for _line, row in rows]
    finally:
        close = getattr(rows, "close", None)
        if close:
            close()


# --- the hand portfolio goes out as a person would check it ------------------------------


def test_exported_csv_has_the_documented_headers_and_the_hand_values(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    for kind in IMPORT_ORDER:
        path = tmp_path / f"out-{kind}.csv"
        export_table(engine, kind, path)
        header, _rows = read_back(path)
        assert tuple(header) == FILE_KINDS[kind].headers, kind
    _header, quotes = read_back(tmp_path / "out-quotes.csv")
    assert quotes == [
        ["S-VERT", "AUR-SERUM", "20", "USD", "CIF", "1", "30", "1.5", "0.5", "2026-01-01", ""],
        ["S-COMP", "AUR-SERUM", "19", "EUR", "FOB", "1", "35", "1", "0", "2026-01-01",
         "2026-12-31"],
    ]  # fmt: skip
    _header, deliveries = read_back(tmp_path / "out-deliveries.csv")
    assert deliveries[1] == ["L1", "2026-02-09", "100", "2", "3"]
    _header, rates = read_back(tmp_path / "out-fx-rates.csv")
    # The rate the scores use per day: the manual USD 7.20 beats the feed's 7.10.
    assert rates == [["USD", "2026-06-01", "7.2"], ["EUR", "2026-06-01", "7.7"]]
    _header, taxes = read_back(tmp_path / "out-tax-categories.csv")
    assert taxes == [["cosmetics", "0.05", "0.15", "0.13", "0.5"]]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_reimport_changes_nothing_for_every_kind(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    load_hand_portfolio(engine, tmp_path)
    before = snapshot(engine)
    exported = {}
    for kind in IMPORT_ORDER:
        path = tmp_path / f"out-{kind}{suffix}"
        exported[kind] = export_table(engine, kind, path)
    for kind in IMPORT_ORDER:
        result = import_file(engine, kind, tmp_path / f"out-{kind}{suffix}")
        assert result.problems == [], kind
        rows = exported[kind]
        assert (result.rows, result.added, result.changed, result.unchanged) == (
            rows,
            0,
            0,
            rows,
        ), kind
        assert result.summary() == f"0 added, 0 changed, {rows} unchanged"
    assert snapshot(engine) == before  # versions included: nothing was rewritten


def test_a_changed_cell_counts_as_changed_and_the_rest_unchanged(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    path = tmp_path / "suppliers.csv"
    export_table(engine, "suppliers", path)
    path.write_text(
        path.read_text(encoding="utf-8-sig").replace("Golden Bridge Trading", "Golden Bridge Ltd"),
        encoding="utf-8",
    )
    result = import_file(engine, "suppliers", path)
    assert (result.added, result.updated, result.changed, result.unchanged) == (0, 2, 1, 1)
    with engine.connect() as conn:
        versions = dict(conn.execute(text("SELECT code, version FROM supplier")).all())
    assert versions == {"S-COMP": 2, "S-VERT": 1}


def test_hand_portfolio_exported_to_xlsx_scores_identically_in_an_empty_database(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    as_of = dt.date.fromisoformat(AS_OF)
    for kind in IMPORT_ORDER:
        export_table(engine, kind, tmp_path / f"{kind}.xlsx")
    fresh = prepare_database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    try:
        for kind in IMPORT_ORDER:
            result = import_file(fresh, kind, tmp_path / f"{kind}.xlsx")
            assert result.problems == [], kind
        assert scores_json(fresh, as_of) == scores_json(engine, as_of)
        score = {s.supplier_code: s for s in ScoringService(fresh).score_all(as_of)}
        hand = expected()
        assert score["S-VERT"].margin_pct == pytest.approx(hand["S-VERT"]["margin_pct"])
        assert score["S-COMP"].stability_score == pytest.approx(hand["S-COMP"]["stability_score"])
    finally:
        fresh.dispose()


def test_a_demo_portfolio_exported_to_xlsx_scores_identically_in_an_empty_database(
    engine: Engine, tmp_path: Path
) -> None:
    as_of = dt.date(2026, 11, 27)
    build_demo(engine, suppliers=20, lines=2000, seed=1, as_of=as_of)
    for kind in IMPORT_ORDER:
        export_table(engine, kind, tmp_path / f"{kind}.xlsx")
    fresh = prepare_database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    try:
        for kind in IMPORT_ORDER:
            result = import_file(fresh, kind, tmp_path / f"{kind}.xlsx")
            assert result.problems == [], (kind, result.problems[:3])
        assert scores_json(fresh, as_of) == scores_json(engine, as_of)
        with fresh.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM purchase_line")).scalar() == 2000
    finally:
        fresh.dispose()


def test_the_round_trip_holds_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio_pg(pg_engine, tmp_path)
    before = snapshot(pg_engine)
    for kind in IMPORT_ORDER:
        rows = export_table(pg_engine, kind, tmp_path / f"{kind}.xlsx")
        result = import_file(pg_engine, kind, tmp_path / f"{kind}.xlsx")
        assert (result.problems, result.added, result.unchanged) == ([], 0, rows), kind
    assert snapshot(pg_engine) == before


def load_hand_portfolio_pg(engine: Engine, folder: Path) -> None:
    for kind in IMPORT_ORDER:
        path = folder / f"hand-{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        assert import_file(engine, kind, path).problems == []


# --- typed Excel cells --------------------------------------------------------------------


def test_xlsx_cells_typed_as_dates_numbers_text_and_booleans_read_right(
    engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    load_hand_portfolio(engine, tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.append(list(FILE_KINDS["brands"].headers))
    # A real boolean, a count Excel holds as the double 1200.0, a price typed as text.
    sheet.append(["Lumière", "FR", "cosmetics", True, 1200.0, "399.50"])
    sheet.append(["Kinder", "DE", "food", False, 300, 19.99])
    path = tmp_path / "brands.xlsx"
    book.save(path)
    assert import_file(engine, "brands", path).problems == []
    book = Workbook()
    sheet = book.active
    sheet.append(list(FILE_KINDS["channels"].headers))
    sheet.append(
        ["S-COMP", "Kinder", 1.0, "AUTH-7", dt.datetime(2027, 3, 31), dt.date(2026, 1, 1), None,
         "no", 1]
    )  # fmt: skip
    path = tmp_path / "channels.xlsx"
    book.save(path)
    assert import_file(engine, "channels", path).problems == []
    with engine.connect() as conn:
        brands = conn.execute(
            text(
                "SELECT name, hot_selling, planned_monthly_demand, target_retail_price "
                "FROM brand WHERE name IN ('Lumière', 'Kinder') ORDER BY name"
            )
        ).all()
        channel = conn.execute(
            text(
                "SELECT tier, authorized_until, contract_start, exclusive, active FROM channel "
                "WHERE authorization_ref = 'AUTH-7'"
            )
        ).one()
    assert [(n, bool(h), q) for n, h, q, _p in brands] == [
        ("Kinder", False, 300),
        ("Lumière", True, 1200),
    ]
    assert Decimal(str(brands[1][3])) == Decimal("399.50")
    assert Decimal(str(brands[0][3])) == Decimal("19.99")
    day = dt.date(1970, 1, 1).toordinal()
    assert (channel[0], dt.date.fromordinal(channel[1] + day)) == (1, dt.date(2027, 3, 31))
    assert dt.date.fromordinal(channel[2] + day) == dt.date(2026, 1, 1)
    assert (bool(channel[3]), bool(channel[4])) == (False, True)


def test_exported_xlsx_holds_real_dates_numbers_and_booleans(
    engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    load_hand_portfolio(engine, tmp_path)
    export_table(engine, "channels", tmp_path / "channels.xlsx")
    export_table(engine, "quotes", tmp_path / "quotes.xlsx")
    channels = load_workbook(tmp_path / "channels.xlsx").active
    assert [c.value for c in channels[3]] == [
        "S-COMP", "Aurelle", 3, None, None, None, None, False, True,
    ]  # fmt: skip
    quotes = load_workbook(tmp_path / "quotes.xlsx").active
    row = [c.value for c in quotes[2]]
    assert row[:4] == ["S-VERT", "AUR-SERUM", 20, "USD"]
    assert row[7] == 1.5
    assert row[9] == dt.datetime(2026, 1, 1)
    assert quotes.cell(row=2, column=10).number_format == "yyyy-mm-dd"


def test_a_name_starting_with_equals_stays_text_in_xlsx(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "s.csv"
    path.write_text("code,name,kind\nEQ1,=SUM(A1:A9) Trading,trader\n", encoding="utf-8")
    assert import_file(engine, "suppliers", path).problems == []
    export_table(engine, "suppliers", tmp_path / "s.xlsx")
    cell = load_workbook(tmp_path / "s.xlsx").active.cell(row=2, column=2)
    # Neutralised with an apostrophe (docs/bad-input.md), which the importer takes off again.
    assert (cell.value, cell.data_type) == ("'=SUM(A1:A9) Trading", "s")
    assert import_file(engine, "suppliers", tmp_path / "s.xlsx").unchanged == 1


def test_gb18030_names_survive_import_and_export_to_xlsx(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "suppliers.csv"
    path.write_bytes(
        "code,name,country,kind,contact\r\nSH01,上海保税贸易有限公司,CN,trader,王经理\r\n".encode(
            "gb18030"
        )
    )
    assert import_file(engine, "suppliers", path).added == 1
    export_table(engine, "suppliers", tmp_path / "out.xlsx")
    export_table(engine, "suppliers", tmp_path / "out.csv")
    row = [c.value for c in load_workbook(tmp_path / "out.xlsx").active[2]]
    assert row[:2] == ["SH01", "上海保税贸易有限公司"] and row[5] == "王经理"
    assert "上海保税贸易有限公司" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


# --- plain numbers, bad requests, cancel ------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "written"),
    [(7.2, "7.2"), (7, "7"), (0.048, "0.048"), (1e-05, "0.00001"), (Decimal("20.0000"), "20"),
     (0.1 + 0.2, "0.30000000000000004"), (0.0, "0")],
)  # fmt: skip
def test_numbers_are_written_plainly_and_exactly(stored: object, written: str) -> None:
    assert plain_number(stored) == written
    if isinstance(stored, float):
        assert float(Decimal(written)) == stored


def test_export_refuses_an_unknown_extension_or_kind(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="name the file .csv or .xlsx"):
        export_table(engine, "suppliers", tmp_path / "s.txt")
    with pytest.raises(BadInput, match="unknown file kind 'vendors'"):
        export_table(engine, "vendors", tmp_path / "s.csv")
    with pytest.raises(BadInput, match="does not exist"):
        export_table(engine, "suppliers", tmp_path / "nowhere" / "s.csv")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_cancelled_export_leaves_no_file_and_keeps_an_older_one(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    load_hand_portfolio(engine, tmp_path)
    path = tmp_path / f"deliveries{suffix}"
    path.write_text("an older export\n", encoding="utf-8")

    def cancel_after_start(done: int, total: int, what: str) -> None:
        if done > 0:
            raise Cancelled

    with pytest.raises(Cancelled):
        export_table(engine, "deliveries", path, progress=cancel_after_start)
    assert path.read_text(encoding="utf-8") == "an older export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_streams_in_chunks_and_reports_progress(engine: Engine, tmp_path: Path) -> None:
    build_demo(engine, suppliers=20, lines=12_000, seed=1, as_of=dt.date(2026, 11, 27))
    seen: list[tuple[int, int]] = []
    rows = export_table(
        engine, "purchases", tmp_path / "p.csv", progress=lambda d, t, _w: seen.append((d, t))
    )
    assert rows == 12_000
    assert seen == [(0, 12_000), (5_000, 12_000), (10_000, 12_000), (12_000, 12_000)]
    with (tmp_path / "p.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert sum(1 for _ in csv.reader(fh)) == 12_001


# --- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_templates_have_the_header_and_one_example_row_that_imports(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}{suffix}"
        write_template(kind, path)
        header, rows = read_back(path)
        assert tuple(header) == FILE_KINDS[kind].headers
        assert len(rows) == 1 and rows[0][0] == EXAMPLE_ROWS[kind][header[0]]
        # The examples fit together: filled in import order, every reference resolves.
        result = import_file(engine, kind, path)
        assert (result.problems, result.added) == ([], 1), kind


def test_an_xlsx_template_explains_its_columns_on_a_second_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    write_template("deliveries", tmp_path / "d.xlsx")
    book = load_workbook(tmp_path / "d.xlsx")
    notes = [[c.value for c in row] for row in book["How to fill"].iter_rows(max_row=6)]
    assert [v or "" for v in notes[1]] == ["line_ref", "required", "text", ""]
    assert notes[4] == ["rejected_qty", "optional", "a whole number", "0"]


def test_every_kind_is_told_by_its_header() -> None:
    from sourcing_app.services.file_formats import guess_kind

    for kind in IMPORT_ORDER:
        assert guess_kind(list(FILE_KINDS[kind].headers)) == kind
        assert guess_kind(list(FILE_KINDS[kind].required)) in (kind, "brands")
    assert guess_kind(["line_ref", "delivered_date", "delivered_qty"]) == "deliveries"
    assert guess_kind(["code", "name", "kind", "vendor_rating"]) is None


def test_the_header_is_read_from_the_start_of_a_big_gb18030_file(tmp_path: Path) -> None:
    from sourcing_app.services.file_formats import read_header

    path = tmp_path / "suppliers.csv"
    row = "SH01,上海保税贸易有限公司,CN,trader\r\n"
    path.write_bytes(("code,name,country,kind\r\n" + row * 20_000).encode("gb18030"))
    assert read_header(path) == ["code", "name", "country", "kind"]
