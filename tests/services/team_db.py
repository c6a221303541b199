"""A team database on the throwaway PostgreSQL server: an owner and three logins.

`team init` runs as the owner (the server's superuser here); `viewer_login`,
`buyer_login` and `manager_login` are LOGIN roles with passwords, granted one
team role each with `team grant`. Roles live in the whole cluster, so they are
created once and re-granted for every fresh database.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, make_url
from sqlalchemy.engine import URL

from sourcing_app.cli import main
from sourcing_app.db.engine import make_engine

LOGINS = {"viewer": "viewer_login", "buyer": "buyer_login", "manager": "manager_login"}
PASSWORD = "team-test-password"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@dataclass
class TeamDatabase:
    owner_url: str

    def url_for(self, role: str) -> str:
        login = LOGINS[role]
        url: URL = make_url(self.owner_url).set(username=login, password=PASSWORD)
        return url.render_as_string(hide_password=False)

    def engine_for(self, role: str) -> Engine:
        return make_engine(self.url_for(role))


def make_logins(owner_url: str) -> None:
    """The three LOGIN roles, with passwords, if the cluster has none yet."""
    import psycopg

    conninfo = make_url(owner_url).set(drivername="postgresql")
    with psycopg.connect(conninfo.render_as_string(hide_password=False), autocommit=True) as conn:
        for login in LOGINS.values():
            conn.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') "  # type: ignore[arg-type]
                f"THEN CREATE ROLE {login} LOGIN PASSWORD '{PASSWORD}'; END IF; END $$"
            )


def team_database(pg_database_url: str) -> Iterator[TeamDatabase]:
    """A migrated database in team mode with one login per role."""
    make_logins(pg_database_url)
    code, _out, err = run("--db", pg_database_url, "team", "init")
    if code != 0:
        pytest.fail(f"team init failed: {err}")
    for role, login in LOGINS.items():
        code, _out, err = run("--db", pg_database_url, "team", "grant", login, role)
        if code != 0:
            pytest.fail(f"team grant failed: {err}")
    yield TeamDatabase(pg_database_url)
