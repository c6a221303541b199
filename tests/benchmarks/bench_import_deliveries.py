"""Benchmark: import 1,000,000 delivery rows from CSV (docs/performance.md).

Bar: import_file(engine, "deliveries", path) takes at most 2x the floor, where
the floor is csv.reader over the same file plus raw sqlite3 executemany of the
raw rows into a same-shaped plain table, committed, in a fresh file database
with the same pragmas (WAL, synchronous NORMAL).

Setup is not timed: the migrated database, its prerequisite rows (a few hundred
suppliers, brands, products and channels, one purchase line per delivery, all
through raw executemany) and the CSV file. Each side runs twice and the best
time counts; the import always goes into an empty delivery table, since a
second import of the same file would be the (different) update path.

Run:  python tests/benchmarks/bench_import_deliveries.py [--rows N] [--runs K]
The last line printed is exactly `ratio=X.XX bar=2.0`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.db.migrate import prepare_database
from sourcing_app.db.types import day_number
from sourcing_app.services.importing import import_file

BAR = 2.0
SUPPLIERS = 300
FIRST_ORDER = dt.date(2024, 1, 1)


def build_prerequisites(db_file: Path, rows: int) -> None:
    """Everything a delivery refers to, inserted the fast way (raw executemany)."""
    conn = sqlite3.connect(db_file)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "INSERT INTO tax_category (id, name, tariff, consumption_tax, vat, postal_rate, "
            "version) VALUES (1, 'General goods', 0, 0, 0.13, 0.13, 1)"
        )
        ids = range(1, SUPPLIERS + 1)
        conn.executemany(
            "INSERT INTO supplier (id, code, name, country, kind, contact, notes, "
            "monthly_capacity, archived, version) VALUES (?, ?, ?, 'JP', 'trader', '', '', "
            "NULL, 0, 1)",
            [(i, f"S{i:04d}", f"Supplier {i}") for i in ids],
        )
        conn.executemany(
            "INSERT INTO brand (id, name, origin_country, category, hot_selling, "
            "planned_monthly_demand, target_retail_price, archived, version) "
            "VALUES (?, ?, 'JP', 'cosmetics', 0, 1000, NULL, 0, 1)",
            [(i, f"Brand {i}") for i in ids],
        )
        conn.executemany(
            "INSERT INTO product (id, sku, brand_id, name, tax_category_id, retail_price, "
            "unit_weight_kg, archived, version) VALUES (?, ?, ?, ?, 1, 199.0, NULL, 0, 1)",
            [(i, f"SKU-{i:04d}", i, f"Product {i}") for i in ids],
        )
        conn.executemany(
            "INSERT INTO channel (id, supplier_id, brand_id, tier, authorization_ref, "
            "authorized_until, contract_start, contract_end, exclusive, active, version) "
            "VALUES (?, ?, ?, 1, '', NULL, NULL, NULL, 0, 1, 1)",
            [(i, i, i) for i in ids],
        )
        first = day_number(FIRST_ORDER)
        conn.executemany(
            "INSERT INTO purchase_line (id, line_ref, channel_id, product_id, order_date, "
            "promised_date, ordered_qty, unit_price, currency, fx_rate, regime, version) "
            "VALUES (?, ?, ?, ?, ?, ?, 100, 12.5, 'USD', 7.1, 'cbec', 1)",
            (
                (
                    i,
                    f"PO-{i:07d}",
                    i % SUPPLIERS + 1,
                    i % SUPPLIERS + 1,
                    first + i % 600,
                    first + i % 600 + 14,
                )
                for i in range(1, rows + 1)
            ),
        )
        conn.commit()
    finally:
        conn.close()


def write_deliveries(path: Path, rows: int) -> None:
    """One delivery per purchase line, 5-20 days after its order, ~2% with rejections."""
    rng = random.Random(20261127)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["line_ref", "delivered_date", "delivered_qty", "rejected_qty", "clearance_days"]
        )
        for i in range(1, rows + 1):
            delivered = FIRST_ORDER + dt.timedelta(days=i % 600 + rng.randint(5, 20))
            qty = rng.randint(80, 100)
            rejected = rng.randint(1, 5) if rng.random() < 0.02 else 0
            writer.writerow(
                [f"PO-{i:07d}", delivered.isoformat(), qty, rejected, rng.randint(1, 9)]
            )


def time_floor(csv_path: Path, work: Path, run: int) -> float:
    db_file = work / f"floor-{run}.sqlite"
    conn = sqlite3.connect(db_file)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE delivery_floor (line_ref TEXT, delivered_date TEXT, "
            "delivered_qty INT, rejected_qty INT, clearance_days INT)"
        )
        conn.commit()
        start = time.perf_counter()
        with csv_path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            conn.executemany("INSERT INTO delivery_floor VALUES (?, ?, ?, ?, ?)", reader)
        conn.commit()
        return time.perf_counter() - start
    finally:
        conn.close()


def time_import(engine: Engine, csv_path: Path, db_file: Path, rows: int) -> float:
    conn = sqlite3.connect(db_file)
    try:
        conn.execute("DELETE FROM delivery")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    start = time.perf_counter()
    result = import_file(engine, "deliveries", csv_path)
    elapsed = time.perf_counter() - start
    if result.problems or result.added != rows:
        shown = "\n".join(str(p) for p in result.problems[:10])
        sys.exit(f"the import did not go in whole: {result}\n{shown}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=2, help="best of this many runs per side")
    parser.add_argument("--profile", action="store_true", help="cProfile one import")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        db_file = work / "sourcing.sqlite"
        csv_path = work / "deliveries.csv"
        t0 = time.perf_counter()
        engine = prepare_database(f"sqlite:///{db_file}")
        build_prerequisites(db_file, args.rows)
        write_deliveries(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(
            f"setup: {args.rows:,} purchase lines and a {size_mb:.1f} MB CSV "
            f"in {time.perf_counter() - t0:.1f} s"
        )

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            time_import(engine, csv_path, db_file, args.rows)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)

        floors: list[float] = []
        imports: list[float] = []
        for run in range(args.runs):
            floors.append(time_floor(csv_path, work, run))
            imports.append(time_import(engine, csv_path, db_file, args.rows))
            print(f"run {run + 1}: floor {floors[-1]:.3f} s, import_file {imports[-1]:.3f} s")
        engine.dispose()

    floor, ours = min(floors), min(imports)
    print(f"floor (csv.reader + raw executemany): {floor:.3f} s ({args.rows / floor:,.0f} rows/s)")
    print(f"import_file deliveries:              {ours:.3f} s ({args.rows / ours:,.0f} rows/s)")
    print(f"ratio={ours / floor:.2f} bar={BAR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
