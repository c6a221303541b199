"""The history's statements side by side: on threads, or for a big SQLite file in child processes.

docs/score-history.md. The delivery halves, the lines and the returns
(services.history.aggregates) are independent statements, run side by side
while the calling thread prices the quotes. On PostgreSQL each runs in a
server process of its own anyway. SQLite runs them inside the process that
asks, and two big SQLite statements on two threads of one process slowed each
other down: on the 1,000,000-line file the two delivery halves took 8.5 to
9.9 s side by side on threads, against 5.9 to 6.5 s side by side in two
processes (11.5 to 12.7 s one after the other). So on a big SQLite file each
statement runs in a child process of its own, which sends its rows back in
slices; a small file is read on threads, where starting a process would cost
more than it saves.

The child only reads: it opens the file without creating it, refuses writes
(`query_only`), and is killed if the reading stops early. If its parent dies
instead (the desk cancelled a trend and killed the process working it out),
it stops its statement within moments rather than finish it for nobody.

The child's imports are kept light (no SQLAlchemy): it starts in about 50 ms.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _
from sourcing_app.services.child_frames import (
    read_frame,
    refused,
    serve_job,
    started_child,
    stopped,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Engine

# From this many purchase lines on, each statement runs in a child process.
ELSEWHERE_FROM_LINES = 200_000
# Rows per frame: taking one over holds the GIL for about 10 ms.
ROWS_PER_FRAME = 20_000
# As services.db.engine sets it for the desk's own connections.
BUSY_TIMEOUT_S = 5.0
CACHE_KIB = 65_536
# SQLite virtual-machine steps between two looks at whether the parent is still there.
PARENT_CHECK_STEPS = 100_000


def sqlite_file_worth_it(engine: Engine) -> Path | None:
    """The SQLite file, when it holds enough lines for child processes to pay; else None."""
    from sourcing_app.config import sqlite_path

    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        return None
    with engine.connect() as conn:
        lines = conn.exec_driver_sql("SELECT count(*) FROM purchase_line").scalar_one()
    return path if int(lines) >= ELSEWHERE_FROM_LINES else None


def read_here(engine: Engine, sql: str) -> list[Any]:
    """One statement's rows, on a connection of its own (for a worker thread)."""
    with engine.connect() as conn:
        result = conn.exec_driver_sql(sql)
        return list(result.cursor.fetchall()) if result.cursor is not None else []


def read_elsewhere(path: Path, sql: str) -> list[Any]:
    """One statement's rows, read from the SQLite file `path` in a child process.

    Raises CannotFinish, in words, if the child fails or stops.
    """
    job = {"path": str(path), "sql": sql, "rows_per_frame": ROWS_PER_FRAME, "parent": os.getpid()}
    with started_child("sourcing_app.services.history.reads", job) as (child, frames, errors):
        rows: list[Any] = []
        while True:
            frame = read_frame(frames)
            if frame is None:
                raise stopped(
                    child,
                    errors,
                    _(
                        "Reading the purchase history stopped unexpectedly "
                        "(the process ended with {code})."
                    ),
                )
            tag = frame[0]
            if tag == "rows":
                rows.extend(frame[1])
            elif tag == "failed":  # the database said no: its words, after ours
                raise CannotFinish(
                    _("Reading the purchase history failed: {reason}").format(reason=frame[1])
                )
            elif tag == "error":
                raise refused(frame)
            elif tag == "done":
                return rows


def _work(job: dict[str, Any], send: Callable[..., None], _report: Any) -> None:
    uri = Path(job["path"]).resolve().as_uri() + "?mode=rw"  # never creates a file
    parent = job["parent"]  # not getppid(): the parent may be gone before this line
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
        # An orphan's parent id changes (to init's or a subreaper's): the statement
        # is then interrupted, and sending its rows fails for want of a reader.
        conn.set_progress_handler(lambda: os.getppid() != parent, PARENT_CHECK_STEPS)
        try:
            conn.execute("PRAGMA query_only=ON")
            conn.execute("PRAGMA temp_store=MEMORY")
            conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cursor = conn.execute(job["sql"])
            while rows := cursor.fetchmany(job["rows_per_frame"]):
                send("rows", rows)
        finally:
            conn.close()
    except sqlite3.Error as error:  # said in the parent's language (this child has none)
        send("failed", str(error))


if __name__ == "__main__":
    serve_job(_work, "Reading the purchase history failed")
