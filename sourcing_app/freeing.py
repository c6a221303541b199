"""Freeing a big run's objects without holding the GIL for long (DESIGN.md 11).

Whichever thread drops the last reference to a container of millions of small
objects (a run's scores, its rows and facts) frees all of them in one stretch
of C holding the GIL: most of a second on 100,000 suppliers, during which the
desktop's UI thread cannot run. Emptied a slice at a time, with a pause after
each, other threads get the GIL in between. Pure Python: every layer uses it.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

# Objects freed per slice: a few milliseconds' work each.
SLICE = 2_000


def free_gradually(*containers: list[Any] | dict[Any, Any]) -> None:
    """Empty big lists and dicts a slice at a time, on the calling thread."""
    for container in containers:
        if isinstance(container, list):
            while container:
                del container[-SLICE:]
                time.sleep(0)  # hand the GIL over between slices
        else:
            while container:
                for key in list(itertools.islice(container, SLICE)):
                    del container[key]
                time.sleep(0)


def free_later(*containers: list[Any] | dict[Any, Any], after_s: float = 0.0) -> None:
    """Hold on to the containers for `after_s`, then free them gradually on a helper thread.

    The wait lets the other holders (screens swapping in a new run) let go
    first, so that the last reference, and the freeing, is this thread's.
    """

    def run() -> None:
        if after_s:
            time.sleep(after_s)
        free_gradually(*containers)

    threading.Thread(target=run, name="free-later", daemon=True).start()
