"""Score history on the team database: each point equals `score_all` of its date there too.

The history's statements have PostgreSQL forms of their own (native dates,
GREATEST, a plain JOIN, MOD for the connections' shares), so they are held
against a full scoring run on a real PostgreSQL server, figure for figure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from sourcing_app.services.demo import build_demo
from sourcing_app.services.score_history import score_history
from sourcing_app.services.scoring import ScoringService

AS_OF = dt.date(2026, 11, 27)


def _close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-9)


def test_every_point_on_postgresql_equals_a_scoring_run_of_its_date(pg_engine: Engine) -> None:
    build_demo(pg_engine, suppliers=60, lines=6_000, as_of=AS_OF)
    histories = score_history(pg_engine, AS_OF, months=4)
    assert len(histories) == 60 and all(len(h.points) == 5 for h in histories)

    service = ScoringService(pg_engine)
    for i, day in enumerate(p.as_of for p in histories[0].points):
        scored = {s.supplier_code: s for s in service.score_all(day)}
        for history in histories:
            point, score = history.points[i], scored[history.supplier_code]
            assert point.standing == score.standing, (history.supplier_code, day)
            assert _close(point.sourcing_score, score.sourcing_score)
            assert _close(point.margin_score, score.margin_score)
            assert _close(point.stability_score, score.stability_score)
            assert _close(point.confidence, score.confidence)
            assert point.sub_scores.keys() == score.sub_scores.keys()
            for key, sub in score.sub_scores.items():
                assert _close(point.sub_scores[key], sub.value), (history.supplier_code, day, key)
