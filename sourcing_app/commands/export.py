"""`sourcing-app export KIND FILE`: a kind's stored rows as .csv or .xlsx.

The columns are those of docs/files-and-commands.md, headed by their English
names or, with `--headers zh`, by their Chinese ones; the cells are the same.

`KIND` may also be `all` with a folder for FILE: one file per kind, named
`<kind>.csv` (or .xlsx with --xlsx), in the order they import back.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.errors import BadInput
from sourcing_app.i18n import _
from sourcing_app.services.column_names import ENGLISH_HEADERS, HEADER_LANGUAGES
from sourcing_app.services.file_formats import IMPORT_ORDER, kind_words


def add_headers_option(parser: argparse.ArgumentParser) -> None:
    """`--headers en|zh`: the column names a written file is headed with."""
    parser.add_argument(
        "--headers",
        choices=HEADER_LANGUAGES,
        default=ENGLISH_HEADERS,
        help=_(
            "the column names to write: en (English, the default) or zh (Chinese); "
            "the importer reads both"
        ),
    )


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export",
        help=_("export a kind's rows as .csv or .xlsx (the import formats)"),
        description=_(
            "Write every stored row of KIND to FILE, in the format `import` reads. "
            "The extension picks the format: .csv (UTF-8) or .xlsx. KIND 'all' writes one file "
            "per kind into the folder FILE."
        ),
    )
    parser.add_argument(
        "kind", choices=[*IMPORT_ORDER, "all"], metavar="KIND", help=", ".join(IMPORT_ORDER)
    )
    parser.add_argument("file", help=_("the .csv or .xlsx file to write (a folder for 'all')"))
    parser.add_argument("--xlsx", action="store_true", help=_("with 'all': write .xlsx files"))
    add_headers_option(parser)
    parser.set_defaults(run=run)


def _exported(rows: int, kind: str, path: object) -> str:
    # Translators: {kind} is the file kind as typed (suppliers, purchases, …).
    return _("exported {count} {kind} row(s) to {file}").format(
        count=rows, kind=kind_words(kind), file=path
    )


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services.exporting import export_table

    if args.kind == "all":
        folder = Path(args.file)
        if not folder.is_dir():
            raise BadInput(
                _("'{folder}' is not a folder; 'export all' writes one file per kind").format(
                    folder=folder
                )
            )
        suffix = ".xlsx" if args.xlsx else ".csv"
        for kind in IMPORT_ORDER:
            path = folder / f"{kind}{suffix}"
            rows = export_table(engine, kind, path, headers=args.headers)
            print(_exported(rows, kind, path), file=out)
        return 0
    rows = export_table(engine, args.kind, args.file, headers=args.headers)
    print(_exported(rows, args.kind, args.file), file=out)
    return 0
