"""`sourcing-app restore FILE`: put a backup written by `backup` in place of the database.

docs/files-and-commands.md. Before anything is replaced:
- the file must be a backup of a Sourcing desk database (a SQLite file, or a
  `pg_dump -Fc` file for a PostgreSQL database), and its schema one this app
  knows: a backup from a newer version is refused, and nothing is changed;
- what it replaces is backed up first, into the same automatic backup folder
  the migrations use (`backups/` beside a SQLite file; the app's data folder
  for a server database).
Then the backup goes in (for SQLite through the backup API, the old file's
-wal and -shm companions moved out of the way; for PostgreSQL with
`pg_restore --clean --if-exists` in one transaction) and is migrated to this
version's schema if it is older.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from pathlib import Path
from typing import TextIO

from sqlalchemy import make_url

from sourcing_app.commands.backup import run_pg_tool, write_backup
from sourcing_app.config import sqlite_path, user_data_dir
from sourcing_app.db.migrate import (
    BACKUP_DIR,
    SQLITE_HEADER,
    backup_sqlite,
    copy_sqlite,
    known_revisions,
    prepare_database,
    restore_backup,
)
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _

PG_DUMP_MAGIC = b"PGDMP"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "restore",
        help=_("replace the database with a backup file (what it replaces is backed up first)"),
        description=_(
            "Put FILE, written by `backup`, in place of the database. The current "
            "database is backed up first; a backup from a newer version of the app is refused."
        ),
    )
    parser.add_argument("file", help=_("the backup file to restore"))
    parser.set_defaults(run=run, opens_database_itself=True)


def run(url: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    source = Path(args.file)
    replaced = restore(url, source)
    prepare_database(url).dispose()  # an older backup is migrated to this version's schema
    print(_("restored the database from {file}").format(file=source), file=out)
    if replaced is not None:
        print(_("what it replaced was backed up to {file}").format(file=replaced), file=out)
    return 0


def restore(url: str, source: Path) -> Path | None:
    """Put `source` in place of the database at `url`; where the old one was backed up."""
    head = _head(source)
    path = sqlite_path(url)
    if path is not None:
        if not head.startswith(SQLITE_HEADER):
            raise BadInput(
                _(
                    "{path} is not a backup of this database; it should be a SQLite database file"
                ).format(path=source)
            )
        _require_known(source, _sqlite_revisions(source))
        return _restore_sqlite(url, path, source)
    if not url.startswith("postgresql"):
        raise BadInput(_("only a SQLite file or a PostgreSQL database can be restored"))
    if not head.startswith(PG_DUMP_MAGIC):
        raise BadInput(
            _(
                "{path} is not a backup of this database; it should be a pg_dump custom-format file"
            ).format(path=source)
        )
    _require_known(source, _dump_revisions(source))
    return _restore_server(url, source)


def _head(source: Path) -> bytes:
    try:
        with source.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise BadInput(_("the file {path} does not exist").format(path=source)) from None
    except IsADirectoryError:
        raise BadInput(_("{path} is a folder, not a file").format(path=source)) from None
    except OSError as error:
        raise BadInput(
            _("the file {path} cannot be read: {error}").format(
                path=source, error=error.strerror or error
            )
        ) from None


def _require_known(source: Path, revisions: frozenset[str]) -> None:
    if not revisions:
        raise BadInput(
            _("{path} is not a backup of a Sourcing desk database (it has no schema version)")
            .format(path=source)
        )  # fmt: skip
    unknown = revisions - known_revisions()
    if unknown:
        raise CannotFinish(
            _(
                "{path} was written by a newer version of Sourcing desk (schema {schema}); "
                "update the app to restore it. Nothing was changed."
            ).format(path=source, schema=", ".join(sorted(unknown)))
        )


def _sqlite_revisions(source: Path) -> frozenset[str]:
    try:
        conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return frozenset()
    return frozenset(r[0] for r in rows)


def _dump_revisions(source: Path) -> frozenset[str]:
    """The alembic_version rows inside a pg_dump file, read with pg_restore as SQL text."""
    script = run_pg_tool(
        "pg_restore", None, ["--data-only", "--table=alembic_version", "--file=-", str(source)]
    )
    revisions: set[str] = set()
    copying = False
    for line in script.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying and line:
            revisions.add(line.strip())
    return frozenset(revisions)


def _restore_sqlite(url: str, path: Path, source: Path) -> Path | None:
    if source.resolve() == path.resolve():
        raise BadInput(_("{path} is the database itself").format(path=source))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        copy_sqlite(source, path)
        return None
    saved = backup_sqlite(path)
    aside = restore_backup(url, source)
    # The copy in backups/ holds everything the set-aside file did.
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{aside}{suffix}").unlink(missing_ok=True)
    return saved


def _restore_server(url: str, source: Path) -> Path:
    folder = user_data_dir() / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = make_url(url).database or "database"
    saved = folder / f"{name}-{stamp}.dump"
    counter = 1
    while saved.exists():
        counter += 1
        saved = folder / f"{name}-{stamp}-{counter}.dump"
    write_backup(url, saved)
    run_pg_tool(
        "pg_restore",
        url,
        ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
    )
    return saved
