"""Length-prefixed pickled frames between the desk and a child process of its own.

Scoring (services/scoring/process.py) and the score trend
(services/trend_process.py) run big portfolios in a child process; both speak
this framing: the child writes frames on its original stdout, while anything
it prints goes to stderr.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

_HEADER = struct.Struct(">I")


def read_frame(stream: IO[bytes]) -> tuple[Any, ...] | None:
    """The next frame, or None when the child stopped mid-frame or at the end."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    body = stream.read(size)
    if len(body) < size:
        return None
    return pickle.loads(body)  # written by our own child process


# How much the child steps back from the desktop's own threads (POSIX nice).
CHILD_NICENESS = 10


def child_frames() -> tuple[IO[bytes], Callable[..., None], Callable[[int, int, str], None]]:
    """In the child: (the frame stream, send(*frame), report(done, total, words)).

    Standard output is moved to stderr, so nothing printed can land among the frames.
    The child also lowers its own CPU priority: on a machine with two cores, a
    child busy on one of them kept the window's UI thread waiting for a core
    while the desktop's workers held the other (gaps of 150 to 280 ms between
    its 10 ms timer beats). When nothing else wants the CPU the child still gets
    all of a core, so a run takes no longer.
    """
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):  # not allowed here: the parent's priority
            os.nice(CHILD_NICENESS)
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)

    def send(*frame: Any) -> None:
        body = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        frames.write(_HEADER.pack(len(body)))
        frames.write(body)

    def report(done: int, total: int, words: str) -> None:
        send("progress", done, total, words)
        frames.flush()

    return frames, send, report


def child_environment() -> dict[str, str]:
    """The parent's environment, with this package importable whatever the working folder."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env
