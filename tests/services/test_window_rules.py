"""Two rules of the window worked by hand: a supplier's margin is weighted by what was
ordered from it, and a delivery dated after the evaluation day does not count yet.

The desk is tests/services/rule_desk.py, scored on 2026-06-30. Under CBEC a unit lands
at 1.091 × its CNY price; net revenue is 0.94 × retail.
- AUR-BAG retails at 9,000: quoted 4,000, it lands at 4,364 and nets 8,460;
  margin 4,096, or 4,096 / 8,460 = 48.42%.
- AUR-POUCH retails at 1,091: quoted 940, it lands at 1,025.54 and nets 1,025.54;
  margin exactly 0%.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.services.rule_desk import PRODUCTS, build, delivery, line, quote, score

BAG_MARGIN = 4096 / 8460
POUCH_MARGIN = 0.0
BOTH = (*PRODUCTS, "AUR-POUCH,Aurelle,Aurelle pouch,handbags,1091,0.2")
BOTH_QUOTED = (quote("4000"), quote("940", sku="AUR-POUCH"))


def test_a_suppliers_margin_is_weighted_by_the_quantity_ordered_in_the_window(
    engine: Engine, tmp_path: Path
) -> None:
    """300 bags and 100 pouches were ordered in the window: (300 × 48.42% + 100 × 0%) / 400.

    Bags: 200 due in March and 100 ordered on 20 June, not yet due; both weigh. The
    1,000 pouches ordered on 2025-06-30, exactly 365 days back, are outside the window
    (it starts the day after) and weigh nothing.
    """
    build(
        engine,
        tmp_path,
        products=BOTH,
        quotes=BOTH_QUOTED,
        purchases=(
            line("B1", "2026-03-01", "2026-03-31", qty=200),
            line("B2", "2026-06-20", "2026-07-20", qty=100),
            line("P1", "2026-04-01", "2026-04-30", qty=100, price="940", sku="AUR-POUCH"),
            line("P0", "2025-06-30", "2025-07-30", qty=1000, price="940", sku="AUR-POUCH"),
        ),
    )

    one = score(engine)["S-ONE"]

    assert [float(w.margin_pct) for w in one.sku_margins] == pytest.approx(
        [BAG_MARGIN, POUCH_MARGIN]
    )
    assert one.margin_pct == pytest.approx((300 * BAG_MARGIN + 100 * POUCH_MARGIN) / 400)
    assert round(one.margin_pct, 4) == 0.3631  # 3 / 4 of 48.42%


def test_a_quoted_sku_never_ordered_weighs_nothing_when_others_were(
    engine: Engine, tmp_path: Path
) -> None:
    """Only bags were ordered, so the pouch's 0% does not pull the margin down."""
    build(
        engine,
        tmp_path,
        products=BOTH,
        quotes=BOTH_QUOTED,
        purchases=(line("B1", "2026-03-01", "2026-03-31", qty=200),),
    )

    assert score(engine)["S-ONE"].margin_pct == pytest.approx(BAG_MARGIN)


def test_with_nothing_ordered_each_quoted_sku_weighs_the_same(
    engine: Engine, tmp_path: Path
) -> None:
    """No orders in the window: (48.42% + 0%) / 2 = 24.21%."""
    build(engine, tmp_path, products=BOTH, quotes=BOTH_QUOTED)

    assert score(engine)["S-ONE"].margin_pct == pytest.approx((BAG_MARGIN + POUCH_MARGIN) / 2)


# A1 ordered 01-10, promised 02-10: 100 came 02-09, 2 rejected    lead 30 days, on time
# A2 ordered 03-01, promised 04-01: 100 came 04-05                lead 35 days, late
# A3 ordered 04-01, promised 05-01: 100 came 07-10, 50 rejected   after 30 June
LATE_DESK = {
    "purchases": (
        line("A1", "2026-01-10", "2026-02-10"),
        line("A2", "2026-03-01", "2026-04-01"),
        line("A3", "2026-04-01", "2026-05-01"),
    ),
    "deliveries": (
        delivery("A1", "2026-02-09", 100, rejected=2),
        delivery("A2", "2026-04-05", 100),
        delivery("A3", "2026-07-10", 100, rejected=50),
    ),
}


def test_a_delivery_dated_after_the_evaluation_day_is_ignored(
    engine: Engine, tmp_path: Path
) -> None:
    """On 30 June, A3's bags have not come: the line is due, and counts as nothing delivered.

    fill     (98 + 100 + 0) / 300 = 66%
    on time  (100 + 0 + 0) / 300 = 33.3%   (A1 by 02-12; A2 after 04-03)
    lead     two deliveries, 30 and 35 days: mean 32.5, deviation 2.5; 1 − 2.5 / 32.5
    quality  1 − 2 / 200 = 99%            (A3's 50 rejected are not known yet)
    """
    build(engine, tmp_path, **LATE_DESK)

    subs = score(engine)["S-ONE"].sub_scores

    assert (subs["fill"].raw, subs["fill"].n) == (pytest.approx(198 / 300), 3)
    assert (subs["on_time"].raw, subs["on_time"].n) == (pytest.approx(100 / 300), 3)
    assert (subs["lead_time"].raw, subs["lead_time"].n) == (pytest.approx(1 - 2.5 / 32.5), 2)
    assert (subs["quality"].raw, subs["quality"].n) == (pytest.approx(1 - 2 / 200), 2)


def test_the_same_delivery_counts_once_the_evaluation_day_has_passed_it(
    engine: Engine, tmp_path: Path
) -> None:
    """On 15 July, A3's 100 bags (50 rejected) are in: fill (98 + 100 + 50) / 300,
    quality 1 − 52 / 300, and three deliveries behind lead time and quality."""
    build(engine, tmp_path, **LATE_DESK)

    subs = score(engine, dt.date(2026, 7, 15))["S-ONE"].sub_scores

    assert subs["fill"].raw == pytest.approx(248 / 300)
    assert subs["quality"].raw == pytest.approx(1 - 52 / 300)
    assert (subs["lead_time"].n, subs["quality"].n) == (3, 3)
