"""Writing rows: the checked rows streamed into the driver's executemany, in one transaction.

No ORM (docs/performance.md): a hundred rows go to each
`INSERT ... ON CONFLICT DO UPDATE`, and added/changed/unchanged come from
COUNT(*) and the database's change counter before and after, not from
per-row lookups. On any problem, or on a dry run, the transaction is rolled back.
"""

from __future__ import annotations

import datetime as dt
import gc
import getpass
import itertools
import json
import operator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from sourcing_app.i18n import _
from sourcing_app.services.file_formats import FileKind, Rows
from sourcing_app.services.importing.checking import RowChecker
from sourcing_app.services.importing.results import ImportResult
from sourcing_app.services.importing.standings import Standings
from sourcing_app.services.importing.targets import Target

# Rows per INSERT statement, kept under the 999 parameters older SQLite builds allow.
_BATCH_ROWS = 100
_MAX_PARAMETERS = 999


class ImportJob(RowChecker):
    """One import: the checker checks the header on construction, then `run` does the rest."""

    def __init__(
        self,
        engine: Engine,
        kind: FileKind,
        target: Target,
        path: Path,
        header: list[str],
        rows: Rows,
        standings: Standings | None = None,
    ) -> None:
        super().__init__(engine.dialect.name, kind, target, path, header, rows, standings)
        self.engine = engine
        self.written = 0  # rows the driver reports inserted or updated (PostgreSQL)

    # --- the run ------------------------------------------------------------

    def run(self, *, dry_run: bool, who: str) -> ImportResult:
        raw = self.engine.raw_connection()
        foreign_keys_off = False
        # A bulk import allocates millions of long-lived tuples (the reference
        # rows), which would trigger repeated full collections that find no
        # garbage; reference counting still frees everything short-lived.
        collecting = gc.isenabled()
        gc.disable()
        try:
            cursor = raw.cursor()
            if self.sqlite:
                # Every reference is resolved by this import against rows read
                # under the write lock taken below, so SQLite's own foreign-key
                # probe per row is redundant; on a million deliveries it costs
                # about a third of the insert (a seek into purchase_line each).
                # The pragma only changes outside a transaction.
                cursor.execute("PRAGMA foreign_keys")
                setting = cursor.fetchone()
                foreign_keys_off = bool(setting and setting[0])
                if foreign_keys_off:
                    cursor.execute("PRAGMA foreign_keys = OFF")
                # Take the write lock now, so references read below cannot change
                # under us before the rows go in (WAL readers are not blocked).
                cursor.execute("BEGIN IMMEDIATE")
            try:
                result = self._check_and_write(cursor, who, dry_run)
            except BaseException:
                raw.rollback()
                raise
            if result.problems or dry_run:
                raw.rollback()
            else:
                raw.commit()
            return result
        finally:
            if foreign_keys_off:
                try:
                    raw.cursor().execute("PRAGMA foreign_keys = ON")
                except Exception:
                    # Never hand the pool a connection without foreign keys.
                    raw.invalidate()
            raw.close()
            if collecting:
                gc.enable()

    def _check_and_write(self, cursor: Any, who: str, dry_run: bool) -> ImportResult:
        self._load_references(cursor)
        table = self.target.table
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        before = cursor.fetchone()[0]
        checked = self._checked_rows()
        changes_before = self._changes(cursor)
        try:
            self._write(cursor, checked)
        except self.engine.dialect.loaded_dbapi.IntegrityError as exc:
            # Every check above should have caught this; still, say where.
            reason = str(exc).strip().splitlines()[0]
            self._problem(
                self.current_line,
                "",
                _("the database refused this row or one of the {count} before it: {reason}").format(
                    count=_BATCH_ROWS, reason=reason
                ),
            )
            for _row in checked:  # keep checking the rest, writing nothing more
                pass
        self.problems.sort(key=operator.attrgetter("line"))
        result = ImportResult(rows=self.rows, problems=self.problems)
        if self.problems:
            return result
        changed_rows = self._changes(cursor) - changes_before
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        result.added = cursor.fetchone()[0] - before
        result.updated = self.rows - result.added
        result.unchanged = max(0, result.updated - (changed_rows - result.added))
        if self.standings is not None:
            result.standing_notices = sorted(self.notices, key=operator.attrgetter("line"))
            result.standings_as_of = self.standings.as_of
        if not dry_run:
            self._write_audit(cursor, who, result)
        return result

    def _write(self, cursor: Any, rows: Iterator[tuple[Any, ...]]) -> None:
        """Upsert the rows, many to a statement.

        One INSERT with a few hundred VALUES groups costs SQLite one statement
        step instead of a few hundred: on a million deliveries that halves the
        database's share of the time (docs/performance.md).
        """
        width = len(self.target.fields)
        per_statement = max(1, min(_BATCH_ROWS, _MAX_PARAMETERS // width))
        full = per_statement * width
        leftover: list[Any] = []

        def batches() -> Iterator[tuple[Any, ...]]:
            flatten = itertools.chain.from_iterable
            while True:
                batch = tuple(flatten(itertools.islice(rows, per_statement)))
                if len(batch) != full:
                    leftover.extend(batch)
                    return
                yield batch

        cursor.executemany(self._upsert_sql(per_statement), batches())
        self.written += max(cursor.rowcount, 0)
        if leftover and not self.problems:
            cursor.executemany(
                self._upsert_sql(1),
                [tuple(leftover[i : i + width]) for i in range(0, len(leftover), width)],
            )
            self.written += max(cursor.rowcount, 0)
        if self.blank_key_rows and not self.problems:
            cursor.executemany(self._upsert_sql(1, blank_key=True), self.blank_key_rows)
            self.written += max(cursor.rowcount, 0)

    def _changes(self, cursor: Any) -> int:
        """Rows inserted or really updated so far in this transaction.

        The upsert skips a matched row whose values are all the same already,
        so this tells changed rows from unchanged ones without reading them.
        """
        if self.sqlite:
            cursor.execute("SELECT total_changes()")
            return int(cursor.fetchone()[0])
        return self.written

    # --- writing --------------------------------------------------------------

    def _upsert_sql(self, rows: int, *, blank_key: bool = False) -> str:
        """INSERT of `rows` rows that updates a row whose natural key is already stored.

        `blank_key`: the rows have the target's `blank_key` column blank, so
        they match on the rest of the key through the partial unique index.
        """
        target = self.target
        names = [name for name, _source in target.fields]
        placeholder = "?" if self.sqlite else "%s"
        values = [placeholder] * len(names)
        # Columns the file does not carry (version, archived) have Python-side
        # defaults in the models; the ORM would fill them, so raw SQL must.
        for column in self.table.c:
            default = column.default
            if column.name in names or column.primary_key or default is None:
                continue
            if isinstance(default, ScalarElementColumnDefault):
                names.append(column.name)
                values.append(_sql_literal(default.arg))
        present = set(self.positions)
        rewritten = [
            name
            for name, source in target.fields
            if name not in target.conflict and (source is None or source in present)
        ]
        updates = [f"{name} = excluded.{name}" for name in rewritten]
        # A matched row whose values are already the file's is left alone: it
        # counts as unchanged, and an editor holding it gets no needless conflict.
        # (A manual rate's source names the file it came in; the same rate from
        # another file is still the same rate.)
        differs = "IS NOT" if self.sqlite else "IS DISTINCT FROM"
        where = " OR ".join(
            f"{target.table}.{name} {differs} excluded.{name}"
            for name in rewritten
            if name != "source"
        )
        if "version" in self.table.c:
            # Optimistic locking (docs/bad-input.md): an editor holding the old
            # version gets a conflict instead of silently undoing the import.
            updates.append(f"version = {target.table}.version + 1")
        action = "DO UPDATE SET " + ", ".join(updates) if updates else "DO NOTHING"
        if where:
            action += f" WHERE {where}"
        group = f"({', '.join(values)})"
        conflict = f"({', '.join(target.conflict)})"
        if blank_key:
            rest = [name for name in target.conflict if name != target.blank_key]
            conflict = f"({', '.join(rest)}) WHERE {target.blank_key} IS NULL"
        return (
            f"INSERT INTO {target.table} ({', '.join(names)}) VALUES {', '.join([group] * rows)} "
            f"ON CONFLICT {conflict} {action}"
        )

    def _write_audit(self, cursor: Any, who: str, result: ImportResult) -> None:
        # The column is sqlmodel's UTCDateTime: an aware timestamp on PostgreSQL,
        # UTC text without an offset on SQLite, in SQLAlchemy's format.
        now = dt.datetime.now(dt.UTC)
        at: Any = now
        if self.sqlite:
            at = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        placeholder = "?" if self.sqlite else "%s"
        record: dict[str, Any] = {"added": result.added, "updated": result.updated}
        words = result.standing_words()
        if words:  # as a hand-entered purchase's warning is kept (services/editing.py)
            record["warning"] = " ".join(words)
        changes = json.dumps(record)
        cursor.execute(
            "INSERT INTO audit_entry (at, who, entity, entity_key, action, changes) "
            f"VALUES ({', '.join([placeholder] * 6)})",
            (at, _who(who)[:120], self.kind.name, self.path.name[:200], "import", changes),
        )


def _sql_literal(value: Any) -> str:
    """A constant default as SQL both SQLite and PostgreSQL read the same way."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for the default {value!r}")


def _who(who: str) -> str:
    if who.strip():
        return who.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers and services
        return "unknown"
