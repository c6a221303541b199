"""The history on both cores (docs/score-history.md): for a big SQLite file its
statements run in child processes, and half its points are worked out in a fork.
Either way the figures are the very ones one thread works out.

The fork is only taken in a process without Qt, so the fork's tests run their
history in a fresh interpreter (the test process has Qt loaded by pytest-qt).
"""

from __future__ import annotations

import inspect
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sourcing_app.config import sqlite_path
from sourcing_app.errors import CannotFinish
from sourcing_app.services import score_history as history_module
from sourcing_app.services.child_frames import child_environment
from sourcing_app.services.history import reads
from sourcing_app.services.score_history import SupplierHistory, score_history
from tests.services.test_score_history import DEMO_AS_OF, demo

__all__ = ["demo"]  # the fixture: the demo portfolio with returns after sale


def figures(histories: list[SupplierHistory]) -> list[Any]:
    """Every figure of every point, as plain data (JSON keeps each float exactly)."""
    return [
        [
            h.supplier_code,
            [
                [
                    str(p.as_of),
                    p.standing.value,
                    p.sourcing_score,
                    p.margin_score,
                    p.stability_score,
                    p.confidence,
                    p.sub_scores,
                ]
                for p in h.points
            ],
        ]
        for h in histories
    ]


def _in_a_fresh_process(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=child_environment(),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _here(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[SupplierHistory]:
    """The history on this process's threads only."""
    monkeypatch.setattr(history_module, "may_fork", lambda: False)
    return score_history(engine, DEMO_AS_OF, 12)


def test_statements_read_in_child_processes_give_the_same_history(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = figures(_here(demo, monkeypatch))

    monkeypatch.setattr(reads, "ELSEWHERE_FROM_LINES", 0)  # the demo counts as big
    assert reads.sqlite_file_worth_it(demo) is not None
    elsewhere = figures(score_history(demo, DEMO_AS_OF, 12))

    assert len(here) == 200
    assert elsewhere == here


def test_points_worked_out_in_a_fork_equal_those_worked_out_in_one_process(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = figures(_here(demo, monkeypatch))
    url = demo.url.render_as_string(hide_password=False)

    out = _in_a_fresh_process(
        f"""
        import datetime as dt, json
        from sourcing_app.db.engine import make_engine
        from sourcing_app.services.history.fork import may_fork
        from sourcing_app.services.score_history import score_history
        from typing import Any
        from sourcing_app.services.score_history import SupplierHistory
{textwrap.indent(inspect.getsource(figures), " " * 8)}
        forked = may_fork()
        histories = score_history(make_engine({url!r}), dt.date.fromisoformat("{DEMO_AS_OF}"), 12)
        print(json.dumps({{"forked": forked, "figures": figures(histories)}}))
        """
    )
    child = json.loads(out)

    assert child["forked"] is True  # a fresh interpreter: no thread, no Qt
    # 13 points for each of 200 suppliers, the first 7 from the fork.
    assert json.loads(json.dumps(here)) == child["figures"]


def test_a_fork_that_fails_leaves_its_half_to_the_parent() -> None:
    out = _in_a_fresh_process(
        """
        import os
        from sourcing_app.services.history.fork import in_two
        parent = os.getpid()
        def elsewhere():
            if os.getpid() != parent:
                raise RuntimeError("out of memory in the fork")
            return "worked out by the parent"
        print(in_two(elsewhere, lambda: "mine", fork=True))
        """
    )
    assert out.strip() == "('worked out by the parent', 'mine')"


def test_a_failure_here_stops_the_fork_and_leaves_no_process_behind() -> None:
    out = _in_a_fresh_process(
        """
        import os, signal
        from sourcing_app.services.history.fork import in_two
        def here():
            raise KeyError("cancelled")
        # The fork would wait for a signal for ever: only being killed ends it (were
        # it not, waiting for it would hang until the test's own time-out).
        try:
            in_two(signal.pause, here, fork=True)
        except KeyError as error:
            print("raised", error)
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            print("no child left")
        """
    )
    assert out.split("\n")[:2] == ["raised 'cancelled'", "no child left"]


def test_a_statement_the_database_refuses_is_said_in_words(demo: Engine) -> None:
    path = sqlite_path(demo.url.render_as_string(hide_password=False))
    assert path is not None

    with pytest.raises(CannotFinish) as error:
        reads.read_elsewhere(path, "SELECT amount FROM no_such_table")

    assert str(error.value) == ("Reading the purchase history failed: no such table: no_such_table")
    assert "Traceback" not in str(error.value)


def test_a_missing_file_is_not_created_by_a_reading_child(tmp_path: Path) -> None:
    missing = tmp_path / "typo.sqlite"

    with pytest.raises(CannotFinish, match="Reading the purchase history failed"):
        reads.read_elsewhere(missing, "SELECT 1")

    assert not missing.exists()


def test_rows_come_back_whole_across_several_frames(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_path(demo.url.render_as_string(hide_password=False))
    assert path is not None
    with demo.connect() as conn:
        expected = conn.exec_driver_sql("SELECT id, line_ref FROM purchase_line ORDER BY id").all()
    monkeypatch.setattr(reads, "ROWS_PER_FRAME", 1000)
    assert len(expected) > 3 * reads.ROWS_PER_FRAME  # several frames' worth

    rows = reads.read_elsewhere(path, "SELECT id, line_ref FROM purchase_line ORDER BY id")

    assert rows == [tuple(row) for row in expected]


def test_a_reading_child_that_dies_is_reported_in_words(
    demo: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqlite_path(demo.url.render_as_string(hide_password=False))
    assert path is not None
    # A broken interpreter path stands for a child killed or crashed mid-read.
    monkeypatch.setattr(sys, "executable", "/bin/false")

    with pytest.raises(CannotFinish) as error:
        reads.read_elsewhere(path, "SELECT 1")

    assert str(error.value) == (
        "Reading the purchase history stopped unexpectedly (the process ended with 1)."
    )


def _running(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie waiting for init to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_reading_child_whose_parent_dies_stops_its_statement(tmp_path: Path) -> None:
    """The desk kills a cancelled trend's process; its reading children must not read on."""
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from sourcing_app.services.history.reads import read_elsewhere
        read_elsewhere(Path({str(empty)!r}), {endless!r})
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], env=child_environment())
    orphans: list[int] = []
    try:
        for _ in range(600):  # its reading child starts within moments
            orphans = [pid for pid in _children(parent.pid) if _running(pid)]
            if orphans or parent.poll() is not None:
                break
            time.sleep(0.05)
        assert orphans, "the reading child never started"
        parent.kill()
        parent.wait()
        for _ in range(600):  # a statement that would never end on its own
            if not any(_running(pid) for pid in orphans):
                break
            time.sleep(0.05)
        assert not any(_running(pid) for pid in orphans), "it read on for nobody"
    finally:
        if parent.poll() is None:
            parent.kill()
        for pid in orphans:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
