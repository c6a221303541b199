"""Benchmark: export 1,000,000 delivery rows to CSV (and a smaller .xlsx for the record).

Floor: the same SELECT through a raw sqlite3 cursor, every row handed as it
comes to csv.writer (no date or number formatting), into a file. Ours:
export_table(engine, "deliveries", path), which formats each date as ISO and
each number exactly, streams in chunks and moves the file into place. There is
no bar for exports in docs/performance.md; 3x the floor is the one held here,
since a CSV export must stay a matter of seconds on a million rows.

The .xlsx export (openpyxl's write-only mode) is timed on --xlsx-rows rows
and printed for information: it is an order of magnitude slower per row,
which is openpyxl's XML writer, and reported with a progress bar in the app.

Run:  python tests/benchmarks/bench_export.py [--rows N] [--runs K] [--xlsx-rows M]
The last line printed is exactly `ratio=X.XX bar=3.0`.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sourcing_app.db.migrate import prepare_database
from sourcing_app.services.exporting import _QUERIES, export_table
from sourcing_app.services.importing import import_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import_deliveries import build_prerequisites, write_deliveries  # noqa: E402

BAR = 3.0


def time_floor(db_file: Path, out: Path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(db_file)
    try:
        cursor = conn.execute(_QUERIES["deliveries"])
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(
                ["line_ref", "delivered_date", "delivered_qty", "rejected_qty", "clearance_days"]
            )
            while chunk := cursor.fetchmany(5_000):
                writer.writerows(chunk)
    finally:
        conn.close()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs per side")
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        work = Path(tmp)
        db_file = work / "sourcing.sqlite"
        csv_in = work / "deliveries-in.csv"
        t0 = time.perf_counter()
        engine = prepare_database(f"sqlite:///{db_file}")
        build_prerequisites(db_file, args.rows)
        write_deliveries(csv_in, args.rows)
        result = import_file(engine, "deliveries", csv_in)
        if result.problems or result.added != args.rows:
            sys.exit(f"setup failed: {result.problems[:5]}")
        print(f"setup: {args.rows:,} deliveries in {time.perf_counter() - t0:.1f} s")

        floors: list[float] = []
        ours: list[float] = []
        for run in range(args.runs):
            floors.append(time_floor(db_file, work / f"floor-{run}.csv"))
            start = time.perf_counter()
            written = export_table(engine, "deliveries", work / f"ours-{run}.csv")
            ours.append(time.perf_counter() - start)
            assert written == args.rows
            print(f"run {run + 1}: floor {floors[-1]:.3f} s, export_table {ours[-1]:.3f} s")
        exported = work / "ours-0.csv"
        print(f"exported CSV: {exported.stat().st_size / 1e6:.1f} MB")

        if args.xlsx_rows:
            small_db = work / "small.sqlite"
            small = prepare_database(f"sqlite:///{small_db}")
            build_prerequisites(small_db, args.xlsx_rows)
            small_in = work / "small.csv"
            write_deliveries(small_in, args.xlsx_rows)
            import_file(small, "deliveries", small_in)
            start = time.perf_counter()
            export_table(small, "deliveries", work / "small.xlsx")
            took = time.perf_counter() - start
            print(
                f"xlsx: {args.xlsx_rows:,} rows in {took:.2f} s "
                f"({args.xlsx_rows / took:,.0f} rows/s; a million would take "
                f"about {1_000_000 / (args.xlsx_rows / took):.0f} s)"
            )
            small.dispose()
        engine.dispose()

    floor, best = min(floors), min(ours)
    print(f"floor (raw cursor + csv.writer): {floor:.3f} s ({args.rows / floor:,.0f} rows/s)")
    print(f"export_table deliveries:         {best:.3f} s ({args.rows / best:,.0f} rows/s)")
    print(f"ratio={best / floor:.2f} bar={BAR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
