"""Returns entered by hand: the importer's checks field by field, versioned and audited.

The portfolio is tests/services/hand_portfolio.py. By hand:
  L1: delivered 100 on 2026-02-09, 2 rejected: 98 accepted; a late return of 3 stored.
  M1: delivered 60 on 03-02 and 50 (5 rejected) on 03-20: 105 accepted; 1 returned (other).
  M2: nothing delivered.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.services.editing import Conflict, EditingService, Invalid
from tests.services.hand_portfolio_db import ids, load_hand_portfolio


@pytest.fixture
def portfolio(engine: Engine, tmp_path: Path) -> dict[str, int]:
    load_hand_portfolio(engine, tmp_path)
    return ids(engine)


def _audit(engine: Engine) -> list[tuple[str, str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT who, entity_key, action, changes FROM audit_entry "
            "WHERE entity = 'return' ORDER BY id"
        ).all()
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def test_each_field_is_refused_with_the_importers_words(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    l1 = portfolio["L1"]
    # 3 stored + 96 = 99 units, one more than the 98 accepted.
    assert service.check(
        "return",
        {"line_id": l1, "return_date": dt.date(2026, 2, 8), "returned_qty": 96,
         "reason": "damaged"},
    ) == {
        "return_date": "8 Feb 2026 is before the line's first delivery on 9 Feb 2026",
        "returned_qty": "returns on this line would add up to 99 units, more than the 98 "
        "accepted on it (delivered less rejected)",
    }  # fmt: skip
    assert service.check(
        "return",
        {"line_id": l1, "return_date": dt.date(2026, 3, 8), "returned_qty": 0, "reason": "broken"},
    ) == {
        "returned_qty": "0 is too small; quantities must be at least 1",
        "reason": "'broken' is not a return reason; use one of damaged, not_as_described, "
        "suspected_counterfeit, expired, late, other",
    }
    assert service.check(
        "return",
        {"line_id": portfolio["M2"], "return_date": dt.date(2026, 6, 1), "returned_qty": 1,
         "reason": "破损"},
    ) == {
        "return_date": "nothing has been delivered on this purchase line yet, "
        "so nothing can be returned"
    }  # fmt: skip
    # 3 + 95 = 98: exactly what was accepted, so it fits.
    assert service.check(
        "return",
        {"line_id": l1, "return_date": dt.date(2026, 3, 8), "returned_qty": 95,
         "reason": "damaged"},
    ) == {}  # fmt: skip


def test_a_return_is_saved_edited_and_removed_each_audited_and_versioned(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    m1 = portfolio["M1"]
    saved = service.create(
        "return",
        {"line_id": m1, "return_date": dt.date(2026, 4, 10), "returned_qty": 4,
         "reason": "suspected_counterfeit"},
    )  # fmt: skip
    assert saved.label == "return M1 on 2026-04-10 (suspected_counterfeit)"
    assert saved.rescore == (portfolio["S-COMP"],)
    with pytest.raises(Invalid) as same_key:
        service.create(
            "return",
            {"line_id": m1, "return_date": dt.date(2026, 4, 10), "returned_qty": 1,
             "reason": "suspected_counterfeit"},
        )  # fmt: skip
    assert same_key.value.problems == {
        "reason": "this line already has a return on this date for this reason; "
        "edit that one instead"
    }
    edited = service.edit("return", saved.id, saved.version, {"returned_qty": 6})
    assert edited.version == saved.version + 1
    other = EditingService(engine, who=lambda: "jun")
    with pytest.raises(Conflict):
        other.edit("return", saved.id, saved.version, {"returned_qty": 2})
    service.remove("return", saved.id, edited.version)
    key = "M1 on 2026-04-10 (suspected_counterfeit)"
    assert _audit(engine) == [
        ("mei", key, "created", {"id": saved.id, "fields": {
            "line_id": [None, m1], "return_date": [None, "2026-04-10"],
            "returned_qty": [None, 4], "reason": [None, "suspected_counterfeit"]}}),
        ("mei", key, "edited", {"id": saved.id, "fields": {"returned_qty": [4, 6]}}),
        ("mei", key, "removed", {"id": saved.id, "fields": {
            "line_id": [m1, None], "return_date": ["2026-04-10", None],
            "returned_qty": [6, None], "reason": ["suspected_counterfeit", None]}}),
    ]  # fmt: skip


def test_editing_a_return_counts_the_lines_other_returns_not_itself(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine)
    l1 = portfolio["L1"]
    saved = service.create(
        "return",
        {"line_id": l1, "return_date": dt.date(2026, 3, 8), "returned_qty": 90,
         "reason": "expired"},
    )  # fmt: skip
    # Itself 90 → 95, plus the stored late 3: 98, all that was accepted.
    assert service.check("return", {"returned_qty": 95}, entity_id=saved.id) == {}
    assert service.check("return", {"returned_qty": 96}, entity_id=saved.id) == {
        "returned_qty": "returns on this line would add up to 99 units, more than the 98 "
        "accepted on it (delivered less rejected)"
    }


def test_a_delivery_cannot_be_cut_below_what_customers_sent_back(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine)
    delivery = next(
        d
        for d in (service.load("delivery", i) for i in range(1, 10))
        if d["line_id"] == portfolio["L1"]
    )
    # L1 has 3 units returned (late): 100 delivered less 98 rejected leaves 2 accepted.
    assert service.check("delivery", {"rejected_qty": 98}, entity_id=delivery["id"]) == {
        "delivered_qty": "returns on this line would add up to 3 units, more than the 2 "
        "accepted on it (delivered less rejected)"
    }
    assert service.check("delivery", {"rejected_qty": 97}, entity_id=delivery["id"]) == {}


def test_a_delivery_the_returns_need_is_not_removed(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, line_id, rejected_qty FROM delivery").all()
    l1 = service.load("delivery", next(i for i, line, _r in rows if line == portfolio["L1"]))
    # L1's only delivery: without it nothing is accepted, and 3 units came back.
    with pytest.raises(Conflict) as refused:
        service.remove("delivery", l1["id"], l1["version"])
    assert str(refused.value) == (
        "The delivery L1, delivered 9 Feb 2026 stays: customers sent back 3 units of this "
        "line, and without it only 0 would have been accepted. Remove or correct the returns "
        "first; nothing was removed."
    )
    assert service.load("delivery", l1["id"])["delivered_qty"] == 100
    # M1: 60 accepted on 2 Mar, 45 on 20 Mar; a return of 10 Mar added. Without the
    # first delivery that return would come before the line's first delivery.
    service.create(
        "return",
        {"line_id": portfolio["M1"], "return_date": dt.date(2026, 3, 10), "returned_qty": 1,
         "reason": "damaged"},
    )  # fmt: skip
    first = next(i for i, line, rejected in rows if line == portfolio["M1"] and rejected == 0)
    m1_first = service.load("delivery", first)
    with pytest.raises(Conflict) as refused:
        service.remove("delivery", m1_first["id"], m1_first["version"])
    assert str(refused.value) == (
        "The delivery M1, delivered 2 Mar 2026 stays: the return of 10 Mar 2026 would then come "
        "before the line's first delivery. Remove or correct the returns first; nothing "
        "was removed."
    )
    # Without its second delivery M1 keeps 60 accepted from 2 Mar: both returns fit.
    second = next(i for i, line, rejected in rows if line == portfolio["M1"] and rejected == 5)
    m1 = service.load("delivery", second)
    service.remove("delivery", m1["id"], m1["version"])
    with engine.connect() as conn:
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM delivery WHERE line_id = ?", (portfolio["M1"],)
        ).scalar()
    assert left == 1
