"""Length-prefixed pickled frames between the desk and a child process of its own.

Scoring (services/scoring/process.py) and the score trend
(services/trend_process.py) run big portfolios in a child process; both speak
this framing: the child writes frames on its original stdout, while anything
it prints goes to stderr.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from sourcing_app.errors import BadInput, CannotFinish

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


@contextlib.contextmanager
def started_child(
    module: str, job: dict[str, Any]
) -> Iterator[tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]]:
    """`python -m module` with `job` (a pickle) on its stdin: (the child, its frames, its
    stderr kept in a temporary file). The child is killed if still running on leaving."""
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=child_environment(),
        )
        try:
            assert child.stdin is not None and child.stdout is not None
            try:
                child.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
                child.stdin.close()
            except BrokenPipeError:  # the child is gone already: reading says why
                pass
            yield child, child.stdout, errors
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()


def stopped(child: subprocess.Popen[bytes], errors: IO[bytes], words: str) -> CannotFinish:
    """The error for a child that stopped without saying why (killed, crashed): `words`
    (translated, with a `{code}` for its exit code), and the last of its stderr as the
    details for the error log."""
    code = child.wait()
    errors.seek(0)
    error = CannotFinish(words.format(code=code))
    error.details = errors.read()[-4000:].decode("utf-8", "replace")  # type: ignore[attr-defined]
    return error


def refused(frame: tuple[Any, ...]) -> BadInput | CannotFinish:
    """The error an "error" frame carries: ("error", kind, words)."""
    _tag, kind, words = frame
    return (BadInput if kind == "BadInput" else CannotFinish)(words)


def child_environment() -> dict[str, str]:
    """The parent's environment, with this package importable whatever the working folder."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def serve_job(
    work: Callable[[dict[str, Any], Callable[..., None], Callable[[int, int, str], None]], None],
    failed: str,
) -> None:
    """A child's whole life: read the job (a pickle on stdin), `work(job, send, report)`,
    then "done"; a failure goes back as an "error" frame in words, `failed: reason`
    (its traceback to stderr). The process then ends at once: the millions of
    objects it made need no freeing one by one.
    """
    frames, send, report = child_frames()
    gc.disable()  # a short-lived process: nothing here needs the cycle collector
    try:
        work(pickle.load(sys.stdin.buffer), send, report)
        send("done")
    except (BadInput, CannotFinish) as error:
        send("error", type(error).__name__, str(error))
    except Exception as error:  # the parent says it in words; the details go to stderr
        import traceback

        traceback.print_exc()
        send("error", "CannotFinish", f"{failed}: {error}")
    frames.flush()
    os._exit(0)
