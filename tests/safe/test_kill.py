"""A process killed (SIGKILL) in the middle of an import, an edit or a migration
leaves a database that passes `PRAGMA integrity_check` and holds all or none of
the change (docs/bad-input.md).

No sleeps: the child says "inside" on stdout at a moment inside the transaction
(a progress report mid-import; a hook on the statement it just sent) and then
waits on its stdin; the parent reads that line and kills it there.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.services.hand_portfolio_db import ids, load_hand_portfolio

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# Installed in the child before the work: after a statement that matches WANTED,
# say "inside" and wait to be killed, with the transaction still open.
HOOK = """
import sys
from sqlalchemy import Engine, event

def _inside(conn, cursor, statement, parameters, context, executemany):
    if WANTED in statement:
        print("inside", flush=True)
        sys.stdin.readline()

event.listen(Engine, "after_cursor_execute", _inside)
"""


def _kill_inside(script: str, *args: str) -> None:
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "inside\n", (line, child.stderr.read() if child.stderr else "")
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    assert child.returncode == -signal.SIGKILL


def _state(path: Path, sql: str) -> tuple[str, object]:
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        return check, conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _path(db_url: str) -> Path:
    return Path(db_url.split(":///", 1)[1])


def test_a_kill_in_the_middle_of_a_big_deliveries_import_leaves_none_of_it(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    engine.dispose()
    before = _state(_path(db_url), "SELECT COUNT(*) FROM delivery")
    # 6 lines x 5,000 days = 30,000 rows: the first progress report comes after
    # 5,000 rows went into the open transaction.
    refs = ["L0", "L1", "L2", "L3", "M1", "M2"]
    start = dt.date(2027, 1, 1)
    rows = "".join(
        f"{ref},{start + dt.timedelta(days=k)},1,0,2\n" for ref in refs for k in range(5_000)
    )
    big = tmp_path / "deliveries.csv"
    big.write_text("line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n" + rows)

    _kill_inside(
        """
        import sys
        from sourcing_app.db.migrate import prepare_database
        from sourcing_app.services.importing import import_file

        def progress(done, total, words):
            if done:
                print("inside", flush=True)
                sys.stdin.readline()

        import_file(prepare_database(sys.argv[1]), "deliveries", sys.argv[2], progress=progress)
        """,
        db_url,
        str(big),
    )

    assert _state(_path(db_url), "SELECT COUNT(*) FROM delivery") == before
    assert before == ("ok", 5)  # the hand portfolio's deliveries, and not one more


def test_a_kill_in_the_middle_of_an_edit_leaves_the_row_as_it_was(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    supplier = ids(engine)["S-COMP"]
    engine.dispose()
    sql = f"SELECT name || '/' || version FROM supplier WHERE id = {supplier}"  # noqa: S608
    before = _state(_path(db_url), sql)
    assert before == ("ok", "Golden Bridge Trading/1")

    _kill_inside(
        "WANTED = 'UPDATE supplier'\n"
        + HOOK
        + """
import sys
from sourcing_app.db.migrate import prepare_database
from sourcing_app.services.editing import EditingService

service = EditingService(prepare_database(sys.argv[1]), who=lambda: "mei")
service.edit("supplier", int(sys.argv[2]), 1, {"name": "Renamed Ltd"})
""",
        db_url,
        str(supplier),
    )

    assert _state(_path(db_url), sql) == before


def test_a_kill_in_the_middle_of_a_migration_leaves_the_old_schema_whole(
    tmp_path: Path,
) -> None:
    from alembic import command

    from sourcing_app.db.migrate import alembic_config

    path = tmp_path / "old.sqlite"
    command.upgrade(alembic_config(f"sqlite:///{path}"), "0002")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO supplier (code, name, country, kind, contact, notes, archived, version) "
        "VALUES ('S1', 'Acme', 'CN', 'trader', '', '', 0, 1)"
    )
    conn.commit()
    conn.close()

    _kill_inside(
        "WANTED = 'CREATE TABLE sale_return'\n"
        + HOOK
        + """
import sys
from sourcing_app.db.migrate import prepare_database

prepare_database(sys.argv[1])
""",
        f"sqlite:///{path}",
    )

    assert _state(path, "SELECT version_num FROM alembic_version") == ("ok", "0002")
    assert _state(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sale_return'")[1] == 0
    assert _state(path, "SELECT code FROM supplier")[1] == "S1"
    # And the app opens it afterwards, migrating it whole this time.
    from sourcing_app.db.migrate import prepare_database

    prepare_database(f"sqlite:///{path}").dispose()
    assert _state(path, "SELECT version_num FROM alembic_version") == ("ok", "0003")
