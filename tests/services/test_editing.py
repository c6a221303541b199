"""Hand edits on a real database: checked like imports, versioned, audited, and re-scored.

The portfolio is tests/services/hand_portfolio.py: S-VERT (brand owner, vertical)
and S-COMP (tier-3 trader) both sell the Aurelle serum AUR-SERUM.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.editing import (
    Conflict,
    EditingService,
    Invalid,
)
from sourcing_app.services.scoring import ScoringService
from tests.services.hand_portfolio_db import ids, load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def portfolio(engine: Engine, tmp_path: Path) -> dict[str, int]:
    load_hand_portfolio(engine, tmp_path)
    return ids(engine)


def _audit(engine: Engine) -> list[tuple[str, str, str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT who, entity, entity_key, action, changes FROM audit_entry "
            "WHERE action != 'import' ORDER BY id"
        ).all()
    return [(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar()


def _quote(portfolio: dict[str, int], **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "supplier_id": portfolio["S-COMP"],
        "product_id": portfolio["AUR-SERUM"],
        "unit_price": "18.50",
        "currency": "EUR",
        "incoterm": "FOB",
        "min_qty": 500,
        "valid_from": dt.date(2026, 7, 1),
    }
    values.update(changes)
    return values


def test_a_bad_currency_is_named_in_words_and_nothing_is_saved(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    values = _quote(portfolio, currency="EUR1", valid_to=dt.date(2026, 6, 1))

    problems = service.check("quote", values)

    assert problems == {
        "currency": "'EUR1' is not an ISO 4217 currency code",
        "valid_to": "1 Jun 2026 is before valid_from 1 Jul 2026",
    }
    with pytest.raises(Invalid) as refused:
        service.create("quote", values)
    assert refused.value.problems == problems
    assert _scalar(engine, "SELECT COUNT(*) FROM quote") == 2
    assert _audit(engine) == []


def test_the_form_speaks_the_importers_words(engine: Engine, portfolio: dict[str, int]) -> None:
    service = EditingService(engine, who=lambda: "mei")
    problems = service.check(
        "supplier",
        {"code": "S-VERT", "name": "", "country": "UK", "kind": "retailer", "monthly_capacity": -5},
    )
    assert problems == {
        "code": "another supplier already has this code",
        "name": "a value is required",
        "country": "'UK' is not an ISO 3166-1 alpha-2 country code (did you mean GB?)",
        "kind": "'retailer' is not a supplier kind; use one of: Brand owner, Authorized "
        "distributor, Wholesaler, Trader, Bonded-warehouse operator, Platform seller",
        "monthly_capacity": "-5 is negative; capacities must be 0 or more",
    }


def test_a_new_quote_is_saved_with_an_audit_entry_naming_who_and_what(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    saved = service.create("quote", _quote(portfolio))

    assert saved.action == "created"
    assert saved.after["unit_price"] == D("18.5")
    assert saved.rescore == (portfolio["S-COMP"],)
    [(who, entity, key, action, changes)] = _audit(engine)
    assert (who, entity, key, action) == (
        "mei",
        "quote",
        "S-COMP / AUR-SERUM from 2026-07-01 (min 500)",
        "created",
    )
    assert changes["fields"]["unit_price"] == [None, "18.5"]
    assert changes["fields"]["currency"] == [None, "EUR"]


def test_an_edit_bumps_the_version_and_audits_old_and_new(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    supplier = service.load("supplier", portfolio["S-COMP"])

    saved = service.edit(
        "supplier", supplier["id"], supplier["version"], {"name": "Golden Bridge Trading Ltd"}
    )

    assert saved.version == supplier["version"] + 1
    assert _scalar(engine, "SELECT name FROM supplier WHERE code = 'S-COMP'") == (
        "Golden Bridge Trading Ltd"
    )
    [(_, _, key, action, changes)] = _audit(engine)
    assert (key, action) == ("S-COMP", "edited")
    assert changes["fields"] == {"name": ["Golden Bridge Trading", "Golden Bridge Trading Ltd"]}


def test_saving_over_someone_elses_edit_is_refused_in_words(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    mine = EditingService(engine, who=lambda: "mei")
    theirs = EditingService(engine, who=lambda: "jun")
    opened = mine.load("supplier", portfolio["S-COMP"])
    theirs.edit("supplier", opened["id"], opened["version"], {"contact": "+852 5555 0101"})

    with pytest.raises(Conflict) as conflict:
        mine.edit("supplier", opened["id"], opened["version"], {"name": "Golden Bridge"})

    assert "Someone else saved the supplier S-COMP after you opened it (jun," in str(conflict.value)
    assert "Your changes were not saved" in str(conflict.value)
    assert _scalar(engine, "SELECT name FROM supplier WHERE code = 'S-COMP'") == (
        "Golden Bridge Trading"
    )
    assert [a[0] for a in _audit(engine)] == ["jun"]


def test_a_purchase_in_dollars_takes_the_stored_rate_of_its_order_date(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    saved = service.create(
        "purchase",
        {
            "line_ref": "L4",
            "supplier_id": portfolio["S-VERT"],
            "product_id": portfolio["AUR-SERUM"],
            "order_date": dt.date(2026, 6, 10),
            "promised_date": dt.date(2026, 7, 10),
            "ordered_qty": 80,
            "unit_price": "21",
            "currency": "USD",
        },
        standing=Standing.PREFERRED,
    )
    assert saved.after["fx_rate"] == D("7.2")  # the manual USD rate of 2026-06-01
    assert saved.warning == ""

    too_early = service.check(
        "purchase",
        {
            "line_ref": "L5",
            "supplier_id": portfolio["S-VERT"],
            "product_id": portfolio["AUR-SERUM"],
            "order_date": dt.date(2026, 5, 10),
            "promised_date": dt.date(2026, 5, 1),
            "ordered_qty": 10,
            "unit_price": "21",
            "currency": "usd",
        },
    )
    assert too_early == {
        "promised_date": "1 May 2026 is before the order date 10 May 2026",
        "fx_rate": "blank, and no USD exchange rate is stored on or before 10 May 2026; "
        "enter the rate or add one in the exchange rates",
    }


def _purchase(portfolio: dict[str, int], ref: str) -> dict[str, object]:
    return {
        "line_ref": ref,
        "supplier_id": portfolio["S-COMP"],
        "product_id": portfolio["AUR-SERUM"],
        "order_date": dt.date(2026, 6, 20),
        "promised_date": dt.date(2026, 7, 20),
        "ordered_qty": 40,
        "unit_price": "19",
        "currency": "EUR",
        "fx_rate": "7.7",
    }


def test_deliveries_are_checked_against_their_line_and_versioned_by_their_values(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    m2 = portfolio["M2"]  # ordered 2026-04-01, nothing came
    assert service.check(
        "delivery",
        {"line_id": m2, "delivered_date": dt.date(2026, 3, 30), "delivered_qty": 5,
         "rejected_qty": 9},
    ) == {
        "delivered_date": "30 Mar 2026 is before the line's order date 1 Apr 2026",
        "rejected_qty": "9 rejected is more than the 5 delivered",
    }  # fmt: skip

    saved = service.create(
        "delivery", {"line_id": m2, "delivered_date": dt.date(2026, 5, 1), "delivered_qty": 100}
    )
    other = EditingService(engine, who=lambda: "jun")
    other.edit("delivery", saved.id, saved.version, {"rejected_qty": 3})
    with pytest.raises(Conflict):
        service.edit("delivery", saved.id, saved.version, {"delivered_qty": 90})
    assert _scalar(engine, f"SELECT delivered_qty FROM delivery WHERE id = {saved.id}") == 100


def test_a_recorded_delivery_moves_the_suppliers_fill_when_re_scored_alone(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    scoring = ScoringService(engine)
    before = {s.supplier_code: s for s in scoring.score_all(AS_OF)}["S-COMP"]
    assert before.sub_scores["fill"].raw == pytest.approx(100 / 200)

    saved = EditingService(engine, who=lambda: "mei").create(
        "delivery",
        {"line_id": portfolio["M2"], "delivered_date": dt.date(2026, 5, 1), "delivered_qty": 100},
    )
    [supplier_id] = saved.rescore
    after = scoring.rescore_supplier(supplier_id)

    # M1 100 of 100 accepted, and now M2 100 of 100: a fill of 200 / 200.
    assert after.sub_scores["fill"].raw == pytest.approx(1.0)
    assert after.stability_score > before.stability_score


def test_archiving_a_supplier_keeps_its_row_and_history(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    supplier = service.load("supplier", portfolio["S-COMP"])
    saved = service.archive("supplier", supplier["id"], supplier["version"])

    assert saved.rescore_everyone
    assert _scalar(engine, "SELECT archived FROM supplier WHERE code = 'S-COMP'") == 1
    assert _scalar(engine, "SELECT COUNT(*) FROM purchase_line WHERE line_ref LIKE 'M%'") == 2
    codes = [s.supplier_code for s in ScoringService(engine).score_all(AS_OF)]
    assert codes == ["S-VERT"]
    archived = {"id": supplier["id"], "fields": {"archived": [False, True]}}
    assert _audit(engine)[0][3:] == ("archived", archived)

    service.restore("supplier", saved.id, saved.version)
    assert len(ScoringService(engine).score_all(AS_OF)) == 2


def test_a_withdrawn_quote_ends_the_day_before_and_stops_pricing_the_supplier(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    scoring = ScoringService(engine)
    scoring.score_all(AS_OF)
    with engine.connect() as conn:
        quote_id = conn.exec_driver_sql(
            "SELECT q.id FROM quote q JOIN channel c ON c.id = q.channel_id "
            f"WHERE c.supplier_id = {portfolio['S-COMP']}"
        ).scalar()
    quote = service.load("quote", quote_id)

    saved = service.archive("quote", quote_id, quote["version"], as_of=AS_OF)

    assert saved.action == "withdrawn"
    assert saved.after["valid_to"] == dt.date(2026, 6, 29)  # was 2026-12-31
    rescored = scoring.rescore_supplier(portfolio["S-COMP"])
    assert rescored.margin_pct is None
    assert FlagCode.NO_VALID_QUOTE in {f.code for f in rescored.flags}


def test_a_purchase_without_a_channel_for_the_brand_is_refused(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    newcomer = service.create(
        "supplier", {"code": "S-NEW", "name": "New Trader", "kind": "trader", "country": "hk"}
    )
    assert newcomer.after["country"] == "HK"
    values = _purchase(portfolio, "N1") | {"supplier_id": newcomer.id}
    assert service.check("purchase", values) == {
        "supplier_id": "supplier 'S-NEW' has no channel for brand 'Aurelle' "
        "(the brand of SKU 'AUR-SERUM'); add a channel for them first"
    }


def test_edit_and_audit_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(pg_engine, tmp_path)
    portfolio = ids(pg_engine)
    service = EditingService(pg_engine, who=lambda: "mei")
    supplier = service.load("supplier", portfolio["S-COMP"])
    service.edit("supplier", supplier["id"], supplier["version"], {"monthly_capacity": 2500})
    with pytest.raises(Conflict):
        service.edit("supplier", supplier["id"], supplier["version"], {"monthly_capacity": 9})
    delivery = service.create(
        "delivery",
        {"line_id": portfolio["M2"], "delivered_date": dt.date(2026, 5, 1), "delivered_qty": 100},
    )
    service.edit("delivery", delivery.id, delivery.version, {"rejected_qty": 4})

    assert _scalar(pg_engine, "SELECT monthly_capacity FROM supplier WHERE code = 'S-COMP'") == 2500
    audit = _audit(pg_engine)
    assert [(a[1], a[2], a[3]) for a in audit] == [
        ("supplier", "S-COMP", "edited"),
        ("delivery", "M2 on 2026-05-01", "created"),
        ("delivery", "M2 on 2026-05-01", "edited"),
    ]
    assert audit[0][4]["fields"] == {"monthly_capacity": [2000, 2500]}
    assert audit[2][4]["fields"] == {"rejected_qty": [0, 4]}


def test_a_price_with_more_places_than_are_stored_is_refused_not_rounded(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    assert service.check("quote", _quote(portfolio, unit_price="18.123456")) == {
        "unit_price": "18.123456 has more than 4 decimal places"
    }


def test_a_standing_price_list_with_no_start_date_is_saved_priced_and_withdrawn(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    """A blank 'valid from' is an open start: the quote prices from the first day."""
    service = EditingService(engine, who=lambda: "mei")
    scoring = ScoringService(engine)
    scoring.score_all(AS_OF)
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "DELETE FROM quote WHERE channel_id IN "
            f"(SELECT id FROM channel WHERE supplier_id = {portfolio['S-COMP']})"
        )
        conn.commit()

    saved = service.create("quote", _quote(portfolio, valid_from=None, min_qty=1))

    assert saved.after["valid_from"] is None
    [*_, (_who, _entity, key, action, _changes)] = _audit(engine)
    assert (key, action) == ("S-COMP / AUR-SERUM with no start date (min 1)", "created")
    # The same supplier, SKU and minimum with no start is the same quote, not a second one.
    again = service.check("quote", _quote(portfolio, valid_from=None, min_qty=1))
    assert set(again) == {"valid_from"}
    priced = scoring.rescore_supplier(portfolio["S-COMP"])
    assert priced.margin_pct is not None

    withdrawn = service.archive("quote", saved.after["id"], saved.after["version"], as_of=AS_OF)

    assert withdrawn.action == "withdrawn"
    assert withdrawn.after["valid_to"] == dt.date(2026, 6, 29)
    assert scoring.rescore_supplier(portfolio["S-COMP"]).margin_pct is None


def test_refusals_read_in_chinese(engine: Engine, portfolio: dict[str, int]) -> None:
    """The Avoid refusal, a conflict and a form problem, as a Chinese buyer reads them."""
    from sourcing_app import i18n
    from sourcing_app.services.editing import ReasonRequired

    i18n.install(i18n.CHINESE)
    mine = EditingService(engine, who=lambda: "mei")
    theirs = EditingService(engine, who=lambda: "jun")

    with pytest.raises(ReasonRequired) as refused:
        mine.create("purchase", _purchase(portfolio, "A-1"), standing=Standing.AVOID)
    assert str(refused.value) == (
        "Golden Bridge Trading（S-COMP）的评级为规避。必须填写原因才能向它采购，"
        "原因会记入操作日志。"
    )
    warned = mine.create("purchase", _purchase(portfolio, "W-1"), standing=Standing.WATCH)
    assert warned.warning == (
        "Golden Bridge Trading（S-COMP）的评级为观察。采购已记录；"
        "请留意它的到货满足率、准时交付和质量。"
    )

    opened = mine.load("supplier", portfolio["S-COMP"])
    theirs.edit("supplier", opened["id"], opened["version"], {"contact": "+852 5555 0101"})
    with pytest.raises(Conflict) as conflict:
        mine.edit("supplier", opened["id"], opened["version"], {"name": "Golden Bridge"})
    assert str(conflict.value).startswith("你打开供应商 S-COMP 后，别人保存了修改（jun，")
    assert str(conflict.value).endswith("UTC）。你的修改没有保存；请重新打开查看最新内容。")

    problems = mine.check("supplier", {"code": "S-VERT", "name": "", "kind": "trader"})
    assert problems["code"] == "已有供应商用了这个代码"
    assert problems["name"] == "必须填写"
    # Audit keys stay the natural key, whatever the language.
    assert [(a[2], a[3]) for a in _audit(engine)] == [("W-1", "created"), ("S-COMP", "edited")]
