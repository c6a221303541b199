"""A standing acts: a purchase with a Watch supplier warns, with an Avoid supplier it is
refused unless the buyer gives a reason (docs/standings-and-flags.md). The standings come
from a real scoring run, not from a score made up for the test.

Two suppliers sell the Aurelle wallet (retail CNY 1,000, so net revenue 940) and both
deliver perfectly: five lines of 100 wallets each, every one in full, two days early,
17 days after the order, at one price. Every sub-score is 1, for both, so the portfolio
averages are 1 too and nothing is shrunk: stability 100. The margin decides.

- S-ONE, Aurelle Paris SAS, quotes CNY 800. Landed 800 × 1.091 = 872.80 (CBEC: 0.7 × 13%
  VAT); margin 67.20 / 940 = 7.149%; margin score 7.149 / 35 = 20.43;
  sourcing score 100 × sqrt(0.2043 × 1) = 45.2: Watch (35 to 55).
- S-DIST, Lumiere Distribution SARL, quotes CNY 840. Landed 916.44; margin 23.56 / 940
  = 2.506%; margin score 7.16; sourcing score 26.8: Avoid (below 35).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.services.editing import EditingService, ReasonRequired
from tests.services.hand_portfolio_db import ids
from tests.services.rule_desk import build, delivery, line, quote, score

WALLET = ("AUR-WALLET,Aurelle,Aurelle wallet,handbags,1000,0.3",)
SUPPLIERS = (
    "S-ONE,Aurelle Paris SAS,FR,brand_owner,5000,,",
    "S-DIST,Lumiere Distribution SARL,FR,authorized_distributor,5000,,",
)
CHANNELS = (
    "S-ONE,Aurelle,0,,,,,false,true",
    "S-DIST,Aurelle,1,AUTH-7,2027-12-31,,,false,true",
)


def _perfect_history(supplier: str, price: str) -> tuple[list[str], list[str]]:
    lines, deliveries = [], []
    for month in range(1, 6):
        ref = f"{supplier}-{month}"
        lines.append(
            line(ref, f"2026-0{month}-01", f"2026-0{month}-20", price=price,
                 supplier=supplier, sku="AUR-WALLET")
        )  # fmt: skip
        deliveries.append(delivery(ref, f"2026-0{month}-18"))
    return lines, deliveries


@pytest.fixture
def scores(engine: Engine, tmp_path: Path) -> dict[str, SupplierScore]:
    one_lines, one_deliveries = _perfect_history("S-ONE", "800")
    dist_lines, dist_deliveries = _perfect_history("S-DIST", "840")
    build(
        engine,
        tmp_path,
        suppliers=SUPPLIERS,
        products=WALLET,
        channels=CHANNELS,
        quotes=(
            quote("800", supplier="S-ONE", sku="AUR-WALLET"),
            quote("840", supplier="S-DIST", sku="AUR-WALLET"),
        ),
        purchases=(*one_lines, *dist_lines),
        deliveries=(*one_deliveries, *dist_deliveries),
    )
    return score(engine)


def _purchase(engine: Engine, supplier: str, ref: str) -> dict[str, object]:
    found = ids(engine)
    return {
        "line_ref": ref,
        "supplier_id": found[supplier],
        "product_id": found["AUR-WALLET"],
        "order_date": dt.date(2026, 6, 30),
        "promised_date": dt.date(2026, 7, 20),
        "ordered_qty": 50,
        "unit_price": "800",
        "currency": "CNY",
        "fx_rate": "1",
    }


def _audit(engine: Engine) -> list[tuple[str, str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT who, entity_key, action, changes FROM audit_entry "
            "WHERE action != 'import' ORDER BY id"
        ).all()
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def _lines(engine: Engine, ref: str) -> int:
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM purchase_line WHERE line_ref = ?", (ref,)
        ).scalar()
    return int(found or 0)


def test_the_scoring_run_puts_one_supplier_at_watch_and_the_other_at_avoid(
    scores: dict[str, SupplierScore],
) -> None:
    one, dist = scores["S-ONE"], scores["S-DIST"]
    assert (one.stability_score, dist.stability_score) == (pytest.approx(100), pytest.approx(100))
    assert one.margin_pct == pytest.approx((940 - 872.80) / 940)
    assert dist.margin_pct == pytest.approx((940 - 916.44) / 940)
    assert one.sourcing_score == pytest.approx(100 * (67.20 / 940 / 0.35) ** 0.5)
    assert dist.sourcing_score == pytest.approx(100 * (23.56 / 940 / 0.35) ** 0.5)
    assert (round(one.sourcing_score, 1), one.standing) == (45.2, Standing.WATCH)
    assert (round(dist.sourcing_score, 1), dist.standing) == (26.8, Standing.AVOID)


def test_a_purchase_with_the_watch_supplier_is_recorded_with_a_warning(
    engine: Engine, scores: dict[str, SupplierScore]
) -> None:
    service = EditingService(engine, who=lambda: "mei")

    saved = service.create("purchase", _purchase(engine, "S-ONE", "W-1"), standing=scores["S-ONE"])

    assert saved.warning == (
        "Aurelle Paris SAS (S-ONE) stands at Watch, sourcing score 45.2 of 100. "
        "The purchase is recorded; keep an eye on its fill, timeliness and quality."
    )
    assert _lines(engine, "W-1") == 1
    [(who, key, action, changes)] = _audit(engine)
    assert (who, key, action) == ("mei", "W-1", "created")
    assert changes["warning"] == saved.warning


def test_a_purchase_with_the_avoid_supplier_needs_a_reason_which_goes_into_the_audit_trail(
    engine: Engine, scores: dict[str, SupplierScore]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    avoid = scores["S-DIST"]

    with pytest.raises(ReasonRequired) as refused:
        service.create("purchase", _purchase(engine, "S-DIST", "A-1"), standing=avoid)
    assert str(refused.value) == (
        "Lumiere Distribution SARL (S-DIST) stands at Avoid, sourcing score 26.8 of 100. "
        "A purchase with it is refused unless you give a reason, which goes into the audit "
        "trail."
    )
    with pytest.raises(ReasonRequired):  # blank is no reason
        service.create("purchase", _purchase(engine, "S-DIST", "A-1"), standing=avoid, reason="  ")
    assert _lines(engine, "A-1") == 0
    assert _audit(engine) == []

    service.create(
        "purchase",
        _purchase(engine, "S-DIST", "A-1"),
        standing=avoid,
        reason="Only stock left before the 11.11 sale",
    )

    assert _lines(engine, "A-1") == 1
    [(who, key, action, changes)] = _audit(engine)
    assert (who, key, action) == ("mei", "A-1", "created")
    assert changes["reason"] == "Only stock left before the 11.11 sale"
