"""Score history: every point equals a full scoring run at its date (docs/score-history.md).

The history reads the lines once, bucketed by the points' dates; the full run
reads them afresh for each date. The two must agree figure for figure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.domain.enums import Standing
from sourcing_app.services.demo import build_demo
from sourcing_app.services.score_history import month_end_points, score_history
from sourcing_app.services.scoring import ScoringService
from tests.services.rule_desk import build, delivery, line

DEMO_AS_OF = dt.date(2026, 11, 27)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-9


def _mismatches(engine: Engine, as_of: dt.date, months: int) -> tuple[list[str], list]:
    """Every figure of every point that differs from score_all at that date, in words."""
    histories = score_history(engine, as_of, months)
    service = ScoringService(engine)
    wrong: list[str] = []
    for i, day in enumerate(month_end_points(as_of, months)):
        full = {s.supplier_id: s for s in service.score_all(day)}
        assert len(full) == len(histories)
        for h in histories:
            point, score = h.points[i], full[h.supplier_id]
            assert point.as_of == day
            figures = ("sourcing_score", "margin_score", "stability_score", "confidence")
            for name in figures:
                if not _same(getattr(point, name), getattr(score, name)):
                    wrong.append(f"{day} {h.supplier_code} {name}")
            if point.standing is not score.standing:
                wrong.append(f"{day} {h.supplier_code} standing")
            assert set(point.sub_scores) == set(score.sub_scores)
            for key, sub in score.sub_scores.items():
                if not _same(point.sub_scores[key], sub.value):
                    wrong.append(f"{day} {h.supplier_code} {key}")
    return wrong, histories


@pytest.fixture
def demo(engine: Engine) -> Engine:
    """The demo portfolio (200 suppliers), with returns after sale added: every 40th line
    has 3 units sent back damaged (scored) 20 days after its promised date, and every
    70th 2 units sent back late (not scored)."""
    build_demo(engine, as_of=DEMO_AS_OF)
    with engine.begin() as conn:
        for step, reason, units in ((40, "damaged", 3), (70, "late", 2)):
            conn.execute(
                text(
                    "INSERT INTO sale_return (line_id, return_date, returned_qty, reason, version) "
                    "SELECT id, promised_date + 20, :units, :reason, 1 FROM purchase_line "
                    "WHERE id % :step = 0"
                ),
                {"units": units, "reason": reason, "step": step},
            )
    return engine


def test_every_point_of_a_year_equals_the_full_run_at_its_date(demo: Engine) -> None:
    wrong, histories = _mismatches(demo, DEMO_AS_OF, 12)

    assert wrong == []
    assert len(histories) == 200 and all(len(h.points) == 13 for h in histories)
    # Some supplier had no quote valid at the early points and has one later: its early
    # points carry no margin or sourcing score (Unrated), as score --as-of says then.
    late_quoted = [
        h
        for h in histories
        if h.points[0].margin_score is None and h.points[-1].margin_score is not None
    ]
    assert late_quoted
    assert late_quoted[0].points[0].standing is Standing.UNRATED
    # The returns count: some point's quality is below what rejections alone would give.
    assert any(p.sub_scores["quality"] < 1 for h in histories for p in h.points)


def test_a_corrected_delivery_changes_the_past_points(demo: Engine) -> None:
    """Nothing is stored: a delivery corrected today changes the points of last spring."""
    as_of = DEMO_AS_OF
    before = {h.supplier_code: h for h in score_history(demo, as_of, 12)}
    with demo.begin() as conn:
        # The supplier's deliveries of early 2026 turn out to have been all rejected.
        supplier_id = conn.execute(
            text("SELECT id FROM supplier WHERE code = 'SUP-0002'")
        ).scalar_one()
        conn.execute(
            text(
                "UPDATE delivery SET rejected_qty = delivered_qty WHERE line_id IN ("
                "SELECT l.id FROM purchase_line l JOIN channel c ON c.id = l.channel_id "
                "WHERE c.supplier_id = :sid) AND delivered_date <= :last"
            ).bindparams(),
            {"sid": supplier_id, "last": (dt.date(2026, 3, 31) - dt.date(1970, 1, 1)).days},
        )
    wrong, histories = _mismatches(demo, as_of, 12)
    assert wrong == []
    after = {h.supplier_code: h for h in histories}
    # Points from 2026-03-31 on: the fill fell (each supplier keeps its own figures).
    march = month_end_points(as_of, 12).index(dt.date(2026, 3, 31))
    assert (
        after["SUP-0002"].points[march].sub_scores["fill"]
        < before["SUP-0002"].points[march].sub_scores["fill"]
    )


def test_a_late_delivery_ages_out_of_the_window_at_a_month_end(
    engine: Engine, tmp_path: Path
) -> None:
    """S-ONE's only late delivery is on A1, ordered 2025-05-01 (promised 06-01, came 06-20).

    At 2026-04-30 the window is (2025-04-30, 2026-04-30]: A1 and A2 are in.
      on time = 100 on time (A2) / 200 ordered = 50%, over 2 due lines;
      one supplier, so the prior is its own 50%: shrunk (2 × 50% + 5 × 50%) / 7 = 50%.
      confidence 2 / (2 + 5) = 0.2857.
    At 2026-05-31 the window is (2025-05-31, 2026-05-31]: A1 ordered 05-01 is out.
      on time = 100 / 100 = 100% over 1 line; prior 100%: 100%. confidence 1 / 6.
    """
    build(
        engine,
        tmp_path,
        quotes=("S-ONE,AUR-BAG,4000,CNY,DDP,1,30,0,0,2025-01-01,",),
        purchases=(
            line("A1", "2025-05-01", "2025-06-01"),
            line("A2", "2025-08-01", "2025-09-01"),
        ),
        deliveries=(delivery("A1", "2025-06-20"), delivery("A2", "2025-08-30")),
    )

    [one] = score_history(engine, dt.date(2026, 6, 30), 2)

    assert [p.as_of for p in one.points] == [
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
        dt.date(2026, 6, 30),
    ]
    on_time = [p.sub_scores["on_time"] for p in one.points]
    assert on_time == pytest.approx([0.5, 1.0, 1.0])
    assert [p.confidence for p in one.points] == pytest.approx([2 / 7, 1 / 6, 1 / 6])
    wrong, _histories = _mismatches(engine, dt.date(2026, 6, 30), 2)
    assert wrong == []


def test_a_delivery_after_a_point_counts_only_from_the_next_one(
    engine: Engine, tmp_path: Path
) -> None:
    """B1 (100 units, promised 2026-03-01) came in two parts: 60 on 03-02 and 40 on 04-10.

    At 2026-03-31 only the first part is dated by the point: fill 60 / 100 = 60%.
    At 2026-04-30 both: 100 / 100 = 100% (one supplier: the prior is its own value).
    """
    build(
        engine,
        tmp_path,
        purchases=(line("B1", "2026-02-01", "2026-03-01"),),
        deliveries=(delivery("B1", "2026-03-02", 60), delivery("B1", "2026-04-10", 40)),
    )

    [one] = score_history(engine, dt.date(2026, 4, 30), 1)

    assert [p.sub_scores["fill"] for p in one.points] == pytest.approx([0.6, 1.0])
    wrong, _histories = _mismatches(engine, dt.date(2026, 4, 30), 1)
    assert wrong == []


def test_month_ends_are_strictly_before_the_evaluation_date() -> None:
    assert month_end_points(dt.date(2026, 3, 31), 2) == [
        dt.date(2026, 1, 31),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
    ]
