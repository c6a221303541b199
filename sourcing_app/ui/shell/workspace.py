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
import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.errors import ProgressCallback
from sourcing_app.freeing import free_later, out_of_the_collectors_way
from sourcing_app.i18n import _
from sourcing_app.services.permissions import Permissions, read_permissions
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.settings import load_user_name
from sourcing_app.ui.shell.background import BackgroundRunner

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from sourcing_app.services.score_cache import ScoreCache

TaskWork = Callable[[ProgressCallback], Any]


class ScoredRun(NamedTuple):
    """A full run as `score_everyone` hands it to the UI thread: nothing left to build there."""

    as_of: dt.date
    scores: list[SupplierScore]
    by_id: dict[int, SupplierScore]


# A run this big is a few million small objects. The screens let go of the old
# run as they swap in the new one; whoever lets go last frees it all in one
# stretch holding the GIL (a second on 100k suppliers), so a helper thread keeps
# it a little longer and frees it a slice at a time (docs/performance.md: no UI stall).
RELEASE_LATER_FROM = 20_000
RELEASE_AFTER_S = 5.0

# Re-scoring one supplier takes about 4 ms on a large portfolio; more than this
# many one after the other would hold the window past the 100 ms a buyer
# notices (docs/performance.md), so a full run in the background does it instead.
ONE_BY_ONE_AT_MOST = 20


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
        self._full: dict[int, SupplierScore] = {}  # full scores of summarised ones, as asked
        self._version = 0  # counts new runs and re-scores: a full score is kept for its own
        self.score_cache: ScoreCache | None = None  # set by the desktop; tests leave it off
        self.runner = BackgroundRunner(self)
        self.runner.progressed.connect(self.task_progressed)
        self.runner.succeeded.connect(self._task_succeeded)
        self.runner.failed.connect(self._task_failed)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None]]] = {}
        self._titles: dict[int, str] = {}
        self._permissions: Permissions | None = None

    # --- who and what -------------------------------------------------------------------

    @property
    def permissions(self) -> Permissions:
        """What this login may do, asked of the database once (docs/team-mode.md)."""
        if self._permissions is None:
            self._permissions = read_permissions(self.engine)
        return self._permissions

    def user_name(self) -> str:
        """The name the audit trail records for edits made in this window."""
        return load_user_name(self.engine)

    def score_for(self, supplier_id: int) -> SupplierScore | None:
        """The supplier's score as the screens hold it: on a big portfolio, its summary."""
        return self._by_id.get(supplier_id)

    def full_score(self, supplier_id: int) -> SupplierScore | None:
        """The score with every sub-score and landed-cost step, for a detail view or report.

        A big portfolio's run arrives summarised (`summarised`); the full score
        of one supplier is worked out again from the run's tables (a few ms)
        and kept until the next run.
        """
        score = self._by_id.get(supplier_id)
        full = self.ready_full_score(supplier_id)
        if score is None or full is not None:
            return full
        worked_out = self.work_out_full_score(supplier_id)
        kept = self.keep_full_score(worked_out) if worked_out is not None else None
        return kept or score  # no run to work from, or the database went away: the summary

    def ready_full_score(self, supplier_id: int) -> SupplierScore | None:
        """The full score when showing it takes no work (see `full_score`), else None.

        A big portfolio's detail pane asks this on a click and, when it is None,
        shows the summary at once and has `work_out_full_score` run on its worker:
        the 15 to 25 ms of working it out no longer stall the window
        (docs/performance.md).
        """
        score = self._by_id.get(supplier_id)
        if score is None or not score.summary:
            return score
        return self._full.get(supplier_id)

    def work_out_full_score(self, supplier_id: int) -> tuple[int, SupplierScore] | None:
        """The full score of one summarised supplier, for a worker thread: (scores version,
        score) for `keep_full_score`, or None when it cannot be worked out (no run)."""
        version = self._version
        try:
            return version, self.scoring.rescore_supplier(supplier_id)
        except Exception:  # no run to work from, the supplier is gone, the database went away
            return None

    def keep_full_score(self, worked_out: tuple[int, SupplierScore]) -> SupplierScore | None:
        """On the UI thread: keep a full score from `work_out_full_score` unless the scores
        moved on meanwhile (a new run or an edit); the score kept, or None."""
        version, full = worked_out
        if version != self._version or full.supplier_id not in self._by_id:
            return None
        self._full[full.supplier_id] = full
        return full

    def set_scores(
        self,
        scores: Sequence[SupplierScore],
        as_of: dt.date,
        by_id: dict[int, SupplierScore] | None = None,
    ) -> None:
        """Show a new run; `by_id` (supplier id → score) when a worker built it already."""
        old, old_by_id = self.scores, self._by_id
        self.scores = list(scores)
        self._by_id = by_id if by_id is not None else {s.supplier_id: s for s in self.scores}
        self._full = {}
        self._version += 1
        self.as_of = as_of
        self.scores_changed.emit()
        if len(old) >= RELEASE_LATER_FROM:
            # Only references in `old_by_id`: the same objects as `old`.
            free_later(old_by_id, old, after_s=RELEASE_AFTER_S)

    def replace_score(self, score: SupplierScore) -> None:
        """One supplier re-scored after an edit (ScoringService.rescore_supplier)."""
        self.replace_scores([score])

    def replace_scores(self, scores: Sequence[SupplierScore]) -> None:
        """A few suppliers re-scored one by one after an edit; the others keep their scores."""
        if not scores:
            return
        fresh = {score.supplier_id: score for score in scores}
        for supplier_id in fresh:
            self._full.pop(supplier_id, None)
        self._version += 1
        new = [sid for sid in fresh if sid not in self._by_id]
        self._by_id.update(fresh)
        self.scores = [fresh.get(s.supplier_id, s) for s in self.scores]
        if new:
            self.scores.extend(fresh[sid] for sid in new)
            self.scores.sort(key=lambda s: s.supplier_code)
        self.scores_changed.emit()

    def rescore_suppliers(self, supplier_ids: Sequence[int], *, catalogue: bool = False) -> bool:
        """Re-score these suppliers one by one from the last full run; False when it cannot.

        `catalogue`: brands, products or tax rates changed, so the run reads them
        again first. It cannot when there is no run yet, when a supplier is not
        in it, or when more suppliers are asked than can be done without a
        noticeable stall (ONE_BY_ONE_AT_MOST): then the caller scores everyone.
        """
        if self.scoring.last_run is None or len(supplier_ids) > ONE_BY_ONE_AT_MOST:
            return False
        try:
            if catalogue:
                self.scoring.refresh_catalogue()
            scores = [self.scoring.rescore_supplier(sid) for sid in supplier_ids]
        except (KeyError, RuntimeError):
            return False  # a brand or SKU the run has not seen, say
        self.replace_scores(scores)
        return True

    # --- scoring everyone ---------------------------------------------------------------

    def rescore_all(
        self,
        title: str | None = None,
        *,
        as_of: dt.date | None = None,
        before: TaskWork | None = None,
        on_done: Callable[[ScoredRun], None] | None = None,
        on_failed: Callable[[Exception], None] | None = None,
    ) -> int:
        """Score every supplier off the UI thread, then show the run; the job number.

        `before(progress)` runs first on the worker (the demo build on first start);
        `on_done(run)` runs on the UI thread once the screens have the new scores.
        """
        when = as_of or self.as_of

        def work(progress: ProgressCallback) -> ScoredRun:
            if before is not None:
                before(progress)
            return self.score_everyone(when, progress)

        def done(run: ScoredRun) -> None:
            self.set_scores(run.scores, run.as_of, by_id=run.by_id)
            if on_done is not None:
                on_done(run)

        return self.run_task(title or _("Scoring suppliers"), work, done, on_failed)

    def score_everyone(self, as_of: dt.date, progress: ProgressCallback) -> ScoredRun:
        """Score every supplier, on a worker: a big portfolio in a process of its own.

        Scored on a thread of this process, a run of 100,000 suppliers took the
        GIL from the UI thread for a quarter of a second at a time (docs/performance.md);
        `services.scoring.process` explains why. The score cache is saved too.
        """
        from sourcing_app.services.scoring import process as scoring_process

        cache = self.score_cache
        # A run leaves a million long-lived objects (scores, words). Frozen before
        # the collector is back on, no collection ever walks them; one that did
        # (young, then full) held the GIL for 0.2 to 0.7 s and froze the window.
        # They are still freed by reference counting when replaced. Cycles the UI
        # made since the last run are still young: collected now, cheaply, they
        # are not frozen in with the run's objects for good.
        gc.collect(1)
        with out_of_the_collectors_way():
            if scoring_process.worth_it(self.engine):
                scores = scoring_process.score_elsewhere(
                    self.scoring,
                    as_of,
                    progress,
                    cache_path=cache.path if cache else None,
                    meanwhile=_warm_up,
                )
            else:
                scores = self.scoring.score_all(as_of, progress=progress)
                if cache is not None:
                    cache.save(as_of, scores)
            by_id = {s.supplier_id: s for s in scores}
        return ScoredRun(as_of, scores, by_id)

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
        """Cancel what is running and wait for it: before closing the database.

        Helpers that keep their own runner under the workspace (the trend store) are
        cancelled and waited for too, so none emits into a closed window.
        """
        self.runner.wait_for_done()
        for runner in self.findChildren(BackgroundRunner):
            runner.wait_for_done()

    def _task_succeeded(self, job: int, result: object) -> None:
        on_done, _failed = self._callbacks.pop(job, (None, None))
        title = self._titles.pop(job, "")
        self.task_ended.emit(job, _("{task}: done.").format(task=title))
        if on_done is not None:
            on_done(result)

    def _task_failed(self, job: int, error: Exception) -> None:
        _done, on_failed = self._callbacks.pop(job, (None, None))
        title = self._titles.pop(job, "")
        self.task_ended.emit(job, _("{task}: {problem}").format(task=title, problem=error))
        if on_failed is not None:
            on_failed(error)


def _warm_up() -> None:
    """Import what the screens' workers need once scores are in, while nothing else runs.

    The first supplier opened after a run imported the ORM models on a worker
    (half a second of Python) just as the table was painting its new rows, and
    the UI thread waited for the GIL. Done while the scoring process works, the
    import competes with nobody.
    """
    import sourcing_app.services.supplier_detail  # noqa: F401
