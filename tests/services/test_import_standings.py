"""Standings act on imports too (docs/standings-and-flags.md).

The story: the buyer's bands are strict this season (Preferred from 95, Approved
from 90, Watch from 80). A real scoring run of the hand portfolio on 30 Jun 2026
puts Aurelle Paris (S-VERT, 82.8) at Watch and Golden Bridge (S-COMP, 79.2) at
Avoid. The buyer then imports four purchase lines from the ERP. History is a
fact, so all four go in; but the lines ordered from those two suppliers in the
30 days up to 30 Jun (31 May to 30 Jun) are named in the dry run, the summary,
the command line and the audit trail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from sourcing_app.cli import main
from sourcing_app.db.models import AuditEntry, PurchaseLine
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.settings import StandingBands
from sourcing_app.services.importing import Standings, import_file
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_settings, save_settings
from tests.services.hand_portfolio_db import load_hand_portfolio
from tests.services.test_importing import snapshot

AS_OF = dt.date(2026, 6, 30)
NEW_LINES = (
    "line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,currency,"
    "fx_rate,regime\n"
    "N1,S-VERT,AUR-SERUM,2026-06-25,2026-07-25,10,20,USD,7.0,cbec\n"  # 5 days before: named
    "N2,S-COMP,AUR-SERUM,2026-05-31,2026-06-30,10,19,EUR,7.5,cbec\n"  # 30 days before: named
    "N3,S-COMP,AUR-SERUM,2026-05-30,2026-06-29,10,19,EUR,7.5,cbec\n"  # 31 days before: not
    "N4,S-VERT,AUR-SERUM,2026-07-01,2026-07-31,10,20,USD,7.0,cbec\n"  # after 30 Jun: not
)
WORDS = [
    "2 purchase lines were placed with a supplier at Watch or Avoid in the 30 days up to "
    "30 Jun 2026 (standings of the scoring run of that day). They are history and are "
    "imported; check them:",
    "line 2: N1 was ordered from S-VERT on 25 Jun 2026; S-VERT stands at Watch",
    "line 3: N2 was ordered from S-COMP on 31 May 2026; S-COMP stands at Avoid",
]


def load_strict_desk(engine: Engine, folder: Path) -> None:
    """The hand portfolio, with bands that put S-VERT at Watch and S-COMP at Avoid."""
    load_hand_portfolio(engine, folder)
    settings = dataclasses.replace(
        load_settings(engine), bands=StandingBands(preferred=95, approved=90, watch=80)
    )
    with engine.begin() as conn:
        save_settings(conn, settings)


@pytest.fixture
def strict_desk(engine: Engine, tmp_path: Path) -> Engine:
    load_strict_desk(engine, tmp_path)
    return engine


def _standings(engine: Engine) -> Standings:
    scores = ScoringService(engine).score_all(AS_OF)
    assert {s.supplier_code: s.standing for s in scores} == {
        "S-VERT": Standing.WATCH,
        "S-COMP": Standing.AVOID,
    }
    return Standings.from_scores(scores, AS_OF)


def _new_lines(folder: Path) -> Path:
    path = folder / "erp-lines.csv"
    path.write_text(NEW_LINES, encoding="utf-8")
    return path


def test_the_dry_run_names_recent_lines_with_watch_or_avoid_suppliers_and_changes_nothing(
    strict_desk: Engine, tmp_path: Path
) -> None:
    standings = _standings(strict_desk)
    before = snapshot(strict_desk)

    result = import_file(
        strict_desk, "purchases", _new_lines(tmp_path), dry_run=True, standings=standings
    )

    assert (result.problems, result.summary()) == ([], "4 added, 0 changed, 0 unchanged")
    assert result.standing_words() == WORDS
    assert snapshot(strict_desk) == before


def test_the_import_takes_every_line_and_the_audit_trail_names_the_recent_ones(
    strict_desk: Engine, tmp_path: Path
) -> None:
    result = import_file(
        strict_desk,
        "purchases",
        _new_lines(tmp_path),
        who="li.wei",
        standings=_standings(strict_desk),
    )

    assert result.standing_words() == WORDS
    with Session(strict_desk) as session:
        refs = session.exec(select(PurchaseLine.line_ref)).all()
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert {"N1", "N2", "N3", "N4"} <= set(refs)  # history goes in whatever the standing
    assert entry is not None
    assert (entry.who, entry.entity, entry.entity_key, entry.action) == (
        "li.wei",
        "purchases",
        "erp-lines.csv",
        "import",
    )
    assert json.loads(entry.changes) == {"added": 4, "updated": 0, "warning": " ".join(WORDS)}


def test_with_the_usual_bands_both_suppliers_are_preferred_and_nothing_is_named(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    scores = ScoringService(engine).score_all(AS_OF)
    assert {s.standing for s in scores} == {Standing.PREFERRED}

    result = import_file(
        engine,
        "purchases",
        _new_lines(tmp_path),
        standings=Standings.from_scores(scores, AS_OF),
    )

    assert (result.added, result.standing_words()) == (4, [])
    with Session(engine) as session:
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert entry is not None and json.loads(entry.changes) == {"added": 4, "updated": 0}


def test_the_command_line_scores_first_and_prints_the_recent_lines(
    strict_desk: Engine, db_url: str, tmp_path: Path
) -> None:
    path = _new_lines(tmp_path)
    argv = ["--db", db_url, "import", "purchases", str(path), "--as-of", "2026-06-30"]
    out, err = io.StringIO(), io.StringIO()
    before = snapshot(strict_desk)

    assert main([*argv, "--dry-run"], out=out, err=err) == 0
    assert snapshot(strict_desk) == before
    assert main(argv, out=out, err=err) == 0

    assert err.getvalue() == ""
    assert out.getvalue().splitlines() == [
        "would import 4 purchases row(s): 4 added, 0 changed, 0 unchanged.",
        *WORDS,
        "imported 4 purchases row(s): 4 added, 0 changed, 0 unchanged.",
        *WORDS,
    ]
