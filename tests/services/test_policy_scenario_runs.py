"""Policy scenarios run on the hand portfolio (tests/services/hand_portfolio.py), by hand.

S-VERT quotes the serum at V = 22 × 7.20 = CNY 158.40, S-COMP at
V = 20 × 7.70 = CNY 154.00 (docs/planning.md).
"""

from __future__ import annotations

from sqlalchemy import Engine

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
