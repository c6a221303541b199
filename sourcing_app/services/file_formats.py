"""The exchange formats buyers import (docs/files-and-commands.md), and how a file is read.

This module is the public contract: the ten file kinds, their exact headers in
the documented order, which columns are required, how each cell is read, and
what a blank optional cell means. Headers may come in any order; an optional
column may be left out of the file altogether.

Reading: CSV in UTF-8, UTF-8 with BOM, GB18030 (what Chinese Excel saves) or
Windows-1252 (what Western-European Excel saves), and .xlsx workbooks (first
sheet). Either way the importer sees the same thing: a header and rows of text
cells with their spreadsheet line numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sourcing_app.domain.enums import Regime
from sourcing_app.i18n import N_, NP_, _, is_chinese

# The cell parsers live in `cell_reading`; they are part of this contract too,
# and callers name them through this module (file_formats.money, ...).
from sourcing_app.services.cell_reading import (  # noqa: F401
    POSTAL_RATES,
    CellError,
    CellParser,
    boolean,
    consumption_tax,
    country,
    currency,
    exchange_rate,
    fraction,
    incoterm,
    iso_date,
    money,
    postal_rate,
    regime,
    return_reason,
    supplier_kind,
    text,
    whole,
)
from sourcing_app.services.column_names import column_of

# --- the file kinds -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a file kind.

    A required column must be in the header and every row needs a value in it.
    An optional column may be missing from the header; a blank cell takes `default`.
    `small_domain` marks columns with few distinct values (dates, quantities,
    codes): the importer remembers each distinct cell's value instead of
    parsing it again on every row.
    """

    name: str
    parse: CellParser
    required: bool = False
    default: Any = None
    small_domain: bool = True


@dataclass(frozen=True)
class FileKind:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


def _req(name: str, parse: CellParser, *, small_domain: bool = True) -> Column:
    return Column(name, parse, required=True, small_domain=small_domain)


def _opt(name: str, parse: CellParser, default: Any = None, *, small_domain: bool = True) -> Column:
    return Column(name, parse, required=False, default=default, small_domain=small_domain)


def _name(name: str) -> Column:
    # Free text and keys with many distinct values: not worth remembering per cell.
    return _req(name, text, small_domain=False)


_QUANTITIES = NP_("what a column counts", "quantities")
_DAYS = NP_("what a column counts", "days")
_MINIMUM_QUANTITIES = NP_("what a column counts", "minimum quantities")

# Keyed in the order of docs/files-and-commands.md's table; see IMPORT_ORDER for the
# order in which files must go in so that references resolve.
FILE_KINDS: dict[str, FileKind] = {
    kind.name: kind
    for kind in (
        FileKind(
            "suppliers",
            (
                _name("code"),
                _name("name"),
                _opt("country", country, ""),
                _req("kind", supplier_kind),
                _opt("monthly_capacity", whole(NP_("what a column counts", "capacities")), None),
                _opt("contact", text, "", small_domain=False),
                _opt("notes", text, "", small_domain=False),
            ),
        ),
        FileKind(
            "brands",
            (
                _name("name"),
                _opt("origin_country", country, ""),
                _opt("category", text, ""),
                _opt("hot_selling", boolean, False),
                _opt("planned_monthly_demand", whole(_QUANTITIES), 0),
                _opt("target_retail_price", money, None),
            ),
        ),
        FileKind(
            "products",
            (
                _name("sku"),
                _req("brand", text),
                _name("name"),
                _req("tax_category", text),
                _req("retail_price", money),
                _opt("unit_weight_kg", money, None),
            ),
        ),
        FileKind(
            "tax-categories",
            (
                _name("name"),
                _opt("tariff", fraction, Decimal("0")),
                _opt("consumption_tax", consumption_tax, Decimal("0")),
                _opt("vat", fraction, Decimal("0.13")),
                _opt("postal_rate", postal_rate, Decimal("0.13")),
            ),
        ),
        FileKind(
            "channels",
            (
                _req("supplier_code", text),
                _req("brand", text),
                # No default: whether a channel is vertical hangs on its tier (docs/vocabulary.md).
                _req("tier", whole(NP_("what a column counts", "tiers"))),
                _opt("authorization_ref", text, "", small_domain=False),
                _opt("authorized_until", iso_date, None),
                _opt("contract_start", iso_date, None),
                _opt("contract_end", iso_date, None),
                _opt("exclusive", boolean, False),
                _opt("active", boolean, True),
            ),
        ),
        FileKind(
            "quotes",
            (
                _req("supplier_code", text),
                _req("sku", text),
                _req("unit_price", money),
                _req("currency", currency),
                _opt("incoterm", incoterm, ""),
                _opt(
                    "min_qty",
                    whole(_MINIMUM_QUANTITIES, minimum=1),
                    1,
                ),
                _opt("lead_time_days", whole(_DAYS), None),
                _opt("freight_per_unit", money, Decimal("0")),
                _opt("insurance_per_unit", money, Decimal("0")),
                # Blank: valid since always (a standing price list); a blank valid_to never ends.
                _opt("valid_from", iso_date, None),
                _opt("valid_to", iso_date, None),
            ),
        ),
        FileKind(
            "purchases",
            (
                _name("line_ref"),
                _req("supplier_code", text),
                _req("sku", text),
                _req("order_date", iso_date),
                _req("promised_date", iso_date),
                _req("ordered_qty", whole(_QUANTITIES)),
                _req("unit_price", money),
                _req("currency", currency),
                # Blank: taken from the stored rate on or before the order date.
                _opt("fx_rate", exchange_rate, None),
                _opt("regime", regime, Regime.CBEC),
            ),
        ),
        FileKind(
            "deliveries",
            (
                _name("line_ref"),
                _req("delivered_date", iso_date),
                _req("delivered_qty", whole(_QUANTITIES)),
                _opt("rejected_qty", whole(_QUANTITIES), 0),
                _opt("clearance_days", whole(_DAYS), None),
            ),
        ),
        FileKind(
            "returns",
            (
                _name("line_ref"),
                _req("return_date", iso_date),
                # At least one unit: a return of nothing is a typing slip, not a return.
                _req("returned_qty", whole(_QUANTITIES, minimum=1)),
                _req("reason", return_reason),
            ),
        ),
        FileKind(
            "fx-rates",
            (
                _req("currency", currency),
                _req("date", iso_date),
                _req("rate_to_home", exchange_rate),
            ),
        ),
    )
}

# References resolve against the database only, so files go in this order.
IMPORT_ORDER: tuple[str, ...] = (
    "tax-categories",
    "suppliers",
    "brands",
    "products",
    "channels",
    "quotes",
    "purchases",
    "deliveries",
    "returns",
    "fx-rates",
)


# --- reading a file ---------------------------------------------------------


class TableError(Exception):
    """The file cannot be read as a table, or stops being readable at `line`."""

    def __init__(self, reason: str, line: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


Rows = Iterator[tuple[int, list[str]]]


_SAVE_AS = N_("save it from Excel as 'CSV UTF-8 (comma delimited)' or as .xlsx")


def read_table(path: str | Path, *, keep_blank_rows: bool = False) -> tuple[list[str], Rows]:
    """The header and the data rows of a .csv or .xlsx file.

    Rows come as (line number, cells), numbered as a spreadsheet shows them:
    the header is line 1. Fully blank rows are skipped but keep their number.
    Cells are text; an .xlsx cell is turned into the text a CSV would hold.
    Raises TableError for a file that cannot be read at all; the row iterator
    raises TableError (csv.Error with keep_blank_rows) if the file turns
    unreadable part-way. If the rows have a close() method, call it when done.

    keep_blank_rows=True hands over CSV rows straight from csv.reader, blank
    ones included: a bulk importer spots them in its own slow path, and saves
    a Python-level step per row on a million-row file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, keep_blank_rows)
    if suffix == ".xls":
        raise TableError(
            _("old Excel .xls workbooks cannot be read; {advice}").format(advice=_(_SAVE_AS))
        )
    header, reader = _read_csv(path)
    if keep_blank_rows:
        return header, enumerate(reader, start=2)
    return header, _csv_rows(reader)


def read_header(path: str | Path) -> list[str]:
    """Just the header row, reading only the start of a CSV (the wizard guesses the kind
    from it as the buyer picks a file). TableError as for read_table."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        header, rows = read_table(path)
        close = getattr(rows, "close", None)
        if close is not None:
            close()
        return header
    try:
        with path.open("rb") as fh:
            start = fh.read(65_536)
            more = bool(fh.read(1))
    except OSError:
        _read_bytes(path)  # raises the same words read_table would
        raise
    if more and b"\n" in start:
        start = start[: start.rindex(b"\n") + 1]  # never cut a character in two
    content = decode_text(start).lstrip("\ufeff")
    try:
        first = next(csv.reader(io.StringIO(content, newline="")), None)
    except csv.Error as exc:
        raise TableError(_("the header cannot be read as CSV: {error}").format(error=exc)) from None
    return _clean_header(first)


def estimate_rows(path: str | Path) -> int:
    """About how many data rows the file holds, for a progress bar; 0 if unknown.

    A CSV counts its line breaks (quoted cells with breaks inside make it an
    overestimate); a workbook reads the size its sheet declares.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                rows = workbook.worksheets[0].max_row or 0
            finally:
                workbook.close()
            if rows <= 1:  # an unsized sheet (openpyxl's own write-only files): count rows
                rows = _count_sheet_rows(path)
            return max(0, rows - 1)
        data = path.read_bytes()
    except Exception:  # the import itself reports an unreadable file in words
        return 0
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(0, lines - 1)


def _count_sheet_rows(path: Path) -> int:
    """Rows in the first sheet's XML, read in chunks, for a workbook that does not say."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        if not names:
            return 0
        count = 0
        tail = b""
        with archive.open(names[0]) as sheet:
            while chunk := sheet.read(1 << 20):
                data = tail + chunk
                count += data.count(b"<row ")
                tail = data[-4:]  # a tag split across chunks is counted once
        return count


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TableError(_("the file {path} does not exist").format(path=path)) from None
    except IsADirectoryError:
        raise TableError(_("{path} is a folder, not a file").format(path=path)) from None
    except PermissionError:
        raise TableError(
            _("the file {path} cannot be read: permission denied").format(path=path)
        ) from None
    except OSError as exc:
        raise TableError(
            _("the file {path} cannot be read: {error}").format(
                path=path, error=exc.strerror or exc
            )
        ) from None


# The encodings a CSV is read in, as a buyer's spreadsheet names them.
READ_ENCODINGS = N_(
    "UTF-8 (with or without BOM), GB18030 (Chinese Excel) or Windows-1252 (Western Excel)"
)
# After UTF-8, the two encodings a buyer's Excel saves CSV in: Chinese and Western European.
_LEGACY_ENCODINGS = ("gb18030", "cp1252")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 or cp1252 as the bytes say; never mojibake.

    Almost any byte string decodes as GB18030 without error ("Müller" saved by
    Western Excel reads "M黮ler"), so a strict decode cannot choose between the
    two: `charset_normalizer`, limited to them, weighs which reading is text. A
    file neither reads cleanly, or both read equally well, is refused in words.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(
            _("the file is UTF-16 text (Excel's 'Unicode Text'); {advice}").format(
                advice=_(_SAVE_AS)
            )
        )
    if data.startswith(b"PK\x03\x04"):
        raise TableError(_("the file is an Excel workbook; give it the .xlsx extension"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    encoding = _legacy_encoding(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    raise TableError(
        _(
            "the text of the file is not clearly in one of the encodings read, "
            "{encodings}; {advice}"
        ).format(encodings=_(READ_ENCODINGS), advice=_(_SAVE_AS))
    )


def _legacy_encoding(data: bytes) -> str | None:
    """GB18030 or cp1252, whichever reads `data` as text; None when neither or both do."""
    from charset_normalizer import from_bytes

    readings = list(from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)))
    readings.sort(key=lambda m: (m.chaos, -m.coherence))
    if not readings:
        return None
    best = readings[0]
    if len(readings) > 1:
        runner_up = readings[1]
        if (best.chaos, best.coherence) == (runner_up.chaos, runner_up.coherence):
            return None  # the bytes read as well one way as the other: guessing would garble
    return str(best.encoding)


def _read_csv(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    # A GB18030 byte-order mark decodes to U+FEFF, which strip() keeps.
    content = decode_text(_read_bytes(path)).lstrip("\ufeff")
    # newline="" keeps line breaks inside quoted cells for the csv module.
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise TableError(_("the header cannot be read as CSV: {error}").format(error=exc)) from None
    return _clean_header(first), reader


def _csv_rows(reader: Iterator[list[str]]) -> Rows:
    # Count records, not physical lines: a cell with a line break inside is
    # still one spreadsheet row.
    line = 1
    try:
        for line, row in enumerate(reader, start=2):  # noqa: B007 (line is used after the loop)
            # Fast path: a first cell with something in it means the row is not blank.
            first = row[0] if row else ""
            if (first and not first.isspace()) or any(cell.strip() for cell in row):
                yield line, row
    except csv.Error as exc:
        raise TableError(_("cannot be read as CSV: {error}").format(error=exc), line + 1) from None


def _clean_header(first: list[str] | None) -> list[str]:
    if first is None:
        raise TableError(_("the file is empty; line 1 must hold the column headers"))
    header = [cell.strip() for cell in first]
    # Spreadsheets often leave empty cells after the last real header.
    while header and not header[-1]:
        header.pop()
    if not header:
        raise TableError(_("line 1 is blank; it must hold the column headers"))
    return header


def _read_xlsx(path: Path, keep_blank_rows: bool) -> tuple[list[str], Rows]:
    import zipfile

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    _read_bytes(path)  # the same clear messages as CSV for missing or unreadable files
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(
            _("the file cannot be read as an Excel workbook: {error}").format(error=exc)
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        header = _clean_header(None if first is None else [_cell_text(v) for v in first])
    except TableError:
        workbook.close()
        raise
    except Exception as exc:  # damaged sheet XML: openpyxl raises many kinds
        workbook.close()
        raise TableError(
            _("the file cannot be read as an Excel workbook: {error}").format(error=exc)
        ) from None
    return header, _SheetRows(workbook, rows, keep_blank_rows)


class _SheetRows:
    """A worksheet's data rows. A read-only workbook keeps its file open until
    closed, and a generator that never started would not run its `finally`."""

    def __init__(
        self, workbook: Any, rows: Iterator[tuple[Any, ...]], keep_blank_rows: bool
    ) -> None:
        self._workbook = workbook
        self._rows = self._text_rows(rows, keep_blank_rows)
        self._line = 1

    @staticmethod
    def _text_rows(
        rows: Iterator[tuple[Any, ...]], keep_blank_rows: bool
    ) -> Iterator[tuple[int, list[str]]]:
        # read_only sheets pad gaps with empty rows, so the count is the sheet's row number.
        for line, values in enumerate(rows, start=2):
            row = [_cell_text(v) for v in values]
            if keep_blank_rows or any(cell.strip() for cell in row):
                yield line, row

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        try:
            line, row = next(self._rows)
        except StopIteration:
            self.close()
            raise
        except Exception as exc:  # damaged sheet XML: openpyxl raises many kinds
            self.close()
            reason = _("the workbook cannot be read from here on: {error}").format(error=exc)
            raise TableError(reason, self._line + 1) from None
        self._line = line
        return line, row

    def close(self) -> None:
        self._workbook.close()


def _cell_text(value: Any) -> str:
    """The text a CSV export would hold for this cell, so one set of parsers serves both."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel stores numbers as doubles: 0.13 comes back as the double nearest
        # 0.13, and repr() gives its shortest form, "0.13", for Decimal to read.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def guess_kind(header: list[str]) -> str | None:
    """The file kind a header row most likely belongs to, or None if no kind fits.

    A kind fits when every one of its required columns is in the header and
    every header is one of its columns; among those, the one that explains
    the most columns wins (deliveries and purchases both start with line_ref).
    """
    given = [name.strip() for name in header if name.strip()]
    best: tuple[int, str] | None = None
    for kind in FILE_KINDS.values():
        # Each header by its English or Chinese name, read for this kind.
        names = {column_of(kind.name, name) or name for name in given}
        columns = set(kind.headers)
        if not set(kind.required) <= names or not names <= columns:
            continue
        score = len(names & columns)
        if best is None or score > best[0]:
            best = (score, kind.name)
    return None if best is None else best[1]


def kind_words(kind: str) -> str:
    """A file kind in a sentence: 'suppliers' (as typed) in English, 供应商 in Chinese."""
    if is_chinese() and kind in KIND_LABELS:
        return _(KIND_LABELS[kind])
    return kind


# How each kind of file is named to a person (the kind itself is the command-line word);
# marked here, translated where shown: _(KIND_LABELS[kind]).
KIND_LABELS = {
    "tax-categories": N_("Tax categories"),
    "suppliers": N_("Suppliers"),
    "brands": N_("Brands"),
    "products": N_("Products (SKUs)"),
    "channels": N_("Channels"),
    "quotes": N_("Quotes"),
    "purchases": N_("Purchase lines"),
    "deliveries": N_("Deliveries"),
    "returns": N_("Returns after sale"),
    "fx-rates": N_("Exchange rates"),
}
