"""Which quote prices a SKU: the lowest minimum quantity, then the latest start, then the
lowest price (docs/margin.md, step 7).

The desk is tests/services/rule_desk.py, scored on 2026-06-30: Aurelle bags quoted in
CNY by their brand owner, S-ONE. Each test isolates one rule: the quotes it compares
agree on every rule before it, and the rules after it would choose the other quote.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.scoring.quotes import select_quote
from tests.services.rule_desk import AS_OF, build, quote, score


def _chosen_price(engine: Engine) -> D:
    [walk] = score(engine)["S-ONE"].sku_margins
    return walk.unit_price


def test_the_quote_with_the_lowest_minimum_quantity_prices_the_sku(
    engine: Engine, tmp_path: Path
) -> None:
    """A bag bought one at a time costs 4,200; from 50 bags, 3,900 (and quoted later).

    The buyer's margin is worked on what one bag costs, so 4,200 is used: the later
    start and the lower price of the volume quote do not count.
    """
    build(
        engine,
        tmp_path,
        quotes=(
            quote("4200", min_qty=1, valid_from="2026-01-01"),
            quote("3900", min_qty=50, valid_from="2026-05-01"),
        ),
    )

    assert _chosen_price(engine) == D("4200")


def test_among_the_same_minimum_quantity_the_latest_start_prices_the_sku(
    engine: Engine, tmp_path: Path
) -> None:
    """January's list said 3,900, April's says 4,100: April's is the price now.

    The standing price list with no start date (3,800) has been valid since always, so
    it is the oldest of the three. A quote from July at 3,000 has not started on
    30 June and is left out.
    """
    build(
        engine,
        tmp_path,
        quotes=(
            quote("3800", min_qty=10, valid_from=""),
            quote("3900", min_qty=10, valid_from="2026-01-01"),
            quote("4100", min_qty=10, valid_from="2026-04-01"),
            quote("3000", min_qty=10, valid_from="2026-07-01"),
        ),
    )

    assert _chosen_price(engine) == D("4100")


def test_among_the_same_minimum_quantity_and_start_the_lowest_price_prices_the_sku() -> None:
    """Two quotes of 10 bags from 1 April, at 4,100 and 3,950: 3,950 is used.

    The database keeps one quote per channel, SKU, minimum quantity and start, so this
    tie cannot be stored today; the choosing rule is checked on its own, with the rows
    as the scoring reads them: channel, product, price, currency, minimum quantity,
    freight, insurance, valid from, valid to.
    """
    april = dt.date(2026, 4, 1)
    dearer = (1, 1, 4100.0, "CNY", 10, 0.0, 0.0, april, None)
    cheaper = (1, 1, 3950.0, "CNY", 10, 0.0, 0.0, april, None)

    assert select_quote([dearer, cheaper], AS_OF) == cheaper
    assert select_quote([cheaper, dearer], AS_OF) == cheaper
