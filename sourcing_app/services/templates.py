"""Blank templates: the header of a file kind and one example row (docs/files-and-commands.md).

The example rows fit together (the quote's supplier and SKU are the ones the
other templates create), so a buyer who fills the templates in IMPORT_ORDER
sees every reference resolve. An .xlsx template carries a second sheet that
says, per column, whether it is required, what it holds and its default; the
importer reads only the first sheet. The headers are English or, with
`headers="zh"`, the Chinese column names; the second sheet is in the reader's
language and names each column as the first sheet heads it.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from sourcing_app.atomic import atomic_file
from sourcing_app.errors import BadInput
from sourcing_app.i18n import N_, _
from sourcing_app.services.column_names import ENGLISH_HEADERS, check_headers, headers_of
from sourcing_app.services.exporting import (
    DATE,
    NUMBER,
    TEXT,
    WHOLE,
    YES_NO,
    column_type,
    file_format,
    header_width,
)
from sourcing_app.services.file_formats import FILE_KINDS, IMPORT_ORDER
from sourcing_app.services.output_values import neutral

EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    "tax-categories": {
        "name": "Cosmetics",
        "tariff": "0.05",
        "consumption_tax": "0.15",
        "vat": "0.13",
        "postal_rate": "0.50",
    },
    "suppliers": {
        "code": "TK01",
        "name": "Tokyo Beauty Trading",
        "country": "JP",
        "kind": "trader",
        "monthly_capacity": "5000",
        "contact": "sato@example.jp",
        "notes": "Osaka office",
    },
    "brands": {
        "name": "Shiseido",
        "origin_country": "JP",
        "category": "Cosmetics",
        "hot_selling": "true",
        "planned_monthly_demand": "1200",
        "target_retail_price": "399",
    },
    "products": {
        "sku": "SK-100",
        "brand": "Shiseido",
        "name": "Ultimune serum 50 ml",
        "tax_category": "Cosmetics",
        "retail_price": "399",
        "unit_weight_kg": "0.12",
    },
    "channels": {
        "supplier_code": "TK01",
        "brand": "Shiseido",
        "tier": "1",
        "authorization_ref": "SHI-AUTH-2026-014",
        "authorized_until": "2027-03-31",
        "contract_start": "2026-01-01",
        "contract_end": "",
        "exclusive": "false",
        "active": "true",
    },
    "quotes": {
        "supplier_code": "TK01",
        "sku": "SK-100",
        "unit_price": "4200",
        "currency": "JPY",
        "incoterm": "CIF",
        "min_qty": "1",
        "lead_time_days": "21",
        "freight_per_unit": "150",
        "insurance_per_unit": "20",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
    },
    "purchases": {
        "line_ref": "PO-1001",
        "supplier_code": "TK01",
        "sku": "SK-100",
        "order_date": "2026-01-05",
        "promised_date": "2026-01-26",
        "ordered_qty": "100",
        "unit_price": "4200",
        "currency": "JPY",
        "fx_rate": "0.048",
        "regime": "cbec",
    },
    "deliveries": {
        "line_ref": "PO-1001",
        "delivered_date": "2026-01-24",
        "delivered_qty": "100",
        "rejected_qty": "2",
        "clearance_days": "4",
    },
    # Of the 98 units accepted on PO-1001 (100 delivered, 2 rejected), after the delivery.
    "returns": {
        "line_ref": "PO-1001",
        "return_date": "2026-02-12",
        "returned_qty": "1",
        "reason": "damaged",
    },
    "fx-rates": {"currency": "JPY", "date": "2026-01-02", "rate_to_home": "0.048"},
}

# What a column holds, as the explanation sheet says it (translated when written).
_WHAT = {
    DATE: N_("a date, YYYY-MM-DD"),
    WHOLE: N_("a whole number"),
    NUMBER: N_("a number (rates as fractions: 0.13 for 13%)"),
    YES_NO: N_("true or false"),
}
_TEXT = N_("text")
# Coded columns that also take the glossary's Chinese words.
_CODED = {
    "kind": N_("text: a supplier kind, e.g. trader or 贸易商"),
    "regime": N_("text: cbec, general or postal (跨境电商, 一般贸易, 行邮)"),
    "reason": N_(
        "text: damaged, not_as_described, suspected_counterfeit, expired, late or other "
        "(破损, 与描述不符, 疑似假货, 过期, 延迟送达, 其他)"
    ),
}


def column_notes(kind: str, headers: str = ENGLISH_HEADERS) -> list[tuple[str, str, str, str]]:
    """(column, required or optional, what it holds, default when blank) for each column,
    in the reader's language; the column as the template heads it (`headers`)."""
    file_kind = FILE_KINDS[kind]
    names = headers_of(kind, file_kind.headers, headers)
    notes = []
    for column, name in zip(file_kind.columns, names, strict=True):
        kind_of_cell = column_type(column)
        what = _(_CODED.get(column.name) or _WHAT.get(kind_of_cell, _TEXT))
        if kind_of_cell == YES_NO:
            what = _("true or false (是 or 否)")
        if column.required:
            notes.append((name, _("required"), what, ""))
            continue
        default = column.default
        if default is None or default == "":
            shown = _("blank")
        elif isinstance(default, bool):
            shown = "true" if default else "false"
        elif hasattr(default, "value"):
            shown = str(default.value)
        else:
            shown = str(default)
        notes.append((name, _("optional"), what, shown))
    return notes


def write_template(kind: str, path: str | Path, *, headers: str = ENGLISH_HEADERS) -> None:
    """A blank template for `kind` at `path` (.csv or .xlsx): the header and one example row.

    `headers` "zh" writes the Chinese column names (column_names) instead of the English.
    """
    check_headers(headers)
    file_kind = FILE_KINDS.get(kind)
    if file_kind is None:
        raise BadInput(
            _("unknown file kind '{kind}'; use one of {kinds}").format(
                kind=kind, kinds=", ".join(IMPORT_ORDER)
            )
        )
    path = Path(path)
    fmt = file_format(path)
    if not path.parent.is_dir():
        raise BadInput(_("the folder {folder} does not exist").format(folder=path.parent))
    example = EXAMPLE_ROWS[kind]
    # Text cells as every file the desk writes holds them (output_values: CSV injection).
    row = [
        neutral(example.get(c.name, "")) if column_type(c) == TEXT else example.get(c.name, "")
        for c in file_kind.columns
    ]
    header = headers_of(kind, file_kind.headers, headers)
    with atomic_file(path) as temporary:
        if fmt == "csv":
            with open(temporary, "w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh, lineterminator="\n")
                out.writerow(header)
                out.writerow(row)
        else:
            _write_xlsx_template(kind, temporary, row, headers)


def _typed(kind: str, row: list[str]) -> list[Any]:
    """The example row as real Excel values: dates, numbers and booleans, not text."""
    values: list[Any] = []
    for column, cell in zip(FILE_KINDS[kind].columns, row, strict=True):
        kind_of_cell = column_type(column)
        if not cell:
            values.append(None)
        elif kind_of_cell == DATE:
            values.append(dt.date.fromisoformat(cell))
        elif kind_of_cell == WHOLE:
            values.append(int(cell))
        elif kind_of_cell == NUMBER:
            values.append(Decimal(cell))
        elif kind_of_cell == YES_NO:
            values.append(cell == "true")
        else:
            values.append(cell)
    return values


def _write_xlsx_template(kind: str, path: Path, row: list[str], headers: str) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    header = headers_of(kind, FILE_KINDS[kind].headers, headers)
    sheet.append(header)
    sheet.append(_typed(kind, row))
    bold = Font(bold=True)
    for index, name in enumerate(header, start=1):
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[get_column_letter(index)].width = max(header_width(name) + 2, 14)
    sheet.freeze_panes = "A2"
    # The explanation sheet is in the reader's language (the importer never reads it).
    notes = workbook.create_sheet(_("How to fill"))
    notes.append([_("column"), _("required?"), _("what it holds"), _("default when blank")])
    for cell in notes[1]:
        cell.font = bold
    for line in column_notes(kind, headers):
        notes.append(list(line))
    notes.append([])
    notes.append(
        [_("Line 1 holds the headers exactly as written; the example row may be replaced.")]
    )
    notes.append(
        [_("Only the first sheet is imported. Dates are YYYY-MM-DD; rates are fractions.")]
    )
    notes.append(
        [
            _(
                "Each column may be headed by its English or its Chinese name; "
                "yes/no columns also take 是 or 否."
            )
        ]
    )
    for letter, width in zip("ABCD", (22, 12, 44, 20), strict=True):
        notes.column_dimensions[letter].width = width
    workbook.save(path)
