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
import datetime as dt
import importlib
import pkgutil


def register_all(commands: argparse._SubParsersAction) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(commands)


def sentence_day(day: dt.date) -> str:
    """A date in a command's message: 2026-12-03 in English (as the commands always
    wrote it, and as it is typed), 2026年12月3日 in Chinese (GLOSSARY-zh.md)."""
    from sourcing_app.domain import formatting
    from sourcing_app.i18n import is_chinese

    return formatting.day(day) if is_chinese() else day.isoformat()
