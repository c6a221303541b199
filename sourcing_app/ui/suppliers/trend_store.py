"""The portfolio's score history for the screens: worked out off the UI thread, once
per scoring run, and dropped the moment an edit, import or settings change lands.

docs/trend.md: history is never stored in the database; this cache lives as long as
the run it was worked out for. Every edit and import re-scores, so a new run
follows each change; the history is worked out again after it, and until it is
the screens say "Working out the trend…" rather than show stale points. A big
portfolio's history is worked out in a child process, as its scoring is.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from sourcing_app.services.score_history import DEFAULT_MONTHS, HistoryPoint
from sourcing_app.ui.shell.background import BackgroundRunner

if TYPE_CHECKING:
    from sourcing_app.errors import ProgressCallback
    from sourcing_app.services.trend import PortfolioTrend
    from sourcing_app.ui.shell.workspace import Workspace

# After a new run the work starts this soon; a burst of runs (undo, redo) starts it once.
AFTER_SCORES_MS = 250
# Asked for by a click (a supplier opened, the dashboard shown): the click's own work
# (the detail, its charts) goes first; the history takes far longer than this anyway.
AFTER_WANTED_MS = 400
# After an edit or import, a run follows; this long without one, the history goes ahead.
AFTER_EDIT_MS = 3_000


class TrendStore(QObject):
    """One per workspace (`TrendStore.of(workspace)`); `changed` when it becomes ready or stale."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.setObjectName("TrendStore")
        self.workspace = workspace
        self.trend: PortfolioTrend | None = None
        self._index: dict[int, int] = {}
        # The widgets that showed the trend: after a new run the history is worked out
        # again only while one of them is on screen (see want).
        self._viewers: weakref.WeakSet[QWidget] = weakref.WeakSet()
        self._job = 0
        self._runner = BackgroundRunner(self)
        self._runner.succeeded.connect(self._worked_out)
        self._runner.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._start)
        # A workspace torn down mid-job (a window closed, a test's workspace collected):
        # cancel the job and wait for it while the runner is still alive, so its worker
        # never emits into deleted objects. `destroyed` comes before the children go.
        runner = self._runner
        workspace.destroyed.connect(lambda *_args: runner.wait_for_done())
        workspace.scores_changed.connect(lambda: self._invalidate(AFTER_SCORES_MS))
        workspace.data_changed.connect(lambda _kind: self._invalidate(AFTER_EDIT_MS))
        workspace.settings_changed.connect(lambda: self._invalidate(AFTER_EDIT_MS))

    @classmethod
    def of(cls, workspace: Workspace) -> TrendStore:
        store = workspace.findChild(TrendStore, "TrendStore")
        return store if isinstance(store, TrendStore) else cls(workspace)

    # --- what the screens ask --------------------------------------------------------------

    def want(self, viewer: QWidget | None = None) -> None:
        """Someone shows the trend: work it out now if it is not ready or on its way.

        `viewer` is the widget showing it. After a new run or an edit the history
        is worked out again only while a viewer is on screen; otherwise it waits
        until one is shown again and asks. A big portfolio's history is minutes
        of a core's work, which a buyer who left the dashboard for the supplier
        table should not pay for on every run (docs/trend.md).
        """
        if viewer is not None:
            self._viewers.add(viewer)
        if self.trend is None and not self._running() and not self._timer.isActive():
            self._timer.start(AFTER_WANTED_MS)

    def _on_screen(self) -> bool:
        return any(viewer.isVisible() for viewer in list(self._viewers))

    @property
    def ready(self) -> bool:
        return self.trend is not None

    def points_of(self, supplier_id: int) -> tuple[HistoryPoint, ...] | None:
        """The supplier's points, oldest first; None while the history is being worked out."""
        if self.trend is None:
            return None
        record = self._index.get(supplier_id)
        return () if record is None else self.trend.history_at(record)

    def wait_for_done(self) -> None:
        """Cancel the job under way, if any, and wait for it (the workspace's wait_for_tasks)."""
        self._timer.stop()
        self._runner.wait_for_done()

    # --- work ------------------------------------------------------------------------------

    def _running(self) -> bool:
        return bool(self._job) and self._runner.is_running(self._job)

    def _invalidate(self, delay_ms: int) -> None:
        if self._job:
            self._runner.cancel(self._job)
            self._job = 0
        was_ready = self.trend is not None
        self.trend = None
        self._index = {}
        if self._on_screen():
            self._timer.start(delay_ms)
        if was_ready:
            self.changed.emit()

    def _start(self) -> None:
        workspace = self.workspace
        if not workspace.scores:
            return  # no run yet: the first one will bring us back
        engine, as_of = workspace.engine, workspace.as_of

        def work(progress: ProgressCallback) -> tuple[PortfolioTrend, dict[int, int]]:
            from sourcing_app.services.scoring import process as scoring_process

            if scoring_process.worth_it(engine):
                # The child does the work; this thread only reads its frames (bytes).
                # No collection here: a young collection on this thread held the GIL
                # for 20 to 40 ms just as the window was busy opening the supplier.
                from sourcing_app.services.trend_process import trend_elsewhere

                trend = trend_elsewhere(engine, as_of, DEFAULT_MONTHS, progress)
            else:
                from sourcing_app.services.scoring.service import cycle_collector_paused
                from sourcing_app.services.trend import portfolio_trend

                with cycle_collector_paused():
                    trend = portfolio_trend(engine, as_of, DEFAULT_MONTHS, progress=progress)
            return trend, trend.index()

        self._job = self._runner.start_with_progress(work)

    def _worked_out(self, job: int, result: tuple[PortfolioTrend, dict[int, int]]) -> None:
        if job != self._job:
            return  # worked out for data that has changed since
        self._job = 0
        if result[0].as_of != self.workspace.as_of:
            self._timer.start(0)  # the run moved to another date meanwhile
            return
        self.trend, self._index = result
        self.changed.emit()

    def _failed(self, job: int, error: Exception) -> None:
        if job != self._job:
            return
        self._job = 0
        self.failed.emit(str(error))
