"""`sourcing-app rates update|list|set` against a loopback feed: words in, one line out."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from sourcing_app.cli import main
from sourcing_app.services import text_cells
from tests.services.rates_feed import (
    HTML_PAGE,
    FeedServer,
    Reply,
    ecb_xml,
    serving,
)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    yield from serving()


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_rates_update_then_list_then_set(db_url: str, feed_server: FeedServer) -> None:
    url = feed_server.serve("/daily.xml", Reply(body=ecb_xml("2026-11-26")))
    code, out, err = run("--db", db_url, "rates", "update", "--url", url)
    assert (code, err) == (0, "")
    assert out == f"stored 30 rates for 26 Nov 2026 from 127.0.0.1 ({url}).\n"
    code, out, _err = run("--db", db_url, "rates", "set", "USD", "2026-11-26", "7.05")
    assert out == "stored USD = CNY 7.05 on 2026-11-26 as a manual rate.\n"
    code, out, _err = run("--db", db_url, "rates", "list", "--date", "2026-11-27")
    lines = out.splitlines()
    assert lines[0] == "Rates to CNY on 2026-11-27 (the latest stored on or before it):"
    assert lines[1].split() == ["currency", "date", "rate", "to", "CNY", "kind", "source"]
    eur = next(line for line in lines if line.startswith("EUR"))
    assert eur.split() == ["EUR", "2026-11-26", "8.2121", "feed", url]
    usd = next(line for line in lines if line.startswith("USD"))
    assert usd.split()[:4] == ["USD", "2026-11-26", "7.05", "manual"]
    assert usd.endswith("(beats the feed's 7.0910111389)")
    assert lines[-1] == "Exchange rates are 1 day old (127.0.0.1, 26 Nov 2026)."


def test_a_failed_update_exits_1_with_one_line(db_url: str, feed_server: FeedServer) -> None:
    url = feed_server.serve("/daily.xml", Reply(body=HTML_PAGE, content_type="text/html"))
    code, out, err = run("--db", db_url, "rates", "update", "--url", url)
    assert (code, out) == (1, "")
    assert err == (
        "sourcing-app: the rate feed sent a web page (HTML), not the rates XML; "
        "check the feed address\n"
    )
    code, out, _err = run("--db", db_url, "rates", "list", "--date", "2026-11-27")
    assert out == "No exchange rates are stored on or before 2026-11-27.\n"


def test_bad_rates_input_exits_2(db_url: str) -> None:
    code, _out, err = run("--db", db_url, "rates", "set", "USD", "2026-13-01", "7")
    assert code == 2 and "'2026-13-01' is not a date in YYYY-MM-DD form" in err
    code, _out, err = run("--db", db_url, "rates", "set", "XYZ", "2026-11-01", "7")
    assert (code, err) == (2, "sourcing-app: 'XYZ' is not an ISO 4217 currency code\n")
    code, _out, err = run("--db", db_url, "rates", "update", "--url", "ecb.europa.eu/x.xml")
    assert code == 2 and "is not a web address" in err


def test_rates_read_chinese_with_lang_zh(db_url: str, feed_server: FeedServer) -> None:
    url = feed_server.serve("/daily.xml", Reply(body=ecb_xml("2026-11-26")))
    code, out, err = run("--lang", "zh_CN", "--db", db_url, "rates", "update", "--url", url)
    assert (code, err) == (0, "")
    assert out == f"已保存 127.0.0.1 2026年11月26日的 30 个汇率（{url}）。\n"
    code, out, _err = run(
        "--lang", "zh_CN", "--db", db_url, "rates", "set", "USD", "2026-11-26", "7.05"
    )
    assert out == "已保存手工汇率：2026年11月26日 USD = CNY 7.05。\n"
    code, out, _err = run(
        "--lang", "zh_CN", "--db", db_url, "rates", "list", "--date", "2026-11-27"
    )
    lines = out.splitlines()
    assert lines[0] == "2026年11月27日兑 CNY 的汇率（取当天或之前最近保存的）："
    assert lines[1].split() == ["币种", "日期", "兑", "CNY", "汇率", "类型", "来源"]
    usd = next(line for line in lines if line.startswith("USD"))
    assert usd.split()[:4] == ["USD", "2026-11-26", "7.05", "手工汇率"]
    assert usd.endswith("（优先于自动汇率 7.0910111389）")
    # The columns line up in terminal cells although the headers are Chinese.
    assert text_cells.width(lines[1].split("类型")[0]) == text_cells.width(usd.split("手工汇率")[0])
    assert lines[-1] == "汇率已有 1 天未更新（127.0.0.1，2026年11月26日）。"


def test_a_failed_update_says_why_in_chinese(db_url: str, feed_server: FeedServer) -> None:
    url = feed_server.serve("/daily.xml", Reply(body=HTML_PAGE, content_type="text/html"))
    code, out, err = run("--lang", "zh_CN", "--db", db_url, "rates", "update", "--url", url)
    assert (code, out) == (1, "")
    assert err == "sourcing-app：汇率源返回的是网页（HTML），不是汇率 XML；请检查汇率源地址\n"
