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

from sourcing_app.commands import sentence_day
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, ngettext


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date in YYYY-MM-DD form").format(text=value)
        ) from None


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("report", help=_("write a supplier or brand report as an A4 PDF"))
    kinds = parser.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    supplier = kinds.add_parser("supplier", help=_("a supplier's evaluation report"))
    supplier.add_argument("code", help=_("the supplier's code"))
    brand = kinds.add_parser("brand", help=_("a brand's channels side by side"))
    brand.add_argument("name", help=_("the brand's name (quote it if it has spaces)"))
    for sub in (supplier, brand):
        sub.add_argument("file", help=_("the .pdf file to write"))
        sub.add_argument("--as-of", type=_date, help=_("evaluation date (default: today)"))
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = Path(args.file)
    if path.suffix.lower() != ".pdf":
        raise BadInput(
            _("'{name}' is not a .pdf file name; reports are written as PDF").format(name=path.name)
        )
    if not path.parent.is_dir():
        raise BadInput(_("the folder {folder} does not exist").format(folder=path.parent))
    from sourcing_app.reports.pdf import ensure_gui

    ensure_gui()  # offscreen when there is no display
    from sourcing_app.reports import write_brand_report, write_supplier_report

    as_of = args.as_of or dt.date.today()
    if args.report_kind == "supplier":
        pages = write_supplier_report(engine, args.code, path, as_of)
        words = ngettext(
            "wrote the report on supplier {name} as of {day} to {path} ({pages} page).",
            "wrote the report on supplier {name} as of {day} to {path} ({pages} pages).",
            pages,
        )
        name = args.code
    else:
        pages = write_brand_report(engine, args.name, path, as_of)
        words = ngettext(
            "wrote the report on brand {name} as of {day} to {path} ({pages} page).",
            "wrote the report on brand {name} as of {day} to {path} ({pages} pages).",
            pages,
        )
        name = args.name
    print(words.format(name=name, day=sentence_day(as_of), path=path, pages=pages), file=out)
    return 0
