"""Opening a database: backups before migrating, and clear words when it can't be opened.

docs/architecture.md and docs/bad-input.md. Every scenario uses a real file or a real server.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from sourcing_app.config import sqlite_path
from sourcing_app.db import migrate
from sourcing_app.db.migrate import (
    DatabaseProblem,
    latest_backup,
    prepare_database,
    restore_backup,
)
from sourcing_app.db.models import Supplier
from sourcing_app.db.unit_of_work import unit_of_work

# A test-only revision after the real ones. With it in place, a file at 0003 is "an older
# state" exactly as a buyer's file is after an app update.
NEXT_REVISION = '''"""Test-only revision after 0003."""

import sqlalchemy as sa
from alembic import op

revision = "next"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("migration_probe", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("migration_probe")
'''


def _path(url: str) -> Path:
    path = sqlite_path(url)
    assert path is not None
    return path


def _supplier_codes(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT code FROM supplier ORDER BY code")]
    finally:
        conn.close()


def _revision(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    finally:
        conn.close()


def _dump(path: Path) -> list[str]:
    """Every table and row of the file as SQL text."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _add_suppliers(engine: Engine, *codes: str) -> None:
    with unit_of_work(engine) as session:
        for code in codes:
            session.add(Supplier(code=code, name=f"Supplier {code}", kind="trader"))


@pytest.fixture
def file_with_two_suppliers(engine: Engine, db_url: str) -> Path:
    _add_suppliers(engine, "HK-001", "DE-002")
    engine.dispose()  # the last connection closing folds the WAL into the file
    return _path(db_url)


def _install_next_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, revision: str) -> None:
    """Act as the next app version: our migration scripts plus one more revision."""
    scripts = tmp_path / "next-version-migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "next_version.py").write_text(revision)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)


@pytest.fixture
def app_update(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_next_version(tmp_path, monkeypatch, NEXT_REVISION)


def _problem(url: str) -> DatabaseProblem:
    with pytest.raises(DatabaseProblem) as caught:
        prepare_database(url).dispose()
    return caught.value


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# --- backups --------------------------------------------------------------------------


def test_an_older_file_is_backed_up_before_it_is_migrated(
    file_with_two_suppliers: Path, db_url: str, app_update: None
) -> None:
    original = _dump(file_with_two_suppliers)

    prepare_database(db_url).dispose()

    backup = latest_backup(db_url)
    assert backup is not None
    assert backup.parent == file_with_two_suppliers.parent / "backups"
    assert backup.name.startswith("sourcing-") and backup.suffix == ".sqlite"
    assert _supplier_codes(backup) == ["DE-002", "HK-001"]
    assert _revision(backup) == ["0003"]
    assert _dump(backup) == original
    assert _revision(file_with_two_suppliers) == ["next"]
    assert _supplier_codes(file_with_two_suppliers) == ["DE-002", "HK-001"]


def test_an_update_that_fails_halfway_changes_nothing(
    file_with_two_suppliers: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = NEXT_REVISION.replace(
        'op.create_table("migration_probe", sa.Column("id", sa.Integer(), primary_key=True))',
        'op.create_table("migration_probe", sa.Column("id", sa.Integer(), primary_key=True))\n'
        '    op.execute("INSERT INTO no_such_table VALUES (1)")',
    )
    assert failing != NEXT_REVISION
    _install_next_version(tmp_path, monkeypatch, failing)
    before = _dump(file_with_two_suppliers)

    problem = _problem(db_url)

    assert problem.kind == "migration_failed"
    assert "Nothing was changed." in str(problem)
    assert _dump(file_with_two_suppliers) == before
    assert problem.backup_path is not None
    assert _dump(problem.backup_path) == before


def test_a_file_already_up_to_date_is_opened_without_a_new_backup(
    file_with_two_suppliers: Path, db_url: str
) -> None:
    prepare_database(db_url).dispose()
    assert latest_backup(db_url) is None
    assert not (file_with_two_suppliers.parent / "backups").exists()


def test_the_latest_backup_is_the_newest_of_this_file_only(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    for name in (
        "sourcing-20261126-235959.sqlite",
        "sourcing-20261127-090000.sqlite",
        "sourcing-20261127-090000-2.sqlite",
        "sourcing-old-20261231-000000.sqlite",  # another database's backup
        "sourcing-20261231-000000.sqlite.partial",  # an unfinished copy
    ):
        (backups / name).write_bytes(b"")
    latest = latest_backup(f"sqlite:///{tmp_path / 'sourcing.sqlite'}")
    assert latest == backups / "sourcing-20261127-090000-2.sqlite"


# --- damaged files --------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_reported_damaged_and_left_as_it_was(
    db_url: str,
) -> None:
    path = _path(db_url)
    path.write_bytes(b"code,name,country\nHK-001,Harbour Trading,HK\n")
    before = _snapshot(path.parent)

    problem = _problem(db_url)

    assert problem.kind == "corrupt"
    assert f"The database file {path} is damaged (not a SQLite database)." in str(problem)
    assert "No backup of it was found." in str(problem)
    assert problem.backup_path is None
    assert _snapshot(path.parent) == before


def test_damage_to_the_schema_page_is_reported_and_names_the_latest_backup(
    file_with_two_suppliers: Path, db_url: str, app_update: None
) -> None:
    prepare_database(db_url).dispose()  # the update leaves a backup behind
    backup = latest_backup(db_url)
    raw = bytearray(file_with_two_suppliers.read_bytes())
    raw[100:4096] = b"\xa5" * (4096 - 100)  # keep the header, wreck the table list
    file_with_two_suppliers.write_bytes(bytes(raw))

    problem = _problem(db_url)

    assert problem.kind == "corrupt"
    assert problem.backup_path == backup
    assert f"Your latest backup is {backup}" in str(problem)
    assert file_with_two_suppliers.read_bytes() == bytes(raw)


def test_a_damaged_file_is_neither_backed_up_nor_migrated(
    file_with_two_suppliers: Path, db_url: str, app_update: None
) -> None:
    conn = sqlite3.connect(file_with_two_suppliers)
    root_page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'supplier'")
    page = root_page.fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    raw = bytearray(file_with_two_suppliers.read_bytes())
    start = (page - 1) * page_size
    raw[start : start + page_size] = b"\x5a" * page_size
    file_with_two_suppliers.write_bytes(bytes(raw))

    problem = _problem(db_url)

    assert problem.kind == "corrupt"
    assert "is damaged" in str(problem)
    assert file_with_two_suppliers.read_bytes() == bytes(raw)
    assert latest_backup(db_url) is None


def test_a_damaged_file_can_be_replaced_by_its_backup_and_is_kept_aside(
    file_with_two_suppliers: Path, db_url: str, app_update: None
) -> None:
    prepare_database(db_url).dispose()
    backup = latest_backup(db_url)
    assert backup is not None
    file_with_two_suppliers.write_bytes(b"\x00" * 8192)
    problem = _problem(db_url)
    assert problem.backup_path == backup

    aside = restore_backup(db_url, backup)

    assert aside.read_bytes() == b"\x00" * 8192
    assert aside.parent == file_with_two_suppliers.parent
    engine = prepare_database(db_url)  # the backup is at 0002: backed up again, migrated
    with engine.connect() as conn:
        codes = conn.execute(text("SELECT code FROM supplier ORDER BY code")).scalars().all()
    engine.dispose()
    assert codes == ["DE-002", "HK-001"]
    assert _revision(file_with_two_suppliers) == ["next"]


def test_restoring_twice_in_one_second_keeps_both_set_aside_files(
    file_with_two_suppliers: Path, db_url: str
) -> None:
    backup = migrate.backup_sqlite(file_with_two_suppliers)
    same_second = dt.datetime(2026, 11, 27, 9, 30, 0)

    file_with_two_suppliers.write_bytes(b"first damage")
    first = restore_backup(db_url, backup, now=same_second)
    file_with_two_suppliers.write_bytes(b"second damage")
    second = restore_backup(db_url, backup, now=same_second)

    assert first.name == "sourcing-set-aside-20261127-093000.sqlite"
    assert second.name == "sourcing-set-aside-20261127-093000-2.sqlite"
    assert (first.read_bytes(), second.read_bytes()) == (b"first damage", b"second damage")
    assert _supplier_codes(file_with_two_suppliers) == ["DE-002", "HK-001"]


# --- files this version can't or mustn't change ------------------------------------------


def test_a_file_from_a_newer_app_version_is_refused_untouched(
    file_with_two_suppliers: Path, db_url: str
) -> None:
    conn = sqlite3.connect(file_with_two_suppliers)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.close()
    before = file_with_two_suppliers.read_bytes()

    problem = _problem(db_url)

    assert problem.kind == "too_new"
    assert "written by a newer version of Sourcing desk" in str(problem)
    assert file_with_two_suppliers.read_bytes() == before


def test_a_sqlite_file_of_another_program_is_left_alone(db_url: str) -> None:
    path = _path(db_url)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cards (id INTEGER PRIMARY KEY, front TEXT)")
    conn.execute("INSERT INTO cards (front) VALUES ('hola')")
    conn.commit()
    conn.close()
    before = path.read_bytes()

    problem = _problem(db_url)

    assert problem.kind == "not_ours"
    assert "not one kept by Sourcing desk" in str(problem) and "cards" in str(problem)
    assert path.read_bytes() == before


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only in a way that also stops root."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    # Root ignores permission bits; the immutable attribute stops root too.
    try:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("running as root without chattr: no way to make a file read-only for root")
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i is not supported here: {made.stderr}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_file_is_reported_as_read_only(
    file_with_two_suppliers: Path, db_url: str
) -> None:
    before = file_with_two_suppliers.read_bytes()
    with _read_only(file_with_two_suppliers):
        problem = _problem(db_url)
    assert problem.kind == "read_only"
    assert "read-only" in str(problem)
    assert file_with_two_suppliers.read_bytes() == before


def test_a_new_database_in_a_read_only_folder_is_reported_as_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "shared-drive"
    folder.mkdir()
    url = f"sqlite:///{folder / 'sourcing.sqlite'}"
    with _read_only(folder):
        problem = _problem(url)
    assert problem.kind == "read_only"
    assert list(folder.iterdir()) == []


def test_a_file_held_by_another_writer_is_reported_locked_and_opens_once_released(
    file_with_two_suppliers: Path, db_url: str
) -> None:
    other_program = sqlite3.connect(file_with_two_suppliers, isolation_level=None)
    other_program.execute("BEGIN EXCLUSIVE")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            # A bounded wait: a hang here is a failure, not a stuck test run.
            attempt = pool.submit(prepare_database, db_url)
            with pytest.raises(DatabaseProblem) as caught:
                attempt.result(timeout=15)
        assert caught.value.kind == "locked"
        assert "in use by another program" in str(caught.value)
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()

    prepare_database(db_url).dispose()


# --- PostgreSQL -----------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_postgresql_server_that_is_not_there_is_reported_unreachable() -> None:
    url = f"postgresql+psycopg://buyer:secret@127.0.0.1:{_free_port()}/sourcing"

    problem = _problem(url)

    assert problem.kind == "unreachable"
    assert "can't be reached" in str(problem)
    assert "secret" not in str(problem)
    assert problem.backup_path is None


def test_a_postgresql_database_from_a_newer_app_version_is_refused(
    pg_engine: Engine, pg_database_url: str
) -> None:
    with pg_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    pg_engine.dispose()

    problem = _problem(pg_database_url)

    assert problem.kind == "too_new"
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"


def test_a_postgresql_database_at_an_older_state_is_migrated(
    pg_engine: Engine, pg_database_url: str, app_update: None
) -> None:
    _add_suppliers(pg_engine, "HK-001")
    pg_engine.dispose()

    engine = prepare_database(pg_database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "next"
        assert conn.execute(text("SELECT code FROM supplier")).scalars().all() == ["HK-001"]
    engine.dispose()


# --- 0002: a quote's valid_from may be blank ----------------------------------------------


def _table_rows(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but Alembic's, by first column: what a buyer has stored."""
    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        return {
            table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
            for table in sorted(tables)
        }


@pytest.mark.parametrize("server", ["sqlite", "postgresql"])
def test_a_database_at_0001_keeps_every_row_when_quotes_gain_an_open_start(
    server: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A buyer's file from before 0002, quotes and all, is upgraded: every row stays as it
    was, and afterwards a standing price list (no start date) imports once, not twice."""
    from alembic import command

    from sourcing_app.db.engine import make_engine
    from sourcing_app.services.importing import import_file
    from tests.services.test_importing import seed, write_file

    url = request.getfixturevalue("db_url" if server == "sqlite" else "pg_database_url")
    command.upgrade(migrate.alembic_config(url), "0001")
    at_0001 = make_engine(url)
    seed(at_0001, tmp_path)  # the sample portfolio: suppliers to deliveries, three quotes
    before = _table_rows(at_0001)
    at_0001.dispose()
    assert len(before["quote"]) == 3 and len(before["delivery"]) == 3

    engine = prepare_database(url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "0003"
        after = _table_rows(engine)
        assert after.pop("sale_return") == []  # 0003's table, empty on arrival
        assert after == before
        if server == "sqlite":
            backup = latest_backup(url)
            assert backup is not None and _revision(backup) == ["0001"]

        standing_list = write_file(
            tmp_path,
            "standing-list.csv",
            "supplier_code,sku,unit_price,currency,min_qty,valid_from\nSH01,AM-800,21.50,EUR,1,\n",
        )
        first = import_file(engine, "quotes", standing_list)
        again = import_file(engine, "quotes", standing_list)
        assert (first.summary(), again.summary()) == (
            "1 added, 0 changed, 0 unchanged",
            "0 added, 0 changed, 1 unchanged",
        )
        after = _table_rows(engine)["quote"]
        assert after[:3] == before["quote"]
        assert [(row[6], row[10]) for row in after[3:]] == [(1, None)]  # min_qty, valid_from
    finally:
        engine.dispose()
