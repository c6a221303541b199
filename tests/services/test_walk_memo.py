"""Walks remembered from run to run are never stale (services/scoring/quotes.py, WalkMemo).

The hand portfolio (tests/services/hand_portfolio.py): S-VERT quotes AUR-SERUM at
USD 20.00 + 1.50 freight + 0.50 insurance, and USD is 7.20 by hand, so the
customs value is V = 22 × 7.20 = CNY 158.40 and the landed cost CNY 194.93.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.scoring import ScoringService
from tests.services.hand_portfolio_db import load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)


def _serum(service: ScoringService, settings: ScoringSettings | None = None) -> object:
    scores = {s.supplier_code: s for s in service.score_all(AS_OF, settings)}
    (walk,) = scores["S-VERT"].sku_margins
    return walk


def test_a_second_run_prices_the_same_and_a_changed_quote_or_rate_is_priced_afresh(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    service = ScoringService(engine)

    first = _serum(service)
    again = _serum(service)
    assert first.customs_value == again.customs_value == Decimal("158.40")
    assert round(again.landed, 2) == Decimal("194.93")

    # Someone else on the team raises the freight to 2.50: V = 23 × 7.20 = 165.60.
    with engine.begin() as conn:
        conn.execute(text("UPDATE quote SET freight_per_unit = 2.5 WHERE unit_price = 20"))
    assert _serum(service).customs_value == Decimal("165.60")

    # And the hand-entered dollar rate moves to 7.30: V = 23 × 7.30 = 167.90.
    with engine.begin() as conn:
        conn.execute(text("UPDATE exchange_rate SET rate_to_home = 7.3 WHERE currency = 'USD'"))
    walk = _serum(service)
    assert walk.customs_value == Decimal("167.90")
    # Exactly what a service that remembers nothing works out.
    assert walk == _serum(ScoringService(engine))


def test_new_costs_are_not_answered_from_walks_made_under_the_old_ones(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    service = ScoringService(engine)
    before = _serum(service)

    # A platform commission of 10% instead of 5%: net revenue falls by 5% of the retail price.
    settings = ScoringSettings()
    dearer = replace(settings, costs=replace(settings.costs, platform_commission=Decimal("0.10")))
    after = _serum(service, dearer)

    assert after.landed == before.landed
    assert after.net_revenue == before.retail_price * Decimal("0.89")
    assert after.net_revenue < before.net_revenue
