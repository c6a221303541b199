"""`sourcing-app export KIND FILE`: a kind's stored rows as .csv or .xlsx.

The columns are those of docs/files-and-commands.md.

`KIND` may also be `all` with a folder for FILE: one file per kind, named
`<kind>.csv` (or .xlsx with --xlsx), in the order they import back.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.errors import BadInput
from sourcing_app.services.file_formats import IMPORT_ORDER


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export",
        help="export a kind's rows as .csv or .xlsx (the import formats)",
        description="Write every stored row of KIND to FILE, in the format `import` reads. "
        "The extension picks the format: .csv (UTF-8) or .xlsx. KIND 'all' writes one file "
        "per kind into the folder FILE.",
    )
    parser.add_argument(
        "kind", choices=[*IMPORT_ORDER, "all"], metavar="KIND", help=", ".join(IMPORT_ORDER)
    )
    parser.add_argument("file", help="the .csv or .xlsx file to write (a folder for 'all')")
    parser.add_argument("--xlsx", action="store_true", help="with 'all': write .xlsx files")
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services.exporting import export_table

    if args.kind == "all":
        folder = Path(args.file)
        if not folder.is_dir():
            raise BadInput(f"'{folder}' is not a folder; 'export all' writes one file per kind")
        suffix = ".xlsx" if args.xlsx else ".csv"
        for kind in IMPORT_ORDER:
            path = folder / f"{kind}{suffix}"
            rows = export_table(engine, kind, path)
            print(f"exported {rows} {kind} row(s) to {path}", file=out)
        return 0
    rows = export_table(engine, args.kind, args.file)
    print(f"exported {rows} {args.kind} row(s) to {args.file}", file=out)
    return 0
