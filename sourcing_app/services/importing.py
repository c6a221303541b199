"""Import a buyer's file, all or nothing (docs/bad-input.md and docs/files-and-commands.md).

One machine serves all nine file kinds: the columns and how each cell is read
come from `file_formats.FILE_KINDS`; `_TARGETS` below says which table each kind
writes, its natural key, and which small `_Import._build_*` method resolves a
row's references and cross-column checks.

Bulk speed (docs/performance.md: a million deliveries in at most twice the time
of csv.reader + raw executemany) shapes the code:
- no ORM: rows are checked in one tight loop and streamed into the driver's
  `executemany`, a hundred rows to each `INSERT ... ON CONFLICT DO UPDATE`;
- each distinct cell text of a small-domain column (dates, quantities, codes)
  is parsed once and remembered, so most cells cost one dict lookup;
- reference columns resolve through dicts loaded with one query per table;
- added/updated come from COUNT(*) before and after, not per-row lookups;
- deliveries, the million-row file, get the loop unrolled (`_delivery_rows`).

All or nothing: every row is checked and every problem reported; on any
problem, or on a dry run, the one transaction is rolled back.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import getpass
import itertools
import json
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import SQLModel

from sourcing_app.db import models  # noqa: F401  (registers the tables in the metadata)
from sourcing_app.db.types import date_param, from_day_number
from sourcing_app.errors import ProgressCallback
from sourcing_app.services import field_checks
from sourcing_app.services.file_formats import (
    FILE_KINDS,
    IMPORT_ORDER,
    CellError,
    Column,
    FileKind,
    Rows,
    TableError,
    estimate_rows,
    read_table,
)
from sourcing_app.services.file_formats import text as text_cell
from sourcing_app.services.rate_lookup import FEED, MANUAL, RateTimeline

DEFAULT_HOME_CURRENCY = "CNY"
# Rows per INSERT statement, kept under the 999 parameters older SQLite builds allow.
_BATCH_ROWS = 100
_MAX_PARAMETERS = 999
# Small-domain columns remember at most this many distinct cells, so a file
# with a million distinct prices cannot grow the memo without bound.
_MEMO_LIMIT = 100_000
# Rows between two progress reports (and chances to cancel).
_PROGRESS_STEP = 5_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: `line N, column C: reason`.

    Lines are numbered as a spreadsheet shows them, the header being line 1.
    A problem with the whole file (it cannot be opened, say) has no column.
    """

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if not self.column:
            return f"line {self.line}: {self.reason}"
        return f"line {self.line}, column {self.column}: {self.reason}"


@dataclass
class ImportResult:
    """`added` rows are new; `updated` rows matched an existing natural key.

    `unchanged` counts the updated rows whose stored values already equalled
    the file's: they were left as they were (their version does not move), so
    a buyer re-importing the same file reads "0 changed, N unchanged".
    """

    rows: int = 0
    added: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        """Matched rows whose values the file really changed."""
        return self.updated - self.unchanged

    def summary(self) -> str:
        """The counts in words, e.g. "3 added, 1 changed, 40 unchanged"."""
        return f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged"


class ImportFailure(Exception):
    """The import could not run for a reason outside the file (unknown kind, database busy)."""


@dataclass(frozen=True)
class _Target:
    table: str
    conflict: tuple[str, ...]
    # (table column, file column it comes from). A None source is always written.
    # Columns absent from the file's header are given defaults on insert but
    # left alone on update, so an older file never wipes a newer column.
    fields: tuple[tuple[str, str | None], ...]
    build: str
    # File columns naming a stored row (a supplier code, a SKU): each such cell
    # is resolved as it is read, to the id or row the builder needs.
    references: tuple[str, ...] = ()
    # Quotes and purchases need the supplier's channel for the SKU's brand.
    needs_channels: bool = False


def _same(*names: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((name, name) for name in names)


_TARGETS: dict[str, _Target] = {
    "suppliers": _Target(
        "supplier",
        ("code",),
        _same("code", "name", "country", "kind", "monthly_capacity", "contact", "notes"),
        "_build_as_is",
    ),
    "brands": _Target(
        "brand",
        ("name",),
        _same(
            "name",
            "origin_country",
            "category",
            "hot_selling",
            "planned_monthly_demand",
            "target_retail_price",
        ),
        "_build_as_is",
    ),
    "products": _Target(
        "product",
        ("sku",),
        (
            ("sku", "sku"),
            ("brand_id", "brand"),
            ("name", "name"),
            ("tax_category_id", "tax_category"),
            ("retail_price", "retail_price"),
            ("unit_weight_kg", "unit_weight_kg"),
        ),
        "_build_as_is",
        ("brand", "tax_category"),
    ),
    "tax-categories": _Target(
        "tax_category",
        ("name",),
        _same("name", "tariff", "consumption_tax", "vat", "postal_rate"),
        "_build_as_is",
    ),
    "channels": _Target(
        "channel",
        ("supplier_id", "brand_id"),
        (
            ("supplier_id", "supplier_code"),
            ("brand_id", "brand"),
            *_same(
                "tier",
                "authorization_ref",
                "authorized_until",
                "contract_start",
                "contract_end",
                "exclusive",
                "active",
            ),
        ),
        "_build_channel",
        ("supplier_code", "brand"),
    ),
    "quotes": _Target(
        "quote",
        ("channel_id", "product_id", "min_qty", "valid_from"),
        (
            ("channel_id", "supplier_code"),
            ("product_id", "sku"),
            *_same(
                "unit_price",
                "currency",
                "incoterm",
                "min_qty",
                "lead_time_days",
                "freight_per_unit",
                "insurance_per_unit",
                "valid_from",
                "valid_to",
            ),
        ),
        "_build_quote",
        ("supplier_code", "sku"),
        needs_channels=True,
    ),
    "purchases": _Target(
        "purchase_line",
        ("line_ref",),
        (
            ("line_ref", "line_ref"),
            ("channel_id", "supplier_code"),
            ("product_id", "sku"),
            *_same(
                "order_date",
                "promised_date",
                "ordered_qty",
                "unit_price",
                "currency",
                "fx_rate",
                "regime",
            ),
        ),
        "_build_purchase",
        ("supplier_code", "sku"),
        needs_channels=True,
    ),
    "deliveries": _Target(
        "delivery",
        ("line_id", "delivered_date"),
        (
            ("line_id", "line_ref"),
            *_same("delivered_date", "delivered_qty", "rejected_qty", "clearance_days"),
        ),
        "_build_delivery",
        ("line_ref",),
    ),
    "fx-rates": _Target(
        "exchange_rate",
        ("currency", "rate_date", "kind"),
        (
            ("currency", "currency"),
            ("rate_date", "date"),
            ("rate_to_home", "rate_to_home"),
            ("kind", None),
            ("source", None),
        ),
        "_build_fx_rate",
    ),
}

# Natural keys within one file, as file columns (docs/files-and-commands.md).
_FILE_KEYS: dict[str, tuple[str, ...]] = {
    "suppliers": ("code",),
    "brands": ("name",),
    "products": ("sku",),
    "tax-categories": ("name",),
    "channels": ("supplier_code", "brand"),
    "quotes": ("supplier_code", "sku", "min_qty", "valid_from"),
    "purchases": ("line_ref",),
    "deliveries": ("line_ref", "delivered_date"),
    "fx-rates": ("currency", "date"),
}

# How a reference column resolves, how an unknown one is named, which file brings it in.
_REFERENCES: dict[str, tuple[str, str, str]] = {
    # file column: (query: key first, then what the builder gets; "no ... 'x'"; file kind)
    "supplier_code": ("SELECT code, id FROM supplier", "no supplier with code", "suppliers"),
    "brand": ("SELECT name, id FROM brand", "no brand named", "brands"),
    "tax_category": (
        "SELECT name, id FROM tax_category",
        "no tax category named",
        "tax-categories",
    ),
    "sku": ("SELECT sku, id, brand_id FROM product", "no product with SKU", "products"),
    "line_ref": (
        "SELECT line_ref, id, order_date FROM purchase_line",
        "no purchase line",
        "purchases",
    ),
}


def import_file(
    engine: Engine,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    who: str = "",
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Check a file of `kind` and, unless anything is wrong or this is a dry run, write it.

    Problems with the file come back in `ImportResult.problems`, never as
    exceptions. ImportFailure means the import could not run at all: an
    unknown kind, or a database that is busy, read-only or unreachable.
    `progress(done, total, text)` is told every few thousand rows; when it
    raises `Cancelled`, the transaction is rolled back (nothing imported)
    and Cancelled goes on to the caller.
    """
    file_kind = FILE_KINDS.get(kind)
    if file_kind is None:
        raise ImportFailure(f"unknown file kind '{kind}'; use one of {', '.join(IMPORT_ORDER)}")
    path = Path(path)
    try:
        # Blank rows come through too: the hot loop skips them in its slow path.
        header, rows = read_table(path, keep_blank_rows=True)
    except TableError as exc:
        return ImportResult(problems=[Problem(exc.line, "", exc.reason)])
    try:
        job = _Import(engine, file_kind, _TARGETS[kind], path, header, rows)
        if progress is not None and not job.problems:
            total = estimate_rows(path)
            verb = "Checking" if dry_run else "Importing"
            progress(0, total, f"{verb} {path.name}")
            job.rows_in = _reporting(rows, total, progress, f"{verb} {path.name}")
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
    its executemany to `_Import.run`, which rolls the transaction back.
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
            progress(max(total, done), max(total, done), f"{text}: checked {done:,} rows")
            return
        yield from chunk
        done += len(chunk)
        progress(min(done, total) if total else done, total, f"{text}: {done:,} rows")


def _database_trouble(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return "the database is busy: another program is writing to it; nothing was imported"
    if "readonly" in lowered or "read-only" in lowered:
        return "the database is read-only, so nothing could be imported"
    return f"the database would not take the import ({text}); nothing was imported"


class _Bad:
    """A cell that failed its check, with the reason the buyer will read."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Tally:
    """Bad cells met so far, shared by a row's memos: one integer compare per row
    tells the hot loop whether the row needs a closer look."""

    __slots__ = ("bad",)

    def __init__(self) -> None:
        self.bad = 0


class _CellMemo(dict[str, Any]):
    """Raw cell text -> value ready for the driver, worked out on first sight.

    Looked up with `operator.getitem` from C, so a remembered cell costs no
    Python call at all; `__missing__` runs only for text not seen before, and
    for bad cells, which are never remembered so that each one is counted.
    """

    __slots__ = ("_convert", "_room", "_tally")

    def __init__(self, convert: Callable[[str], Any], room: int, tally: _Tally) -> None:
        super().__init__()
        self._convert = convert
        self._room = room
        self._tally = tally

    def __missing__(self, raw: str) -> Any:
        value = self._convert(raw)
        if type(value) is _Bad:
            self._tally.bad += 1
        elif self._room > 0:
            self._room -= 1
            self[raw] = value
        return value


class _ReferenceMemo(_CellMemo):
    """A reference column: preloaded with every stored key, so a known code,
    SKU or line_ref resolves with one dict lookup and unknown text is refused."""

    __slots__ = ("_phrase", "_kind", "_folded")

    def __init__(self, phrase: str, kind: str, tally: _Tally) -> None:
        super().__init__(self._resolve, _MEMO_LIMIT, tally)
        self._phrase = phrase
        self._kind = kind
        self._folded: dict[str, str] | None = None

    def _resolve(self, raw: str) -> Any:
        text = raw.strip()
        if not text:
            return _Bad(_BLANK)
        if text != raw and text in self:
            return self[text]
        if self._folded is None:  # built once, and only when something is unknown
            self._folded = {k.casefold(): k for k in self}
        known = self._folded.get(text.casefold())
        if known is not None:
            return _Bad(f"{self._phrase} '{text}' in the database (did you mean '{known}'?)")
        return _Bad(
            f"{self._phrase} '{text}' in the database; import it in a {self._kind} file first"
        )

    def key_of(self, value: Any) -> str:
        """The stored key that resolves to `value` (for messages; slow)."""
        return next((k for k, v in self.items() if v == value), "?")


_BLANK = "this cell is blank; a value is required"


def _letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class _Import:
    """One import: checks the header on construction, then `run` does the rest."""

    def __init__(
        self,
        engine: Engine,
        kind: FileKind,
        target: _Target,
        path: Path,
        header: list[str],
        rows: Rows,
    ) -> None:
        self.engine = engine
        self.kind = kind
        self.target = target
        self.path = path
        self.header = header
        self.rows_in = rows
        self.problems: list[Problem] = []
        self.dialect = engine.dialect.name
        self.sqlite = self.dialect == "sqlite"
        self.table = SQLModel.metadata.tables[target.table]
        self.positions = self._check_header()
        self.rows = 0
        self.current_line = 1
        self.refs: dict[str, _ReferenceMemo] = {}
        self.channels: dict[tuple[int, int], int] = {}
        self.brand_names: dict[int, str] = {}
        self.tally = _Tally()
        self.seen: dict[Any, int] = {}  # natural key -> first line, to name duplicates
        self.blank_rows = 0
        self.max_line_id = 0
        self.picks: list[int] = []
        self.key_positions: list[int] = []
        self.memos: tuple[_CellMemo, ...] = ()
        self.build: Callable[[list[Any], int], tuple[Any, ...] | None] = self._build_as_is
        self.supplier_memo = _ReferenceMemo("", "", self.tally)
        self.rates = RateTimeline(())
        self.home_currency = DEFAULT_HOME_CURRENCY
        self.written = 0  # rows the driver reports inserted or updated (PostgreSQL)
        # fx-rates: (currency, day) -> the stored feed rate, where no manual rate is stored.
        self.feed_only: dict[tuple[str, Any], Any] = {}

    # --- the header -------------------------------------------------------

    def _check_header(self) -> dict[str, int]:
        header = self.header
        expected = self.kind.headers
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            sep = "';'" if ";" in header[0] else "tabs"
            self._problem(
                1, "", f"the columns are separated by {sep}; save the file as CSV with commas"
            )
            return {}
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            if not name:
                self._problem(1, _letter(index), "this column has no header; name it or delete it")
            elif name not in expected:
                lower = {h.lower(): h for h in expected}
                if name.lower() in lower:
                    reason = f"unknown column; headers are exact, write it as {lower[name.lower()]}"
                else:
                    reason = (
                        f"unknown column; a {self.kind.name} file has the columns "
                        f"{', '.join(expected)}"
                    )
                self._problem(1, name, reason)
            elif name in positions:
                first = _letter(positions[name])
                self._problem(
                    1, name, f"appears twice in the header (columns {first} and {_letter(index)})"
                )
            else:
                positions[name] = index
        for column in self.kind.columns:
            if column.required and column.name not in positions:
                self._problem(1, column.name, "this required column is missing from the header")
        return positions

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
                f"the database refused this row or one of the {_BATCH_ROWS} before it: {reason}",
            )
            for _ in checked:  # keep checking the rest, writing nothing more
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

    def _changes(self, cursor: Any) -> int:
        """Rows inserted or really updated so far in this transaction.

        The upsert skips a matched row whose values are all the same already,
        so this tells changed rows from unchanged ones without reading them.
        """
        if self.sqlite:
            cursor.execute("SELECT total_changes()")
            return int(cursor.fetchone()[0])
        return self.written

    def _checked_rows(self) -> Iterator[tuple[Any, ...]]:
        """Driver-ready tuples of the good rows; problems collect in self.problems.

        Rows stop flowing to the database at the first problem (the transaction
        will be rolled back anyway), but checking goes on to the last row.
        This is the hot loop of docs/performance.md: anything unusual (a bad
        cell, a ragged or blank row, a duplicate) goes to `_check_slowly`.
        """
        kind = self.kind
        width = len(self.header)
        # Columns missing from the header read an extra blank cell appended to each row.
        self.picks = [self.positions.get(column.name, width) for column in kind.columns]
        self.memos = tuple(self._memo(column) for column in kind.columns)
        if "supplier_code" in self.target.references:
            supplier_memo = self.memos[kind.headers.index("supplier_code")]
            assert isinstance(supplier_memo, _ReferenceMemo)
            self.supplier_memo = supplier_memo
        self.key_positions = [kind.headers.index(name) for name in _FILE_KEYS[kind.name]]
        self.build = getattr(self, self.target.build)
        if kind.name == "deliveries" and width not in self.picks:
            return self._delivery_rows()
        return self._generic_rows()

    def _generic_rows(self) -> Iterator[tuple[Any, ...]]:
        width = len(self.header)
        pad = width in self.picks
        pick = operator.itemgetter(*self.picks)
        key_of = operator.itemgetter(*self.key_positions)
        build = self.build
        memos = self.memos
        tally = self.tally
        problems = self.problems
        getitem = operator.getitem
        setdefault = self.seen.setdefault
        bad_seen = 0
        line = 1
        try:
            for line, row in self.rows_in:
                if len(row) != width:
                    fitted = self._fit(line, row, width)
                    if fitted is None:
                        continue
                    row = fitted
                if pad:
                    row.append("")
                values = list(map(getitem, memos, pick(row)))
                if tally.bad != bad_seen:  # a memo met a bad cell in this row
                    bad_seen = tally.bad
                    self._check_slowly(line, row, values)
                    continue
                first = setdefault(key_of(values), line)
                if first != line:
                    self._check_slowly(line, row, values, first)
                    continue
                params = build(values, line)
                if params is not None and not problems:
                    self.current_line = line
                    yield params
        except TableError as exc:
            self._problem(exc.line, "", exc.reason)
        except csv.Error as exc:
            self._problem(line + 1, "", f"cannot be read as CSV: {exc}")
        finally:
            self.rows = line - 1 - self.blank_rows

    def _delivery_rows(self) -> Iterator[tuple[Any, ...]]:
        """`_generic_rows` unrolled for deliveries, the million-row file of section 11.

        Same memos, same checks, same slow path; only the per-row steps are
        written out, since each one costs a measurable share of the bar.
        """
        width = len(self.header)
        pick = operator.itemgetter(*self.picks)
        in_order = self.picks == list(range(width))  # header as documented: no reshuffle
        refs, dates, delivered_qtys, rejected_qtys, clearances = self.memos
        tally = self.tally
        problems = self.problems
        # Duplicate check without a million-entry dict: most lines get one
        # delivery, so remember each line's first delivery in lists indexed by
        # line id, and only a line's further deliveries in a dict. This halves
        # the cost of the check on the bench file.
        size = self.max_line_id + 1
        first_day: list[Any] = [None] * size
        first_line = [0] * size
        setdefault = self.seen.setdefault
        bad_seen = 0
        line = 1
        try:
            for line, row in self.rows_in:
                try:
                    # Unpacking also checks the row's width (ValueError if ragged).
                    ref_cell, date_cell, delivered_cell, rejected_cell, clearance_cell = (
                        row if in_order else pick(row)
                    )
                    if not in_order and len(row) != width:
                        raise ValueError
                except (ValueError, IndexError):
                    fitted = self._fit(line, row, width)
                    if fitted is None:
                        continue
                    row = fitted
                    ref_cell, date_cell, delivered_cell, rejected_cell, clearance_cell = pick(row)
                purchase = refs[ref_cell]  # (line_ref, line id, order date)
                day = dates[date_cell]
                delivered = delivered_qtys[delivered_cell]
                rejected = rejected_qtys[rejected_cell]
                clearance = clearances[clearance_cell]
                if tally.bad != bad_seen or day < purchase[2] or rejected > delivered:
                    bad_seen = tally.bad
                    self._check_slowly(line, row, [purchase, day, delivered, rejected, clearance])
                    continue
                line_id = purchase[1]
                earlier = first_day[line_id]
                if earlier is None:
                    first_day[line_id] = day
                    first_line[line_id] = line
                else:
                    first = (
                        first_line[line_id] if earlier == day else setdefault((line_id, day), line)
                    )
                    if first != line:
                        values = [purchase, day, delivered, rejected, clearance]
                        self._check_slowly(line, row, values, first)
                        continue
                if not problems:
                    self.current_line = line
                    yield (line_id, day, delivered, rejected, clearance)
        except TableError as exc:
            self._problem(exc.line, "", exc.reason)
        except csv.Error as exc:
            self._problem(line + 1, "", f"cannot be read as CSV: {exc}")
        finally:
            self.rows = line - 1 - self.blank_rows

    def _check_slowly(
        self, line: int, row: list[str], values: list[Any], first: int | None = None
    ) -> None:
        """A row the hot loop did not wave through: blank, bad cells, a duplicate of
        line `first`, or values that fail the kind's own checks."""
        bad = [
            (column, value)
            for column, value in zip(self.kind.columns, values, strict=True)
            if type(value) is _Bad
        ]
        if bad:
            if not any(cell.strip() for cell in row):
                self.blank_rows += 1  # skipped, but it keeps its line number
                return
            for column, value in bad:
                self._problem(line, column.name, value.reason)
            return
        if first is not None:
            key_cells = [row[self.picks[i]].strip() for i in self.key_positions]
            names = _FILE_KEYS[self.kind.name]
            self._problem(
                line,
                names[0],
                f"repeats line {first} (same {' and '.join(names)}: {', '.join(key_cells)}); "
                "each may appear only once in a file",
            )
            return
        self.build(values, line)  # reports what is wrong with the row's values

    def _memo(self, column: Column) -> _CellMemo:
        if column.name in self.target.references:
            return self.refs[column.name]
        length = getattr(self.table.c.get(column.name, None), "type", None)
        max_length = getattr(length, "length", None)
        default = self._param(column.default)
        parse = column.parse
        required = column.required

        if parse is text_cell:  # names and refs: often one per row, so keep this one short

            def convert_text(raw: str) -> Any:
                value = raw.strip()
                if not value:
                    return _Bad(_BLANK) if required else default
                if max_length is not None and len(value) > max_length:
                    return _Bad(f"is {len(value)} characters long; at most {max_length} fit")
                return value

            return _CellMemo(convert_text, _MEMO_LIMIT if column.small_domain else 0, self.tally)

        def convert(raw: str) -> Any:
            text = raw.strip()
            if not text:
                return _Bad(_BLANK) if required else default
            try:
                value = parse(text)
            except CellError as exc:
                return _Bad(str(exc))
            if max_length is not None and isinstance(value, str) and len(value) > max_length:
                return _Bad(f"is {len(value)} characters long; at most {max_length} fit")
            return self._param(value)

        return _CellMemo(convert, _MEMO_LIMIT if column.small_domain else 0, self.tally)

    def _param(self, value: Any) -> Any:
        """A checked value in the form the driver takes for this database."""
        if isinstance(value, Decimal):
            # SQLite has no decimal type; the ORM binds Numeric as float there,
            # so the import stores exactly what the app itself would.
            return float(value) if self.sqlite else value
        if isinstance(value, dt.date):
            return date_param(self.dialect, value)
        if isinstance(value, Enum):
            return value.value
        return value

    def _iso(self, param: Any) -> str:
        """A date parameter (day number on SQLite, date on PostgreSQL) as YYYY-MM-DD."""
        return (from_day_number(param) if isinstance(param, int) else param).isoformat()

    def _fit(self, line: int, row: list[str], width: int) -> list[str] | None:
        if len(row) < width:  # editors drop trailing empty cells
            return row + [""] * (width - len(row))
        for index in range(width, len(row)):
            if row[index].strip():
                self._problem(
                    line,
                    _letter(index),
                    "this cell is to the right of the last column; the header has no name for it",
                )
                return None
        return row[:width]

    def _problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append(Problem(line, column, reason))

    # --- references ---------------------------------------------------------

    def _load_references(self, cursor: Any) -> None:
        for column in self.target.references:
            query, phrase, kind = _REFERENCES[column]
            cursor.execute(query)
            rows = cursor.fetchall()
            memo = self.refs[column] = _ReferenceMemo(phrase, kind, self.tally)
            if rows and len(rows[0]) > 2:
                # Keep the whole row (sku, id, brand_id) where there is more than an id.
                memo.update(zip(map(operator.itemgetter(0), rows), rows, strict=True))
            else:
                memo.update(rows)
        if self.kind.name == "deliveries":
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM purchase_line")
            self.max_line_id = cursor.fetchone()[0]
        if self.target.needs_channels:
            cursor.execute("SELECT supplier_id, brand_id, id FROM channel")
            self.channels = {(s, b): i for s, b, i in cursor.fetchall()}
            cursor.execute("SELECT id, name FROM brand")
            self.brand_names = dict(cursor.fetchall())
        if self.kind.name == "fx-rates":
            cursor.execute("SELECT currency, rate_date, kind, rate_to_home FROM exchange_rate")
            stored = cursor.fetchall()
            manual = {(c, d) for c, d, k, _r in stored if k == MANUAL}
            self.feed_only = {
                (c, d): r for c, d, k, r in stored if k == FEED and (c, d) not in manual
            }
        if self.kind.name == "purchases":
            # Loaded up front: the builders run inside executemany, when the
            # connection is busy with the insert.
            self.home_currency = self._home_currency(cursor)
            cursor.execute(
                "SELECT currency, rate_date, kind, rate_to_home FROM exchange_rate "
                "ORDER BY currency, rate_date"
            )
            self.rates = RateTimeline(cursor.fetchall())

    def _home_currency(self, cursor: Any) -> str:
        placeholder = "?" if self.sqlite else "%s"
        cursor.execute(f"SELECT value FROM setting WHERE key = {placeholder}", ("home_currency",))
        row = cursor.fetchone()
        if row is None:
            return DEFAULT_HOME_CURRENCY
        try:
            value = json.loads(row[0])
        except (TypeError, ValueError):
            value = row[0]
        return str(value).strip().upper() or DEFAULT_HOME_CURRENCY

    def _channel(self, line: int, supplier_id: int, product: tuple[Any, ...]) -> Any:
        """The supplier's channel for the SKU's brand, or None with the problem reported."""
        sku, _product_id, brand_id = product
        channel_id = self.channels.get((supplier_id, brand_id))
        if channel_id is None:
            code = self.supplier_memo.key_of(supplier_id)
            brand = self.brand_names.get(brand_id, "?")
            self._problem(
                line,
                "supplier_code",
                field_checks.no_channel_problem(
                    code, brand, sku, "import a channels row for them first"
                ),
            )
        return channel_id

    # --- one row per kind ---------------------------------------------------
    # Each gets the row's checked values in FILE_KINDS column order and returns
    # the tuple for the target's fields, or None to skip the row: after reporting
    # its problems, or (fx-rates) when storing it would change nothing.

    def _build_as_is(self, v: list[Any], line: int) -> tuple[Any, ...]:
        return tuple(v)

    def _build_channel(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        problem = field_checks.contract_end_problem(v[5], v[6], self._iso)
        if problem:
            self._problem(line, "contract_end", problem)
            return None
        return tuple(v)

    def _build_quote(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        supplier_id, product, price, currency, incoterm, min_qty, lead, freight, insurance = v[:9]
        valid_from, valid_to = v[9], v[10]
        channel_id = self._channel(line, supplier_id, product)
        good = channel_id is not None
        problem = field_checks.valid_to_problem(valid_from, valid_to, self._iso)
        if problem:
            self._problem(line, "valid_to", problem)
            good = False
        if not good:
            return None
        return (
            channel_id,
            product[1],
            price,
            currency,
            incoterm,
            min_qty,
            lead,
            freight,
            insurance,
            valid_from,
            valid_to,
        )

    def _build_purchase(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        line_ref, supplier_id, product, ordered, promised, qty, price, currency, fx, regime = v
        channel_id = self._channel(line, supplier_id, product)
        good = channel_id is not None
        problem = field_checks.promised_date_problem(ordered, promised, self._iso)
        if problem:
            self._problem(line, "promised_date", problem)
            good = False
        if fx is None:
            if currency == self.home_currency:
                fx = self._param(Decimal(1))
            else:
                fx = self.rates.on(currency, ordered)
                if fx is None:
                    self._problem(
                        line,
                        "fx_rate",
                        field_checks.missing_rate_problem(
                            currency,
                            ordered,
                            "fill in fx_rate or import fx-rates first",
                            self._iso,
                        ),
                    )
                    good = False
        if not good:
            return None
        return (
            line_ref,
            channel_id,
            product[1],
            ordered,
            promised,
            qty,
            price,
            currency,
            fx,
            regime,
        )

    def _build_delivery(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        # The hot loop of a million-row file: the line_ref cell already resolved
        # to its stored (line_ref, id, order_date) row; keep the rest to comparisons.
        purchase, delivered_date, delivered, rejected, clearance = v
        if delivered_date < purchase[2] or rejected > delivered:
            late = field_checks.delivered_date_problem(purchase[2], delivered_date, self._iso)
            if late:
                self._problem(line, "delivered_date", late)
            too_many = field_checks.rejected_problem(delivered, rejected)
            if too_many:
                self._problem(line, "rejected_qty", too_many)
            return None
        return (purchase[1], delivered_date, delivered, rejected, clearance)

    def _build_fx_rate(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        currency, day, rate = v
        feed = self.feed_only.get((currency, day))
        if feed is not None and feed == rate:
            # The feed already gives this very rate for the day (an exported
            # file coming back): storing a manual copy would change nothing
            # the scores see, so the row counts as unchanged.
            return None
        return (currency, day, rate, MANUAL, f"file:{self.path.name}"[:300])

    # --- writing --------------------------------------------------------------

    def _upsert_sql(self, rows: int) -> str:
        """INSERT of `rows` rows that updates a row whose natural key is already stored."""
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
        return (
            f"INSERT INTO {target.table} ({', '.join(names)}) VALUES {', '.join([group] * rows)} "
            f"ON CONFLICT ({', '.join(target.conflict)}) {action}"
        )

    def _write_audit(self, cursor: Any, who: str, result: ImportResult) -> None:
        # The column is sqlmodel's UTCDateTime: an aware timestamp on PostgreSQL,
        # UTC text without an offset on SQLite, in SQLAlchemy's format.
        now = dt.datetime.now(dt.UTC)
        at: Any = now
        if self.sqlite:
            at = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        placeholder = "?" if self.sqlite else "%s"
        changes = json.dumps({"added": result.added, "updated": result.updated})
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
