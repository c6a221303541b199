"""Open a database for use: check it, back it up, migrate it, and say in words what is wrong.

docs/architecture.md and docs/bad-input.md: migrations run at start after an automatic backup of
the SQLite file, and a locked, read-only, damaged or too-new database is reported
to the buyer, never papered over with a fresh empty one.

Every start reads the file header, the schema and the Alembic revision, which is
cheap. `PRAGMA quick_check` reads the whole file (about 0.4 s per 100 MB), so it
runs only before a migration, the one moment we are about to rewrite the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

from sqlalchemy import Engine, event, exc, inspect, make_url, text
from sqlalchemy.engine import Connection

from sourcing_app.atomic import atomic_file
from sourcing_app.config import sqlite_path
from sourcing_app.db.engine import make_engine
from sourcing_app.domain.formatting import day
from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import N_, _

if TYPE_CHECKING:
    from alembic.config import Config

ProblemKind = Literal[
    "locked",
    "read_only",
    "corrupt",
    "too_new",
    "unreachable",
    "not_ours",
    "migration_failed",
    "missing",
]

SQLITE_HEADER = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
BACKUP_DIR = "backups"
# Long enough to ride out another process's short write, short enough that a
# buyer is told about a file held open elsewhere within a couple of seconds.
LOCK_CHECK_TIMEOUT_S = 1.0
SERVER_CONNECT_TIMEOUT_S = 10
_STAMP_FORMAT = "%Y%m%d-%H%M%S"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseProblem(Exception):
    """The database can't be used as it is. `str(problem)` is written for the buyer."""

    def __init__(
        self, kind: ProblemKind, url: str, message: str, backup_path: Path | None = None
    ) -> None:
        super().__init__(message)
        self.kind: ProblemKind = kind
        self.url = url
        self.backup_path = backup_path

    @property
    def message(self) -> str:
        return str(self.args[0])


def prepare_database(url: str, *, create: bool = True) -> Engine:
    """An engine on a database at the newest schema, or DatabaseProblem saying why not.

    `create=False` (read-only commands, docs/bad-input.md): a SQLite file that
    does not exist is a "missing" problem, and neither it nor its folder is made.
    """
    path = sqlite_path(url)
    if path is not None and not create and not path.exists():
        raise missing_database(url)
    if path is None:
        if url.startswith("sqlite"):
            return _upgraded(make_engine(url), url)
        return _prepare_server(url)
    return _prepare_sqlite_file(url, path)


def missing_database(url: str) -> DatabaseProblem:
    """A typo is not a new database: the words for a SQLite file that is not there."""
    return DatabaseProblem(
        "missing",
        url,
        _(
            "{where} does not exist. Check the path given with --db; nothing was created "
            "(only the desktop, import and demo create a new database)."
        ).format(where=_where(url)),
    )


def latest_backup(url: str) -> Path | None:
    """The newest backup of this SQLite database, or None (also for server databases)."""
    path = sqlite_path(url)
    if path is None:
        return None
    pattern = re.compile(re.escape(path.stem) + r"-(\d{8}-\d{6})(?:-(\d+))?\.sqlite")
    found: list[tuple[str, int, Path]] = []
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return None
    for candidate in folder.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match:
            found.append((match.group(1), int(match.group(2) or 0), candidate))
    return max(found)[2] if found else None


def backup_sqlite(path: Path, *, now: dt.datetime | None = None) -> Path:
    """Copy a live SQLite file, WAL included, to `backups/<stem>-YYYYMMDD-HHMMSS.sqlite`."""
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    target = _unused_name(folder, path.stem, now, ".sqlite")
    copy_sqlite(path, target)
    return target


def restore_backup(url: str, backup: Path, *, now: dt.datetime | None = None) -> Path:
    """Put `backup` in place of the database file; the old file is kept aside, never deleted.

    Returns where the old file now lives.
    """
    path = sqlite_path(url)
    if path is None:
        raise ValueError("only a SQLite file can be restored from a backup")
    aside = _unused_name(path.parent, f"{path.stem}-set-aside", now, path.suffix)
    moved: list[tuple[Path, Path]] = []
    # The -wal and -shm files belong to the old file: left beside the restored
    # copy, SQLite would replay the old file's pages into it.
    for suffix in ("", "-wal", "-shm", "-journal"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            destination = Path(f"{aside}{suffix}")
            source.rename(destination)
            moved.append((destination, source))
    try:
        copy_sqlite(backup, path)
    except BaseException:
        for destination, source in moved:
            destination.rename(source)
        raise
    return aside


def _unused_name(folder: Path, stem: str, now: dt.datetime | None, suffix: str) -> Path:
    """`<stem>-YYYYMMDD-HHMMSS<suffix>`, numbered -2, -3… rather than overwrite anything."""
    stamp = (now or dt.datetime.now()).strftime(_STAMP_FORMAT)
    candidate = folder / f"{stem}-{stamp}{suffix}"
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = folder / f"{stem}-{stamp}-{counter}{suffix}"
    return candidate


def copy_sqlite(source: Path, target: Path) -> None:
    """Page-by-page copy through SQLite, so a file in use is copied consistently.

    Written beside `target` and moved into place only when complete: a
    half-written copy never looks like a backup (sourcing_app.atomic).
    """
    with atomic_file(target) as partial:
        src = sqlite3.connect(
            f"{_file_uri(source)}?mode=ro", uri=True, timeout=LOCK_CHECK_TIMEOUT_S
        )
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A copy without -wal/-shm companions is one file a buyer can move around.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()


def alembic_config(url: str) -> Config:
    """The Alembic configuration, built in code: the scripts ship inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@dataclass(frozen=True)
class _Revisions:
    known: frozenset[str]
    heads: frozenset[str]


_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)


def _script_revisions() -> _Revisions:
    """The revisions this app knows, read from the version files' text.

    Importing Alembic costs about 0.35 s, so a database already at head is
    opened without it. tests/db/test_migrate.py checks this agrees with Alembic.
    """
    known: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        known.add(revision.group(1))
        down = _DOWN_REVISION.search(source)
        if down is not None:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return _Revisions(known=frozenset(known), heads=frozenset(known - parents))


def known_revisions() -> frozenset[str]:
    """Every schema revision this app can open (a restored file must be one of them)."""
    return _script_revisions().known


# --- SQLite files -----------------------------------------------------------------------


@dataclass(frozen=True)
class _FileState:
    tables: frozenset[str]
    revisions: frozenset[str]


def _prepare_sqlite_file(url: str, path: Path) -> Engine:
    scripts = _script_revisions()
    if path.exists():
        state = _inspect_sqlite_file(url, path)
        unknown = state.revisions - scripts.known
        if unknown:
            raise _problem(
                "too_new",
                url,
                _(
                    "{where} was written by a newer version of Sourcing desk "
                    "(schema {schema}). Update the app to open it; the file was left untouched."
                ).format(where=_where(url), schema=", ".join(sorted(unknown))),
            )
        if state.tables - {VERSION_TABLE} and not state.revisions:
            shown = ", ".join(sorted(state.tables)[:5])
            raise _problem(
                "not_ours",
                url,
                _(
                    "{where} is a SQLite database, but not one kept by Sourcing desk "
                    "(it holds other tables: {tables}). It was left untouched; "
                    "choose another file."
                ).format(where=_where(url), tables=shown),
            )
        if state.revisions != scripts.heads and state.tables:
            _quick_check(url, path)
            try:
                backup_sqlite(path)
            except (OSError, sqlite3.Error, CannotFinish) as error:
                raise _problem(
                    "read_only",
                    url,
                    _(
                        "{where} needs an update, but no backup of it could be written "
                        "to {folder} ({error}). It was left untouched."
                    ).format(where=_where(url), folder=path.parent / BACKUP_DIR, error=error),
                ) from None
        if state.revisions == scripts.heads:
            return make_engine(url)
    else:
        _require_writable_folder(url, path)
    return _upgraded(make_engine(url), url)


def _inspect_sqlite_file(url: str, path: Path) -> _FileState:
    _require_sqlite_header(url, path)
    for candidate, words in (
        (
            path,
            N_(
                "{where} can't be changed: its file is read-only. Check the "
                "file's permissions, or copy it somewhere you can write to."
            ),
        ),
        (
            path.parent,
            N_(
                "{where} can't be changed: its folder is read-only. Check the "
                "file's permissions, or copy it somewhere you can write to."
            ),
        ),
    ):
        if not os.access(candidate, os.W_OK):
            raise _problem("read_only", url, _(words).format(where=_where(url)))
    try:
        conn = sqlite3.connect(
            f"{_file_uri(path)}?mode=rw",
            uri=True,
            timeout=LOCK_CHECK_TIMEOUT_S,
            isolation_level=None,
        )
    except sqlite3.Error as error:
        raise _sqlite_problem(url, error) from None
    try:
        tables = frozenset(
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        )
        revisions: frozenset[str] = frozenset()
        if VERSION_TABLE in tables:
            revisions = frozenset(
                row[0] for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}")
            )
        # Asking for the write lock finds a program that holds the file open for
        # writing, which would otherwise make every save wait and then fail.
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.Error as error:
        raise _sqlite_problem(url, error) from None
    finally:
        conn.close()
    return _FileState(tables=tables, revisions=revisions)


def _require_sqlite_header(url: str, path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as error:
        raise _problem(
            "read_only",
            url,
            _("{where} can't be read ({reason}).").format(where=_where(url), reason=error.strerror),
        ) from None
    # A zero-byte file is a valid, empty SQLite database.
    if header and header != SQLITE_HEADER:
        raise _problem(
            "corrupt",
            url,
            _("{where} is damaged (not a SQLite database).").format(where=_where(url)),
        )


def _quick_check(url: str, path: Path) -> None:
    try:
        conn = sqlite3.connect(f"{_file_uri(path)}?mode=ro", uri=True, timeout=1.0)
        try:
            result = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise _sqlite_problem(url, error) from None
    if result != ["ok"]:
        raise _problem(
            "corrupt",
            url,
            _("{where} is damaged (SQLite reports: {report}).").format(
                where=_where(url), report=result[0]
            ),
        )


def _require_writable_folder(url: str, path: Path) -> None:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not os.access(folder, os.W_OK):
        raise _problem(
            "read_only",
            url,
            _(
                "A new database can't be created at {path}: the folder {folder} is read-only."
            ).format(path=path, folder=folder),
        )


def _sqlite_problem(url: str, error: sqlite3.Error) -> DatabaseProblem:
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _problem(
            "locked",
            url,
            _(
                "{where} is in use by another program that is writing to it. "
                "Close the other program (or the other copy of Sourcing desk) and try again."
            ).format(where=_where(url)),
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return _problem(
            "read_only",
            url,
            _(
                "{where} can't be opened for writing ({error}). Check the permissions "
                "of the file and its folder."
            ).format(where=_where(url), error=error),
        )
    return _problem(
        "corrupt", url, _("{where} is damaged ({error}).").format(where=_where(url), error=error)
    )


def _file_uri(path: Path) -> str:
    return "file:" + quote(str(path.absolute()))


# --- PostgreSQL and other servers -------------------------------------------------------


def _prepare_server(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        # Without it an unreachable host hangs start-up for minutes.
        url_with_timeout = parsed.update_query_dict(
            {"connect_timeout": str(SERVER_CONNECT_TIMEOUT_S)}
        )
        engine = make_engine(url_with_timeout.render_as_string(hide_password=False))
    else:
        engine = make_engine(url)
    scripts = _script_revisions()
    try:
        with engine.connect() as conn:
            current = _server_revisions(conn)
    except exc.DBAPIError as error:
        engine.dispose()
        if isinstance(error, exc.OperationalError | exc.InterfaceError):
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise _problem(
                "unreachable",
                url,
                _(
                    "{where} can't be reached ({reason}). Check the network and the "
                    "database address, then try again."
                ).format(where=_where(url), reason=reason),
            ) from None
        raise
    unknown = current - scripts.known
    if unknown:
        engine.dispose()
        raise _problem(
            "too_new",
            url,
            _(
                "{where} was written by a newer version of Sourcing desk "
                "(schema {schema}). Update the app to open it; nothing was changed."
            ).format(where=_where(url), schema=", ".join(sorted(unknown))),
        )
    if current == scripts.heads:
        return engine
    return _upgraded(engine, url)


def _server_revisions(conn: Connection) -> frozenset[str]:
    if not inspect(conn).has_table(VERSION_TABLE):
        return frozenset()
    return frozenset(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars())


# --- Running the migrations -------------------------------------------------------------


def _upgraded(engine: Engine, url: str) -> Engine:
    """Run `alembic upgrade head` in one transaction; on failure nothing is changed."""
    from alembic import command

    # An in-memory database exists only inside `engine`, so it migrates there.
    migration_engine = make_engine(url) if sqlite_path(url) is not None else engine
    if migration_engine is not engine:
        # pysqlite commits before every DDL statement unless we issue BEGIN
        # ourselves; batch mode also rebuilds tables, which needs foreign keys off.
        event.listen(migration_engine, "connect", _sqlite_migration_connection)
        event.listen(migration_engine, "begin", _sqlite_begin)
    config = alembic_config(url)
    try:
        with migration_engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            _require_foreign_keys_intact(conn)
    except exc.DBAPIError as error:
        engine.dispose()
        raise _migration_problem(url, error) from None
    finally:
        if migration_engine is not engine:
            migration_engine.dispose()
    return engine


def _sqlite_migration_connection(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _require_foreign_keys_intact(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise exc.IntegrityError(
            "PRAGMA foreign_key_check",
            None,
            ValueError(
                _("{count} row(s) point at rows that no longer exist").format(count=len(broken))
            ),
        )


def _migration_problem(url: str, error: exc.DBAPIError) -> DatabaseProblem:
    if isinstance(error.orig, sqlite3.Error):
        problem = _sqlite_problem(url, error.orig)
        if problem.kind in ("locked", "read_only"):
            return problem
    reason = str(error.orig or error).strip().splitlines()[0]
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    if sqlstate in ("42501", "25006"):  # insufficient privilege, read-only transaction
        return _problem(
            "read_only",
            url,
            _(
                "{where} needs an update that this login may not make ({reason}). "
                "Ask whoever runs the database server to start the new version once."
            ).format(where=_where(url), reason=reason),
        )
    return _problem(
        "migration_failed",
        url,
        _(
            "Updating {where} to this version of Sourcing desk failed ({reason}). "
            "Nothing was changed."
        ).format(where=_where(url, sentence_start=False), reason=reason),
    )


# --- Words for the buyer ----------------------------------------------------------------


def _where(url: str, *, sentence_start: bool = True) -> str:
    path = sqlite_path(url)
    if path is not None:
        # Translators: {where} in the database messages; a sentence may start with it.
        where = _("the database file {path}").format(path=path)
    elif url.startswith("sqlite"):
        where = _("the in-memory database")
    else:
        parsed = make_url(url)
        server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
        where = _("the database {name} on server {server}").format(
            name=parsed.database or "", server=server
        )
    return where[0].upper() + where[1:] if sentence_start else where


def _problem(kind: ProblemKind, url: str, message: str) -> DatabaseProblem:
    backup = latest_backup(url)
    if sqlite_path(url) is not None:
        made = _made_on(backup) if backup is not None else None
        if backup is None:
            message = _("{problem} No backup of it was found.").format(problem=message)
        elif made is None:
            message = _("{problem} Your latest backup is {backup}.").format(
                problem=message, backup=backup
            )
        else:
            message = _("{problem} Your latest backup is {backup}, made {day} at {time}.").format(
                problem=message, backup=backup, day=day(made.date()), time=f"{made:%H:%M}"
            )
    return DatabaseProblem(kind, url, message, backup_path=backup)


def _made_on(backup: Path) -> dt.datetime | None:
    match = re.search(r"-(\d{8}-\d{6})(?:-\d+)?\.sqlite$", backup.name)
    if not match:
        return None
    return dt.datetime.strptime(match.group(1), _STAMP_FORMAT)
