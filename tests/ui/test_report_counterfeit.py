"""The loudest flag on page one of the supplier report, before the scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.reports import write_supplier_report
from tests.services.customs_portfolio import AS_OF, add_returns, load_customs_portfolio
from tests.ui.test_reports import _page_text, assert_black_and_white, render_pages

as_of = dt.date.fromisoformat(AS_OF)


def test_a_suspected_counterfeit_opens_page_one(
    engine: Engine, tmp_path: Path, qapp: object
) -> None:
    load_customs_portfolio(engine, tmp_path)
    # S-HOPS, a tier-3 trader: 2 units of line B2 came back as fakes on 2026-06-01.
    add_returns(engine, [("B2", "2026-06-01", 2, "suspected_counterfeit")])
    path = tmp_path / "s-hops.pdf"
    write_supplier_report(engine, "S-HOPS", path, as_of, made_on=as_of)
    first = _page_text(path, 1)
    alert = first.index("Suspected counterfeit: customers returned goods from this supplier")
    assert "it sells through a composite channel" in first
    assert "2 units of AUR-SERUM (line B2) returned on 1 Jun 2026" in first
    assert alert < first.index("Scores")  # above the scores, the first thing after the title
    # The flags table lists it first too, before the thin history.
    flags = first[first.index("Risk flags") :]
    assert flags.index("(line B2) returned on") < flags.index("only 2 due lines")
    for image in render_pages(path, tmp_path):
        assert_black_and_white(image)


def test_no_alert_without_a_suspected_counterfeit(
    engine: Engine, tmp_path: Path, qapp: object
) -> None:
    load_customs_portfolio(engine, tmp_path)
    path = tmp_path / "s-own.pdf"
    write_supplier_report(engine, "S-OWN", path, as_of, made_on=as_of)
    assert "Suspected counterfeit" not in _page_text(path, 1)
