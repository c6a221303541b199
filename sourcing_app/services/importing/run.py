"""Import a buyer's file, all or nothing (docs/bad-input.md and docs/files-and-commands.md).

One machine serves all ten file kinds: the file is read by `file_formats`,
its rows checked by `checking.RowChecker` and written by `writing.ImportJob`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from sourcing_app.errors import ProgressCallback
from sourcing_app.i18n import _, ngettext
from sourcing_app.services.file_formats import (
    FILE_KINDS,
    IMPORT_ORDER,
    Rows,
    TableError,
    estimate_rows,
    read_table,
)
from sourcing_app.services.importing.results import ImportFailure, ImportResult, Problem
from sourcing_app.services.importing.standings import Standings
from sourcing_app.services.importing.targets import TARGETS
from sourcing_app.services.importing.writing import ImportJob

# Rows between two progress reports (and chances to cancel).
_PROGRESS_STEP = 5_000


def import_file(
    engine: Engine,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    who: str = "",
    progress: ProgressCallback | None = None,
    standings: Standings | None = None,
) -> ImportResult:
    """Check a file of `kind` and, unless anything is wrong or this is a dry run, write it.

    Problems with the file come back in `ImportResult.problems`, never as
    exceptions. ImportFailure means the import could not run at all: an
    unknown kind, or a database that is busy, read-only or unreachable.
    `progress(done, total, text)` is told every few thousand rows; when it
    raises `Cancelled`, the transaction is rolled back (nothing imported)
    and Cancelled goes on to the caller.

    `standings` (from a scoring run) makes a purchases import list the lines
    placed lately with a Watch or Avoid supplier (see `standings`); they are
    imported all the same, since history is a fact.
    """
    file_kind = FILE_KINDS.get(kind)
    if file_kind is None:
        raise ImportFailure(
            _("unknown file kind '{kind}'; use one of {kinds}").format(
                kind=kind, kinds=", ".join(IMPORT_ORDER)
            )
        )
    path = Path(path)
    try:
        # Blank rows come through too: the hot loop skips them in its slow path.
        header, rows = read_table(path, keep_blank_rows=True)
    except TableError as exc:
        return ImportResult(problems=[Problem(exc.line, "", exc.reason)])
    try:
        if kind != "purchases":
            standings = None
        job = ImportJob(engine, file_kind, TARGETS[kind], path, header, rows, standings)
        if progress is not None and not job.problems:
            total = estimate_rows(path)
            if dry_run:
                doing = _("Checking {file}").format(file=path.name)
            else:
                doing = _("Importing {file}").format(file=path.name)
            progress(0, total, doing)
            job.rows_in = _reporting(rows, total, progress, doing)
        if job.problems:  # the header is wrong: reading rows against it would only add noise
            return ImportResult(problems=job.problems)
        return job.run(dry_run=dry_run, who=who)
    except DBAPIError as exc:
        raise ImportFailure(_database_trouble(exc.orig or exc)) from exc
    except engine.dialect.loaded_dbapi.Error as exc:
        raise ImportFailure(_database_trouble(exc)) from exc
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # an .xlsx workbook holds its file open until then


def _reporting(rows: Rows, total: int, progress: ProgressCallback, text: str) -> Rows:
    """The rows as they come, telling `progress` every _PROGRESS_STEP rows.

    A Cancelled raised by `progress` travels up through the import's loop and
    its executemany to `ImportJob.run`, which rolls the transaction back.
    """
    done = 0
    iterator = iter(rows)
    while True:
        chunk = []
        try:
            for item in iterator:
                chunk.append(item)
                if len(chunk) == _PROGRESS_STEP:
                    break
        except Exception:
            yield from chunk  # the rows read before the file turned unreadable still count
            raise
        if not chunk:
            words = ngettext("{doing}: checked {n} row", "{doing}: checked {n} rows", done).format(
                doing=text, n=f"{done:,}"
            )
            progress(max(total, done), max(total, done), words)
            return
        yield from chunk
        done += len(chunk)
        words = ngettext("{doing}: {n} row", "{doing}: {n} rows", done).format(
            doing=text, n=f"{done:,}"
        )
        progress(min(done, total) if total else done, total, words)


def _database_trouble(exc: BaseException) -> str:
    from sourcing_app.services.permissions import refusal_of

    refused = refusal_of(exc)  # team mode: the grants changed since the check
    if refused is not None:
        return str(refused)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return _("the database is busy: another program is writing to it; nothing was imported")
    if "readonly" in lowered or "read-only" in lowered:
        return _("the database is read-only, so nothing could be imported")
    return _("the database would not take the import ({error}); nothing was imported").format(
        error=text
    )
