"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

from sourcing_app.db import (
    migrate,
    models,  # noqa: F401  (fills SQLModel.metadata)
)


def _differences(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_a_new_sqlite_file_gets_exactly_the_tables_of_the_models(engine: Engine) -> None:
    assert _differences(engine) == []
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("0003",)]


def test_a_new_postgresql_database_gets_exactly_the_tables_of_the_models(
    pg_engine: Engine,
) -> None:
    assert pg_engine.dialect.name == "postgresql"
    assert _differences(pg_engine) == []


def test_the_quick_revision_scan_agrees_with_alembic() -> None:
    """prepare_database reads revision ids without importing Alembic; both must agree."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    revisions = migrate._script_revisions()
    assert revisions.known == {s.revision for s in script.walk_revisions()}
    assert revisions.heads == set(script.get_heads())


def test_every_migration_can_be_undone_and_redone(engine: Engine, db_url: str) -> None:
    from alembic import command

    config = migrate.alembic_config(db_url)
    engine.dispose()
    command.downgrade(config, "base")
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
        ).all()
    assert tables == []
    engine.dispose()
    command.upgrade(config, "head")
    assert _differences(engine) == []
