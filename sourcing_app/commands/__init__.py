"""Command-line commands beyond the core ones, one module each.

Every module here defines:

    def register(commands: argparse._SubParsersAction) -> None

which adds its sub-parser(s) and sets `run=` on them with `set_defaults`:

    def run(engine: sqlalchemy.Engine, args: argparse.Namespace,
            out: TextIO, err: TextIO) -> int

`cli.py` discovers the modules, so adding a command never edits cli.py.
Raise `sourcing_app.errors.BadInput` (exit 2) or `CannotFinish` (exit 1)
with a message in words; never print a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil


def register_all(commands: argparse._SubParsersAction) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(commands)
