"""Writing a file all at once or not at all (docs/bad-input.md), for every layer.

Exports, templates, reports and database backups are written to a temporary
file in the destination's folder, flushed to the disk, and only then moved over
the destination in one step: a failure, a cancel or a power cut leaves the old
file (or none), never half of a new one. The file gets the permissions any new
file of the user gets (the umask), not a temporary file's owner-only 0600.
A failure the machine causes ends in `CannotFinish` with its reason in words.
Pure Python, like `errors` and `freeing`, so `db/`, `services/` and `reports/`
all use it.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_REFUSED = {errno.EACCES, errno.EPERM}
_LOCKED = {errno.EBUSY, getattr(errno, "ETXTBSY", errno.EBUSY)}
_TRIES = 100


@contextmanager
def atomic_file(path: str | Path, *, durable: bool = True) -> Iterator[Path]:
    """A temporary file beside `path` to write by name; it replaces `path` when the block ends.

    The caller opens and writes the yielded path however it likes (csv,
    openpyxl, QPdfWriter, sqlite3) and closes it inside the block. Leaving the
    block normally syncs the file, moves it over `path` and syncs the folder;
    leaving it by an exception removes the temporary file and leaves `path` as
    it was. An OSError on the way becomes `CannotFinish` with a message a buyer
    can act on. `durable=False` skips the syncs, for a cache that costs
    nothing to lose in a power cut.
    """
    path = Path(path)
    temporary = _create_beside(path)
    try:
        yield temporary
        if durable:
            _sync_file(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise CannotFinish(failure_words(path, error, replacing=path.exists())) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if durable:
        _sync_folder(path.parent)


def _create_beside(path: Path) -> Path:
    """An empty new file in `path`'s folder, hidden, made with the umask's permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _attempt in range(_TRIES):
        candidate = path.with_name(f".{path.stem}-{secrets.token_hex(4)}.partial{path.suffix}")
        try:
            # 0o666 less the umask, as for any file the user saves; mkstemp would give 0o600.
            handle = os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise CannotFinish(failure_words(path, error, replacing=False)) from None
        os.close(handle)
        return candidate
    raise CannotFinish(  # pragma: no cover - a hundred random names all taken
        _("{name} could not be written: no temporary file could be made in {folder}").format(
            name=path.name, folder=path.parent
        )
    )


def _sync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; Windows cannot open a folder, and needs no such step."""
    if os.name == "nt":
        return
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems (network shares) refuse to sync a folder; the file is safe
    finally:
        os.close(handle)


def failure_words(path: Path, error: OSError, *, replacing: bool) -> str:
    """Why `path` could not be written, in words a buyer can act on."""
    name, folder = path.name, path.parent
    code = error.errno
    winerror = getattr(error, "winerror", None)
    if code in _FULL:
        template = _("{name} could not be written: the disk is full; free some space and try again")
    elif code == errno.EROFS:
        template = _("{name} could not be written: the disk holding {folder} is read-only")
    elif code == errno.ENOENT and not folder.is_dir():
        template = _("{name} could not be written: the folder {folder} does not exist")
    elif code in _LOCKED or winerror in (32, 33) or (code in _REFUSED and replacing):
        template = _(
            "{name} could not be replaced: it is open in another program (Excel or a PDF "
            "viewer, say) or read-only; close it, or choose another name, and try again"
        )
    elif code in _REFUSED:
        template = _(
            "{name} could not be written: the folder {folder} does not let you write in it; "
            "choose another folder"
        )
    elif code == errno.ENAMETOOLONG:
        template = _("{name} could not be written: the file name is too long")
    else:
        template = _("{name} could not be written: {reason}")
        return template.format(name=name, reason=error.strerror or str(error))
    return template.format(name=name, folder=folder)
