"""Benchmark: plan every brand, and re-run a scenario, over 1,000,000 purchase lines (issue 5).

Floor: `ScoringService.score_all` on the same database, timed in the same run
(planning starts from a scoring run, so this is what planning cannot beat).
Timed against it:

- planning: `plan_portfolio` from scratch, scoring included (what
  `sourcing-app plan` does), over every brand of the demo (200 brands at
  10,000 suppliers; the issue's bar is for 40);
- re-running a scenario against the plan on screen: CBEC withdrawn, the US
  dollar up 10%, freight up 20% and a brand owner lost (one re-priced scoring
  pass plus the planning).

The bar is 2.0x for each; the last line printed is `ratio=<worst> bar=2.0`.

    python tests/benchmarks/bench_planning.py [--db /tmp/planning-bench-1m.sqlite]

The database is built on first use (about 40 s) and reused afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

DEFAULT_DB = "/tmp/planning-bench-1m.sqlite"
AS_OF = dt.date(2026, 11, 27)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=DEFAULT_DB, help="SQLite file, built if missing")
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from sourcing_app.db.migrate import prepare_database
    from sourcing_app.domain.scenarios import Scenario
    from sourcing_app.services.demo import build_demo
    from sourcing_app.services.planning import plan_portfolio
    from sourcing_app.services.scenarios import run_scenario
    from sourcing_app.services.scoring import ScoringService

    path = Path(args.db)
    fresh = not path.exists()
    engine = prepare_database(f"sqlite:///{path}")
    if fresh:
        t = time.perf_counter()
        print(build_demo(engine, suppliers=args.suppliers, lines=args.lines, as_of=AS_OF))
        print(f"built in {time.perf_counter() - t:.1f} s: {path}")

    baseline = plan_portfolio(engine, AS_OF)  # warms the cache; the plan a screen would show
    owner = next(
        line.supplier_code
        for b in baseline.allocation.brands
        for line in b.lines
        if line.vertical and line.units
    )
    scenario = Scenario.from_texts(
        "bench", ["cbec-withdrawn", "currency:USD:+10%", "freight:+20%", f"lose:{owner}"]
    )
    floor_times: list[float] = []
    plan_times: list[float] = []
    scenario_times: list[float] = []
    plan = baseline
    result = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        scores = ScoringService(engine).score_all(AS_OF)
        floor_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        plan = plan_portfolio(engine, AS_OF)
        plan_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = run_scenario(engine, scenario, AS_OF, baseline=baseline)
        scenario_times.append(time.perf_counter() - t)
    floor, planning, rerun = min(floor_times), min(plan_times), min(scenario_times)
    assert result is not None
    brands = len(plan.allocation.brands)
    print(f"score_all (floor): {floor:.3f} s for {len(scores):,} suppliers (best of {args.repeat})")
    print(
        f"plan every brand:  {planning:.3f} s for {brands} brands, "
        f"{sum(b.allocated for b in plan.brands):,} units a month allocated"
    )
    print(
        f"re-run scenario:   {rerun:.3f} s ({' '.join(scenario.texts)}; "
        f"{len(result.standing_changes):,} standings change, "
        f"{len(result.uncovered)} brand(s) lose coverage)"
    )
    plan_ratio, rerun_ratio = planning / floor, rerun / floor
    print(f"planning ratio={plan_ratio:.2f}  scenario ratio={rerun_ratio:.2f}")
    print(f"ratio={max(plan_ratio, rerun_ratio):.2f} bar=2.0")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
