"""Long work off the UI thread: progress reaches the UI thread, and Cancel stops it."""

from __future__ import annotations

import threading

from sourcing_app.errors import Cancelled
from sourcing_app.ui.workspace import Workspace


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
