"""Benchmark: a single edit, saved, within 20 ms at the 95th percentile (docs/performance.md).

One "edit" is what Save in a form does: `EditingService.edit` checks every field
with the importer's rules (references, natural keys, cross-field rules), checks
the version, writes the row, writes the audit entry, and commits. It is run on
a large demo file (10,000 suppliers, 1,000,000 purchase lines) over a mix of
purchase lines, deliveries and suppliers picked at random.

Floor, timed in the same run on the same file: the least any audited save can
do, raw sqlite3 `UPDATE ... WHERE id = ? AND version = ?` plus one `INSERT INTO
audit_entry` and a commit. It is printed for scale.

The bar is absolute, not relative: docs/performance.md asks for at most 20 ms at p95.
So the last line is `ratio=<p95 in ms / 20> bar=1.0`: a ratio of 1.0 or less
meets it.

    python tests/benchmarks/bench_edit.py [--db FILE] [--edits 600]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BAR_MS = 20.0


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", help="reuse this SQLite file if it exists (else build it here)")
    parser.add_argument("--edits", type=int, default=600)
    args = parser.parse_args()

    from sourcing_app.db.migrate import prepare_database
    from sourcing_app.services.demo import build_demo
    from sourcing_app.services.editing import EditingService
    from sourcing_app.services.scoring import ScoringService

    as_of = dt.date(2026, 11, 27)
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.sqlite"
    fresh = not path.exists()
    engine = prepare_database(f"sqlite:///{path}")
    if fresh:
        t = time.perf_counter()
        print(build_demo(engine, suppliers=args.suppliers, lines=args.lines, as_of=as_of))
        print(f"built in {time.perf_counter() - t:.1f} s: {path}")

    rng = random.Random(20261127)
    with engine.connect() as conn:
        lines = conn.exec_driver_sql("SELECT COUNT(*), MAX(id) FROM purchase_line").one()
        suppliers = [r[0] for r in conn.exec_driver_sql("SELECT id FROM supplier")]
        deliveries = conn.exec_driver_sql("SELECT MAX(id) FROM delivery").scalar()
    print(f"file: {path} ({lines[0]:,} purchase lines, {len(suppliers):,} suppliers)")

    service = EditingService(engine, who=lambda: "bench")
    raw = engine.raw_connection()
    cursor = raw.cursor()

    def floor_edit(line_id: int) -> None:
        version = cursor.execute(
            "SELECT version FROM purchase_line WHERE id = ?", (line_id,)
        ).fetchone()[0]
        cursor.execute(
            "UPDATE purchase_line SET ordered_qty = ordered_qty + 1, version = version + 1 "
            "WHERE id = ? AND version = ?",
            (line_id, version),
        )
        cursor.execute(
            "INSERT INTO audit_entry (at, who, entity, entity_key, action, changes) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" "),
                "bench",
                "purchase",
                str(line_id),
                "edited",
                json.dumps({"fields": {"ordered_qty": [1, 2]}}),
            ),
        )
        raw.commit()

    def our_edit(kind: str) -> None:
        if kind == "purchase":
            row = service.load("purchase", rng.randint(1, lines[1]))
            service.edit(
                "purchase", row["id"], row["version"], {"ordered_qty": row["ordered_qty"] + 1}
            )
        elif kind == "delivery":
            row = service.load("delivery", rng.randint(1, deliveries))
            service.edit(
                "delivery",
                row["id"],
                row["version"],
                {"clearance_days": (row["clearance_days"] or 0) + 1},
            )
        else:
            row = service.load("supplier", rng.choice(suppliers))
            service.edit(
                "supplier",
                row["id"],
                row["version"],
                {"monthly_capacity": (row["monthly_capacity"] or 0) + 10},
            )

    kinds = ["purchase"] * 3 + ["delivery"] * 2 + ["supplier"]
    for _ in range(20):  # warm the caches of both paths alike
        floor_edit(rng.randint(1, lines[1]))
        our_edit(rng.choice(kinds))

    floor_ms: list[float] = []
    ours_ms: list[float] = []
    for _ in range(args.edits):  # interleaved, so machine noise hits both alike
        line_id = rng.randint(1, lines[1])
        t = time.perf_counter()
        floor_edit(line_id)
        floor_ms.append((time.perf_counter() - t) * 1000)
        kind = rng.choice(kinds)
        t = time.perf_counter()
        our_edit(kind)  # load() is what opening the form costs; it is timed too
        ours_ms.append((time.perf_counter() - t) * 1000)
    raw.close()

    scoring = ScoringService(engine)
    t = time.perf_counter()
    scoring.score_all(as_of)
    print(f"(full score for the re-score check: {time.perf_counter() - t:.1f} s)")
    rescored: list[float] = []
    for _ in range(100):
        supplier_id = rng.choice(suppliers)
        t = time.perf_counter()
        scoring.rescore_supplier(supplier_id)
        rescored.append((time.perf_counter() - t) * 1000)

    print(
        f"floor (raw UPDATE + audit INSERT + commit): median {statistics.median(floor_ms):.2f} ms, "
        f"p95 {p95(floor_ms):.2f} ms over {len(floor_ms)}"
    )
    print(
        f"edit saved (load, check, write, audit, commit): median {statistics.median(ours_ms):.2f} "
        f"ms, p95 {p95(ours_ms):.2f} ms over {len(ours_ms)} "
        f"({p95(ours_ms) / p95(floor_ms):.1f}x the floor's p95)"
    )
    print(
        f"then re-scoring the supplier alone: median {statistics.median(rescored):.2f} ms, "
        f"p95 {p95(rescored):.2f} ms (its own bar: 5 ms)"
    )
    print(f"ratio={p95(ours_ms) / BAR_MS:.2f} bar=1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
