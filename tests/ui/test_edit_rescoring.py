"""An edit of a brand, product or channel re-scores only the suppliers it can move.

The hand portfolio (tests/services/hand_portfolio.py) plus a third supplier,
S-MIST, that deals in another brand (Brume), SKU (BRU-MIST) and tax category
(fragrance): whatever is done to Aurelle leaves S-MIST's score the very same
object, and the other way round. No full run starts for any of these edits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.editing import EditingService
from sourcing_app.services.scoring import ScoringService
from sourcing_app.ui.shell import workspace as workspace_module
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio import expected
from tests.services.hand_portfolio_db import ids, load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)
NET = 299 * 0.94  # retail less 5% commission and 1% payment fee (docs/margin.md)


def add_mist(engine: Engine) -> dict[str, int]:
    """S-MIST, a tier-3 trader of Brume (not hot-selling), quoting BRU-MIST at CNY 50."""
    service = EditingService(engine, who=lambda: "setup")
    tax = service.create("tax_category", {"name": "fragrance", "vat": "0.13"}).id
    brand = service.create("brand", {"name": "Brume", "hot_selling": False}).id
    product = service.create(
        "product",
        {
            "sku": "BRU-MIST",
            "brand_id": brand,
            "name": "Brume mist 50 ml",
            "tax_category_id": tax,
            "retail_price": "199",
        },
    ).id
    supplier = service.create(
        "supplier", {"code": "S-MIST", "name": "Mist Trading", "kind": "trader"}
    ).id
    service.create("channel", {"supplier_id": supplier, "brand_id": brand, "tier": "3"})
    service.create(
        "quote",
        {
            "supplier_id": supplier,
            "product_id": product,
            "unit_price": "50",
            "currency": "CNY",
            "valid_from": "2026-01-01",
        },
    )
    return {**ids(engine), "S-MIST": supplier}


@pytest.fixture
def setup(qtbot, engine: Engine, tmp_path: Path) -> tuple[Workspace, EditSession, dict[str, int]]:
    load_hand_portfolio(engine, tmp_path)
    found = add_mist(engine)
    workspace = Workspace(engine, "test.sqlite")
    workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    return workspace, EditSession.of(workspace), found


def landed(value: float, vat: float = 0.13) -> float:
    """Customs value plus 70% of consumption tax and VAT under CBEC (docs/margin.md)."""
    return value + 0.7 * value * (0.15 + vat) / 0.85


def scores(workspace: Workspace, found: dict[str, int]) -> dict[str, SupplierScore]:
    out = {}
    for code in ("S-VERT", "S-COMP", "S-MIST"):
        score = workspace.score_for(found[code])
        assert score is not None
        out[code] = score
    return out


def full_runs(workspace: Workspace) -> list[str]:
    started: list[str] = []
    workspace.task_started.connect(lambda _job, title: started.append(title))
    return started


def test_a_retail_price_edit_moves_the_margins_of_the_suppliers_quoting_the_sku(
    setup: tuple[Workspace, EditSession, dict[str, int]],
) -> None:
    workspace, session, found = setup
    before = scores(workspace, found)
    assert before["S-VERT"].margin_pct == pytest.approx(expected()["S-VERT"]["margin_pct"])
    started = full_runs(workspace)

    product = session.service.load("product", found["AUR-SERUM"])
    session.push(
        session.service.edit("product", product["id"], product["version"], {"retail_price": "320"})
    )

    after = scores(workspace, found)
    net = 320 * 0.94
    for code, value in (("S-VERT", 22 * 7.20), ("S-COMP", 20 * 7.70)):
        assert after[code].margin_pct == pytest.approx((net - landed(value)) / net)
        assert after[code].margin_pct > before[code].margin_pct
    assert after["S-MIST"] is before["S-MIST"]
    assert started == []
    # The same margins a full run works out from scratch.
    full = {s.supplier_code: s for s in ScoringService(workspace.engine).score_all(AS_OF)}
    assert after["S-COMP"].margin_pct == pytest.approx(full["S-COMP"].margin_pct)


def test_making_a_brand_hot_flags_its_only_channel_on_its_own_supplier(
    setup: tuple[Workspace, EditSession, dict[str, int]],
) -> None:
    workspace, session, found = setup
    before = scores(workspace, found)
    brand_flags = {FlagCode.SINGLE_CHANNEL, FlagCode.COMPOSITE_ONLY}
    assert not brand_flags & {flag.code for flag in before["S-MIST"].flags}
    started = full_runs(workspace)

    brand = session.service.load("brand", found["Brume"])
    saved = session.service.edit("brand", brand["id"], brand["version"], {"hot_selling": True})
    session.push(saved)

    after = scores(workspace, found)
    codes = {flag.code for flag in after["S-MIST"].flags}
    # One active channel, a tier-3 trader's: a single channel, and composite only.
    assert brand_flags <= codes
    assert after["S-VERT"] is before["S-VERT"]
    assert after["S-COMP"] is before["S-COMP"]

    session.push(session.service.edit("brand", saved.id, saved.version, {"name": "Brume Paris"}))
    words = [flag.message for flag in scores(workspace, found)["S-MIST"].flags]
    assert (
        "hot-selling brand Brume Paris has a single active channel: losing it stops supply" in words
    )
    assert started == []


def test_ending_a_channel_of_a_hot_brand_flags_the_brands_other_supplier(
    setup: tuple[Workspace, EditSession, dict[str, int]],
) -> None:
    workspace, session, found = setup
    before = scores(workspace, found)
    assert FlagCode.SINGLE_CHANNEL not in {f.code for f in before["S-VERT"].flags}
    started = full_runs(workspace)
    with workspace.engine.connect() as conn:
        channel = conn.exec_driver_sql(
            "SELECT id FROM channel WHERE supplier_id = ?", (found["S-COMP"],)
        ).scalar_one()

    session.archive("channel", channel)

    # Aurelle sells hot, and S-VERT's is now its only active channel.
    after = scores(workspace, found)
    assert FlagCode.SINGLE_CHANNEL in {f.code for f in after["S-VERT"].flags}
    assert after["S-MIST"] is before["S-MIST"]
    assert started == []

    workspace.undo_stack.undo()
    assert FlagCode.SINGLE_CHANNEL not in {f.code for f in scores(workspace, found)["S-VERT"].flags}


def test_planned_demand_moves_no_score(
    setup: tuple[Workspace, EditSession, dict[str, int]],
) -> None:
    workspace, session, found = setup
    before = scores(workspace, found)
    started = full_runs(workspace)

    brand = session.service.load("brand", found["Aurelle"])
    saved = session.service.edit(
        "brand", brand["id"], brand["version"], {"planned_monthly_demand": "900"}
    )
    session.push(saved)

    assert saved.rescore == () and not saved.rescore_everyone
    assert scores(workspace, found) == before
    assert all(scores(workspace, found)[code] is before[code] for code in before)
    assert started == []


def test_too_many_suppliers_to_re_score_one_by_one_go_to_a_full_run(
    qtbot, monkeypatch, setup: tuple[Workspace, EditSession, dict[str, int]]
) -> None:
    workspace, session, found = setup
    monkeypatch.setattr(workspace_module, "ONE_BY_ONE_AT_MOST", 1)
    started = full_runs(workspace)

    product = session.service.load("product", found["AUR-SERUM"])
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        session.push(
            session.service.edit(
                "product", product["id"], product["version"], {"retail_price": Decimal(320)}
            )
        )

    assert started == ["Re-scoring…"]
    net = 320 * 0.94
    score = workspace.score_for(found["S-VERT"])
    assert score is not None
    assert score.margin_pct == pytest.approx((net - landed(22 * 7.20)) / net)
