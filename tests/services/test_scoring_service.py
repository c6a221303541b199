"""The scoring service against a real SQLite file: SQL aggregates give the hand-worked scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from sourcing_app.db.models import (
    Brand,
    Channel,
    Delivery,
    ExchangeRate,
    Product,
    PurchaseLine,
    Quote,
    Supplier,
    TaxCategory,
)
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.scoring import ScoringService
from tests.services.hand_portfolio import expected

AS_OF = dt.date(2026, 6, 30)
d = dt.date.fromisoformat


def build_hand_portfolio(engine: Engine) -> None:
    """The portfolio of tests/services/hand_portfolio.py, written through the ORM."""
    with Session(engine) as s:
        tax = TaxCategory(
            name="cosmetics",
            tariff=D("0.05"),
            consumption_tax=D("0.15"),
            vat=D("0.13"),
            postal_rate=D("0.5"),
        )
        brand = Brand(
            name="Aurelle",
            origin_country="FR",
            category="cosmetics",
            hot_selling=True,
            planned_monthly_demand=400,
        )
        vert = Supplier(code="S-VERT", name="Aurelle Paris SAS", country="FR", kind="brand_owner")
        comp = Supplier(code="S-COMP", name="Golden Bridge Trading", country="HK", kind="trader")
        s.add_all([tax, brand, vert, comp])
        s.flush()
        product = Product(
            sku="AUR-SERUM",
            brand_id=brand.id,
            name="Aurelle serum 30 ml",
            tax_category_id=tax.id,
            retail_price=D("299"),
        )
        cv = Channel(supplier_id=vert.id, brand_id=brand.id, tier=0)
        cc = Channel(supplier_id=comp.id, brand_id=brand.id, tier=3)
        s.add_all([product, cv, cc])
        s.flush()
        s.add_all(
            [
                Quote(
                    channel_id=cv.id,
                    product_id=product.id,
                    unit_price=D("20"),
                    currency="USD",
                    freight_per_unit=D("1.5"),
                    insurance_per_unit=D("0.5"),
                    valid_from=d("2026-01-01"),
                ),
                Quote(
                    channel_id=cc.id,
                    product_id=product.id,
                    unit_price=D("19"),
                    currency="EUR",
                    freight_per_unit=D("1"),
                    valid_from=d("2026-01-01"),
                    valid_to=d("2026-12-31"),
                ),
                ExchangeRate(
                    currency="USD",
                    rate_date=d("2026-06-01"),
                    rate_to_home=D("7.10"),
                    kind="feed",
                    source="test feed",
                ),
                ExchangeRate(
                    currency="USD",
                    rate_date=d("2026-06-01"),
                    rate_to_home=D("7.20"),
                    kind="manual",
                    source="typed in",
                ),
                ExchangeRate(
                    currency="EUR",
                    rate_date=d("2026-06-01"),
                    rate_to_home=D("7.70"),
                    kind="manual",
                    source="typed in",
                ),
            ]
        )
        lines = {}
        for ref, ch, od, pd, qty, price, cur, fx in [
            ("L0", cv, "2025-06-30", "2025-07-30", 100, "20", "USD", "7.0"),
            ("L1", cv, "2026-01-10", "2026-02-10", 100, "20", "USD", "7.0"),
            ("L2", cv, "2026-03-01", "2026-04-01", 100, "21", "USD", "7.0"),
            ("L3", cv, "2026-06-20", "2026-07-20", 50, "21", "USD", "7.0"),
            ("M1", cc, "2026-02-01", "2026-03-01", 100, "19", "EUR", "7.5"),
            ("M2", cc, "2026-04-01", "2026-05-01", 100, "20", "EUR", "7.5"),
        ]:
            line = PurchaseLine(
                line_ref=ref,
                channel_id=ch.id,
                product_id=product.id,
                order_date=d(od),
                promised_date=d(pd),
                ordered_qty=qty,
                unit_price=D(price),
                currency=cur,
                fx_rate=D(fx),
            )
            s.add(line)
            lines[ref] = line
        s.flush()
        for ref, date, qty, rejected, clearance in [
            ("L0", "2025-07-29", 100, 0, 3),
            ("L1", "2026-02-09", 100, 2, 3),
            ("L2", "2026-04-05", 100, 0, 5),
            ("M1", "2026-03-02", 60, 0, 6),
            ("M1", "2026-03-20", 50, 5, 6),
        ]:
            s.add(
                Delivery(
                    line_id=lines[ref].id,
                    delivered_date=d(date),
                    delivered_qty=qty,
                    rejected_qty=rejected,
                    clearance_days=clearance,
                )
            )
        s.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def hand_engine(request: pytest.FixtureRequest) -> Engine:
    """The same portfolio in the embedded SQLite file and on a real PostgreSQL server."""
    engine: Engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    build_hand_portfolio(engine)
    return engine


def test_scores_match_the_hand_worked_formulas(hand_engine: Engine) -> None:
    scores = {s.supplier_code: s for s in ScoringService(hand_engine).score_all(AS_OF)}
    want = expected()
    assert set(scores) == {"S-VERT", "S-COMP"}
    for code, numbers in want.items():
        s = scores[code]
        for key, value in numbers.items():
            got = s.sub_scores[key[4:]].value if key.startswith("sub.") else getattr(s, key)
            assert got == pytest.approx(value, abs=1e-9), (code, key)


def test_explanations_name_the_inputs(hand_engine: Engine) -> None:
    scores = {s.supplier_code: s for s in ScoringService(hand_engine).score_all(AS_OF)}
    vert = scores["S-VERT"]
    assert vert.sub_scores["fill"].explanation.startswith(
        "fill 99%: 198 of 200 units accepted over 2 lines"
    )
    assert vert.sub_scores["on_time"].explanation.startswith(
        "on time 50%: 100 of 200 units delivered by the promised date + 2 grace days"
    )
    walk = vert.sku_margins[0]
    assert walk.fx == D("7.2")  # the manual rate beat the feed's 7.10 for 2026-06-01
    assert "158.40 CNY" in walk.describe()


def test_standings_and_flags(hand_engine: Engine) -> None:
    scores = {s.supplier_code: s for s in ScoringService(hand_engine).score_all(AS_OF)}
    want = expected()
    for code, s in scores.items():
        assert s.standing is (
            Standing.PREFERRED
            if want[code]["sourcing_score"] >= 75
            else Standing.APPROVED
            if want[code]["sourcing_score"] >= 55
            else Standing.WATCH
            if want[code]["sourcing_score"] >= 35
            else Standing.AVOID
        )
        codes = {f.code for f in s.flags}
        assert FlagCode.THIN_HISTORY in codes  # two due lines each
        assert FlagCode.SINGLE_CHANNEL not in codes  # Aurelle has two channels


def test_one_supplier_is_rescored_after_an_edit(hand_engine: Engine) -> None:
    service = ScoringService(hand_engine)
    before = {s.supplier_code: s for s in service.score_all(AS_OF)}
    comp = before["S-COMP"]
    # The missing M2 delivery turns up on time: fill 200/200, on time 160/200.
    with Session(hand_engine) as s:
        line = s.exec(
            PurchaseLine.__table__.select().where(PurchaseLine.line_ref == "M2")  # type: ignore[arg-type]
        ).one()
        s.add(Delivery(line_id=line.id, delivered_date=d("2026-04-28"), delivered_qty=100))
        s.commit()
    after = service.rescore_supplier(comp.supplier_id)
    assert after.sub_scores["fill"].raw == pytest.approx(1.0)
    assert after.sub_scores["on_time"].raw == pytest.approx(160 / 200)
    assert after.stability_score > comp.stability_score
    # The other supplier is untouched, and the priors are the last full run's.
    assert service.last_run is not None
    assert service.last_run.scores[before["S-VERT"].supplier_id] == before["S-VERT"]


def test_an_archived_supplier_is_not_scored(hand_engine: Engine) -> None:
    with Session(hand_engine) as s:
        for sup in s.exec(Supplier.__table__.select()).all():  # type: ignore[arg-type]
            if sup.code == "S-COMP":
                row = s.get(Supplier, sup.id)
                assert row is not None
                row.archived = True
                s.add(row)
        s.commit()
    codes = [x.supplier_code for x in ScoringService(hand_engine).score_all(AS_OF)]
    assert codes == ["S-VERT"]
