"""Shared fixtures: a real SQLite file per test, migrated the way the app does it,
and a real PostgreSQL server for the tests that need one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The suite reads in English and keeps its hands off the tester's own data
# directory (preferences, error.log): a test that wants Chinese asks for it.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="sourcing-tests-data-")
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"

PG_URL_ENV = "SOURCING_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switched the language does not leave the next one reading Chinese."""
    yield
    from sourcing_app import i18n

    i18n.install(i18n.ENGLISH)


REQUIRE_PG_ENV = "SOURCING_REQUIRE_PG"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sourcing.sqlite'}"


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file migrated by the app's own code; each test gets a copy of it."""
    from sourcing_app.db.migrate import prepare_database

    path = tmp_path_factory.mktemp("template") / "sourcing.sqlite"
    engine = prepare_database(f"sqlite:///{path}")
    engine.dispose()
    return path


@pytest.fixture
def engine(db_url: str, _migrated_sqlite_template: Path) -> Iterator[Engine]:
    from sourcing_app.config import sqlite_path
    from sourcing_app.db.migrate import prepare_database

    # Copying the migrated file is ~50x faster than migrating per test;
    # prepare_database still opens it exactly as the app opens a file at head.
    target = sqlite_path(db_url)
    assert target is not None
    shutil.copyfile(_migrated_sqlite_template, target)
    engine = prepare_database(db_url)
    yield engine
    engine.dispose()


# --- PostgreSQL -------------------------------------------------------------------------


def _no_postgres(reason: str) -> None:
    if os.environ.get(REQUIRE_PG_ENV) == "1":
        pytest.fail(f"{REQUIRE_PG_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _postgres_bin_dir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _ThrowawayCluster:
    """A PostgreSQL cluster in a temp dir on a loopback port, gone when the session ends."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # initdb refuses to run as root; the server then runs as `postgres`.
        self.as_user: list[str] = []
        owner: tuple[int, int] | None = None
        if os.geteuid() == 0:
            import pwd

            try:
                postgres = pwd.getpwnam("postgres")
            except KeyError:
                _no_postgres("running as root and there is no `postgres` user to run initdb")
            owner = (postgres.pw_uid, postgres.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.root = Path(tempfile.mkdtemp(prefix="sourcing-pg-"))
        if owner is not None:
            os.chown(self.root, *owner)
        self.data = self.root / "data"
        self.port = _free_loopback_port()

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> str:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        # Durability settings are off: this cluster lives for one test session.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        # `-w` makes pg_ctl itself wait until the server accepts connections.
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast"]
            + ["-w", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _admin_execute(server_url: str, statement: str) -> None:
    import psycopg

    conninfo = make_url(server_url).set(drivername="postgresql")
    with psycopg.connect(
        conninfo.render_as_string(hide_password=False), autocommit=True, connect_timeout=10
    ) as conn:
        conn.execute(statement)  # type: ignore[arg-type]  # DDL built by the tests


def _with_database(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A PostgreSQL server URL (`postgresql+psycopg://…`) whose database tests may use.

    SOURCING_TEST_PG_URL wins; otherwise a throwaway cluster is started from the
    installed server binaries. Without either the tests skip, unless
    SOURCING_REQUIRE_PG=1 (CI), where they fail.
    """
    from sourcing_app.config import normalise_db_url

    given = os.environ.get(PG_URL_ENV)
    if given:
        yield normalise_db_url(given)
        return
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        _no_postgres("no PostgreSQL server binaries (pg_ctl, initdb) are installed")
        return
    import psycopg

    cluster = _ThrowawayCluster(bin_dir)
    try:
        try:
            server_url = cluster.start()
            _admin_execute(server_url, "CREATE DATABASE sourcing_test")
        except (RuntimeError, OSError, subprocess.SubprocessError, psycopg.Error) as error:
            _no_postgres(f"a throwaway PostgreSQL server could not be started: {error}")
        yield _with_database(server_url, "sourcing_test")
    finally:
        cluster.stop()


@pytest.fixture
def pg_database_url(pg_url: str) -> Iterator[str]:
    """A brand-new empty database on the test server, dropped after the test."""
    name = f"sourcing_{uuid.uuid4().hex[:12]}"
    _admin_execute(pg_url, f'CREATE DATABASE "{name}"')
    yield _with_database(pg_url, name)
    _admin_execute(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh PostgreSQL database."""
    from sourcing_app.db.migrate import prepare_database

    engine = prepare_database(pg_database_url)
    yield engine
    engine.dispose()
