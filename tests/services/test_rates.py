"""Exchange rates from a real HTTP server on loopback: stored when good, untouched when not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.services.rates import (
    DEFAULT_FEED_URL,
    list_rates,
    load_feed_url,
    rates_age,
    save_feed_url,
    set_manual_rate,
    update_rates,
)
from sourcing_app.services.scoring import ScoringService
from tests.services.rates_feed import (
    BILLION_LAUGHS,
    ECB_RATES,
    HTML_PAGE,
    FeedServer,
    Reply,
    closed_port_url,
    ecb_xml,
    serving,
)
from tests.services.test_export import load_hand_portfolio

FAST = {"backoff": 0.0, "timeout": (2.0, 2.0)}
PATH = "/stats/eurofxref/eurofxref-daily.xml"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    yield from serving()


def stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM exchange_rate ORDER BY id"))]


def margin_of(engine: Engine, code: str, as_of: dt.date) -> float:
    scores = {s.supplier_code: s for s in ScoringService(engine).score_all(as_of)}
    margin = scores[code].margin_pct
    assert margin is not None
    return margin


def hand_margin(value_cny: float) -> float:
    """docs/margin.md for AUR-SERUM: CBEC tax 0.7 × V × (0.15 + 0.13) / 0.85, retail 299."""
    landed = value_cny + 0.7 * value_cny * 0.28 / 0.85
    net = 299 * 0.94
    return (net - landed) / net


# --- the normal feed --------------------------------------------------------------------


def test_the_ecb_feed_is_stored_as_rates_to_cny_with_date_and_source(
    engine: Engine, feed_server: FeedServer
) -> None:
    url = feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-26")))
    result = update_rates(engine, url, **FAST)
    assert (result.day, result.new, len(result.rates)) == (dt.date(2026, 11, 26), 30, 30)
    listed = {r.currency: r for r in list_rates(engine, dt.date(2026, 11, 27))}
    assert "CNY" not in listed  # the home currency is 1 by definition
    # CNY 8.2121 per EUR and USD 1.1581 per EUR: one dollar is 8.2121 / 1.1581 yuan.
    assert listed["USD"].rate_to_home == D("7.0910111389")
    assert listed["EUR"].rate_to_home == D("8.2121")
    assert listed["JPY"].rate_to_home == D("0.0453957988")
    assert listed["HKD"].rate_to_home == D("0.9112405681")
    assert {r.kind for r in listed.values()} == {"feed"}
    assert {r.source for r in listed.values()} == {url}
    assert {r.day for r in listed.values()} == {dt.date(2026, 11, 26)}
    assert len(listed) == len(ECB_RATES)  # 29 foreign currencies plus EUR
    _path, headers = feed_server.seen[0]
    assert headers["User-Agent"].startswith("sourcing-desk/0.1.0")


def test_fetching_the_same_day_twice_changes_nothing(
    engine: Engine, feed_server: FeedServer
) -> None:
    url = feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-26")))
    update_rates(engine, url, **FAST)
    before = stored(engine)
    again = update_rates(engine, url, **FAST)
    assert again.new == 0
    assert "already stored" in again.summary()
    assert stored(engine) == before


def test_a_500_then_a_success_is_retried(engine: Engine, feed_server: FeedServer) -> None:
    url = feed_server.serve(
        PATH, Reply(500, b"oops", "text/plain"), Reply(503, b"busy"), Reply(body=ecb_xml())
    )
    result = update_rates(engine, url, **FAST)
    assert result.new == 30
    assert feed_server.requests_to(PATH) == 3


def test_the_feed_address_is_a_setting(engine: Engine, feed_server: FeedServer) -> None:
    assert load_feed_url(engine) == DEFAULT_FEED_URL
    url = feed_server.serve("/mirror.xml", Reply(body=ecb_xml()))
    with engine.begin() as conn:
        save_feed_url(conn, url)
    assert update_rates(engine, **FAST).source == url  # no url given: the setting's
    with engine.begin() as conn, pytest.raises(BadInput, match="not a web address"):
        save_feed_url(conn, "ftp://example.com/rates.xml")


# --- every failure leaves the stored rates alone ------------------------------------------


FAILURES = {
    "500 forever": (
        [Reply(500, b"error", "text/plain")],
        "the rate feed at 127.0.0.1 failed with HTTP 500 (Internal Server Error); tried 3 times",
    ),
    "404": (
        [Reply(404, b"gone", "text/plain")],
        "the rate feed at 127.0.0.1 answered HTTP 404 (Not Found); check the feed address",
    ),
    "timeout": (
        [Reply(body=ecb_xml(), wait=10)],
        "the rate feed at 127.0.0.1 stopped answering for more than 0.3 s",
    ),
    "html": (
        [Reply(body=HTML_PAGE, content_type="text/html")],
        "the rate feed sent a web page (HTML), not the rates XML; check the feed address",
    ),
    "garbage": (
        [Reply(body=b"\x00\x17\xff garbage \x01")],
        "the rate feed's answer is not well-formed XML",
    ),
    "malformed": (
        [Reply(body=ecb_xml()[:400])],
        "the rate feed's answer is not well-formed XML (unclosed token: line 10",
    ),
    "xml bomb": (
        [Reply(body=BILLION_LAUGHS)],
        "the rate feed's XML was refused: it declares entities or a DTD, which a rates file "
        "never needs (a possible XML bomb)",
    ),
    "no CNY": (
        [Reply(body=ecb_xml(rates={k: v for k, v in ECB_RATES.items() if k != "CNY"}))],
        "the rate feed has no CNY rate, so no rate to CNY (the home currency) can be worked out",
    ),
    "no rates": (
        [Reply(body=b"<Envelope><Cube><Cube time='2026-11-26'/></Cube></Envelope>")],
        "the rate feed for 26 Nov 2026 lists no rates",
    ),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_a_failing_feed_says_why_and_keeps_the_stored_rates(
    engine: Engine, tmp_path: Path, feed_server: FeedServer, case: str
) -> None:
    load_hand_portfolio(engine, tmp_path)
    as_of = dt.date(2026, 6, 30)
    margin_before = margin_of(engine, "S-VERT", as_of)
    before = stored(engine)
    replies, message = FAILURES[case]
    url = feed_server.serve(PATH, *replies)
    with pytest.raises(CannotFinish) as failure:
        update_rates(engine, url, backoff=0.0, timeout=(2.0, 0.3))
    assert str(failure.value).startswith(message)
    assert stored(engine) == before
    # Scoring carries on with the last known rates: the manual USD 7.20.
    assert margin_of(engine, "S-VERT", as_of) == margin_before
    assert margin_before == pytest.approx(hand_margin(22 * 7.20))


def test_an_unreachable_feed_is_tried_three_times(engine: Engine) -> None:
    with pytest.raises(CannotFinish) as failure:
        update_rates(engine, closed_port_url(), **FAST)
    assert str(failure.value) == (
        "could not reach the rate feed at 127.0.0.1 (no network, or a wrong address); tried 3 times"
    )
    assert stored(engine) == []


def test_not_a_web_address_is_bad_input(engine: Engine) -> None:
    with pytest.raises(BadInput, match="'file:///etc/passwd' is not a web address"):
        update_rates(engine, "file:///etc/passwd", **FAST)


# --- scoring uses what the feed brought, and a manual rate wins for its date -------------


def test_scoring_uses_the_new_feed_rates_and_a_manual_rate_beats_them(
    engine: Engine, tmp_path: Path, feed_server: FeedServer
) -> None:
    load_hand_portfolio(engine, tmp_path)
    as_of = dt.date(2026, 6, 30)
    assert margin_of(engine, "S-VERT", as_of) == pytest.approx(hand_margin(22 * 7.20))
    # CNY 7.80 and USD 1.20 per EUR on 29 Jun: a dollar is 6.50 yuan, newer than the 7.20.
    rates = {**ECB_RATES, "CNY": "7.80", "USD": "1.20"}
    url = feed_server.serve(PATH, Reply(body=ecb_xml("2026-06-29", rates)))
    update_rates(engine, url, **FAST)
    assert margin_of(engine, "S-VERT", as_of) == pytest.approx(hand_margin(22 * 6.50))
    assert margin_of(engine, "S-COMP", as_of) == pytest.approx(hand_margin(20 * 7.80))
    # A buyer knows better for that day: 6.90 by hand wins over the feed's 6.50.
    assert set_manual_rate(engine, "usd", dt.date(2026, 6, 29), D("6.90"), who="li.wei") is None
    assert margin_of(engine, "S-VERT", as_of) == pytest.approx(hand_margin(22 * 6.90))
    usd = {r.currency: r for r in list_rates(engine, as_of)}["USD"]
    assert (usd.rate_to_home, usd.kind, usd.source, usd.overruled_feed_rate) == (
        D("6.9"),
        "manual",
        "manual: li.wei",
        D("6.5"),
    )
    # Fetching the feed again leaves the manual rate in charge.
    update_rates(engine, url, **FAST)
    assert margin_of(engine, "S-VERT", as_of) == pytest.approx(hand_margin(22 * 6.90))
    # Before 29 Jun the older rates still apply.
    older = {r.currency: r for r in list_rates(engine, dt.date(2026, 6, 28))}["USD"]
    assert (older.rate_to_home, older.day, older.overruled_feed_rate) == (
        D("7.2"),
        dt.date(2026, 6, 1),
        D("7.1"),
    )


def test_manual_rates_are_checked_and_audited(engine: Engine) -> None:
    with pytest.raises(BadInput, match="'XYZ' is not an ISO 4217 currency code"):
        set_manual_rate(engine, "XYZ", dt.date(2026, 6, 1), D("1"))
    with pytest.raises(BadInput, match="CNY is the home currency"):
        set_manual_rate(engine, "CNY", dt.date(2026, 6, 1), D("1"))
    with pytest.raises(BadInput, match="must be more than 0"):
        set_manual_rate(engine, "USD", dt.date(2026, 6, 1), D("0"))
    set_manual_rate(engine, "USD", dt.date(2026, 6, 1), D("7.2"), who="li.wei")
    assert set_manual_rate(engine, "USD", dt.date(2026, 6, 1), D("7.25"), who="li.wei") == D("7.2")
    with engine.connect() as conn:
        audit = conn.execute(
            text("SELECT who, entity_key, action, changes FROM audit_entry ORDER BY id")
        ).all()
    assert [tuple(a) for a in audit][-1] == (
        "li.wei",
        "USD 2026-06-01",
        "set manual rate",
        '{"old": "7.2", "new": "7.25"}',
    )


# --- how old the rates are ----------------------------------------------------------------


def test_rates_age_says_how_old_the_feed_rates_are(engine: Engine, feed_server: FeedServer) -> None:
    assert rates_age(engine, dt.date(2026, 11, 27)).describe() == (
        "No exchange rates have come from the rate feed yet."
    )
    feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-21")))
    update_rates(engine, feed_server.url(PATH), **FAST)
    age = rates_age(engine, dt.date(2026, 11, 27))
    assert (age.days_old, age.fresh) == (6, False)
    assert age.describe() == "Exchange rates are 6 days old (127.0.0.1, 21 Nov 2026)."
    monday = rates_age(engine, dt.date(2026, 11, 24))
    assert (monday.days_old, monday.fresh) == (3, True)


def test_rates_update_list_and_manual_on_postgresql(
    pg_engine: Engine, feed_server: FeedServer
) -> None:
    url = feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-26")))
    assert update_rates(pg_engine, url, **FAST).new == 30
    set_manual_rate(pg_engine, "USD", dt.date(2026, 11, 26), D("7.05"), who="li.wei")
    listed = {r.currency: r for r in list_rates(pg_engine, dt.date(2026, 11, 27))}
    assert (listed["USD"].rate_to_home, listed["USD"].overruled_feed_rate) == (
        D("7.05"),
        D("7.0910111389"),
    )
    assert listed["EUR"].rate_to_home == D("8.2121")
    assert rates_age(pg_engine, dt.date(2026, 11, 27)).days_old == 1
