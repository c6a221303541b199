"""Benchmark: score 10,000 suppliers over 1,000,000 purchase lines (docs/performance.md).

Floor: one hand-written SQL GROUP BY over the same file: every purchase line
joined to its deliveries and summed per supplier (counts, quantities, lead
days and prices with their squares), run raw through sqlite3 as a full scan,
its fastest plan. It is timed in the same run. The bar is 1.5x. Also reports
the re-score of one supplier after an edit (bar 5 ms).

    python tests/benchmarks/bench_scoring.py [--suppliers 10000] [--lines 1000000]
    python tests/benchmarks/bench_scoring.py --db postgresql+psycopg://user@host/dbname

With a PostgreSQL URL (the team database) the floor is the same GROUP BY over
the evaluation window, sent raw through the same engine's driver, and the bar
is 2x: PostgreSQL's GROUP BY is fast, so here the Python side of a run shows.
An empty PostgreSQL database is filled with the demo first.

The last line printed is `ratio=X.XX bar=1.5` (`bar=2` on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

FLOOR_SQL = """
SELECT c.supplier_id,
       COUNT(*), SUM(l.ordered_qty), SUM(d.delivered_qty), SUM(d.rejected_qty),
       SUM(d.delivered_date - l.order_date),
       SUM((d.delivered_date - l.order_date) * (d.delivered_date - l.order_date)),
       SUM(l.unit_price * l.fx_rate), SUM(l.unit_price * l.fx_rate * l.unit_price * l.fx_rate)
FROM purchase_line l NOT INDEXED
JOIN channel c ON c.id = l.channel_id
LEFT JOIN delivery d ON d.line_id = l.id
GROUP BY c.supplier_id
"""

# The same sums on PostgreSQL over the evaluation window (native DATE columns:
# `date - date` is a whole number of days), in its best plan.
PG_FLOOR_SQL = """
SELECT c.supplier_id,
       COUNT(*), SUM(l.ordered_qty), SUM(d.delivered_qty), SUM(d.rejected_qty),
       SUM(d.delivered_date - l.order_date),
       SUM((d.delivered_date - l.order_date) * (d.delivered_date - l.order_date)),
       SUM(l.unit_price * l.fx_rate), SUM(l.unit_price * l.fx_rate * l.unit_price * l.fx_rate)
FROM purchase_line l
JOIN channel c ON c.id = l.channel_id
LEFT JOIN delivery d ON d.line_id = l.id
WHERE l.order_date > %(start)s AND l.order_date <= %(as_of)s
GROUP BY c.supplier_id
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument(
        "--db",
        help="reuse this SQLite file if it exists (else build it here), "
        "or a postgresql:// URL (filled with the demo when empty)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from sourcing_app.db.migrate import prepare_database
    from sourcing_app.services.demo import build_demo
    from sourcing_app.services.scoring import ScoringService

    as_of = dt.date(2026, 11, 27)
    postgres = bool(args.db) and args.db.startswith("postgresql")
    if postgres:
        url = args.db
        engine = prepare_database(url)
        with engine.connect() as conn:
            fresh = not conn.exec_driver_sql("SELECT 1 FROM purchase_line LIMIT 1").first()
        where = url
    else:
        path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.sqlite"
        fresh = not path.exists()
        engine = prepare_database(f"sqlite:///{path}")
        where = str(path)
    if fresh:
        t = time.perf_counter()
        print(build_demo(engine, suppliers=args.suppliers, lines=args.lines, as_of=as_of))
        print(f"built in {time.perf_counter() - t:.1f} s: {where}")
    if postgres:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")

    # The floor runs on a connection from the same engine: same pragmas, same cache.
    raw = engine.raw_connection()
    floor_sql, floor_params = FLOOR_SQL, ()
    if postgres:
        from sourcing_app.domain.settings import ScoringSettings

        window = dt.timedelta(days=ScoringSettings().window_days)
        floor_sql, floor_params = PG_FLOOR_SQL, {"start": as_of - window, "as_of": as_of}
    service = ScoringService(engine)
    floor_times: list[float] = []
    ours_times: list[float] = []
    scores = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        cursor = raw.cursor()
        cursor.execute(floor_sql, floor_params)
        rows = cursor.fetchall()
        floor_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        scores = service.score_all(as_of)
        ours_times.append(time.perf_counter() - t)
    floor = min(floor_times)
    ours = min(ours_times)
    print(f"floor GROUP BY: {floor:.3f} s for {len(rows)} suppliers (best of {args.repeat})")
    print(f"score_all:      {ours:.3f} s for {len(scores)} suppliers (best of {args.repeat})")

    supplier_id = scores[len(scores) // 2].supplier_id
    rescore: list[float] = []
    for _ in range(50):
        t = time.perf_counter()
        service.rescore_supplier(supplier_id)
        rescore.append(time.perf_counter() - t)
    print(
        f"re-score one supplier: median {statistics.median(rescore) * 1000:.2f} ms, "
        f"max {max(rescore) * 1000:.2f} ms (bar 5 ms)"
    )
    print(f"ratio={ours / floor:.2f} bar={'2' if postgres else '1.5'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
