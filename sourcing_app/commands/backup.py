"""`sourcing-app backup FILE`: a consistent copy of the whole database in one file.

docs/files-and-commands.md. A SQLite database is copied page by page through
SQLite's online backup API (`sqlite3.Connection.backup`), never as raw bytes, so
a file in use by the desktop is copied as of one moment. A PostgreSQL database
is written by `pg_dump -Fc` (its custom format, which `restore` reads back with
`pg_restore`); when `pg_dump` is not installed the command says so. Either way
the file appears whole or not at all (sourcing_app.atomic), with the user's
normal permissions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, make_url

from sourcing_app.atomic import atomic_file
from sourcing_app.config import sqlite_path
from sourcing_app.db.migrate import copy_sqlite
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "backup",
        help=_("copy the whole database to one file (restore reads it back)"),
        description=_(
            "Write a consistent copy of the database to FILE while it may be in use: "
            "a SQLite file through SQLite's backup API, a PostgreSQL database "
            "through pg_dump's custom format."
        ),
    )
    parser.add_argument("file", help=_("the backup file to write"))
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    target = Path(args.file)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    write_backup(url, target)
    print(_("backed up the database to {file}").format(file=target), file=out)
    return 0


def write_backup(url: str, target: Path) -> None:
    """The database at `url` copied to `target`; BadInput or CannotFinish in words."""
    if target.is_dir():
        raise BadInput(_("{path} is a folder; give a file name to write").format(path=target))
    if not target.parent.is_dir():
        raise BadInput(_("the folder {folder} does not exist").format(folder=target.parent))
    source = sqlite_path(url)
    if source is not None:
        copy_sqlite(source, target)
        return
    if not url.startswith("postgresql"):
        raise BadInput(_("only a SQLite file or a PostgreSQL database can be backed up"))
    with atomic_file(target) as partial:
        run_pg_tool("pg_dump", url, ["--format=custom", f"--file={partial}"])


def run_pg_tool(tool: str, url: str | None, arguments: list[str]) -> str:
    """Run PostgreSQL's `tool` (pg_dump, pg_restore) on the database at `url` (None: on
    no database, pg_restore reading a file to text); its output.

    The password goes through the environment, never the command line (which
    other users of the machine can read).
    """
    program = shutil.which(tool)
    if program is None:
        raise CannotFinish(
            _(
                "{tool} was not found on this computer; install PostgreSQL's client tools "
                "(the package postgresql-client) and try again"
            ).format(tool=tool)
        )
    environment = dict(os.environ)
    command = [program, *arguments]
    if url is not None:
        parsed = make_url(url)
        if parsed.password:
            environment["PGPASSWORD"] = str(parsed.password)
        plain = parsed.set(drivername="postgresql", password=None)
        command.insert(1, f"--dbname={plain.render_as_string(hide_password=False)}")
    done = subprocess.run(  # noqa: S603 (a fixed program with our own arguments)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        said = (done.stderr or "").strip().splitlines()
        raise CannotFinish(
            _("{tool} failed: {error}").format(tool=tool, error=said[-1] if said else "?")
        )
    return done.stdout
