"""Errors that end a piece of work with a message in words, for every layer.

Pure Python, so the domain, the services, the command line and the desktop
can all raise and catch them. The command line maps them to exit codes
(docs/files-and-commands.md): `BadInput` is 2, `CannotFinish` is 1.
"""

from __future__ import annotations

from collections.abc import Callable


class BadInput(Exception):
    """The user's input is wrong; nothing was changed. Exit code 2."""


class CannotFinish(Exception):
    """The database, the network or the machine would not let the work finish. Exit code 1."""


class Cancelled(Exception):
    """The user cancelled long work; whatever it was writing was rolled back."""


# Long work reports progress as (done, total, what it is doing now). The
# callback may raise Cancelled, which the work lets through after undoing
# what it started.
ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, text: str) -> None:
    """The progress callback of work nobody watches."""
