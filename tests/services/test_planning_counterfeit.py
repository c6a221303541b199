"""Planning on real scores: the supplier whose goods came back as fakes is left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.domain.allocation import LineStatus
from sourcing_app.services.planning import plan_portfolio
from tests.services.customs_portfolio import AS_OF, add_returns, load_customs_portfolio

as_of = dt.date.fromisoformat(AS_OF)


def _lines(engine: Engine) -> dict[str, tuple[int, LineStatus, str]]:
    plan = plan_portfolio(engine, as_of)
    (aurelle,) = plan.allocation.brands
    return {line.supplier_code: (line.units, line.status, line.reason) for line in aurelle.lines}


def test_both_suppliers_share_aurelle_before_any_fake(engine: Engine, tmp_path: Path) -> None:
    load_customs_portfolio(engine, tmp_path)
    lines = _lines(engine)
    # 400 units a month over two eligible channels: neither gets more than 60% (240).
    assert sum(units for units, _status, _reason in lines.values()) == 400
    assert all(units <= 240 for units, _status, _reason in lines.values())


def test_a_suspected_counterfeit_gets_nothing_and_the_plan_says_why(
    engine: Engine, tmp_path: Path
) -> None:
    load_customs_portfolio(engine, tmp_path)
    add_returns(engine, [("B2", "2026-06-01", 2, "suspected_counterfeit")])
    lines = _lines(engine)
    assert lines["S-HOPS"] == (
        0,
        LineStatus.EXCLUDED,
        "excluded: customers returned its goods as suspected counterfeits",
    )
    # S-OWN is now the only eligible channel: the share cap does not apply, all 400 units.
    assert lines["S-OWN"][:2] == (400, LineStatus.ALLOCATED)
