"""Policy scenarios run on the hand portfolio (tests/services/hand_portfolio.py), by hand.

S-VERT quotes the serum at V = 22 × 7.20 = CNY 158.40, S-COMP at
V = 20 × 7.70 = CNY 154.00 (docs/planning.md).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from sourcing_app.domain.flags import FlagCode
from sourcing_app.domain.scenarios import Scenario
from sourcing_app.services.scenarios import run_scenario
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio


def test_a_lower_limit_flags_the_unit_over_it_as_todays_limit_does(engine: Engine) -> None:
    # Limit CNY 155: 158.40 > 155 → S-VERT's serum goes general trade and is
    # flagged OVER_CBEC_LIMIT naming the scenario's limit; 154.00 is not over it.
    build_hand_portfolio(engine)
    result = run_scenario(engine, Scenario.from_texts("155", ["cbec-limit:155"]), AS_OF)
    before = {s.supplier_code: s for s in result.before.scores}
    after = {s.supplier_code: s for s in result.after.scores}
    assert all(f.code is not FlagCode.OVER_CBEC_LIMIT for s in before.values() for f in s.flags)
    (flag,) = [f for f in after["S-VERT"].flags if f.code is FlagCode.OVER_CBEC_LIMIT]
    assert flag.message == (
        "AUR-SERUM: customs value CNY 158.40 is over the CBEC single-transaction limit of "
        "CNY 155; taxed as general trade"
    )
    assert not [f for f in after["S-COMP"].flags if f.code is FlagCode.OVER_CBEC_LIMIT]
    # Per unit expected: S-VERT 59.95 × 0.815 = 48.86 now ranks below S-COMP
    # 91.55 × 0.675 = 61.80. S-VERT keeps the vertical floor (120) and S-COMP takes
    # its share cap (240); S-VERT the last 40:
    #   160 × 59.95 × 0.815 + 240 × 91.55 × 0.675 = 7,817.48 + 14,831.10 = 22,648.58
    aurelle = result.brand("Aurelle")
    assert [(line.supplier_code, line.units) for line in aurelle.after.lines] == [
        ("S-COMP", 240),
        ("S-VERT", 160),
    ]
    assert str(aurelle.after.expected_margin) == "22648.58"
    assert str(aurelle.before.expected_margin) == "26734.43"


def _set_clearance(engine: Engine, days_by_line: dict[str, int]) -> None:
    with engine.begin() as conn:
        for ref, days in days_by_line.items():
            conn.execute(
                text(
                    "UPDATE delivery SET clearance_days = :d WHERE line_id = "
                    "(SELECT id FROM purchase_line WHERE line_ref = :ref)"
                ),
                {"d": days, "ref": ref},
            )


def test_clearance_plus_2_scores_clearance_again_as_if_every_delivery_took_2_more_days(
    engine: Engine,
) -> None:
    # S-VERT cleared everything in 2 days (L1, L2); S-COMP in 1 day (both M1
    # deliveries). Target 3 days, m = 5, two deliveries each.
    #   today:        S-VERT 2/2 = 100% raw, S-COMP 100%; prior 1.0; both shrunk 1.0
    #   clearance:+2: S-VERT 4 > 3 → 0% raw; S-COMP 3 ≤ 3 → 100%; prior 0.5;
    #                 S-VERT (2 × 0 + 5 × 0.5) / 7 = 0.357143,
    #                 S-COMP (2 × 1 + 5 × 0.5) / 7 = 0.642857.
    # Stability moves by the clearance weight, 10 of 100:
    #   S-VERT 10 × (1 − 0.357143) = 6.43 points down; S-COMP 3.57 down.
    build_hand_portfolio(engine)
    _set_clearance(engine, {"L1": 2, "L2": 2, "M1": 1})
    result = run_scenario(engine, Scenario.from_texts("slow", ["clearance:+2"]), AS_OF)
    before = {s.supplier_code: s for s in result.before.scores}
    after = {s.supplier_code: s for s in result.after.scores}
    clear = {code: s.sub_scores["clearance"] for code, s in after.items()}
    assert [(b.sub_scores["clearance"].raw, b.sub_scores["clearance"].value)
            for b in before.values()] == [(1.0, 1.0), (1.0, 1.0)]  # fmt: skip
    assert (clear["S-VERT"].raw, clear["S-VERT"].n) == (0.0, 2)
    assert round(clear["S-VERT"].value, 6) == 0.357143
    assert (clear["S-COMP"].raw, round(clear["S-COMP"].value, 6)) == (1.0, 0.642857)
    for code, fall in (("S-VERT", 6.43), ("S-COMP", 3.57)):
        moved = before[code].stability_score - after[code].stability_score
        assert round(moved, 2) == fall
        # Only clearance moved: every other sub-score is the same.
        for key, sub in before[code].sub_scores.items():
            if key != "clearance":
                assert after[code].sub_scores[key].value == sub.value
    # No price moved: margins are the same.
    assert [s.margin_pct for s in result.after.scores] == [
        s.margin_pct for s in result.before.scores
    ]


def test_slower_customs_raises_customs_delay_exactly_past_the_hold(engine: Engine) -> None:
    # L2 (delivered 2026-04-05, inside the last 90 days) cleared in 2 days; the
    # hold is 10. clearance:+8 → 2 + 8 = 10, not more than 10: no flag.
    # clearance:+9 → 11 > 10: CUSTOMS_DELAY. L1 (02-09) is older than 90 days.
    build_hand_portfolio(engine)
    _set_clearance(engine, {"L1": 2, "L2": 2, "M1": 1})
    for n, flagged in ((8, False), (9, True)):
        scenario = Scenario.from_texts("slow", [f"clearance:+{n}"])
        result = run_scenario(engine, scenario, AS_OF)
        vert = next(s for s in result.after.scores if s.supplier_code == "S-VERT")
        codes = [f.code for f in vert.flags]
        assert (FlagCode.CUSTOMS_DELAY in codes) is flagged, n
        comp = next(s for s in result.after.scores if s.supplier_code == "S-COMP")
        assert FlagCode.CUSTOMS_DELAY not in [f.code for f in comp.flags]  # M1 is older
