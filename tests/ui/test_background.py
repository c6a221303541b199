"""Long work off the UI thread: progress reaches the UI thread, and Cancel stops it."""

from __future__ import annotations

import datetime as dt
import threading
import weakref

from sourcing_app.errors import Cancelled
from sourcing_app.ui.shell.workspace import Workspace


def test_a_task_reports_progress_and_hands_back_its_result(qtbot, engine) -> None:
    workspace = Workspace(engine, "test.sqlite")
    seen: list[tuple[int, int, str]] = []
    results: list[object] = []
    workspace.task_progressed.connect(
        lambda _job, done, total, text: seen.append((done, total, text))
    )

    def work(progress):
        for done in range(3):
            progress(done, 2, f"step {done}")
        return 42

    with qtbot.waitSignal(workspace.task_ended, timeout=5000):
        workspace.run_task("Counting", work, results.append)
    assert results == [42]
    # The first and the last report always get through; the middle may be throttled.
    assert seen[0] == (0, 2, "step 0")
    assert seen[-1] == (2, 2, "step 2")
    workspace.wait_for_tasks()


def test_cancel_stops_the_work_at_its_next_report(qtbot, engine) -> None:
    workspace = Workspace(engine, "test.sqlite")
    started = threading.Event()
    release = threading.Event()
    failures: list[Exception] = []
    done: list[object] = []

    def work(progress):
        started.set()
        release.wait(5)
        progress(1, 10, "still going")  # raises: the user pressed Cancel
        return "finished anyway"

    job = workspace.run_task("Waiting", work, done.append, failures.append)
    assert started.wait(5)
    workspace.cancel_task(job)
    release.set()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert done == []
    assert isinstance(failures[0], Cancelled)
    assert not workspace.runner.is_running(job)


def test_an_old_run_is_freed_off_the_ui_thread_after_the_screens_let_go(
    qtbot, engine, monkeypatch
) -> None:
    import gc

    import sourcing_app.ui.shell.workspace as workspace_module
    from tests.ui.scores import three_suppliers

    monkeypatch.setattr(workspace_module, "RELEASE_LATER_FROM", 1)
    monkeypatch.setattr(workspace_module, "RELEASE_AFTER_S", 0.2)
    workspace = Workspace(engine, "test.sqlite")
    as_of = dt.date(2026, 6, 30)
    old = three_suppliers()
    # Whichever thread lets go of the old run last frees it: note which one that is.
    freed_on: list[str] = []
    weakref.finalize(old[0], lambda: freed_on.append(threading.current_thread().name))
    workspace.set_scores(old, as_of)
    del old
    workspace.set_scores(three_suppliers(), as_of)
    gc.collect()
    # Nobody on the UI thread holds the old run now; the helper thread frees it, a slice
    # at a time, however long the UI thread took to get here.
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == ["free-later"]
