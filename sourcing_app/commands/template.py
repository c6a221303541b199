"""`sourcing-app template KIND FILE`: a blank file to fill in, with one example row."""

from __future__ import annotations

import argparse
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.services.file_formats import IMPORT_ORDER


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "template",
        help="write a blank .csv or .xlsx template for a kind (header and one example row)",
    )
    parser.add_argument(
        "kind", choices=list(IMPORT_ORDER), metavar="KIND", help=", ".join(IMPORT_ORDER)
    )
    parser.add_argument("file", help="the .csv or .xlsx file to write")
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services.templates import write_template

    write_template(args.kind, args.file)
    print(f"wrote a blank {args.kind} template to {args.file}", file=out)
    return 0
