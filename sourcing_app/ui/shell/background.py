"""Run slow work off the UI thread; results come back to the UI thread as signals.

docs/architecture.md: no widget is touched from a worker. The runner lives in the
UI thread, so receivers connected to its signals run there.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from sourcing_app.errors import Cancelled
from sourcing_app.i18n import _

# A worker reports at most this often; the UI thread is never flooded.
PROGRESS_INTERVAL_S = 0.05


class BackgroundRunner(QObject):
    """Starts numbered jobs on its own thread pool; each ends in `succeeded` or `failed`.

    One long-lived runner per window rather than a QObject per job: deleting a
    per-job QObject soon after a cross-thread emit crashed PySide 6.11.
    A job cancelled by `cancel` ends in `failed` with a `Cancelled` error.
    """

    succeeded = Signal(int, object)  # job number, what the work returned
    failed = Signal(int, object)  # job number, the exception it raised
    progressed = Signal(int, int, int, str)  # job number, done, total, what it is doing

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._last_job = 0
        self._reporters: dict[int, _Reporter] = {}
        # Connected first, so a job is no longer running when other receivers hear of it.
        self.succeeded.connect(self._finished)
        self.failed.connect(self._finished)

    def start(self, work: Callable[[], Any]) -> int:
        """Run `work()`; no progress, no cancelling."""
        return self.start_with_progress(lambda _report: work())

    def start_with_progress(self, work: Callable[[Callable[[int, int, str], None]], Any]) -> int:
        """Run `work(report)`; `report(done, total, text)` raises Cancelled once cancelled."""
        self._last_job += 1
        job = self._last_job
        reporter = _Reporter(job, self)
        self._reporters[job] = reporter
        self._pool.start(_Job(job, work, reporter, self))
        return job

    def cancel(self, job: int) -> None:
        reporter = self._reporters.get(job)
        if reporter is not None:
            reporter.cancelled.set()

    def is_running(self, job: int) -> bool:
        return job in self._reporters

    def wait_for_done(self) -> None:
        for reporter in list(self._reporters.values()):
            reporter.cancelled.set()
        self._pool.waitForDone()

    def _finished(self, job: int, _outcome: object) -> None:
        self._reporters.pop(job, None)


class _Reporter:
    """The progress callback handed to one job's work; called on the worker thread."""

    def __init__(self, job: int, runner: BackgroundRunner) -> None:
        self.job = job
        self.runner = runner
        self.cancelled = threading.Event()
        self._last = 0.0

    def __call__(self, done: int, total: int, text: str) -> None:
        if self.cancelled.is_set():
            raise Cancelled(_("Cancelled; nothing was changed."))
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S or done >= total:
            self._last = now
            self.runner.progressed.emit(self.job, done, total, text)


class _Job(QRunnable):
    def __init__(
        self,
        number: int,
        work: Callable[[Callable[[int, int, str], None]], Any],
        reporter: _Reporter,
        runner: BackgroundRunner,
    ) -> None:
        super().__init__()
        self._number = number
        self._work = work
        self._reporter = reporter
        self._runner = runner

    def run(self) -> None:
        try:
            result = self._work(self._reporter)
        except Exception as error:  # handed to the UI thread, which says it in words
            # The traceback's frames hold the work's locals (a run's worth of scores, say)
            # in a reference cycle: kept, they would wait for a full collection of the
            # cycle collector, which then frees millions of objects in one go while
            # holding the GIL. The text is kept for the error log instead.
            error.details = "".join(traceback.format_exception(error))  # type: ignore[attr-defined]
            error.__traceback__ = None
            self._tell(self._runner.failed, error)
            del error
        else:
            self._tell(self._runner.succeeded, result)

    def _tell(self, signal: Any, outcome: object) -> None:
        try:
            signal.emit(self._number, outcome)
        except RuntimeError:
            # The runner was deleted while the job ran (its window or workspace torn
            # down without waiting): nobody is left to hear the outcome.
            if shiboken6.isValid(self._runner):
                raise
