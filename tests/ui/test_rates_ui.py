"""The rates banner and dialog against a real loopback feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import Engine, text

from sourcing_app.services.rates import save_feed_url, update_rates
from sourcing_app.ui.dialogs.rates_dialog import RatesDialog
from sourcing_app.ui.shell.rates_banner import RatesBanner
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.rates_feed import HTML_PAGE, FeedServer, Reply, ecb_xml, serving
from tests.services.test_export import load_hand_portfolio

TODAY = dt.date(2026, 11, 27)
PATH = "/eurofxref-daily.xml"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    yield from serving()


def stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM exchange_rate ORDER BY id"))]


def point_feed_at(engine: Engine, url: str) -> None:
    with engine.begin() as conn:
        save_feed_url(conn, url)


def test_the_banner_hides_while_rates_are_fresh(
    qtbot, engine: Engine, feed_server: FeedServer
) -> None:
    update_rates(engine, feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-26"))), backoff=0)
    banner = RatesBanner(Workspace(engine, "t"), today=lambda: TODAY)
    qtbot.addWidget(banner)
    assert banner.isHidden()


def test_old_rates_show_with_their_age_and_a_failed_update_says_why(
    qtbot, engine: Engine, feed_server: FeedServer
) -> None:
    update_rates(engine, feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-21"))), backoff=0)
    before = stored(engine)
    point_feed_at(engine, feed_server.serve("/broken.xml", Reply(body=HTML_PAGE)))
    workspace = Workspace(engine, "t")
    banner = RatesBanner(workspace, today=lambda: TODAY)
    qtbot.addWidget(banner)
    assert not banner.isHidden()
    assert banner.label.text() == (
        "Exchange rates are 6 days old (127.0.0.1, 21 Nov 2026). "
        "Scores use them until they are updated."
    )
    with qtbot.waitSignal(banner.update_failed, timeout=10_000):
        qtbot.mouseClick(banner.update_button, Qt.MouseButton.LeftButton)
    assert banner.label.text() == (
        "Could not update the exchange rates: the rate feed sent a web page (HTML), not the "
        "rates XML; check the feed address. Scoring uses the last known rates, from 21 Nov 2026."
    )
    assert banner.update_button.text() == "Try again"
    assert stored(engine) == before
    workspace.wait_for_tasks()


def test_update_now_stores_the_rates_hides_the_banner_and_rescores(
    qtbot, engine: Engine, tmp_path: Path, feed_server: FeedServer
) -> None:
    load_hand_portfolio(engine, tmp_path)
    point_feed_at(engine, feed_server.serve(PATH, Reply(body=ecb_xml("2026-11-26"))))
    workspace = Workspace(engine, "t")
    workspace.as_of = TODAY
    banner = RatesBanner(workspace, today=lambda: TODAY)
    qtbot.addWidget(banner)
    # The hand portfolio's one feed rate is from 1 Jun 2026.
    assert banner.label.text().startswith("Exchange rates are 179 days old (test feed, 1 Jun 2026)")
    with qtbot.waitSignal(workspace.scores_changed, timeout=20_000):
        qtbot.mouseClick(banner.update_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    headers = dict(feed_server.seen[0][1])
    assert headers["User-Agent"].startswith("sourcing-desk/")
    # S-VERT's quote in USD now lands at the feed's 8.2121 / 1.1581 yuan per dollar.
    vert = next(s for s in workspace.scores if s.supplier_code == "S-VERT")
    (walk,) = vert.sku_margins
    assert walk.fx == D("7.0910111389")  # type: ignore[attr-defined]
    workspace.wait_for_tasks()


def test_the_dialog_lists_rates_and_a_manual_rate_wins(
    qtbot, engine: Engine, tmp_path: Path, feed_server: FeedServer
) -> None:
    load_hand_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "t")
    workspace.as_of = dt.date(2026, 6, 30)
    dialog = RatesDialog(workspace)
    qtbot.addWidget(dialog)
    model = dialog.model
    shown = {
        model.data(model.index(r, 0)): (
            model.data(model.index(r, 2)),
            model.data(model.index(r, 3)),
        )
        for r in range(model.rowCount())
    }
    assert shown == {
        "EUR": ("CNY 7.7 per EUR", "manual"),
        "USD": ("CNY 7.2 per USD", "manual (beats the feed's 7.1)"),
    }
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Rate to CNY"
    assert dialog.rate_unit.text() == "CNY per unit"
    qtbot.keyClicks(dialog.currency_edit, "jpy")
    assert dialog.rate_unit.text() == "CNY per JPY"
    dialog.manual_date.setDate(QDate(2026, 6, 15))
    dialog.rate_edit.setText("0.0485")
    with qtbot.waitSignal(workspace.scores_changed, timeout=20_000):
        qtbot.mouseClick(dialog.save_manual, Qt.MouseButton.LeftButton)
    assert dialog.manual_message.text().startswith("Saved: JPY = CNY 0.0485 on 15 Jun 2026.")
    assert model.rowCount() == 3
    dialog.currency_edit.setText("XYZ")
    qtbot.mouseClick(dialog.save_manual, Qt.MouseButton.LeftButton)
    assert dialog.manual_message.text() == "Not saved: 'XYZ' is not an ISO 4217 currency code."
    dialog.url_edit.setText(feed_server.serve(PATH, Reply(body=ecb_xml("2026-06-29"))))
    with qtbot.waitSignal(dialog.rates_changed, timeout=10_000):
        qtbot.mouseClick(dialog.update_button, Qt.MouseButton.LeftButton)
    assert dialog.feed_message.text() == "Stored 30 rates for 29 Jun 2026 from 127.0.0.1."
    # 29 currencies and EUR from the feed; JPY's feed rate of 29 Jun is newer than the manual one.
    assert model.rowCount() == 30
    jpy = next(model.rate(r) for r in range(30) if model.rate(r).currency == "JPY")
    assert (jpy.kind, jpy.day) == ("feed", dt.date(2026, 6, 29))
    workspace.wait_for_tasks()
