"""Customs clearance and returns after sale, scored on a desk small enough to check by hand.

The desk is tests/services/rule_desk.py (Aurelle bags in CNY, scored on
2026-06-30 with the default settings: clearance target 3 days, customs hold
10 days over the last 90, returns high above 5%, m = 5). Deliveries come in
through the real importer; returns are written straight into `sale_return`
(their import kind is another change's). The rules are in docs/stability.md
and docs/standings-and-flags.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from sourcing_app import i18n
from sourcing_app.db.models import SaleReturn
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.score_output import CSV_COLUMNS, write_scores
from sourcing_app.services.scoring import ScoringService
from tests.services.rule_desk import AS_OF, build, flags, line, message, quote, score

THREE = (
    "S-ONE,Aurelle Paris SAS,FR,brand_owner,5000,,",
    "S-TWO,Bellerive Trading,HK,trader,5000,,",
    "S-SIX,Cote Sud Export,FR,wholesaler,5000,,",
)
THREE_CHANNELS = (
    "S-ONE,Aurelle,0,,,,,false,true",
    "S-TWO,Aurelle,3,,,,,false,true",
    "S-SIX,Aurelle,2,,,,,false,true",
)
THREE_QUOTES = tuple(quote("4000", supplier=s) for s in ("S-ONE", "S-TWO", "S-SIX"))


def arrival(ref: str, on: str, clearance: int | None, qty: int = 100, rejected: int = 0) -> str:
    """A delivery row; a blank clearance_days cell when `clearance` is None."""
    days = "" if clearance is None else str(clearance)
    return f"{ref},{on},{qty},{rejected},{days}"


def add_return(engine: Engine, ref: str, on: str, qty: int, reason: str) -> None:
    """A return after sale on line `ref` (the returns import is another change's)."""
    with engine.connect() as conn:
        line_id = conn.execute(
            text("SELECT id FROM purchase_line WHERE line_ref = :r"), {"r": ref}
        ).scalar_one()
    with Session(engine) as session:
        session.add(
            SaleReturn(
                line_id=line_id,
                return_date=dt.date.fromisoformat(on),
                returned_qty=qty,
                reason=reason,
            )
        )
        session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest) -> Engine:
    """The embedded SQLite file and a real PostgreSQL server: the SQL differs by dialect."""
    engine: Engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    return engine


# --- the clearance sub-score ------------------------------------------------------------


def _clearance_desk(engine: Engine, folder: Path) -> None:
    """S-ONE: due lines A1..A5; their deliveries dated by 2026-06-30 cleared in
    3 (in: the target itself), 4 (out), blank (not counted) and 0 (in) days; A5's
    only delivery comes 2026-07-02, after as_of, and its 30 days are ignored; A6 is
    not due yet (promised 07-15), so its 1 day is not counted either.
    So 2 of 3 deliveries cleared within 3 days, the slowest A2 in 4 days.

    S-TWO: two due lines, no clearance days recorded: no data, the prior.
    S-SIX: two due lines, both cleared in 1 day: 2 of 2.
    """
    build(
        engine,
        folder,
        suppliers=THREE,
        channels=THREE_CHANNELS,
        quotes=THREE_QUOTES,
        purchases=(
            line("A1", "2026-01-05", "2026-02-05"),
            line("A2", "2026-02-05", "2026-03-05"),
            line("A3", "2026-03-05", "2026-04-05"),
            line("A4", "2026-04-05", "2026-05-05"),
            line("A5", "2026-05-05", "2026-06-05"),
            line("A6", "2026-06-01", "2026-07-15"),
            line("B1", "2026-01-05", "2026-02-05", supplier="S-TWO"),
            line("B2", "2026-02-05", "2026-03-05", supplier="S-TWO"),
            line("C1", "2026-01-05", "2026-02-05", supplier="S-SIX"),
            line("C2", "2026-02-05", "2026-03-05", supplier="S-SIX"),
        ),
        deliveries=(
            arrival("A1", "2026-02-01", 3),
            arrival("A2", "2026-03-01", 4),
            arrival("A3", "2026-04-01", None),
            arrival("A4", "2026-05-01", 0),
            arrival("A5", "2026-07-02", 30),
            arrival("A6", "2026-06-20", 1),
            arrival("B1", "2026-02-01", None),
            arrival("B2", "2026-03-01", None),
            arrival("C1", "2026-02-01", 1),
            arrival("C2", "2026-03-01", 1),
        ),
    )


def test_clearance_counts_the_deliveries_cleared_within_the_target(
    desk: Engine, tmp_path: Path
) -> None:
    """Raw: S-ONE 2/3, S-SIX 2/2 = 1, S-TWO none. Prior (2/3 + 1) / 2 = 5/6.
    Shrunk with m = 5: S-ONE (3 × 2/3 + 5 × 5/6) / 8 = (2 + 25/6) / 8 = 37/48;
    S-SIX (2 × 1 + 5 × 5/6) / 7 = (2 + 25/6) / 7 = 37/42; S-TWO takes 5/6.
    """
    _clearance_desk(desk, tmp_path)

    scores = score(desk)

    one, two, six = scores["S-ONE"], scores["S-TWO"], scores["S-SIX"]
    assert (one.sub_scores["clearance"].raw, one.sub_scores["clearance"].n) == (
        pytest.approx(2 / 3),
        3,
    )
    assert one.sub_scores["clearance"].value == pytest.approx(37 / 48)
    assert six.sub_scores["clearance"].value == pytest.approx(37 / 42)
    assert two.sub_scores["clearance"].raw is None
    assert two.sub_scores["clearance"].n == 0
    assert two.sub_scores["clearance"].value == pytest.approx(5 / 6)
    assert one.sub_scores["clearance"].explanation == (
        "2 of 3 deliveries cleared within 3 days; slowest 4 days, line A2; "
        "shrunk toward the portfolio average 83%"
    )
    assert two.sub_scores["clearance"].explanation == (
        "no delivery with clearance days recorded; portfolio average 83% used"
    )
    # Weighted 10 of 100 by default, like price and channel structure.
    assert one.sub_scores["clearance"].weight == pytest.approx(10.0)


def test_clearance_words_in_chinese(engine: Engine, tmp_path: Path) -> None:
    _clearance_desk(engine, tmp_path)
    i18n.install(i18n.CHINESE)
    try:
        words = score(engine)["S-ONE"].sub_scores["clearance"].explanation
    finally:
        i18n.install(i18n.ENGLISH)
    assert words.startswith("3 次到货中 2 次在 3 天内完成清关；最慢 4 天，采购行号 A2")


def test_json_and_csv_carry_the_clearance_sub_score(engine: Engine, tmp_path: Path) -> None:
    """JSON gains sub_scores.clearance; CSV appends a clearance column after flags."""
    _clearance_desk(engine, tmp_path)
    scores = ScoringService(engine).score_all(AS_OF)

    out = io.StringIO()
    write_scores(scores, "json", out)
    records = {r["supplier_code"]: r for r in json.loads(out.getvalue())}
    assert records["S-ONE"]["sub_scores"]["clearance"] == pytest.approx(37 / 48, abs=5e-5)

    out = io.StringIO()
    write_scores(scores, "csv", out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[0][-2:] == ["flags", "clearance"]
    assert rows[0][7:13] == ["fill", "on_time", "lead_time", "quality", "price", "channel"]
    by_code = {r[0]: r for r in rows[1:]}
    assert float(by_code["S-SIX"][-1]) == pytest.approx(37 / 42, abs=5e-5)


# --- returns after sale in quality --------------------------------------------------------


def _returns_desk(engine: Engine, folder: Path, *, rejected: int = 4) -> None:
    """S-ONE: R1 and R2 due, 100 units each delivered, R1 with `rejected` rejected."""
    build(
        engine,
        folder,
        purchases=(
            line("R1", "2026-01-05", "2026-02-05"),
            line("R2", "2026-02-05", "2026-03-05"),
        ),
        deliveries=(
            arrival("R1", "2026-02-01", 2, rejected=rejected),
            arrival("R2", "2026-03-01", 2),
        ),
    )


def test_fault_returns_lower_quality_late_ones_are_shown_and_later_ones_ignored(
    desk: Engine, tmp_path: Path
) -> None:
    """200 delivered, 4 rejected; 6 damaged returned on 03-10 (scored), 5 late on 04-01
    (shown, not scored), 50 damaged on 07-15 (after as_of: ignored).
    quality = 1 − (4 + 6) / 200 = 0.95 over 2 deliveries.
    """
    _returns_desk(desk, tmp_path)
    add_return(desk, "R1", "2026-03-10", 6, "damaged")
    add_return(desk, "R2", "2026-04-01", 5, "late")
    add_return(desk, "R2", "2026-07-15", 50, "damaged")

    one = score(desk)["S-ONE"]

    quality = one.sub_scores["quality"]
    assert (quality.raw, quality.n) == (pytest.approx(0.95), 2)
    assert quality.explanation.startswith(
        "quality 95.0%: 4 of 200 delivered units rejected and 6 returned for a fault of the "
        "goods over 2 deliveries; 5 units returned late or for other reasons (not scored)"
    )
    # 6 of 196 accepted units is 3.1%, under 5%.
    assert FlagCode.RETURNS_HIGH not in flags(one)


def test_returns_push_quality_to_the_floor_of_zero(desk: Engine, tmp_path: Path) -> None:
    """R1: 100 delivered, 100 rejected; R2: 100 delivered, all 100 sent back expired or
    not as described: 1 − (100 + 60 + 40) / 200 = 0, never below."""
    _returns_desk(desk, tmp_path, rejected=100)
    add_return(desk, "R2", "2026-04-01", 60, "expired")
    add_return(desk, "R2", "2026-04-02", 40, "not_as_described")

    one = score(desk)["S-ONE"]

    assert one.sub_scores["quality"].raw == 0.0
    assert FlagCode.RETURNS_HIGH in flags(one)


def test_a_supplier_without_returns_reads_as_before(engine: Engine, tmp_path: Path) -> None:
    _returns_desk(engine, tmp_path)
    quality = score(engine)["S-ONE"].sub_scores["quality"]
    assert quality.raw == pytest.approx(1 - 4 / 200)
    assert "returned" not in quality.explanation


# --- CUSTOMS_DELAY: a delivery in (as_of − 90, as_of] cleared in more than 10 days -----------


@pytest.mark.parametrize(
    ("on", "days", "flagged"),
    [("2026-04-02", 11, True), ("2026-04-02", 10, False), ("2026-04-01", 11, False)],
    ids=["89 days ago, 11 days: on", "10 days: off", "90 days ago: off"],
)
def test_customs_delay_edges(
    engine: Engine, tmp_path: Path, on: str, days: int, flagged: bool
) -> None:
    """2026-04-01 is 90 days before 2026-06-30 (30 days to May 1, 31 to Jun 1, 29 to
    Jun 30): the flag looks at deliveries in (2026-04-01, 2026-06-30], from 2 Apr on."""
    build(
        engine,
        tmp_path,
        purchases=(line("H1", "2026-03-01", "2026-03-20"),),
        deliveries=(arrival("H1", on, days),),
    )
    one = score(engine)["S-ONE"]
    assert (FlagCode.CUSTOMS_DELAY in flags(one)) is flagged
    if flagged:
        assert message(one, FlagCode.CUSTOMS_DELAY) == (
            "line H1: a delivery dated since 2 Apr 2026 took 11 days to clear customs, "
            "more than 10 days"
        )


def test_customs_delay_names_the_slowest_and_counts_the_others(
    desk: Engine, tmp_path: Path
) -> None:
    """Three recent deliveries over 10 days (12, 25, 11) and one under: the 25 days of
    H2 are named, 2 others counted. H4 is not due yet; its delivery still counts."""
    build(
        desk,
        tmp_path,
        purchases=(
            line("H1", "2026-03-01", "2026-03-20"),
            line("H2", "2026-03-05", "2026-03-25"),
            line("H3", "2026-03-10", "2026-04-10"),
            line("H4", "2026-06-01", "2026-07-30"),
        ),
        deliveries=(
            arrival("H1", "2026-04-15", 12),
            arrival("H2", "2026-04-20", 25),
            arrival("H3", "2026-05-01", 2),
            arrival("H4", "2026-06-25", 11),
        ),
    )
    one = score(desk)["S-ONE"]
    assert message(one, FlagCode.CUSTOMS_DELAY) == (
        "line H2: a delivery dated since 2 Apr 2026 took 25 days to clear customs, "
        "more than 10 days; 2 other recent deliveries also took more than 10 days"
    )


# --- COUNTERFEIT_SUSPECTED: such a return dated in (as_of − 365, as_of] ----------------------

TRADER = ("S-TRADE,Golden Bridge Trading,HK,trader,2000,,",)


@pytest.mark.parametrize(
    ("on", "flagged"),
    [("2026-06-30", True), ("2025-07-01", True), ("2025-06-30", False)],
    ids=["on as_of: on", "364 days before: on", "365 days before: off"],
)
def test_counterfeit_edges(engine: Engine, tmp_path: Path, on: str, flagged: bool) -> None:
    """Any of the supplier's lines counts, even one ordered before the window (F0)."""
    build(
        engine,
        tmp_path,
        suppliers=TRADER,
        channels=("S-TRADE,Aurelle,3,,,,,false,true",),
        quotes=(quote("4000", supplier="S-TRADE"),),
        purchases=(line("F0", "2025-05-01", "2025-06-01", supplier="S-TRADE"),),
        deliveries=(arrival("F0", "2025-05-30", 2),),
    )
    add_return(engine, "F0", on, 2, "suspected_counterfeit")
    trader = score(engine)["S-TRADE"]
    assert (FlagCode.COUNTERFEIT_SUSPECTED in flags(trader)) is flagged
    if flagged:
        day = dt.date.fromisoformat(on)
        assert message(trader, FlagCode.COUNTERFEIT_SUSPECTED) == (
            f"2 units of AUR-BAG (line F0) returned on {day.day} {day:%b %Y} as a suspected "
            "counterfeit; they were bought through a composite channel for Aurelle"
        )


def test_counterfeit_from_a_vertical_channel_says_so(desk: Engine, tmp_path: Path) -> None:
    """Two such returns on the brand owner's lines: the latest is named, one more counted;
    a damaged return is no counterfeit."""
    _returns_desk(desk, tmp_path)
    add_return(desk, "R1", "2026-03-10", 1, "suspected_counterfeit")
    add_return(desk, "R2", "2026-05-10", 1, "suspected_counterfeit")
    add_return(desk, "R2", "2026-05-11", 3, "damaged")
    one = score(desk)["S-ONE"]
    assert message(one, FlagCode.COUNTERFEIT_SUSPECTED) == (
        "1 unit of AUR-BAG (line R2) returned on 10 May 2026 as a suspected counterfeit; "
        "it was bought through a vertical channel for Aurelle; "
        "1 more suspected-counterfeit return in the window"
    )


# --- RETURNS_HIGH: fault returns above 5% of the accepted units of the due lines -------------


@pytest.mark.parametrize(
    ("returned", "flagged"), [(10, False), (11, True)], ids=["exactly 5%: off", "5.5%: on"]
)
def test_returns_high_edges(engine: Engine, tmp_path: Path, returned: int, flagged: bool) -> None:
    """200 units accepted (none rejected): 5% is 10 units. Late returns never count."""
    _returns_desk(engine, tmp_path, rejected=0)
    add_return(engine, "R1", "2026-03-10", returned, "damaged")
    add_return(engine, "R2", "2026-03-11", 30, "late")
    one = score(engine)["S-ONE"]
    assert (FlagCode.RETURNS_HIGH in flags(one)) is flagged
    if flagged:
        assert message(one, FlagCode.RETURNS_HIGH) == (
            "11 units returned for a fault of the goods against 200 units accepted on the "
            "window's due lines (5.5%, above 5.0%)"
        )


def test_flags_in_chinese(engine: Engine, tmp_path: Path) -> None:
    _returns_desk(engine, tmp_path, rejected=0)
    add_return(engine, "R1", "2026-03-10", 11, "suspected_counterfeit")
    i18n.install(i18n.CHINESE)
    try:
        one = score(engine)["S-ONE"]
        fake = message(one, FlagCode.COUNTERFEIT_SUSPECTED)
        high = message(one, FlagCode.RETURNS_HIGH)
    finally:
        i18n.install(i18n.ENGLISH)
    assert fake == (
        "AUR-BAG（采购行号 R1）有 11 件于 2026年3月10日 以疑似假货售后退货；"
        "该批货经 Aurelle 的垂直渠道采购"
    )
    assert high.startswith("因商品问题售后退货 11 件，评估窗口内到期采购明细共验收 200 件")


# --- re-scoring one supplier after an edit ------------------------------------------------


def test_rescoring_one_supplier_reads_its_new_returns_and_clearance(
    desk: Engine, tmp_path: Path
) -> None:
    """After a full run, a damaged return of 20 comes in and R2's clearance is corrected
    to 14 days: re-scoring S-ONE alone gives quality 1 − (4 + 20) / 200 = 0.88,
    RETURNS_HIGH (20 of 196 accepted is 10.2%) and clearance 1 of 2 (R1 in 2 days,
    R2 in 14), the same as a full run."""
    _returns_desk(desk, tmp_path)
    service = ScoringService(desk)
    before = {s.supplier_code: s for s in service.score_all(AS_OF)}["S-ONE"]
    assert before.sub_scores["clearance"].raw == 1.0
    add_return(desk, "R2", "2026-04-01", 20, "damaged")
    with desk.begin() as conn:
        conn.execute(
            text(
                "UPDATE delivery SET clearance_days = 14 WHERE line_id = "
                "(SELECT id FROM purchase_line WHERE line_ref = 'R2')"
            )
        )

    again = service.rescore_supplier(before.supplier_id)

    assert again.sub_scores["quality"].raw == pytest.approx(0.88)
    assert again.sub_scores["clearance"].raw == 0.5
    assert FlagCode.RETURNS_HIGH in flags(again)
    full = score(desk)["S-ONE"]
    assert again.sub_scores["quality"].raw == pytest.approx(full.sub_scores["quality"].raw)
    assert full.sub_scores["clearance"].raw == 0.5
    assert flags(again) == flags(full)
