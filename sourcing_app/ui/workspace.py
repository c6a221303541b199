"""What every screen of the desktop shares: the database, the scores, undo, long work.

A screen is a QWidget built as `SomeScreen(workspace, parent)`. It reads and
writes through services on `workspace.engine`, listens to the signals below to
stay current, and starts slow work with `run_task`, which the main window
shows as a progress bar with a cancel button in its status bar. Screens never
talk to each other directly: they ask the workspace (`open_supplier`,
`data_edited`) and whoever shows that thing listens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy import Engine

from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.errors import ProgressCallback
from sourcing_app.freeing import free_later
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_user_name
from sourcing_app.ui.background import BackgroundRunner

TaskWork = Callable[[ProgressCallback], Any]

# A run this big is a few million small objects. The screens let go of the old
# run as they swap in the new one; whoever lets go last frees it all in one
# stretch holding the GIL (a second on 100k suppliers), so a helper thread keeps
# it a little longer and frees it a slice at a time (DESIGN.md 11: no UI stall).
RELEASE_LATER_FROM = 20_000
RELEASE_AFTER_S = 5.0


class Workspace(QObject):
    scores_changed = Signal()  # `scores` holds a new run (all suppliers, or one re-scored)
    data_changed = Signal(str)  # an edit or import landed; the kind: "supplier", "purchase", …
    settings_changed = Signal()  # scoring settings, home currency or user name were saved
    supplier_requested = Signal(int)  # show this supplier (id) in the Suppliers screen
    brand_requested = Signal(int)  # show this brand (id) in the Brands screen
    task_started = Signal(int, str)  # job number, its title in words
    task_progressed = Signal(int, int, int, str)  # job number, done, total, what it is doing
    task_ended = Signal(int, str)  # job number, how it ended in words

    def __init__(self, engine: Engine, database_label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.database_label = database_label
        self.undo_stack = QUndoStack(self)
        self.scoring = ScoringService(engine)
        self.as_of: dt.date = dt.date.today()
        self.scores: list[SupplierScore] = []
        self._by_id: dict[int, SupplierScore] = {}
        self.runner = BackgroundRunner(self)
        self.runner.progressed.connect(self.task_progressed)
        self.runner.succeeded.connect(self._task_succeeded)
        self.runner.failed.connect(self._task_failed)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._titles: dict[int, str] = {}

    # --- who and what -------------------------------------------------------------------

    def user_name(self) -> str:
        """The name the audit trail records for edits made in this window."""
        return load_user_name(self.engine)

    def score_for(self, supplier_id: int) -> SupplierScore | None:
        return self._by_id.get(supplier_id)

    def set_scores(self, scores: Sequence[SupplierScore], as_of: dt.date) -> None:
        old, old_by_id = self.scores, self._by_id
        self.scores = list(scores)
        self._by_id = {s.supplier_id: s for s in self.scores}
        self.as_of = as_of
        self.scores_changed.emit()
        if len(old) >= RELEASE_LATER_FROM:
            # Only references in `old_by_id`: the same objects as `old`.
            free_later(old_by_id, old, after_s=RELEASE_AFTER_S)

    def replace_score(self, score: SupplierScore) -> None:
        """One supplier re-scored after an edit (ScoringService.rescore_supplier)."""
        self._by_id[score.supplier_id] = score
        self.scores = [score if s.supplier_id == score.supplier_id else s for s in self.scores]
        if all(s.supplier_id != score.supplier_id for s in self.scores):
            self.scores.append(score)
            self.scores.sort(key=lambda s: s.supplier_code)
        self.scores_changed.emit()

    # --- navigation and notifications -----------------------------------------------------

    def open_supplier(self, supplier_id: int) -> None:
        self.supplier_requested.emit(supplier_id)

    def open_brand(self, brand_id: int) -> None:
        self.brand_requested.emit(brand_id)

    def data_edited(self, kind: str) -> None:
        self.data_changed.emit(kind)

    # --- long work --------------------------------------------------------------------------

    def run_task(
        self,
        title: str,
        work: TaskWork,
        on_done: Callable[[Any], None],
        on_failed: Callable[[Exception], None] | None = None,
    ) -> int:
        """Run `work(progress)` off the UI thread; `on_done(result)` runs on the UI thread.

        `progress(done, total, text)` feeds the status-bar progress bar and raises
        `sourcing_app.errors.Cancelled` once the user presses Cancel. A failure
        (a Cancelled included) goes to `on_failed`, or, without one, is shown by
        the main window through `task_ended`.
        """
        job = self.runner.start_with_progress(work)
        self._callbacks[job] = (on_done, on_failed or (lambda _error: None))
        self._titles[job] = title
        self.task_started.emit(job, title)
        return job

    def cancel_task(self, job: int) -> None:
        self.runner.cancel(job)

    def wait_for_tasks(self) -> None:
        """Cancel what is running and wait for it: before closing the database."""
        self.runner.wait_for_done()

    def _task_succeeded(self, job: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(job, (None, None))
        title = self._titles.pop(job, "")
        self.task_ended.emit(job, f"{title}: done.")
        if on_done is not None:
            on_done(result)

    def _task_failed(self, job: int, error: Exception) -> None:
        _, on_failed = self._callbacks.pop(job, (None, None))
        title = self._titles.pop(job, "")
        self.task_ended.emit(job, f"{title}: {error}")
        if on_failed is not None:
            on_failed(error)
