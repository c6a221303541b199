"""Returns after sale come in as a file like any other kind (docs/files-and-commands.md).

The sample portfolio of test_importing is in; on its lines, by hand:
  PO-1001: delivered 60 (2 rejected) on 2026-01-19 and 40 on 01-25: 98 accepted,
           first delivery 2026-01-19;
  PO-1002: delivered 50 (none rejected) on 2026-01-15: 50 accepted;
  PO-1003: nothing delivered yet.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

from sqlalchemy import Engine, text

from sourcing_app.cli import main
from sourcing_app.services.importing import import_file
from tests.services.test_importing import (
    import_text,
    problem_lines,
    seed,
    snapshot,
    write_file,
)

HEADER = "line_ref,return_date,returned_qty,reason\n"
GOOD = HEADER + (
    "PO-1001,2026-02-03,3,damaged\n"
    "PO-1001,2026-02-10,1,疑似假货\n"  # the glossary's word for suspected_counterfeit
    "PO-1002,2026-02-01,2,late\n"
)

# One row of every kind of mistake; the last two are good alone, but together
# PO-1002 would take back 30 + 21 = 51 units of the 50 accepted.
BAD = HEADER + (
    "PO-9999,2026-02-03,1,damaged\n"  # line 2
    "PO-1001,2026-02-03,0,damaged\n"  # line 3
    "PO-1001,2026-02-04,-2,damaged\n"  # line 4
    "PO-1001,2026-01-18,1,damaged\n"  # line 5: the day before the first delivery
    "PO-1003,2026-02-01,1,expired\n"  # line 6: nothing delivered yet
    "PO-1001,2026-02-05,1,broken\n"  # line 7
    "PO-1001,2026-02-30,1,damaged\n"  # line 8
    "PO-1002,2026-02-01,30,damaged\n"  # line 9
    "PO-1002,2026-02-02,21,other\n"  # line 10
)
BAD_PROBLEMS = [
    "line 2, column line_ref: no purchase line 'PO-9999' in the database; "
    "import it in a purchases file first",
    "line 3, column returned_qty: 0 is too small; quantities must be at least 1",
    "line 4, column returned_qty: -2 is negative; quantities must be at least 1",
    "line 5, column return_date: 2026-01-18 is before the line's first delivery on 2026-01-19",
    "line 6, column return_date: nothing has been delivered on this purchase line yet, "
    "so nothing can be returned",
    "line 7, column reason: 'broken' is not a return reason; use one of damaged, "
    "not_as_described, suspected_counterfeit, expired, late, other",
    "line 8, column return_date: '2026-02-30' is not a real date (YYYY-MM-DD)",
    "line 10, column returned_qty: returns on this line would add up to 51 units, more than "
    "the 50 accepted on it (delivered less rejected)",
]


def stored_returns(engine: Engine) -> list[tuple[str, str, int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT l.line_ref, r.return_date, r.returned_qty, r.reason FROM sale_return r "
                "JOIN purchase_line l ON l.id = r.line_id ORDER BY r.id"
            )
        ).all()
    # SQLite keeps days as numbers; read them back as the dates they are.
    return [
        (ref, (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat(), qty, reason)
        for ref, day, qty, reason in rows
    ]


def test_a_returns_file_goes_in_and_a_second_import_updates_instead_of_duplicating(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    result = import_text(engine, tmp_path, "returns", GOOD)
    assert result.problems == []
    assert (result.rows, result.added) == (3, 3)
    assert stored_returns(engine) == [
        ("PO-1001", "2026-02-03", 3, "damaged"),
        ("PO-1001", "2026-02-10", 1, "suspected_counterfeit"),
        ("PO-1002", "2026-02-01", 2, "late"),
    ]
    again = import_text(engine, tmp_path, "returns", GOOD)
    assert again.summary() == "0 added, 0 changed, 3 unchanged"
    # Same line, date and reason: the same return, now of 5 units.
    changed = import_text(engine, tmp_path, "returns", HEADER + "PO-1001,2026-02-03,5,破损\n")
    assert changed.summary() == "0 added, 1 changed, 0 unchanged"
    assert stored_returns(engine)[0] == ("PO-1001", "2026-02-03", 5, "damaged")
    assert len(stored_returns(engine)) == 3


def test_every_bad_row_is_named_at_once_and_nothing_is_written(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    before = snapshot(engine)
    result = import_text(engine, tmp_path, "returns", BAD, dry_run=True)
    assert problem_lines(result) == BAD_PROBLEMS
    result = import_text(engine, tmp_path, "returns", BAD)
    assert problem_lines(result) == BAD_PROBLEMS
    assert snapshot(engine) == before


def test_stored_returns_count_unless_the_file_replaces_them(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    first = import_text(engine, tmp_path, "returns", HEADER + "PO-1002,2026-02-01,30,damaged\n")
    assert first.problems == []
    # 30 stored + 25 = 55 of the 50 accepted on PO-1002: refused.
    over = import_text(engine, tmp_path, "returns", HEADER + "PO-1002,2026-03-01,25,other\n")
    assert problem_lines(over) == [
        "line 2, column returned_qty: returns on this line would add up to 55 units, more "
        "than the 50 accepted on it (delivered less rejected)"
    ]
    # The same file that also brings the damaged return down to 20: 20 + 25 = 45, fine.
    fits = import_text(
        engine,
        tmp_path,
        "returns",
        HEADER + "PO-1002,2026-02-01,20,damaged\nPO-1002,2026-03-01,25,other\n",
    )
    assert fits.problems == []
    assert fits.summary() == "1 added, 1 changed, 0 unchanged"


def test_chinese_headers_and_reasons_and_an_xlsx_file_read_the_same(
    engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    seed(engine, tmp_path)
    book = Workbook()
    sheet = book.active
    sheet.append(["采购行号", "退货日期", "退货数量", "退货原因"])
    sheet.append(["PO-1001", "2026-02-03", 3, "与描述不符"])
    sheet.append(["PO-1002", "2026-02-01", 2, "延迟送达"])
    book.save(tmp_path / "退货.xlsx")
    result = import_file(engine, "returns", tmp_path / "退货.xlsx")
    assert result.problems == []
    assert stored_returns(engine) == [
        ("PO-1001", "2026-02-03", 3, "not_as_described"),
        ("PO-1002", "2026-02-01", 2, "late"),
    ]


def test_the_import_is_in_the_audit_trail(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path)
    import_text(engine, tmp_path, "returns", GOOD)
    with engine.connect() as conn:
        entity, key, action, changes = conn.execute(
            text(
                "SELECT entity, entity_key, action, changes FROM audit_entry "
                "ORDER BY id DESC LIMIT 1"
            )
        ).one()
    assert (entity, key, action) == ("returns", "returns.csv", "import")
    assert json.loads(changes) == {"added": 3, "updated": 0}


def test_cli_import_of_a_bad_returns_file_exits_2_and_names_every_row(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    seed(engine, tmp_path)
    before = snapshot(engine)
    path = write_file(tmp_path, "bad-returns.csv", BAD)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", db_url, "import", "returns", str(path)], out=out, err=err)
    assert code == 2
    printed = err.getvalue().splitlines()
    assert printed[: len(BAD_PROBLEMS)] == BAD_PROBLEMS
    assert "nothing was imported" in printed[-1]
    assert snapshot(engine) == before


def test_export_reimport_changes_nothing_and_exports_the_same_bytes(
    engine: Engine, tmp_path: Path
) -> None:
    from sourcing_app.services.exporting import export_table

    seed(engine, tmp_path)
    import_text(engine, tmp_path, "returns", GOOD)
    for suffix, headers in ((".csv", "en"), (".csv", "zh"), (".xlsx", "en")):
        first = tmp_path / f"returns-{headers}{suffix}"
        assert export_table(engine, "returns", first, headers=headers) == 3
        before = snapshot(engine)
        result = import_file(engine, "returns", first)
        assert result.summary() == "0 added, 0 changed, 3 unchanged"
        after = snapshot(engine)
        after.pop("audit_entry"), before.pop("audit_entry")  # the import itself is recorded
        assert after == before  # versions included: nothing was rewritten
        second = tmp_path / f"again-{headers}{suffix}"
        export_table(engine, "returns", second, headers=headers)
        if suffix == ".csv":
            assert second.read_bytes() == first.read_bytes()
    assert (tmp_path / "returns-en.csv").read_text(encoding="utf-8-sig") == (
        "line_ref,return_date,returned_qty,reason\n"
        "PO-1001,2026-02-03,3,damaged\n"
        "PO-1001,2026-02-10,1,suspected_counterfeit\n"
        "PO-1002,2026-02-01,2,late\n"
    )
    assert (tmp_path / "returns-zh.csv").read_text(encoding="utf-8-sig").splitlines()[0] == (
        "采购行号,退货日期,退货数量,退货原因"
    )


def test_the_same_checks_and_round_trip_hold_on_postgresql(
    pg_engine: Engine, tmp_path: Path
) -> None:
    from sourcing_app.services.exporting import export_table

    seed(pg_engine, tmp_path)
    before = snapshot(pg_engine)
    assert problem_lines(import_text(pg_engine, tmp_path, "returns", BAD)) == BAD_PROBLEMS
    assert snapshot(pg_engine) == before
    assert import_text(pg_engine, tmp_path, "returns", GOOD).summary() == (
        "3 added, 0 changed, 0 unchanged"
    )
    export_table(pg_engine, "returns", tmp_path / "pg-returns.csv")
    assert (tmp_path / "pg-returns.csv").read_text(encoding="utf-8-sig") == (
        "line_ref,return_date,returned_qty,reason\n"
        "PO-1001,2026-02-03,3,damaged\n"
        "PO-1001,2026-02-10,1,suspected_counterfeit\n"
        "PO-1002,2026-02-01,2,late\n"
    )
    again = import_file(pg_engine, "returns", tmp_path / "pg-returns.csv")
    assert again.summary() == "0 added, 0 changed, 3 unchanged"


DELIVERIES = "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"


def test_a_deliveries_file_cannot_take_away_the_goods_customers_sent_back(
    engine: Engine, tmp_path: Path
) -> None:
    """PO-1002 accepted 50 units (one delivery) and 30 came back. A corrected delivery
    of 25 (all accepted) would leave 30 returned of 25 accepted: refused, at its row."""
    seed(engine, tmp_path)
    assert (
        import_text(
            engine, tmp_path, "returns", HEADER + "PO-1002,2026-02-01,30,damaged\n"
        ).problems
        == []
    )
    before = snapshot(engine)

    cut = import_text(
        engine,
        tmp_path,
        "deliveries",
        DELIVERIES + "PO-1001,2026-01-19,60,2,4\nPO-1002,2026-01-15,25,0,\n",
    )

    assert problem_lines(cut) == [
        "line 3, column delivered_qty: returns on this line would add up to 30 units, more "
        "than the 25 accepted on it (delivered less rejected)"
    ]
    assert snapshot(engine) == before
    # The same cut with a second delivery of 5 in the file: 25 + 5 = 30 accepted, fine.
    fits = import_text(
        engine,
        tmp_path,
        "deliveries",
        DELIVERIES + "PO-1002,2026-01-15,25,0,\nPO-1002,2026-01-28,5,0,\n",
    )
    assert fits.problems == []
    assert fits.summary() == "1 added, 1 changed, 0 unchanged"
