"""A full run scored in a separate process, for the desktop on a big portfolio.

docs/performance.md: no UI-thread stall over 100 ms while 100,000 suppliers are
re-scored. Scored on a thread of the desktop's own process, the run's SQLite
reads release and take back the GIL for every row, and the UI thread, woken
each time, mostly finds it taken again: it went without the GIL for a quarter
of a second at a time. In a process of its own the run shares no GIL with the
window. It sends back each score's summary (`summarised`) and the run's small
tables, a slice at a time, and the desktop's worker reads them with a pause
after each slice; `ScoringService.adopt_run` then takes the run over, so one
supplier can still be re-scored in a few milliseconds after an edit.

The parent writes the job (a pickle) to the child's stdin; the child writes
frames (a 4-byte length, then a pickle) to its stdout. Cancelling kills the
child; scoring only reads, so nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine, text

from sourcing_app.domain.evaluation_types import SupplierScore, summarised
from sourcing_app.errors import ProgressCallback
from sourcing_app.i18n import _
from sourcing_app.services.child_frames import (
    read_frame,
    refused,
    serve_job,
    started_child,
    stopped,
)
from sourcing_app.services.scoring.service import ScoringService

# From this many suppliers on, the desktop scores in a separate process. Below
# it a run is short and small enough to score on a thread.
ELSEWHERE_FROM = 20_000
# Scores per frame: reading one back holds the GIL about 10 ms.
SCORES_PER_FRAME = 500
# Rows of the run's tables per frame, by table (their rows differ in weight).
ROWS_PER_FRAME = {"suppliers": 4_000, "channels": 1_500, "products": 1_000, "brands": 4_000}
# After each frame the reading worker sleeps this long: the GIL is free for the UI thread.
PAUSE_S = 0.002


def worth_it(engine: Engine) -> bool:
    """Whether the portfolio is big enough to be scored in a separate process."""
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM supplier")).scalar_one()
    return int(count) >= ELSEWHERE_FROM


def score_elsewhere(
    service: ScoringService,
    as_of: dt.date,
    progress: ProgressCallback,
    *,
    cache_path: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[SupplierScore]:
    """Score every supplier in a child process; the summaries, ordered by supplier code.

    `service` adopts the run, so `service.rescore_supplier` works afterwards.
    The child saves the score cache at `cache_path`, if given; `meanwhile()`
    runs here while the child works (this thread would only wait). Raises what
    `score_all` raises (BadInput, CannotFinish), or Cancelled from `progress`.
    """
    url = service.engine.url.render_as_string(hide_password=False)
    job = {"url": url, "as_of": as_of, "cache": str(cache_path) if cache_path else None}
    with started_child("sourcing_app.services.scoring.process", job) as (child, frames, errors):
        if meanwhile is not None:
            meanwhile()
        return _receive(
            frames,
            service,
            as_of,
            progress,
            lambda: stopped(
                child,
                errors,
                _("Scoring stopped unexpectedly (the scoring process ended with {code})."),
            ),
        )


def _receive(
    frames: IO[bytes],
    service: ScoringService,
    as_of: dt.date,
    progress: ProgressCallback,
    ended: Any,
) -> list[SupplierScore]:
    scores: list[SupplierScore] = []
    tables: dict[str, Any] = {}
    run: tuple[Any, ...] = ()
    total = 0
    while True:
        frame = read_frame(frames)
        if frame is None:
            raise ended()
        tag = frame[0]
        if tag == "progress":
            _tag, done, total, words = frame
            progress(done, total, words)
            continue
        if tag == "scores":
            scores.extend(frame[1])
            progress(len(scores), max(total, len(scores)), "Taking the scores over…")
        elif tag == "table":
            _tag, name, rows = frame
            tables.setdefault(name, {}).update(rows)
        elif tag == "run":
            run = frame[1:]
        elif tag == "error":
            raise refused(frame)
        elif tag == "done":
            break
        time.sleep(PAUSE_S)  # the GIL is the UI thread's for a moment
    settings, priors = run
    service.adopt_run(as_of, settings, priors, tables, {s.supplier_id: s for s in scores})
    return scores


# --- the child ---------------------------------------------------------------------------


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _score(job: dict[str, Any], send: Callable[..., None], report: ProgressCallback) -> None:
    from sourcing_app.db.engine import make_engine

    service = ScoringService(make_engine(job["url"]))
    scores = service.score_all(job["as_of"], progress=report)
    if job["cache"]:
        from sourcing_app.services.score_cache import ScoreCache

        ScoreCache(Path(job["cache"])).save(job["as_of"], scores)
    run = service.last_run
    assert run is not None
    send("run", run.settings, run.priors)
    for name, table in service.run_tables().items():
        for rows in _chunks(table.items(), ROWS_PER_FRAME.get(name, 1_000)):
            send("table", name, rows)
    for chunk in _chunks(scores, SCORES_PER_FRAME):
        send("scores", [summarised(s) for s in chunk])


if __name__ == "__main__":
    serve_job(_score, "Scoring failed")
