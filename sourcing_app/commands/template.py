"""`sourcing-app template KIND FILE`: a blank file to fill in, with one example row."""

from __future__ import annotations

import argparse
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.commands.export import add_headers_option
from sourcing_app.i18n import _
from sourcing_app.services.file_formats import IMPORT_ORDER, kind_words


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "template",
        help=_("write a blank .csv or .xlsx template for a kind (header and one example row)"),
    )
    parser.add_argument(
        "kind", choices=list(IMPORT_ORDER), metavar="KIND", help=", ".join(IMPORT_ORDER)
    )
    parser.add_argument("file", help=_("the .csv or .xlsx file to write"))
    add_headers_option(parser)
    # A template is the same for every database: none is opened, so a mistyped
    # --db creates nothing (docs/bad-input.md).
    parser.set_defaults(run=run, needs_no_database=True)


def run(engine: Engine | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services.templates import write_template

    write_template(args.kind, args.file, headers=args.headers)
    print(
        _("wrote a blank {kind} template to {file}").format(
            kind=kind_words(args.kind), file=args.file
        ),
        file=out,
    )
    return 0
