"""An import reports its progress, and a cancel part-way leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.errors import Cancelled
from sourcing_app.services.exporting import export_table
from sourcing_app.services.importing import import_file

ROWS = 12_000


def suppliers_file(tmp_path: Path) -> Path:
    path = tmp_path / "suppliers.csv"
    lines = "".join(f"C{i:05d},Supplier {i},CN,trader\n" for i in range(ROWS))
    path.write_text("code,name,country,kind\n" + lines, encoding="utf-8")
    return path


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM supplier")).scalar_one())


def test_progress_counts_the_rows_up_to_the_total(engine: Engine, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = import_file(
        engine, "suppliers", suppliers_file(tmp_path), progress=lambda d, t, _w: seen.append((d, t))
    )
    assert (result.added, result.problems) == (ROWS, [])
    # Told at the start, every 5,000 rows, and once at the end.
    assert seen == [(0, ROWS), (5_000, ROWS), (10_000, ROWS), (12_000, ROWS), (12_000, ROWS)]


def test_a_cancel_part_way_rolls_everything_back(engine: Engine, tmp_path: Path) -> None:
    def cancel_after_the_first_rows(done: int, total: int, what: str) -> None:
        if done >= 5_000:
            raise Cancelled

    with pytest.raises(Cancelled):
        import_file(
            engine, "suppliers", suppliers_file(tmp_path), progress=cancel_after_the_first_rows
        )
    assert count(engine) == 0
    # The connection went back to the pool in good order: the next import works.
    assert import_file(engine, "suppliers", suppliers_file(tmp_path)).added == ROWS


def test_an_xlsx_import_reports_progress_against_the_sheet_size(
    engine: Engine, tmp_path: Path
) -> None:
    import_file(engine, "suppliers", suppliers_file(tmp_path))
    export_table(engine, "suppliers", tmp_path / "s.xlsx")
    seen: list[tuple[int, int]] = []
    result = import_file(
        engine, "suppliers", tmp_path / "s.xlsx", progress=lambda d, t, _w: seen.append((d, t))
    )
    assert (result.unchanged, seen[0], seen[-1]) == (ROWS, (0, ROWS), (ROWS, ROWS))


def test_changed_and_unchanged_are_counted_across_batches_on_postgresql(
    pg_engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "s.csv"
    rows = [f"C{i:04d},Supplier {i},CN,trader" for i in range(250)]
    path.write_text("code,name,country,kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert import_file(pg_engine, "suppliers", path).added == 250
    # 120 renamed, spread over the 100-row statements; 130 as they were.
    renamed = [r.replace("Supplier", "Vendor") if i % 2 == 0 and i < 240 else r
               for i, r in enumerate(rows)]  # fmt: skip
    path.write_text("code,name,country,kind\n" + "\n".join(renamed) + "\n", encoding="utf-8")
    result = import_file(pg_engine, "suppliers", path)
    assert (result.added, result.changed, result.unchanged) == (0, 120, 130)
