"""Checking rows: the header, every cell, each row's cross-column rules and references.

All or nothing (docs/bad-input.md): every row is checked and every problem
reported with its spreadsheet line and column. Bulk speed (docs/performance.md)
shapes the code: rows are checked in one tight loop over memoised cells
(`cells`), and deliveries, the million-row file, get the loop unrolled
(`_delivery_rows`). Anything unusual goes to the slow path, `_check_slowly`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import operator
from collections.abc import Callable, Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel

from sourcing_app.db import models  # noqa: F401  (registers the tables in the metadata)
from sourcing_app.db.types import date_param, from_day_number
from sourcing_app.domain.enums import Standing
from sourcing_app.i18n import _, pgettext
from sourcing_app.services import field_checks
from sourcing_app.services.column_names import column_label, column_of
from sourcing_app.services.file_formats import (
    CellError,
    Column,
    FileKind,
    Rows,
    TableError,
    kind_words,
)
from sourcing_app.services.file_formats import text as text_cell
from sourcing_app.services.importing.cells import (
    BLANK,
    MEMO_LIMIT,
    Bad,
    CellMemo,
    ReferenceMemo,
    Tally,
    letter,
)
from sourcing_app.services.importing.results import Problem
from sourcing_app.services.importing.returns import ReturnLedger
from sourcing_app.services.importing.standings import ACTING, StandingNotice, Standings
from sourcing_app.services.importing.targets import FILE_KEYS, REFERENCES, Target
from sourcing_app.services.output_values import unneutral
from sourcing_app.services.rate_lookup import FEED, MANUAL, RateTimeline

DEFAULT_HOME_CURRENCY = "CNY"


class RowChecker:
    """The checks of one import: the header on construction, the rows as they are read.

    `ImportJob` (in `writing`) adds the transaction that writes what passes.
    """

    def __init__(
        self,
        dialect: str,
        kind: FileKind,
        target: Target,
        path: Path,
        header: list[str],
        rows: Rows,
        standings: Standings | None = None,
    ) -> None:
        self.kind = kind
        self.target = target
        self.path = path
        self.header = header
        self.rows_in = rows
        self.problems: list[Problem] = []
        self.dialect = dialect
        self.sqlite = self.dialect == "sqlite"
        self.table = SQLModel.metadata.tables[target.table]
        self.positions = self._check_header()
        self.rows = 0
        self.current_line = 1
        self.refs: dict[str, ReferenceMemo] = {}
        self.channels: dict[tuple[int, int], int] = {}
        self.brand_names: dict[int, str] = {}
        self.tally = Tally()
        self.seen: dict[Any, int] = {}  # natural key -> first line, to name duplicates
        self.blank_rows = 0
        self.max_line_id = 0
        self.picks: list[int] = []
        self.key_positions: list[int] = []
        self.memos: tuple[CellMemo, ...] = ()
        self.build: Callable[[list[Any], int], tuple[Any, ...] | None] = self._build_as_is
        self.supplier_memo = ReferenceMemo("", "", self.tally)
        self.rates = RateTimeline(())
        self.home_currency = DEFAULT_HOME_CURRENCY
        # Purchases: suppliers at Watch or Avoid, and the order dates that count as lately.
        self.standings = standings
        self.acting: dict[int, Standing] = {}
        self.lately: tuple[Any, Any] = (None, None)
        if standings is not None:
            self.acting = {s: v for s, v in standings.by_supplier.items() if v in ACTING}
            self.lately = (self._param(standings.since), self._param(standings.as_of))
        self.notices: list[StandingNotice] = []
        self._supplier_codes: dict[int, str] | None = None
        # Good rows whose `target.blank_key` is blank, written after the others.
        self.blank_key_rows: list[tuple[Any, ...]] = []
        # fx-rates: (currency, day) -> the stored feed rate, where no manual rate is stored.
        self.feed_only: dict[tuple[str, Any], Any] = {}
        # returns: each line's deliveries and stored returns (loaded with the references).
        self.ledger: ReturnLedger | None = None
        # deliveries: units returned per line that has returns, and those lines'
        # stored deliveries, day -> units accepted (loaded with the references).
        self.returned: dict[int, int] = {}
        self.returned_lines_accepted: dict[int, dict[Any, int]] = {}

    # --- the header -------------------------------------------------------

    def _check_header(self) -> dict[str, int]:
        header = self.header
        expected = self.kind.headers
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            if ";" in header[0]:
                reason = _("the columns are separated by ';'; save the file as CSV with commas")
            else:
                reason = _("the columns are separated by tabs; save the file as CSV with commas")
            self._problem(1, "", reason)
            return {}
        positions: dict[str, int] = {}
        for index, given in enumerate(header):
            # A column may be headed by its own name or by its Chinese one (column_names).
            name = given if given in expected else column_of(self.kind.name, given) or given
            if not name:
                reason = _("this column has no header; name it or delete it")
                self._problem(1, letter(index), reason)
            elif name not in expected:
                lower = {h.lower(): h for h in expected}
                if name.lower() in lower:
                    reason = _("unknown column; headers are exact, write it as {name}").format(
                        name=lower[name.lower()]
                    )
                else:
                    reason = _("unknown column; a {kind} file has the columns {columns}").format(
                        kind=kind_words(self.kind.name),
                        columns=_(", ").join(column_label(self.kind.name, h) for h in expected),
                    )
                self._problem(1, name, reason)
            elif name in positions:
                reason = _("appears twice in the header (columns {first} and {second})").format(
                    first=letter(positions[name]), second=letter(index)
                )
                self._problem(1, name, reason)
            else:
                positions[name] = index
        for column in self.kind.columns:
            if column.required and column.name not in positions:
                reason = _("this required column is missing from the header")
                self._problem(1, column.name, reason)
        return positions

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
            assert isinstance(supplier_memo, ReferenceMemo)
            self.supplier_memo = supplier_memo
        self.key_positions = [kind.headers.index(name) for name in FILE_KEYS[kind.name]]
        self.build = getattr(self, self.target.build)
        if kind.name == "deliveries":
            rows = self._delivery_rows() if width not in self.picks else self._generic_rows()
            return self._within_returns(rows) if self.returned else rows
        if kind.name == "returns":
            return self._return_rows()
        return self._generic_rows()

    def _within_returns(self, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        """The rows, then the rule across them: a line's deliveries, those stored that the
        file does not replace plus the file's own, still accept what its customers sent
        back (a corrected delivery cannot leave a return without its goods)."""
        returned = self.returned
        in_file: dict[int, dict[Any, tuple[int, int]]] = {}  # line id -> day -> (line, units)
        for params in rows:
            line_id = params[0]
            if line_id in returned:
                in_file.setdefault(line_id, {})[params[1]] = (
                    self.current_line,
                    params[2] - params[3],
                )
            yield params
        for line_id, days in in_file.items():
            stored = self.returned_lines_accepted.get(line_id, {})
            accepted = sum(units for day, units in stored.items() if day not in days)
            accepted += sum(units for _line, units in days.values())
            problem = field_checks.returned_problem(returned[line_id], accepted)
            if problem:
                self._problem(max(line for line, _units in days.values()), "delivered_qty", problem)

    def _return_rows(self) -> Iterator[tuple[Any, ...]]:
        """`_generic_rows`, then the rule across rows: no line takes back more than it accepted."""
        yield from self._generic_rows()
        assert self.ledger is not None
        for line, reason in self.ledger.over_accepted():
            self._problem(line, "returned_qty", reason)

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
            self._problem(line + 1, "", _("cannot be read as CSV: {error}").format(error=exc))
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
            self._problem(line + 1, "", _("cannot be read as CSV: {error}").format(error=exc))
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
            if type(value) is Bad
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
            names = FILE_KEYS[self.kind.name]
            # Translators: joins the key columns of a repeated row: "supplier_code and sku".
            joiner = pgettext("joins column names", " and ")
            joined = joiner.join(column_label(self.kind.name, n) for n in names)
            reason = _(
                "repeats line {first} (same {columns}: {values}); "
                "each may appear only once in a file"
            ).format(first=first, columns=joined, values=", ".join(key_cells))
            self._problem(line, names[0], reason)
            return
        self.build(values, line)  # reports what is wrong with the row's values

    def _memo(self, column: Column) -> CellMemo:
        if column.name in self.target.references:
            return self.refs[column.name]
        sql_column = self.table.c.get(column.name, None)
        column_type = getattr(sql_column, "type", None)
        max_length = getattr(column_type, "length", None)
        default = self._param(column.default)
        parse = column.parse
        required = column.required
        name = column.name

        if parse is text_cell:  # names and refs: often one per row, so keep this one short

            def convert_text(raw: str) -> Any:
                value = raw.strip()
                if not value:
                    return Bad(_(BLANK)) if required else default
                if value[0] == "'":
                    value = unneutral(value)
                problem = field_checks.control_problem(value, name)
                if problem:
                    return Bad(problem)
                if max_length is not None and len(value) > max_length:
                    return Bad(field_checks.too_long_problem(value, max_length))
                return value

            return CellMemo(convert_text, MEMO_LIMIT if column.small_domain else 0, self.tally)

        def convert(raw: str) -> Any:
            text = raw.strip()
            if not text:
                return Bad(_(BLANK)) if required else default
            problem = field_checks.control_problem(text)
            if problem:
                return Bad(problem)
            try:
                value = parse(unneutral(text))
            except CellError as exc:
                return Bad(str(exc))
            problem = field_checks.fit_problem(column_type, value, text)
            if problem:
                return Bad(problem)
            return self._param(value)

        return CellMemo(convert, MEMO_LIMIT if column.small_domain else 0, self.tally)

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
                reason = _(
                    "this cell is to the right of the last column; the header has no name for it"
                )
                self._problem(line, letter(index), reason)
                return None
        return row[:width]

    def _problem(self, line: int, column: str, reason: str) -> None:
        # A header cell is echoed as typed: control characters shown, not sent to the terminal.
        column = field_checks.visible(column)
        self.problems.append(Problem(line, column, reason, self.kind.name))

    # --- references ---------------------------------------------------------

    def _load_references(self, cursor: Any) -> None:
        for column in self.target.references:
            query, unknown, near = REFERENCES[column]
            cursor.execute(query)
            rows = cursor.fetchall()
            memo = self.refs[column] = ReferenceMemo(unknown, near, self.tally)
            if rows and len(rows[0]) > 2:
                # Keep the whole row (sku, id, brand_id) where there is more than an id.
                memo.update(zip(map(operator.itemgetter(0), rows), rows, strict=True))
            else:
                memo.update(rows)
        if self.kind.name == "returns":
            self.ledger = ReturnLedger(cursor)
        if self.kind.name == "deliveries":
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM purchase_line")
            self.max_line_id = cursor.fetchone()[0]
            # Returns are few: the lines that have some, and their stored deliveries.
            # (A file from before returns were kept, at an old revision, has none.)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sale_return'"
                if self.sqlite
                else "SELECT count(*) FROM pg_class WHERE oid = to_regclass('sale_return')"
            )
            if cursor.fetchone()[0]:
                cursor.execute(
                    "SELECT line_id, SUM(returned_qty) FROM sale_return GROUP BY line_id"
                )
                self.returned = {line_id: int(units) for line_id, units in cursor.fetchall()}
            if self.returned:
                cursor.execute(
                    "SELECT line_id, delivered_date, delivered_qty - rejected_qty FROM delivery "
                    "WHERE line_id IN (SELECT line_id FROM sale_return)"
                )
                for line_id, day, units in cursor.fetchall():
                    self.returned_lines_accepted.setdefault(line_id, {})[day] = int(units)
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
                    code, brand, sku, _("import a channels row for them first")
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
        params = (
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
        if valid_from is None:  # valid since always: matched on the open-start key
            self.blank_key_rows.append(params)
            return None
        return params

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
                            _("fill in fx_rate or import fx-rates first"),
                            self._iso,
                        ),
                    )
                    good = False
        if not good:
            return None
        standing = self.acting.get(supplier_id)
        if standing is not None and self.lately[0] <= ordered <= self.lately[1]:
            self._notice(line, line_ref, supplier_id, standing, ordered)
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

    def _notice(
        self, line: int, line_ref: str, supplier_id: int, standing: Standing, ordered: Any
    ) -> None:
        if self._supplier_codes is None:
            self._supplier_codes = {i: code for code, i in self.supplier_memo.items()}
        code = self._supplier_codes.get(supplier_id, "?")
        day = dt.date.fromisoformat(self._iso(ordered))
        self.notices.append(StandingNotice(line, line_ref, code, standing, day))

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

    def _build_return(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        purchase, return_date, returned, reason = v
        assert self.ledger is not None
        problem = self.ledger.date_problem(purchase[1], return_date, self._iso)
        if problem:
            self._problem(line, "return_date", problem)
            return None
        self.ledger.add(line, purchase[1], return_date, reason, returned)
        return (purchase[1], return_date, returned, reason)

    def _build_fx_rate(self, v: list[Any], line: int) -> tuple[Any, ...] | None:
        currency, day, rate = v
        feed = self.feed_only.get((currency, day))
        if feed is not None and feed == rate:
            # The feed already gives this very rate for the day (an exported
            # file coming back): storing a manual copy would change nothing
            # the scores see, so the row counts as unchanged.
            return None
        return (currency, day, rate, MANUAL, f"file:{self.path.name}"[:300])
