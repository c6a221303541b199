"""The desktop's own arguments are read without building the command parser."""

from __future__ import annotations

from sourcing_app.cli import _desktop_arguments


def test_db_and_demo_alone_open_the_desktop() -> None:
    args = _desktop_arguments(["--db", "/tmp/x.sqlite", "--demo"])
    assert args is not None
    assert (args.command, args.db, args.demo) == (None, "/tmp/x.sqlite", True)
    assert _desktop_arguments([]).command is None


def test_anything_else_goes_to_the_full_parser() -> None:
    assert _desktop_arguments(["score"]) is None
    assert _desktop_arguments(["--help"]) is None
    assert _desktop_arguments(["--db"]) is None  # missing its value: the full parser says so
    assert _desktop_arguments(["--demo", "import", "suppliers", "x.csv"]) is None
