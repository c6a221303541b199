"""A buyer's database from the release before returns and clearance, upgraded in place.

docs/stability.md (Upgrading): weights still at the old defaults (25, 25, 15,
15, 10, 10) move to the new ones (20, 20, 15, 15, 10, 10, clearance 10); weights
the buyer changed are kept, clearance gets 0, and the desk is told once. The
file is built at revision 0002 by the previous code path (Alembic, then the real
importer), upgraded the way the app opens it (`prepare_database`), and scored.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from sourcing_app.db import migrate
from sourcing_app.db.engine import make_engine
from sourcing_app.db.migrate import prepare_database
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_settings, weights_kept_notice, weights_notice_shown
from tests.services.hand_portfolio import AS_OF, IMPORT_ORDER, expected
from tests.services.hand_portfolio_db import load_hand_portfolio

OLD_DEFAULTS = {
    "fill": 25.0,
    "on_time": 25.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
}
CUSTOM = {
    "fill": 30.0,
    "on_time": 20.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
}


def _rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but Alembic's and the settings, by first column."""
    with engine.connect() as conn:
        tables = [
            t for t in inspect(conn).get_table_names() if t not in ("alembic_version", "setting")
        ]
        return {
            table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in sorted(tables)
        }


def _save_old_settings(engine: Engine, weights: dict[str, float]) -> None:
    """The settings as the previous release saved them: six weights, no clearance."""
    data = ScoringSettings().to_json()
    data.pop("home_currency")
    for key in ("clearance_target_days", "customs_hold_days", "customs_delay_days"):
        data.pop(key)
    data.pop("returns_high_pct")
    data["weights"] = dict(weights)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES ('scoring', :v)"),
            {"v": json.dumps(data, sort_keys=True)},
        )


def _file_at_0002(url: str, folder: Path, weights: dict[str, float]) -> dict[str, list]:
    command.upgrade(migrate.alembic_config(url), "0002")
    at_0002 = make_engine(url)
    try:
        with at_0002.connect() as conn:
            assert "sale_return" not in inspect(conn).get_table_names()
        # A 0002 database knew no returns: the portfolio as the previous release held it.
        load_hand_portfolio(at_0002, folder, [k for k in IMPORT_ORDER if k != "returns"])
        _save_old_settings(at_0002, weights)
        return _rows(at_0002)
    finally:
        at_0002.dispose()


@pytest.mark.parametrize("server", ["sqlite", "postgresql"])
def test_old_default_weights_move_to_the_new_ones_and_the_scores_follow_the_new_rules(
    server: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Every row is kept; weights become 20,20,15,15,10,10,10 with no notice; the hand
    portfolio then scores exactly as tests/services/hand_portfolio.py works it out."""
    url = request.getfixturevalue("db_url" if server == "sqlite" else "pg_database_url")
    before = _file_at_0002(url, tmp_path, OLD_DEFAULTS)

    engine = prepare_database(url)
    try:
        after = _rows(engine)
        assert after.pop("sale_return") == []
        assert after == before
        settings = load_settings(engine)
        assert settings.weights == {**OLD_DEFAULTS, "fill": 20.0, "on_time": 20.0,
                                    "clearance": 10.0}  # fmt: skip
        assert not weights_kept_notice(engine)

        scores = {s.supplier_code: s for s in ScoringService(engine).score_all(
            dt.date.fromisoformat(AS_OF))}  # fmt: skip
        assert set(scores) == {"S-VERT", "S-COMP"}
        for code, numbers in expected().items():
            assert scores[code].stability_score == pytest.approx(numbers["stability_score"])
            assert scores[code].sub_scores["clearance"].value == pytest.approx(
                numbers["sub.clearance"]
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize("server", ["sqlite", "postgresql"])
def test_custom_weights_are_kept_with_clearance_at_zero_and_the_buyer_is_told_once(
    server: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Weights 30,20,15,15,10,10 stay; clearance 0 weighs nothing in the stability score:
    it is the six sub-scores weighted 30,20,15,15,10,10 over 100, worked out by hand."""
    url = request.getfixturevalue("db_url" if server == "sqlite" else "pg_database_url")
    before = _file_at_0002(url, tmp_path, CUSTOM)

    engine = prepare_database(url)
    try:
        after = _rows(engine)
        assert after.pop("sale_return") == []
        assert after == before
        settings = load_settings(engine)
        assert settings.weights == {**CUSTOM, "clearance": 0.0}
        assert weights_kept_notice(engine)
        with engine.begin() as conn:
            weights_notice_shown(conn)
        assert not weights_kept_notice(engine)

        scores = {s.supplier_code: s for s in ScoringService(engine).score_all(
            dt.date.fromisoformat(AS_OF))}  # fmt: skip
        assert set(scores) == {"S-VERT", "S-COMP"}
        for code, numbers in expected().items():
            subs = {k[4:]: v for k, v in numbers.items() if k.startswith("sub.")}
            by_hand = sum(CUSTOM[k] * subs[k] for k in CUSTOM)  # Σ w s over Σ w = 100
            assert scores[code].stability_score == pytest.approx(by_hand)
            assert scores[code].sub_scores["clearance"].weight == 0.0
    finally:
        engine.dispose()
