"""Each risk flag just on and just off, on a desk small enough to check by hand.

The desk is tests/services/rule_desk.py: Aurelle bags priced in CNY, tax
category "handbags" (tariff 10%, consumption tax 0, VAT 13%), scored on
2026-06-30 with the default settings. The rules are in
docs/standings-and-flags.md; each test names the edge it pins.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.domain.enums import Regime, Standing
from sourcing_app.domain.flags import FlagCode
from tests.services.rule_desk import build, delivery, flags, line, message, quote, score

# --- an authorization on an active channel: 0 to 60 days left, or already expired ------

DISTRIBUTOR = ("S-DIST,Lumiere Distribution SARL,FR,authorized_distributor,5000,,",)


def _distributor(until: str) -> tuple[str, ...]:
    return (f"S-DIST,Aurelle,1,AUTH-7,{until},,,false,true",)


@pytest.mark.parametrize(
    ("until", "flag", "words", "channel_value"),
    [
        ("2026-08-29", FlagCode.AUTH_EXPIRING, "expires on 29 Aug 2026 (60 days left)", 1.0),
        ("2026-08-30", None, "", 1.0),
        ("2026-06-30", FlagCode.AUTH_EXPIRING, "expires on 30 Jun 2026 (0 days left)", 1.0),
        ("2026-06-29", FlagCode.AUTH_EXPIRED, "expired on 29 Jun 2026 (1 day ago)", 0.7),
    ],
    ids=["60 days left: on", "61 days left: off", "ends today: on", "ended yesterday: expired"],
)
def test_an_authorization_is_flagged_from_60_days_before_it_ends(
    engine: Engine,
    tmp_path: Path,
    until: str,
    flag: FlagCode | None,
    words: str,
    channel_value: float,
) -> None:
    """On 2026-06-30, 2026-08-29 is 60 days away (1 + 31 + 28) and 2026-08-30 is 61.

    An authorization still valid on the day keeps the tier-1 channel vertical (1.0);
    one that ended the day before makes it composite (0.7) at once.
    """
    build(
        engine,
        tmp_path,
        suppliers=DISTRIBUTOR,
        channels=_distributor(until),
        quotes=(quote("4000", supplier="S-DIST"),),
    )

    dist = score(engine)["S-DIST"]

    auth = flags(dist) & {FlagCode.AUTH_EXPIRING, FlagCode.AUTH_EXPIRED}
    assert auth == ({flag} if flag else set())
    if flag:
        assert words in message(dist, flag)
    assert dist.sub_scores["channel"].value == channel_value


# --- a unit price up more than 10% over 90 days -----------------------------------------
# "Recent" is the 90 days (2026-04-01, 2026-06-30]; "before" the 90 days before that,
# (2026-01-01, 2026-04-01]. Each is the mean home-currency price of the lines ordered then.


@pytest.mark.parametrize(
    ("recent_price", "spike"),
    [("4400", False), ("4400.01", True)],
    ids=["exactly 10% more: off", "a cent over 10%: on"],
)
def test_a_price_rise_must_be_more_than_10_percent_over_90_days(
    engine: Engine, tmp_path: Path, recent_price: str, spike: bool
) -> None:
    """CNY 4,000 in March; 4,400 in May is exactly 10% up, 4,400.01 just over."""
    build(
        engine,
        tmp_path,
        purchases=(
            line("A1", "2026-03-01", "2026-03-31", price="4000"),
            line("A2", "2026-05-01", "2026-05-31", price=recent_price),
        ),
    )

    one = score(engine)["S-ONE"]

    assert (FlagCode.PRICE_SPIKE in flags(one)) is spike
    if spike:
        assert message(one, FlagCode.PRICE_SPIKE) == (
            "AUR-BAG: unit price up 10% over 90 days, CNY 4,000.00 → 4,400.01 on average"
        )


def test_a_line_ordered_exactly_90_days_ago_counts_as_before_not_recent(
    engine: Engine, tmp_path: Path
) -> None:
    """2026-04-01 is 90 days before 2026-06-30: it closes the "before" period.

    With both lines in the "before" period nothing is recent, so nothing can spike,
    however far the price moved.
    """
    build(
        engine,
        tmp_path,
        purchases=(
            line("A1", "2026-03-01", "2026-03-31", price="4000"),
            line("A2", "2026-04-01", "2026-05-01", price="6000"),
        ),
    )

    assert FlagCode.PRICE_SPIKE not in flags(score(engine)["S-ONE"])


# --- no delivery for 180 days ----------------------------------------------------------
# The code counts whole days and flags at 180 or more: 180 days without a delivery is
# enough. 2026-01-01 is 180 days before 2026-06-30 (31 + 28 + 31 + 30 + 31 + 29).


@pytest.mark.parametrize(
    ("delivered_on", "stale"),
    [("2026-01-01", True), ("2026-01-02", False)],
    ids=["last delivery 180 days ago: on", "179 days ago: off"],
)
def test_a_supplier_is_stale_after_180_days_without_a_delivery(
    engine: Engine, tmp_path: Path, delivered_on: str, stale: bool
) -> None:
    build(
        engine,
        tmp_path,
        purchases=(line("A1", "2025-11-01", "2025-12-31"),),
        deliveries=(delivery("A1", delivered_on),),
    )

    one = score(engine)["S-ONE"]

    assert (FlagCode.STALE in flags(one)) is stale
    if stale:
        assert message(one, FlagCode.STALE) == "no delivery for 180 days (last on 1 Jan 2026)"


@pytest.mark.parametrize(
    ("first_order", "stale"),
    [("2026-01-01", True), ("2026-01-02", False)],
    ids=["first order 180 days ago, nothing came: on", "179 days ago: off"],
)
def test_a_supplier_that_never_delivered_is_stale_180_days_after_the_first_order(
    engine: Engine, tmp_path: Path, first_order: str, stale: bool
) -> None:
    build(engine, tmp_path, purchases=(line("A1", first_order, "2026-02-15"),))

    one = score(engine)["S-ONE"]

    assert (FlagCode.STALE in flags(one)) is stale
    if stale:
        assert message(one, FlagCode.STALE).startswith("no delivery in the 180 days since")


# --- the CBEC single-transaction limit: CNY 5,000 -----------------------------------------


@pytest.mark.parametrize(
    ("price", "regime", "landed", "over"),
    [
        # 5,000 + 0.7 × 13% × 5,000 = 5,000 + 455 = 5,455.00
        ("5000", Regime.CBEC, D("5455.00"), False),
        # duty 10% = 500.001; VAT 13% of 5,500.011 = 715.00143; 6,215.01243
        ("5000.01", Regime.GENERAL, D("6215.01"), True),
    ],
    ids=["exactly CNY 5,000: CBEC, no flag", "CNY 5,000.01: general trade and flagged"],
)
def test_a_unit_over_the_cbec_limit_is_taxed_as_general_trade_and_flagged(
    engine: Engine, tmp_path: Path, price: str, regime: Regime, landed: D, over: bool
) -> None:
    """One cent over the limit costs the buyer CNY 760 a bag in taxes."""
    build(engine, tmp_path, quotes=(quote(price),))

    one = score(engine)["S-ONE"]

    [walk] = one.sku_margins
    assert walk.customs_value == D(price)
    assert walk.regime is regime
    assert walk.landed.quantize(D("0.01")) == landed
    assert (FlagCode.OVER_CBEC_LIMIT in flags(one)) is over
    if over:
        assert message(one, FlagCode.OVER_CBEC_LIMIT) == (
            "AUR-BAG: customs value CNY 5,000.01 is over the CBEC single-transaction limit "
            "of CNY 5,000; taxed as general trade"
        )


# --- a fill rate that fell more than 10 points against the previous window -----------------
# Previous window: lines ordered (2024-06-30, 2025-06-30], as they stood on 2025-06-30.
# This window: lines ordered (2025-06-30, 2026-06-30]. Five lines of 100 bags in each,
# so both have enough due lines for the comparison.

MONTHS = ("08", "09", "10", "11", "12")


def _five_lines(prefix: str, year: int, accepted: tuple[int, ...]) -> tuple[list[str], list[str]]:
    lines, deliveries = [], []
    for n, (month, qty) in enumerate(zip(MONTHS, accepted, strict=True), start=1):
        ref = f"{prefix}{n}"
        lines.append(line(ref, f"{year}-{month}-01", f"{year}-{month}-20"))
        if qty:
            deliveries.append(delivery(ref, f"{year}-{month}-18", qty))
    return lines, deliveries


@pytest.mark.parametrize(
    ("before", "now", "dropped"),
    [
        ((100, 100, 100, 100, 100), (100, 100, 100, 100, 50), False),  # 100% → 90%
        ((100, 100, 100, 100, 100), (100, 100, 100, 100, 49), True),  # 100% → 89.8%
        ((100, 100, 100, 100, 0), (100, 100, 100, 50, 0), False),  # 80% → 70%
        ((100, 100, 100, 100, 0), (100, 100, 100, 49, 0), True),  # 80% → 69.8%
    ],
    ids=[
        "100% to 90%: off",
        "100% to 89.8%: on",
        "80% to 70%: off",
        "80% to 69.8%: on",
    ],
)
def test_a_fill_rate_must_fall_more_than_10_points_to_be_flagged(
    engine: Engine,
    tmp_path: Path,
    before: tuple[int, ...],
    now: tuple[int, ...],
    dropped: bool,
) -> None:
    """A fall of exactly 10 points is noise; a fall of 10.2 points is flagged.

    80% → 70% is the case float arithmetic gets wrong (0.8 − 0.7 = 0.10000000000000009).
    """
    old_lines, old_deliveries = _five_lines("P", 2024, before)
    new_lines, new_deliveries = _five_lines("N", 2025, now)
    build(
        engine,
        tmp_path,
        purchases=(*old_lines, *new_lines),
        deliveries=(*old_deliveries, *new_deliveries),
    )

    one = score(engine)["S-ONE"]

    assert one.sub_scores["fill"].raw == pytest.approx(sum(now) / 500)
    assert (FlagCode.FILL_DROP in flags(one)) is dropped
    if dropped:
        # Whole percents: 89.8% reads "90%", 69.8% reads "70%".
        assert message(one, FlagCode.FILL_DROP) == (
            f"fill rate fell from {sum(before) // 5}% to {round(sum(now) / 5)}% "
            "against the previous 365-day window"
        )


# --- a thin history: fewer than 5 due lines ---------------------------------------------
# A line is due when its promised date + 2 grace days is on or before 2026-06-30.


@pytest.mark.parametrize(
    ("fifth_promised", "thin"),
    [("2026-06-28", False), ("2026-06-29", True)],
    ids=["fifth line due on the day: 5 lines, off", "fifth line due tomorrow: 4 lines, on"],
)
def test_a_history_is_thin_below_5_due_lines(
    engine: Engine, tmp_path: Path, fifth_promised: str, thin: bool
) -> None:
    lines = [line(f"A{m}", f"2026-0{m}-01", f"2026-0{m}-25") for m in range(1, 5)]
    lines.append(line("A5", "2026-06-01", fifth_promised))
    build(engine, tmp_path, purchases=lines)

    one = score(engine)["S-ONE"]

    assert one.due_lines == (4 if thin else 5)
    assert (FlagCode.THIN_HISTORY in flags(one)) is thin
    if thin:
        # confidence n / (n + m) = 4 / 9
        assert message(one, FlagCode.THIN_HISTORY) == (
            "only 4 due lines in the window: the scores rest mostly on the portfolio "
            "average (confidence 44%)"
        )


# --- a negative margin --------------------------------------------------------------------
# A pouch retailing at CNY 1,091 nets 1,091 × 0.94 = 1,025.54. Quoted at 940, it lands at
# 940 × 1.091 = 1,025.54: margin exactly 0. At 940.01 it lands at 1,025.55091.

POUCH = ("AUR-POUCH,Aurelle,Aurelle pouch,handbags,1091,0.2",)


@pytest.mark.parametrize(
    ("price", "margin", "negative"),
    [("940", D("0"), False), ("940.01", D("-0.01"), True)],
    ids=["margin exactly 0: off", "a cent below 0: on"],
)
def test_a_margin_is_negative_only_below_zero(
    engine: Engine, tmp_path: Path, price: str, margin: D, negative: bool
) -> None:
    build(engine, tmp_path, products=POUCH, quotes=(quote(price, sku="AUR-POUCH"),))

    one = score(engine)["S-ONE"]

    [walk] = one.sku_margins
    assert walk.net_revenue == D("1025.54")
    assert walk.margin.quantize(D("0.01")) == margin
    assert (FlagCode.NEGATIVE_MARGIN in flags(one)) is negative
    if negative:
        assert "landed cost CNY 1,025.55 is above net revenue CNY 1,025.54" in message(
            one, FlagCode.NEGATIVE_MARGIN
        )


# --- an expired quote, and no valid quote at all ------------------------------------------


@pytest.mark.parametrize(
    ("valid_to", "expired"),
    [("2026-06-30", False), ("2026-06-29", True)],
    ids=["valid through today: off", "ended yesterday: on"],
)
def test_a_quote_that_ended_before_the_day_is_expired(
    engine: Engine, tmp_path: Path, valid_to: str, expired: bool
) -> None:
    build(engine, tmp_path, quotes=(quote("4000", valid_to=valid_to),))

    one = score(engine)["S-ONE"]

    assert (FlagCode.QUOTE_EXPIRED in flags(one)) is expired
    assert (FlagCode.NO_VALID_QUOTE in flags(one)) is expired
    if expired:
        assert message(one, FlagCode.QUOTE_EXPIRED) == (
            "AUR-BAG: the latest quote expired on 29 Jun 2026 and none replaces it"
        )
        assert (one.margin_pct, one.sourcing_score, one.standing) == (None, None, Standing.UNRATED)
    else:
        assert one.margin_pct is not None


def test_an_expired_quote_replaced_by_a_newer_one_is_not_flagged(
    engine: Engine, tmp_path: Path
) -> None:
    build(
        engine,
        tmp_path,
        quotes=(
            quote("3800", valid_from="2025-01-01", valid_to="2025-12-31"),
            quote("4000", valid_from="2026-01-01"),
        ),
    )

    one = score(engine)["S-ONE"]

    assert not flags(one) & {FlagCode.QUOTE_EXPIRED, FlagCode.NO_VALID_QUOTE}
    assert [w.unit_price for w in one.sku_margins] == [D("4000")]


@pytest.mark.parametrize(
    ("valid_from", "priced"),
    [("2026-06-30", True), ("2026-07-01", False)],
    ids=["starts today: priced", "starts tomorrow: no valid quote"],
)
def test_a_quote_that_starts_after_the_day_leaves_the_supplier_unrated(
    engine: Engine, tmp_path: Path, valid_from: str, priced: bool
) -> None:
    build(engine, tmp_path, quotes=(quote("4000", valid_from=valid_from),))

    one = score(engine)["S-ONE"]

    assert (FlagCode.NO_VALID_QUOTE in flags(one)) is not priced
    assert FlagCode.QUOTE_EXPIRED not in flags(one)  # nothing lapsed: it has not begun
    if priced:
        # 4,000 lands at 4,364; nets 9,000 × 0.94 = 8,460; margin 4,096 / 8,460
        assert one.margin_pct == pytest.approx(4096 / 8460)
    else:
        assert message(one, FlagCode.NO_VALID_QUOTE) == (
            "no quote valid on 30 Jun 2026: margin and sourcing score cannot be worked out"
        )
        assert (one.margin_pct, one.sourcing_score, one.standing) == (None, None, Standing.UNRATED)
