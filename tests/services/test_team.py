"""Team mode on a real PostgreSQL server: the app refuses, and the database refuses the same.

Three logins (viewer_login, buyer_login, manager_login) and the owner (the
server's superuser). For each role: what `Permissions` says, what the command
line says (exit 1, in words, before any work), and that the same statement
sent straight to the database is refused there too.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from sourcing_app.db.engine import make_engine
from sourcing_app.errors import CannotFinish
from sourcing_app.services.editing import EditingService
from sourcing_app.services.permissions import read_permissions
from sourcing_app.services.rates import set_manual_rate
from sourcing_app.services.settings import load_user_name, save_user_name, upsert_setting
from tests.services.hand_portfolio import CSV_FILES
from tests.services.team_db import LOGINS, TeamDatabase, run, team_database
from tests.services.test_export import load_hand_portfolio_pg

VIEWER_SAYS = "Viewers cannot change data: ask the database owner for buyer rights."
MANAGER_SAYS = "Managers only: ask the database owner."


@pytest.fixture
def team(pg_database_url: str, tmp_path: Path) -> Iterator[TeamDatabase]:
    for database in team_database(pg_database_url):
        owner = make_engine(database.owner_url)
        load_hand_portfolio_pg(owner, tmp_path)
        owner.dispose()
        yield database


@pytest.fixture
def engines(team: TeamDatabase) -> Iterator[dict[str, Engine]]:
    made = {role: team.engine_for(role) for role in LOGINS}
    made["owner"] = make_engine(team.owner_url)
    yield made
    for engine in made.values():
        engine.dispose()


def refused(engine: Engine, statement: str) -> bool:
    """Whether PostgreSQL refuses `statement` for want of privilege (SQLSTATE 42501)."""
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    except DBAPIError as error:
        return getattr(error.orig, "sqlstate", None) == "42501"
    return False


def audit_rows(engine: Engine, entity: str) -> list[tuple[str, str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT who, entity_key, action, changes FROM audit_entry "
                "WHERE entity = :e ORDER BY id"
            ),
            {"e": entity},
        )
        return [(who, key, action, json.loads(changes)) for who, key, action, changes in rows]


# --- what the app reads ---------------------------------------------------------------


def test_each_role_reads_what_it_may_do(engines: dict[str, Engine]) -> None:
    viewer = read_permissions(engines["viewer"])
    buyer = read_permissions(engines["buyer"])
    manager = read_permissions(engines["manager"])

    assert not viewer.can_write_anything
    assert not viewer.can_import("suppliers") and not viewer.can_fetch_rates
    assert viewer.why_not_import("suppliers") == VIEWER_SAYS

    assert buyer.can_import("suppliers") and buyer.can_import("purchases")
    assert buyer.can_edit("purchase") and buyer.can_fetch_rates
    assert not buyer.can_import("tax-categories") and not buyer.can_edit("tax_category")
    assert not buyer.can_change_settings and not buyer.can_enter_manual_rates
    assert not buyer.can_import("fx-rates")  # a file of rates is typed by hand
    assert buyer.why_not_edit("brand") == MANAGER_SAYS

    assert manager.can_edit("tax_category") and manager.can_change_settings
    assert manager.can_enter_manual_rates and manager.can_import("fx-rates")
    assert read_permissions(engines["owner"]).owner


# --- the database refuses the same statements -------------------------------------------


def test_a_viewer_cannot_insert_a_supplier_even_with_psql(engines: dict[str, Engine]) -> None:
    statement = (
        "INSERT INTO supplier (code, name, country, kind, contact, notes, archived, version) "
        "VALUES ('S-NEW', 'New', 'CN', 'trader', '', '', false, 1)"
    )
    assert refused(engines["viewer"], statement)
    assert not refused(engines["buyer"], statement)


def test_a_buyer_cannot_change_tax_categories_or_weights_a_manager_can(
    engines: dict[str, Engine],
) -> None:
    tax = "UPDATE tax_category SET vat = 0.09"
    weights = "UPDATE setting SET value = '{}' WHERE key = 'scoring'"
    assert refused(engines["buyer"], tax)
    assert refused(engines["buyer"], weights)
    assert not refused(engines["manager"], tax)
    assert not refused(engines["manager"], weights)


def test_feed_rates_are_any_buyers_hand_rates_a_managers(engines: dict[str, Engine]) -> None:
    insert = (
        "INSERT INTO exchange_rate (currency, rate_date, rate_to_home, kind, source) "
        "VALUES ('USD', '2026-11-02', 7.2, '{kind}', 'x')"
    )
    assert not refused(engines["buyer"], insert.format(kind="feed"))
    assert refused(engines["buyer"], insert.format(kind="manual"))
    assert refused(engines["buyer"], "UPDATE exchange_rate SET kind = 'manual'")
    assert not refused(engines["manager"], insert.format(kind="manual"))
    # Through the service, the refusal is in words, never the driver's text.
    with pytest.raises(CannotFinish, match="Managers only"):
        set_manual_rate(engines["buyer"], "EUR", __import__("datetime").date(2026, 11, 2), D("8"))


def test_nobody_but_the_owner_can_alter_the_audit_trail(engines: dict[str, Engine]) -> None:
    for role in ("viewer", "buyer", "manager"):
        assert refused(engines[role], "UPDATE audit_entry SET who = 'someone else'"), role
        assert refused(engines[role], "DELETE FROM audit_entry"), role
        assert refused(engines[role], "TRUNCATE audit_entry"), role
    # The owner bypasses grants, not triggers; the trigger lets the owner through.
    assert not refused(engines["owner"], "UPDATE audit_entry SET action = action")


def test_every_change_a_buyer_makes_names_the_login_not_the_typed_name(
    engines: dict[str, Engine],
) -> None:
    with engines["owner"].begin() as conn:
        save_user_name(conn, "Alice")  # what Settings says; the trail must not believe it
    buyer = engines["buyer"]
    assert load_user_name(buyer) == "buyer_login"
    service = EditingService(buyer, who=lambda: "Alice")
    supplier_id = (
        buyer.connect().execute(text("SELECT id FROM supplier WHERE code = 'S-COMP'")).scalar()
    )
    supplier = service.load("supplier", supplier_id)
    service.edit("supplier", supplier_id, supplier["version"], {"contact": "Mr Lau"})
    # A statement sent straight to the database is audited too: no client skips the trigger.
    with buyer.begin() as conn:
        conn.execute(text("UPDATE supplier SET notes = 'psql' WHERE code = 'S-VERT'"))
        # Even an entry the app writes itself is stamped with the login.
        conn.execute(
            text(
                "INSERT INTO audit_entry (at, who, entity, entity_key, action, changes) "
                "VALUES (now(), 'Alice', 'supplier', 'S-VERT', 'edited', '{}')"
            )
        )

    rows = [r for r in audit_rows(buyer, "supplier") if r[2] == "edited"]
    # One entry per change: the app leaves a plain edit to the trigger (no double entry).
    assert [(who, key) for who, key, _a, _c in rows] == [
        ("buyer_login", "S-COMP"),
        ("buyer_login", "S-VERT"),
        ("buyer_login", "S-VERT"),
    ]
    assert rows[0][3]["fields"]["contact"] == ["", "Mr Lau"]
    assert rows[1][3]["fields"]["notes"] == ["", "psql"]


# --- the command line ---------------------------------------------------------------------


def test_the_command_line_refuses_in_words_before_any_work(
    team: TeamDatabase, tmp_path: Path
) -> None:
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(CSV_FILES["suppliers"], encoding="utf-8")
    taxes = tmp_path / "taxes.csv"
    taxes.write_text(CSV_FILES["tax-categories"], encoding="utf-8")

    code, _out, err = run("--db", team.url_for("viewer"), "import", "suppliers", str(suppliers))
    assert (code, err.strip()) == (1, f"sourcing-app: {VIEWER_SAYS}")
    code, _out, err = run("--db", team.url_for("buyer"), "import", "tax-categories", str(taxes))
    assert (code, err.strip()) == (1, f"sourcing-app: {MANAGER_SAYS}")
    code, _out, err = run("--db", team.url_for("buyer"), "rates", "set", "USD", "2026-11-02", "7")
    assert (code, err.strip()) == (1, f"sourcing-app: {MANAGER_SAYS}")

    code, out, err = run("--db", team.url_for("buyer"), "import", "suppliers", str(suppliers))
    assert code == 0, err
    code, out, err = run("--db", team.url_for("manager"), "import", "tax-categories", str(taxes))
    assert code == 0, err


def test_team_commands_check_names_roles_and_the_owner(team: TeamDatabase) -> None:
    code, out, _err = run("--db", team.owner_url, "team", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["User", "Role", "Can", "log", "in"]
    assert [line.split()[:2] for line in lines[1:]] == [
        ["buyer_login", "buyer"],
        ["manager_login", "manager"],
        ["viewer_login", "viewer"],
    ]
    # Again: idempotent, and the grants stay.
    assert run("--db", team.owner_url, "team", "init")[0] == 0

    code, _out, err = run("--db", team.owner_url, "team", "grant", "buyer_login", "admin")
    assert code == 2 and "'admin' is not a team role; use viewer, buyer or manager" in err
    code, _out, err = run("--db", team.owner_url, "team", "grant", "bob; DROP TABLE x", "buyer")
    assert code == 2 and "is not a usable database user name" in err
    code, _out, err = run("--db", team.owner_url, "team", "grant", "nobody_here", "buyer")
    assert code == 2 and "there is no database user named 'nobody_here'" in err
    code, _out, err = run("--db", team.url_for("manager"), "team", "grant", "viewer_login", "buyer")
    assert code == 1
    assert "only the database owner can manage the team; you are connected as manager_login" in err

    # A grant is exactly one role: promoting the viewer takes the viewer role away.
    assert run("--db", team.owner_url, "team", "grant", "viewer_login", "buyer")[0] == 0
    assert read_permissions(team.engine_for("viewer")).can_import("suppliers")
    assert run("--db", team.owner_url, "team", "revoke", "viewer_login")[0] == 0
    _code, out, _err = run("--db", team.owner_url, "team", "list")
    assert "viewer_login" not in out
    assert not read_permissions(team.engine_for("viewer")).can_import("suppliers")


def test_team_mode_needs_postgresql(tmp_path: Path) -> None:
    code, _out, err = run("--db", str(tmp_path / "desk.sqlite"), "team", "init")
    assert code == 2 and "team mode needs a PostgreSQL database" in err


def test_grants_changed_meanwhile_give_the_same_words(team: TeamDatabase) -> None:
    buyer = team.engine_for("buyer")
    service = EditingService(buyer)
    supplier_id = (
        buyer.connect().execute(text("SELECT id FROM supplier WHERE code = 'S-COMP'")).scalar()
    )
    supplier = service.load("supplier", supplier_id)
    assert run("--db", team.owner_url, "team", "grant", "buyer_login", "viewer")[0] == 0

    with pytest.raises(CannotFinish) as refusal:
        service.edit("supplier", supplier_id, supplier["version"], {"contact": "Mr Lau"})
    assert str(refusal.value) == VIEWER_SAYS
    buyer.dispose()


# --- two people saving at once --------------------------------------------------------------


def test_two_people_saving_the_same_setting_at_once_both_succeed(
    engines: dict[str, Engine],
) -> None:
    """Both transactions start, neither finds the row, both write: one value wins.

    With "update, else insert" the second insert hit the primary key
    (IntegrityError); with INSERT … ON CONFLICT DO UPDATE the second waits for
    the first to commit, then updates.
    """
    engine = engines["manager"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(value: str) -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT 1"))
                barrier.wait(timeout=30)
                upsert_setting(conn, "rates_feed_url", json.dumps(value))
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [
        threading.Thread(target=save, args=(f"https://rates{n}.example/feed.xml",)) for n in (1, 2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with engine.connect() as conn:
        stored = (
            conn.execute(text("SELECT value FROM setting WHERE key = 'rates_feed_url'"))
            .scalars()
            .all()
        )
    assert len(stored) == 1
    assert json.loads(stored[0]) in {
        "https://rates1.example/feed.xml",
        "https://rates2.example/feed.xml",
    }


def test_two_people_entering_the_same_rate_at_once_both_succeed(
    engines: dict[str, Engine],
) -> None:
    import datetime as dt

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    day = dt.date(2026, 11, 20)

    def enter(engine: Engine, rate: str) -> None:
        try:
            barrier.wait(timeout=30)
            set_manual_rate(engine, "JPY", day, D(rate))
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [
        threading.Thread(target=enter, args=(engines["manager"], "0.0471")),
        threading.Thread(target=enter, args=(engines["owner"], "0.0472")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with engines["owner"].connect() as conn:
        stored = (
            conn.execute(
                text(
                    "SELECT rate_to_home FROM exchange_rate "
                    "WHERE currency = 'JPY' AND rate_date = '2026-11-20' AND kind = 'manual'"
                )
            )
            .scalars()
            .all()
        )
    assert [D(str(r)).normalize() for r in stored] in ([D("0.0471")], [D("0.0472")])
