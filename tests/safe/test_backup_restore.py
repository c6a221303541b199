"""`backup` and `restore` on SQLite and PostgreSQL (docs/files-and-commands.md)."""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.cli import main
from sourcing_app.commands.backup import write_backup
from sourcing_app.db.migrate import prepare_database


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _codes(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT code FROM supplier ORDER BY code"))]


def _add(url: str, tmp_path: Path, *codes: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text("code,name,kind\n" + "".join(f"{c},{c} Ltd,trader\n" for c in codes), "utf-8")
    code, _out, err = run("--db", url, "import", "suppliers", str(path))
    assert code == 0, err


def test_sqlite_backup_and_restore_bring_back_the_data_and_keep_what_was_replaced(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    _add(db_url, tmp_path, "A1", "B2")
    backup = tmp_path / "saved.sqlite"
    old = os.umask(0o022)
    try:
        # The desktop may hold the file open meanwhile: the backup API copies it consistently.
        with engine.connect() as held:
            held.execute(text("SELECT 1 FROM supplier")).all()
            assert run("--db", db_url, "backup", str(backup)) == (
                0,
                f"backed up the database to {backup}\n",
                "",
            )
    finally:
        os.umask(old)
    assert backup.stat().st_mode & 0o777 == 0o644  # the umask's, not a private 0600
    engine.dispose()
    _add(db_url, tmp_path, "C3")  # made after the backup: gone once it is restored

    code, out, err = run("--db", db_url, "restore", str(backup))
    assert (code, err) == (0, "")
    restored = prepare_database(db_url)
    assert _codes(restored) == ["A1", "B2"]
    restored.dispose()
    replaced = Path(out.splitlines()[1].split(" backed up to ")[1])
    assert replaced.parent == tmp_path / "backups"
    kept = sqlite3.connect(replaced)
    assert [r[0] for r in kept.execute("SELECT code FROM supplier ORDER BY code")] == [
        "A1",
        "B2",
        "C3",
    ]
    kept.close()
    check = sqlite3.connect(backup)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def test_restore_refuses_a_file_from_a_newer_schema_and_changes_nothing(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    _add(db_url, tmp_path, "A1")
    engine.dispose()
    newer = tmp_path / "newer.sqlite"
    assert run("--db", db_url, "backup", str(newer))[0] == 0
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    database = Path(db_url.split(":///")[1])
    before = database.read_bytes()

    code, out, err = run("--db", db_url, "restore", str(newer))

    assert (code, out) == (1, "")
    assert "written by a newer version of Sourcing desk (schema 9999_from_the_future)" in err
    assert database.read_bytes() == before
    assert not (tmp_path / "backups").exists()


def test_restore_migrates_an_older_backup_to_this_version(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    from alembic import command

    from sourcing_app.db.migrate import alembic_config

    old_file = tmp_path / "old.sqlite"
    old_url = f"sqlite:///{old_file}"
    command.upgrade(alembic_config(old_url), "0002")
    code, _out, err = run("--db", db_url, "restore", str(old_file))
    assert (code, err) == (0, "")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
        assert conn.execute(text("SELECT COUNT(*) FROM sale_return")).scalar() == 0


def test_restore_refuses_a_file_that_is_not_a_backup(db_url: str, tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("code,name\n", "utf-8")
    code, _out, err = run("--db", db_url, "restore", str(other))
    assert code == 2
    assert "is not a backup of this database; it should be a SQLite database file" in err


def test_postgresql_backup_and_restore(pg_database_url: str, tmp_path: Path) -> None:
    prepare_database(pg_database_url).dispose()
    _add(pg_database_url, tmp_path, "A1", "B2")
    dump = tmp_path / "team.dump"
    code, _out, err = run("--db", pg_database_url, "backup", str(dump))
    assert (code, err) == (0, ""), err
    assert dump.read_bytes().startswith(b"PGDMP")
    _add(pg_database_url, tmp_path, "C3")

    code, out, err = run("--db", pg_database_url, "restore", str(dump))

    assert (code, err) == (0, ""), err
    engine = prepare_database(pg_database_url)
    assert _codes(engine) == ["A1", "B2"]
    engine.dispose()
    replaced = Path(out.splitlines()[1].split(" backed up to ")[1])
    assert replaced.read_bytes().startswith(b"PGDMP")  # C3 is in there, should it be wanted


def test_postgresql_backup_without_pg_dump_says_so(
    pg_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepare_database(pg_database_url).dispose()
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no PostgreSQL tools on it
    code, _out, err = run("--db", pg_database_url, "backup", str(tmp_path / "x.dump"))
    assert code == 1
    assert "pg_dump was not found on this computer" in err
    assert not (tmp_path / "x.dump").exists()


def test_postgresql_restore_refuses_a_dump_from_a_newer_schema(
    pg_database_url: str, tmp_path: Path
) -> None:
    engine = prepare_database(pg_database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    dump = tmp_path / "newer.dump"
    # Written directly: the app itself will not open (nor back up) a database this new.
    write_backup(pg_database_url, dump)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    _add(pg_database_url, tmp_path, "KEEP")

    code, out, err = run("--db", pg_database_url, "restore", str(dump))

    assert (code, out) == (1, "")
    assert "written by a newer version of Sourcing desk (schema 9999_from_the_future)" in err
    assert _codes(engine) == ["KEEP"]
    engine.dispose()
