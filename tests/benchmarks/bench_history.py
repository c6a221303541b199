"""Benchmark: 12 months of score history for 10,000 suppliers over 1,000,000 lines.

docs/performance.md and docs/score-history.md. Floor: one full scoring run
(`ScoringService.score_all`) of the same file, timed in the same process. The
bar is 4x: the 13 points share one pass over the lines, not 13 runs.

    python tests/benchmarks/bench_history.py [--suppliers 10000] [--lines 1000000] [--db FILE]

The file is built as tests/benchmarks/bench_scoring.py builds it (same demo,
same date); pass that benchmark's --db file to reuse it. The last line
printed is `ratio=X.XX bar=4`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--db", help="reuse this SQLite file if it exists (else build it here)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from sourcing_app.db.migrate import prepare_database
    from sourcing_app.services.demo import build_demo
    from sourcing_app.services.score_history import score_history
    from sourcing_app.services.scoring import ScoringService

    as_of = dt.date(2026, 11, 27)
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.sqlite"
    fresh = not path.exists()
    engine = prepare_database(f"sqlite:///{path}")
    if fresh:
        t = time.perf_counter()
        print(build_demo(engine, suppliers=args.suppliers, lines=args.lines, as_of=as_of))
        print(f"built in {time.perf_counter() - t:.1f} s: {path}")

    floor_times: list[float] = []
    ours_times: list[float] = []
    histories = []
    scores = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        scores = ScoringService(engine).score_all(as_of)
        floor_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        histories = score_history(engine, as_of, args.months)
        ours_times.append(time.perf_counter() - t)
    floor = min(floor_times)
    ours = min(ours_times)
    points = len(histories[0].points) if histories else 0
    print(f"score_all:     {floor:.3f} s for {len(scores)} suppliers (best of {args.repeat})")
    print(
        f"score_history: {ours:.3f} s for {len(histories)} suppliers x {points} points "
        f"(best of {args.repeat})"
    )
    print(f"ratio={ours / floor:.2f} bar=4")
    return 0


if __name__ == "__main__":
    sys.exit(main())
