"""Run slow work off the UI thread; results come back to the UI thread as signals.

DESIGN.md section 7: no widget is touched from a worker. The runner lives in the
UI thread, so receivers connected to its signals run there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class BackgroundRunner(QObject):
    """Starts numbered jobs on its own thread pool; each ends in `succeeded` or `failed`.

    One long-lived runner per window rather than a QObject per job: deleting a
    per-job QObject soon after a cross-thread emit crashed PySide 6.11.
    """

    succeeded = Signal(int, object)  # job number, what the work returned
    failed = Signal(int, object)  # job number, the exception it raised

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._last_job = 0

    def start(self, work: Callable[[], Any]) -> int:
        self._last_job += 1
        self._pool.start(_Job(self._last_job, work, self))
        return self._last_job

    def wait_for_done(self) -> None:
        self._pool.waitForDone()


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], runner: BackgroundRunner) -> None:
        super().__init__()
        self._number = number
        self._work = work
        self._runner = runner

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # handed to the UI thread, which says it in words
            self._runner.failed.emit(self._number, error)
        else:
            self._runner.succeeded.emit(self._number, result)
