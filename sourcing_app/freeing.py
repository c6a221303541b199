"""Freeing a big run's objects without holding the GIL for long (docs/performance.md).

Whichever thread drops the last reference to a container of millions of small
objects (a run's scores, its rows and facts) frees all of them in one stretch
of C holding the GIL: most of a second on 100,000 suppliers, during which the
desktop's UI thread cannot run. Emptied a slice at a time, with a pause after
each, other threads get the GIL in between. Pure Python: every layer uses it.
"""

from __future__ import annotations

import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Objects freed (or items mapped) per slice: a few milliseconds' work each.
SLICE = 2_000
# Objects freed per slice by `free_later`, beside a live window. A score is a dozen
# objects to free: 2,000 of them held the GIL for 2 to 4 ms at a time, which the
# UI thread waited out on each call it made into Python while a supplier was being
# opened; 500 keep it under 1 ms.
FREE_LATER_SLICE = 500
# The pause after each slice. It must be a real sleep: with time.sleep(0) the GIL,
# released and at once taken back, was rarely the waiting UI thread's.
PAUSE_S = 0.001


@contextmanager
def out_of_the_collectors_way() -> Iterator[None]:
    """Build long-lived big arrays inside: frozen out of the cycle collector when done.

    A list of 100,000 items built on a worker is young: each young collection
    (on whichever thread) walks every item until it is old, touching 100,000
    scattered objects, 30 to 55 ms holding the GIL while the window waited to
    paint (docs/performance.md). Frozen (`gc.freeze`), no collection walks them;
    they are still freed by reference counting when replaced. The collector is
    off while they are built. A scoring run's objects go the same way
    (Workspace.score_everyone).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def free_gradually(*containers: list[Any] | dict[Any, Any], slice_size: int = SLICE) -> None:
    """Empty big lists and dicts `slice_size` items at a time, on the calling thread."""
    for container in containers:
        if isinstance(container, list):
            while container:
                del container[-slice_size:]
                time.sleep(PAUSE_S)  # hand the GIL over between slices
        else:
            while container:
                for key in list(itertools.islice(container, slice_size)):
                    del container[key]
                time.sleep(PAUSE_S)


def map_in_slices(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`list(map(function, items))` for a worker, a slice at a time with a pause after each.

    A worker mapping over 100,000 rows in one go left the UI thread waiting for
    the GIL for 0.1 to 0.3 s at a time while other workers also ran; with a real
    pause every few milliseconds the UI thread is never kept waiting long.
    """
    out: list[R] = []
    for start in range(0, len(items), SLICE):
        out += map(function, items[start : start + SLICE])
        time.sleep(PAUSE_S)
    return out


def free_later(*containers: list[Any] | dict[Any, Any], after_s: float = 0.0) -> None:
    """Hold on to the containers for `after_s`, then free them gradually on a helper thread.

    The wait lets the other holders (screens swapping in a new run) let go
    first, so that the last reference, and the freeing, is this thread's.
    """

    def run() -> None:
        if after_s:
            time.sleep(after_s)
        free_gradually(*containers, slice_size=FREE_LATER_SLICE)

    threading.Thread(target=run, name="free-later", daemon=True).start()
