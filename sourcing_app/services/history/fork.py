"""Half of a pure-Python job on the other core, in a fork of this process.

docs/score-history.md. Once the sums are in, the history's points are worked
out one by one, each from the same series, and each on its own: on the
10,000-supplier file that is 6 to 9 s of one core while the other has nothing
to do. A fork shares the series with no copying (the pages are the parent's
until either side writes to them), works out the first points and sends back
only their figures; the parent meanwhile works out the others.

A fork is only taken where it is safe and worth it: on Linux, in a process
with no other thread and no Qt (the command line and the desk's own child
processes; the desktop's window never forks). Anything else, a failed fork or
a fork that fails in its work, leaves the parent to do that half itself: the
figures are the same either way.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def may_fork() -> bool:
    """Whether this process may fork safely: Linux, no other thread, no Qt loaded."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.active_count() == 1
        and "PySide6.QtCore" not in sys.modules
    )


def in_two(elsewhere: Callable[[], A], here: Callable[[], B], *, fork: bool) -> tuple[A, B]:
    """(elsewhere(), here()): with `fork` (ask `may_fork`), the first is worked out in a
    fork while this process works out the second; otherwise one after the other.

    `elsewhere` must only compute: what it returns is pickled back to the parent.
    """
    if not fork:
        return elsewhere(), here()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return elsewhere(), here()
    if pid == 0:  # the fork: work, send, and end without running the parent's clean-ups
        os.close(read_end)
        code = 1
        try:
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(elsewhere(), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    results = os.fdopen(read_end, "rb")
    try:
        mine = here()
        received = results.read()
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # its half is not wanted any more
        raise
    finally:
        results.close()
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not received:
        return elsewhere(), mine  # the fork failed: the parent does its half too
    return pickle.loads(received), mine  # from our own fork
