"""`sourcing-app report supplier CODE FILE.pdf` and `report brand NAME FILE.pdf` (A4 PDF).

Works headless: without a display, Qt draws offscreen (set inside this
command only, so the desktop and other commands are untouched).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.errors import BadInput


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date in YYYY-MM-DD form") from None


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("report", help="write a supplier or brand report as an A4 PDF")
    kinds = parser.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    supplier = kinds.add_parser("supplier", help="a supplier's evaluation report")
    supplier.add_argument("code", help="the supplier's code")
    brand = kinds.add_parser("brand", help="a brand's channels side by side")
    brand.add_argument("name", help="the brand's name (quote it if it has spaces)")
    for sub in (supplier, brand):
        sub.add_argument("file", help="the .pdf file to write")
        sub.add_argument("--as-of", type=_date, help="evaluation date (default: today)")
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = Path(args.file)
    if path.suffix.lower() != ".pdf":
        raise BadInput(f"'{path.name}' is not a .pdf file name; reports are written as PDF")
    if not path.parent.is_dir():
        raise BadInput(f"the folder {path.parent} does not exist")
    from sourcing_app.reports.pdf import ensure_gui

    ensure_gui()  # offscreen when there is no display
    from sourcing_app.reports import write_brand_report, write_supplier_report

    as_of = args.as_of or dt.date.today()
    if args.report_kind == "supplier":
        pages = write_supplier_report(engine, args.code, path, as_of)
        what = f"supplier {args.code}"
    else:
        pages = write_brand_report(engine, args.name, path, as_of)
        what = f"brand {args.name}"
    unit = "page" if pages == 1 else "pages"
    print(
        f"wrote the report on {what} as of {as_of.isoformat()} to {path} ({pages} {unit}).",
        file=out,
    )
    return 0
