"""Export every exchange format (docs/files-and-commands.md) as CSV or .xlsx, and blank templates.

An export is the mirror of an import: the same ten kinds, the exact headers
in the documented order, references written as the natural keys a file uses
(supplier code, brand name, SKU, line_ref), dates as ISO `YYYY-MM-DD`, rates
as fractions. Importing an export changes nothing (the round-trip tests hold
this for every kind).

Exact values: SQLite stores Numeric columns as doubles, so a number is written
as the shortest text that reads back to the same double (`repr`), never
rounded to the column's scale; PostgreSQL's Decimals are written as they are.

Big tables stream: rows are fetched a few thousand at a time through a raw
cursor and written straight out (csv.writer, or openpyxl's write-only mode),
so a million purchase lines never sit in memory at once.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sourcing_app.atomic import atomic_file
from sourcing_app.db.types import from_day_number
from sourcing_app.errors import BadInput, ProgressCallback, no_progress
from sourcing_app.i18n import _, ngettext
from sourcing_app.services import file_formats as ff
from sourcing_app.services.column_names import ENGLISH_HEADERS, check_headers, headers_of
from sourcing_app.services.file_formats import FILE_KINDS, IMPORT_ORDER
from sourcing_app.services.output_values import neutral_cell

# Rows fetched from the database per round trip, and between progress reports.
FETCH_ROWS = 5_000
# An Excel sheet holds at most this many rows, the header included.
XLSX_MAX_ROWS = 1_048_576

# One SELECT per kind, its columns in FILE_KINDS header order, rows in the order
# they were stored: imported into an empty database, they get the same ids in
# the same order, so everything listed by id (flags, say) reads the same.
_QUERIES: dict[str, str] = {
    "suppliers": (
        "SELECT code, name, country, kind, monthly_capacity, contact, notes "
        "FROM supplier ORDER BY id"
    ),
    "brands": (
        "SELECT name, origin_country, category, hot_selling, planned_monthly_demand, "
        "target_retail_price FROM brand ORDER BY id"
    ),
    "products": (
        "SELECT p.sku, b.name, p.name, t.name, p.retail_price, p.unit_weight_kg "
        "FROM product p JOIN brand b ON b.id = p.brand_id "
        "JOIN tax_category t ON t.id = p.tax_category_id ORDER BY p.id"
    ),
    "tax-categories": (
        "SELECT name, tariff, consumption_tax, vat, postal_rate FROM tax_category ORDER BY id"
    ),
    "channels": (
        "SELECT s.code, b.name, c.tier, c.authorization_ref, c.authorized_until, "
        "c.contract_start, c.contract_end, c.exclusive, c.active "
        "FROM channel c JOIN supplier s ON s.id = c.supplier_id "
        "JOIN brand b ON b.id = c.brand_id ORDER BY c.id"
    ),
    "quotes": (
        "SELECT s.code, p.sku, q.unit_price, q.currency, q.incoterm, q.min_qty, "
        "q.lead_time_days, q.freight_per_unit, q.insurance_per_unit, q.valid_from, q.valid_to "
        "FROM quote q JOIN channel c ON c.id = q.channel_id "
        "JOIN supplier s ON s.id = c.supplier_id JOIN product p ON p.id = q.product_id "
        "ORDER BY q.id"
    ),
    "purchases": (
        "SELECT l.line_ref, s.code, p.sku, l.order_date, l.promised_date, l.ordered_qty, "
        "l.unit_price, l.currency, l.fx_rate, l.regime "
        "FROM purchase_line l JOIN channel c ON c.id = l.channel_id "
        "JOIN supplier s ON s.id = c.supplier_id JOIN product p ON p.id = l.product_id "
        "ORDER BY l.id"
    ),
    "deliveries": (
        "SELECT l.line_ref, d.delivered_date, d.delivered_qty, d.rejected_qty, d.clearance_days "
        "FROM delivery d JOIN purchase_line l ON l.id = d.line_id "
        "ORDER BY d.id"
    ),
    "returns": (
        "SELECT l.line_ref, r.return_date, r.returned_qty, r.reason "
        "FROM sale_return r JOIN purchase_line l ON l.id = r.line_id "
        "ORDER BY r.id"
    ),
    # The rate the scores use for each currency and day: a manual rate where
    # one is stored, else the feed's (docs/vocabulary.md). Importing it back
    # leaves both kinds as they were (the importer skips a row equal to a
    # feed-only rate).
    "fx-rates": (
        "SELECT r.currency, r.rate_date, r.rate_to_home FROM exchange_rate r "
        "WHERE r.kind = 'manual' OR NOT EXISTS (SELECT 1 FROM exchange_rate m "
        "WHERE m.currency = r.currency AND m.rate_date = r.rate_date AND m.kind = 'manual') "
        "ORDER BY r.id"
    ),
}

_COUNTS: dict[str, str] = {
    "suppliers": "SELECT COUNT(*) FROM supplier",
    "brands": "SELECT COUNT(*) FROM brand",
    "products": "SELECT COUNT(*) FROM product",
    "tax-categories": "SELECT COUNT(*) FROM tax_category",
    "channels": "SELECT COUNT(*) FROM channel",
    "quotes": "SELECT COUNT(*) FROM quote",
    "purchases": "SELECT COUNT(*) FROM purchase_line",
    "deliveries": "SELECT COUNT(*) FROM delivery",
    "returns": "SELECT COUNT(*) FROM sale_return",
    "fx-rates": (
        "SELECT COUNT(*) FROM exchange_rate r WHERE r.kind = 'manual' OR NOT EXISTS "
        "(SELECT 1 FROM exchange_rate m WHERE m.currency = r.currency "
        "AND m.rate_date = r.rate_date AND m.kind = 'manual')"
    ),
}

# What a cell holds, worked out from how the importer reads the column.
DATE, WHOLE, NUMBER, YES_NO, TEXT = "date", "whole", "number", "yes/no", "text"
_NUMBER_PARSERS = (ff.money, ff.fraction, ff.consumption_tax, ff.postal_rate, ff.exchange_rate)


def column_type(column: ff.Column) -> str:
    parse = column.parse
    if parse is ff.iso_date:
        return DATE
    if parse is ff.boolean:
        return YES_NO
    if parse in _NUMBER_PARSERS:
        return NUMBER
    if getattr(parse, "__qualname__", "").startswith("whole."):
        return WHOLE
    return TEXT


def file_format(path: str | Path) -> str:
    """'csv' or 'xlsx' from the file's extension; BadInput for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise BadInput(
        _("cannot tell the format of '{file}': name the file .csv or .xlsx").format(
            file=Path(path).name
        )
    )


def _check_kind(kind: str) -> ff.FileKind:
    file_kind = FILE_KINDS.get(kind)
    if file_kind is None:
        raise BadInput(
            _("unknown file kind '{kind}'; use one of {kinds}").format(
                kind=kind, kinds=", ".join(IMPORT_ORDER)
            )
        )
    return file_kind


# --- cell values ------------------------------------------------------------------


def plain_number(value: Any) -> str:
    """A stored number as text that reads back to exactly the same stored value."""
    if isinstance(value, float):
        number = Decimal(repr(value))  # the shortest text giving this very double
    elif isinstance(value, Decimal):
        number = value
    else:
        number = Decimal(int(value))
    number = number.normalize()
    if number == 0:
        return "0"
    return format(number, "f")


def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return from_day_number(int(value))  # SQLite stores days since 1970-01-01


def _text_converter(kind: str) -> Callable[[Any], str]:
    if kind == DATE:

        def date_text(value: Any) -> str:
            day = _as_date(value)
            return "" if day is None else day.isoformat()

        return date_text
    if kind == YES_NO:
        return lambda value: "" if value is None else ("true" if value else "false")
    if kind == WHOLE:
        return lambda value: "" if value is None else str(int(value))
    if kind == NUMBER:
        return lambda value: "" if value is None else plain_number(value)
    return lambda value: "" if value is None else str(value)


class _DateTexts(dict[Any, str]):
    """Stored date (day number or date) -> "YYYY-MM-DD", worked out once per distinct day."""

    def __missing__(self, value: Any) -> str:
        day = _as_date(value)
        shown = "" if day is None else day.isoformat()
        self[value] = shown
        return shown


def _cell_converter(kind: str) -> Callable[[Any], Any]:
    """Values for an .xlsx cell: real dates, numbers and booleans, so Excel can sort and sum."""
    if kind == DATE:
        return _as_date
    if kind == YES_NO:
        return lambda value: None if value is None else bool(value)
    if kind == WHOLE:
        return lambda value: None if value is None else int(value)
    if kind == NUMBER:

        def number(value: Any) -> Any:
            if value is None or isinstance(value, int):
                return value
            # openpyxl writes numbers with 16 significant digits ("%.16g"); the
            # rare value that needs more (0.1 + 0.2) goes in as exact text.
            as_float = float(value)
            exact = isinstance(value, float) or Decimal(repr(as_float)) == value
            if exact and float(f"{as_float:.16g}") == as_float:
                return as_float
            return plain_number(value)

        return number
    return lambda value: None if value is None or value == "" else str(value)


# --- reading the rows -------------------------------------------------------------


def count_rows(engine: Engine, kind: str) -> int:
    _check_kind(kind)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(_COUNTS[kind])
        return int(cursor.fetchone()[0])
    finally:
        raw.close()


def _rows(engine: Engine, kind: str) -> Iterator[list[tuple[Any, ...]]]:
    """The kind's rows in chunks of FETCH_ROWS, read in one transaction (one snapshot)."""
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "postgresql":
            # A server-side cursor: psycopg would otherwise fetch the whole
            # result into memory before the first fetchmany.
            cursor = raw.driver_connection.cursor(name="sourcing_export")  # type: ignore[union-attr]
            cursor.itersize = FETCH_ROWS
        else:
            cursor = raw.cursor()
        cursor.execute(_QUERIES[kind])
        while True:
            chunk = cursor.fetchmany(FETCH_ROWS)
            if not chunk:
                return
            yield chunk
    finally:
        try:
            raw.rollback()
        finally:
            raw.close()


# --- writing ----------------------------------------------------------------------


def export_table(
    engine: Engine,
    kind: str,
    path: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    headers: str = ENGLISH_HEADERS,
) -> int:
    """Write every stored row of `kind` to `path` (.csv or .xlsx); returns the row count.

    `headers` "zh" heads the columns with their Chinese names (column_names);
    the cells are the same either way, and the importer reads both.
    The file is written next to its destination and moved into place at the
    end, so a cancelled or failed export never leaves half a file behind
    (nor spoils an older export of the same name).
    """
    check_headers(headers)
    file_kind = _check_kind(kind)
    path = Path(path)
    fmt = file_format(path)
    total = count_rows(engine, kind)
    if fmt == "xlsx" and total + 1 > XLSX_MAX_ROWS:
        raise BadInput(
            _(
                "{count} {kind} rows do not fit in one Excel sheet "
                "(at most {most}); export them as .csv instead"
            ).format(count=f"{total:,}", kind=ff.kind_words(kind), most=f"{XLSX_MAX_ROWS - 1:,}")
        )
    if not path.parent.is_dir():
        raise BadInput(_("the folder {folder} does not exist").format(folder=path.parent))
    progress(0, total, _("Exporting {kind}").format(kind=ff.kind_words(kind)))
    writer = _write_csv if fmt == "csv" else _write_xlsx
    header = headers_of(kind, file_kind.headers, headers)
    with atomic_file(path) as temporary:
        written = writer(engine, file_kind, header, temporary, total, progress)
    return written


def _exported(kind: str, written: int) -> str:
    """The progress words after a chunk: 'Exporting suppliers: 5,000 rows'."""
    return ngettext("Exporting {kind}: {n} row", "Exporting {kind}: {n} rows", written).format(
        kind=ff.kind_words(kind), n=f"{written:,}"
    )


def _write_csv(
    engine: Engine,
    kind: ff.FileKind,
    header: list[str],
    path: Path,
    total: int,
    progress: ProgressCallback,
) -> int:
    # csv.writer already writes text and whole numbers as they are, and None as
    # an empty cell: only dates, yes/no and decimals need converting. Dates go
    # through a memo (a window has a few hundred distinct days, not a million).
    converters: list[tuple[int, Callable[[Any], str]]] = []
    for index, column in enumerate(kind.columns):
        kind_of_cell = column_type(column)
        if kind_of_cell == DATE:
            converters.append((index, _DateTexts().__getitem__))
        elif kind_of_cell in (YES_NO, NUMBER):
            converters.append((index, _text_converter(kind_of_cell)))
        else:  # text: never a formula when the file is opened (output_values)
            converters.append((index, neutral_cell))
    written = 0

    def converted(chunk: list[tuple[Any, ...]]) -> Iterator[list[Any]]:
        for row in chunk:
            cells = list(row)
            for index, convert in converters:
                cells[index] = convert(cells[index])
            yield cells

    # UTF-8 with BOM: Excel on Windows then opens Chinese names correctly,
    # and the importer reads the BOM as well as without.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for chunk in _rows(engine, kind.name):
            out.writerows(converted(chunk) if converters else chunk)
            written += len(chunk)
            progress(written, total, _exported(kind.name, written))
    return written


def _write_xlsx(
    engine: Engine,
    kind: ff.FileKind,
    header_names: list[str],
    path: Path,
    total: int,
    progress: ProgressCallback,
) -> int:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    types = [column_type(c) for c in kind.columns]
    converters = [_cell_converter(t) for t in types]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.name)
    _size_columns(sheet, kind, header_names, types)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in header_names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    text_columns = [i for i, t in enumerate(types) if t == TEXT]
    written = 0
    try:
        written = _append_rows(engine, sheet, kind, converters, text_columns, total, progress)
    except BaseException:
        # Cancelled or failed part-way: finish openpyxl's half-written sheet stream
        # and remove its temporary file, so nothing is left open or behind.
        try:
            sheet.close()
            sheet._writer.cleanup()
        except Exception:  # noqa: S110 (best effort while another error goes up)
            pass
        raise
    workbook.save(path)
    return written


def _append_rows(
    engine: Engine,
    sheet: Any,
    kind: ff.FileKind,
    converters: list[Callable[[Any], Any]],
    text_columns: list[int],
    total: int,
    progress: ProgressCallback,
) -> int:
    written = 0
    for chunk in _rows(engine, kind.name):
        for row in chunk:
            values = [conv(value) for conv, value in zip(converters, row, strict=True)]
            for index in text_columns:
                # Never a formula, to openpyxl or to a spreadsheet (output_values).
                values[index] = neutral_cell(values[index])
            sheet.append(values)
        written += len(chunk)
        progress(written, total, _exported(kind.name, written))
    return written


_WIDTHS = {DATE: 12, WHOLE: 10, NUMBER: 12, YES_NO: 8, TEXT: 18}


def header_width(text: str) -> int:
    """A header's width in Excel's character units: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _size_columns(sheet: Any, kind: ff.FileKind, header: list[str], types: list[str]) -> None:
    # Date cells get openpyxl's yyyy-mm-dd format from their value; only widths here.
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    columns = zip(kind.headers, header, types, strict=True)
    for index, (name, shown, kind_of_cell) in enumerate(columns, start=1):
        width = max(header_width(shown) + 2, _WIDTHS[kind_of_cell])
        if name in ("name", "notes", "contact"):
            width = 30
        sheet.column_dimensions[get_column_letter(index)].width = width
