"""A quote whose valid_from is blank: a standing price list, valid since always.

docs/files-and-commands.md: either end of a quote's validity may be blank, and a
blank end is open. The story: SH01 sends Alpenmilch stage 1 at EUR 21.50 from a
price list without a start date. Re-importing it must update it, never add a
copy; scoring must use it on any day; an export writes the blank back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from sourcing_app.db.models import Quote
from sourcing_app.services.exporting import export_table
from sourcing_app.services.importing import import_file
from sourcing_app.services.scoring import ScoringService
from tests.services.test_importing import PORTFOLIO, import_text, seed, write_file

QUOTES_HEADER = (
    "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,"
    "freight_per_unit,insurance_per_unit,valid_from,valid_to\n"
)
STANDING_LIST = QUOTES_HEADER + "SH01,AM-800,21.50,EUR,DAP,100,10,,,,\n"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest) -> Engine:
    engine: Engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    return engine


def _quotes(engine: Engine) -> list[tuple[int, Decimal, dt.date | None]]:
    with Session(engine) as session:
        rows = session.exec(select(Quote.min_qty, Quote.unit_price, Quote.valid_from)).all()
    return sorted(((q, Decimal(p), f) for q, p, f in rows), key=lambda r: (r[0], str(r[2])))


def test_a_blank_valid_from_imports_and_reimports_without_a_copy(
    any_engine: Engine, tmp_path: Path
) -> None:
    seed(any_engine, tmp_path, upto="quotes")

    first = import_text(any_engine, tmp_path, "quotes", STANDING_LIST)
    again = import_text(any_engine, tmp_path, "quotes", STANDING_LIST)
    cheaper = import_text(any_engine, tmp_path, "quotes", STANDING_LIST.replace("21.50", "20.90"))

    assert (first.problems, first.summary()) == ([], "1 added, 0 changed, 0 unchanged")
    assert (again.problems, again.summary()) == ([], "0 added, 0 changed, 1 unchanged")
    assert (cheaper.problems, cheaper.summary()) == ([], "0 added, 1 changed, 0 unchanged")
    assert _quotes(any_engine) == [(100, Decimal("20.90"), None)]


def test_a_dated_quote_beside_the_standing_list_is_another_quote(
    any_engine: Engine, tmp_path: Path
) -> None:
    seed(any_engine, tmp_path, upto="quotes")
    both = STANDING_LIST + "SH01,AM-800,19.80,EUR,DAP,100,10,,,2026-03-01,\n"

    first = import_text(any_engine, tmp_path, "quotes", both)
    again = import_text(any_engine, tmp_path, "quotes", both)

    assert first.summary() == "2 added, 0 changed, 0 unchanged"
    assert again.summary() == "0 added, 0 changed, 2 unchanged"
    assert _quotes(any_engine) == [
        (100, Decimal("19.80"), dt.date(2026, 3, 1)),
        (100, Decimal("21.50"), None),
    ]


def test_the_same_standing_list_twice_in_one_file_is_named(engine: Engine, tmp_path: Path) -> None:
    seed(engine, tmp_path, upto="quotes")
    twice = STANDING_LIST + "SH01,AM-800,21.00,EUR,DAP,100,10,,,,\n"

    result = import_text(engine, tmp_path, "quotes", twice)

    assert [str(p) for p in result.problems] == [
        "line 3, column supplier_code: repeats line 2 (same supplier_code and sku and min_qty "
        "and valid_from: SH01, AM-800, 100, ); each may appear only once in a file"
    ]
    assert _quotes(engine) == []


def _price_of_am800(engine: Engine, as_of: dt.date) -> Decimal | None:
    scores = {s.supplier_code: s for s in ScoringService(engine).score_all(as_of)}
    walks = [w for w in scores["SH01"].sku_margins if getattr(w, "sku", "") == "AM-800"]
    return walks[0].unit_price if walks else None  # type: ignore[attr-defined]


def test_scoring_takes_a_blank_start_as_valid_since_always(
    any_engine: Engine, tmp_path: Path
) -> None:
    """Before the dated quote starts (1 Mar), only the standing list can price the SKU; from
    its start, the dated quote wins the tie on minimum quantity (latest start). The EUR
    rate is stored from 2 Jan 2026, so the scores are taken in February and March."""
    seed(any_engine, tmp_path)
    standing_and_dated = STANDING_LIST + "SH01,AM-800,19.80,EUR,DAP,100,10,,,2026-03-01,\n"
    import_text(any_engine, tmp_path, "quotes", standing_and_dated)
    with Session(any_engine) as session:  # the portfolio's own dated quote would compete
        for quote in session.exec(select(Quote).where(Quote.unit_price == Decimal("21.5"))):
            if quote.valid_from is not None:
                session.delete(quote)
        session.commit()

    assert _price_of_am800(any_engine, dt.date(2026, 2, 1)) == Decimal("21.50")
    assert _price_of_am800(any_engine, dt.date(2026, 3, 15)) == Decimal("19.80")


def test_an_export_writes_the_blank_start_and_imports_back_unchanged(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="quotes")
    import_text(engine, tmp_path, "quotes", STANDING_LIST)
    path = tmp_path / "exported-quotes.csv"

    export_table(engine, "quotes", path)
    back = import_file(engine, "quotes", path)

    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] + "\n" == QUOTES_HEADER
    assert lines[1].endswith(",,")  # valid_from and valid_to both blank
    assert (back.problems, back.summary()) == ([], "0 added, 0 changed, 1 unchanged")


def test_the_portfolio_quotes_with_dates_still_import_as_before(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine, tmp_path, upto="quotes")
    path = write_file(tmp_path, "quotes.csv", PORTFOLIO["quotes"])
    assert import_file(engine, "quotes", path).summary() == "3 added, 0 changed, 0 unchanged"
    assert import_file(engine, "quotes", path).summary() == "0 added, 0 changed, 3 unchanged"
