"""The portfolio's score history worked out in a child process, for a big portfolio.

docs/trend.md: as with scoring (services/scoring/process.py explains why), a
history of 100,000 suppliers worked out on a thread of the desktop would take
the GIL from the window for long stretches. The child works it out, packs it
(services/trend.py) and sends it back in slices: the packed records are plain
bytes, so taking them over costs the window nothing.

The parent writes the job (a pickle) to the child's stdin; the child writes
frames (a 4-byte length, then a pickle) to its stdout. Cancelling kills the child.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
import time
from array import array
from collections.abc import Callable
from typing import IO, Any

from sqlalchemy import Engine

from sourcing_app.errors import ProgressCallback
from sourcing_app.i18n import _
from sourcing_app.services.child_frames import (
    read_frame,
    refused,
    serve_job,
    started_child,
    stopped,
)
from sourcing_app.services.trend import PortfolioTrend, portfolio_trend

BYTES_PER_FRAME = 1 << 20
PAUSE_S = 0.002  # after each frame: the GIL is the window's for a moment
WATCH_S = 0.1


def trend_elsewhere(
    engine: Engine, as_of: dt.date, months: int, progress: ProgressCallback
) -> PortfolioTrend:
    """`portfolio_trend` in a child process; raises what it raises, or Cancelled from `progress`."""
    url = engine.url.render_as_string(hide_password=False)
    job = {"url": url, "as_of": as_of, "months": months}
    with started_child("sourcing_app.services.trend_process", job) as (child, frames, errors):
        last = [0, 0, "Working out the scores at each month-end…"]
        watcher = threading.Thread(target=_watch, args=(child, progress, last), daemon=True)
        watcher.start()
        return _receive(frames, progress, child, errors, last)


def _watch(child: subprocess.Popen[bytes], progress: ProgressCallback, last: list[Any]) -> None:
    """Ask `progress` often, so a cancel kills the child at once, not after a whole date."""
    while child.poll() is None:
        try:
            progress(*last)
        except Exception:  # Cancelled: reading then ends, and says so through `progress`
            child.kill()
            return
        time.sleep(WATCH_S)


def _receive(
    frames: IO[bytes],
    progress: ProgressCallback,
    child: subprocess.Popen[bytes],
    errors: IO[bytes],
    last: list[Any],
) -> PortfolioTrend:
    head: dict[str, Any] = {}
    parts: list[bytes] = []
    while True:
        frame = read_frame(frames)
        if frame is None:
            progress(*last)  # raises Cancelled when that is why the child is gone
            raise stopped(
                child,
                errors,
                _("Working out the trend stopped unexpectedly (the process ended with {code})."),
            )
        tag = frame[0]
        if tag == "progress":
            last[:] = frame[1:]
            progress(*last)
            continue
        if tag == "head":
            head = frame[1]
        elif tag == "records":
            parts.append(frame[1])
        elif tag == "error":
            raise refused(frame)
        elif tag == "done":
            break
        time.sleep(PAUSE_S)
    ids = array("q")
    ids.frombytes(head.pop("ids"))
    return PortfolioTrend(supplier_ids=ids, records=b"".join(parts), **head)


def _work_out(job: dict[str, Any], send: Callable[..., None], report: ProgressCallback) -> None:
    from sourcing_app.db.engine import make_engine

    trend = portfolio_trend(make_engine(job["url"]), job["as_of"], job["months"], None, report)
    send(
        "head",
        {
            "as_of": trend.as_of,
            "dates": trend.dates,
            "sub_keys": trend.sub_keys,
            "falling": trend.falling,
            "rising": trend.rising,
            "bands": trend.bands,
            "ids": trend.supplier_ids.tobytes(),
        },
    )
    view = memoryview(trend.records)
    for start in range(0, len(view), BYTES_PER_FRAME):
        send("records", bytes(view[start : start + BYTES_PER_FRAME]))


if __name__ == "__main__":
    serve_job(_work_out, "Working out the trend failed")
