"""Headless commands over the same services the desktop uses (docs/files-and-commands.md).

Exit codes: 0 done, 2 bad input (nothing changed), 1 the database or the
machine would not let us finish. No traceback reaches the user: unexpected
errors are written to a log file and summarised in one line.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from sourcing_app.errors import BadInput, CannotFinish

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
# What a shell reports for a Unix tool whose reader went away (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 128 + 13


class UsageError(Exception):
    """Bad input on the command line: reported in one line, exit 2."""


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in YYYY-MM-DD form") from None


def build_parser() -> argparse.ArgumentParser:
    from sourcing_app.services.file_formats import FILE_KINDS

    parser = argparse.ArgumentParser(
        prog="sourcing-app",
        description="Sourcing desk: score cross-border suppliers on margin and supply stability.",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file path (default: SOURCING_DB_URL, "
        "else the embedded SQLite file in your data directory)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo database (created on first use) instead of your own",
    )
    parser.add_argument(
        "--lang",
        choices=["zh_CN", "en"],
        help="the language to read in (default: the one chosen in Settings, "
        "else the system's); JSON and CSV output never change with it",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = commands.add_parser("import", help="import a CSV or XLSX file, all or nothing")
    imp.add_argument("kind", choices=list(FILE_KINDS), metavar="KIND", help=", ".join(FILE_KINDS))
    imp.add_argument("file", help="the .csv or .xlsx file")
    imp.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    imp.add_argument(
        "--as-of",
        type=_iso_date,
        help="evaluation date of the standings that purchase lines are checked against "
        "(default: today)",
    )

    score = commands.add_parser("score", help="score every supplier")
    score.add_argument("--as-of", type=_iso_date, help="evaluation date (default: today)")
    score.add_argument("--format", choices=["table", "csv", "json"], default="table")

    demo = commands.add_parser("demo", help="fill the database with the seeded demo portfolio")
    demo.add_argument("--suppliers", type=int, default=200)
    demo.add_argument("--lines", type=int, default=30_000)
    demo.add_argument("--seed", type=int, default=20261127)
    demo.add_argument(
        "--as-of", type=_iso_date, help="last day of the demo history (default: today)"
    )

    from sourcing_app.commands import register_all

    register_all(commands)
    return parser


def _desktop_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """`--db` and `--demo` alone open the desktop: read them without the command parser.

    The full parser imports every command's module (a third of a second of
    SQLAlchemy and more), which the window's first paint does not wait for
    (docs/performance.md). Anything else — a command, --help, a typo — goes
    to the full parser and its messages.
    """
    quick = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    quick.add_argument("--db")
    quick.add_argument("--demo", action="store_true")
    quick.add_argument("--lang", choices=["zh_CN", "en"])
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            args, rest = quick.parse_known_args(list(argv))
    except SystemExit:
        return None
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    _choose_language(argv)
    args = _desktop_arguments(argv)
    if args is None:
        parser = build_parser()
        try:
            # argparse writes usage and errors to sys.stdout/stderr; send them to our streams.
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                args = parser.parse_args(list(argv))
        except SystemExit as exit_:
            return EXIT_OK if exit_.code in (0, None) else EXIT_BAD_INPUT
    try:
        code = _run(args, out, err)
        # Flush here, not at interpreter exit, so that a closed pipe is caught below.
        out.flush()
        return code
    except BrokenPipeError:
        # `sourcing-app score | head`: the reader has all it wanted. Like every
        # Unix tool, stop quietly: no message, nothing in error.log.
        silence_stdout()
        return EXIT_BROKEN_PIPE
    except (UsageError, BadInput) as exc:
        print(f"sourcing-app: {exc}", file=err)
        return EXIT_BAD_INPUT
    except CannotFinish as exc:
        print(f"sourcing-app: {exc}", file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("sourcing-app: interrupted; nothing was changed by the unfinished step", file=err)
        return EXIT_FAILED
    except Exception as exc:  # the last line of defence: no traceback for the user
        from sourcing_app.db.migrate import DatabaseProblem
        from sourcing_app.services.importing import ImportFailure

        if isinstance(exc, DatabaseProblem | ImportFailure):
            print(f"sourcing-app: {exc}", file=err)
            return EXIT_FAILED
        log = _log_unexpected(exc)
        print(f"sourcing-app: unexpected error: {exc}. Details were written to {log}", file=err)
        return EXIT_FAILED


def _choose_language(argv: Sequence[str]) -> None:
    """Install the reader's language before any text is made, --help included.

    `--lang` wins for this run, then the choice saved from Settings, then the
    system locale (read from the environment: a zh_CN.UTF-8 machine without
    locale files still gets Chinese). The desktop remembers a `--lang` it was
    started with; a command's `--lang` is for that command only.
    """
    from sourcing_app import i18n
    from sourcing_app.config import saved_language

    explicit = None
    for index, word in enumerate(argv):
        if word == "--lang" and index + 1 < len(argv):
            explicit = argv[index + 1]
        elif word.startswith("--lang="):
            explicit = word.split("=", 1)[1]
    i18n.install(i18n.choose_language(explicit, saved_language()))


def silence_stdout() -> None:
    """Point standard output at the null device once its reader has gone.

    Python flushes sys.stdout again at exit; with the pipe closed that flush
    would print "Exception ignored ... BrokenPipeError" (the Python docs' "Note
    on SIGPIPE"). Whatever is still buffered goes nowhere instead.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # no real stdout (a test's stream, or already closed): nothing to flush


def _log_unexpected(exc: BaseException) -> str:
    import traceback

    from sourcing_app.config import user_data_dir

    path = user_data_dir() / "error.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "(the log could not be written)"
    return str(path)


def _remember_language(language: str, err: TextIO) -> None:
    from sourcing_app.config import save_language

    try:
        save_language(language)
    except CannotFinish as exc:  # the desk still opens, in the language asked for
        print(f"sourcing-app: {exc}", file=err)


def _db_url(args: argparse.Namespace) -> str:
    from sourcing_app.config import demo_db_url, resolve_db_url

    if args.demo and not args.db:
        return demo_db_url()
    return resolve_db_url(args.db)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command is None:
        from sourcing_app.app import run_desktop

        if args.lang:
            _remember_language(args.lang, err)
        return run_desktop(_db_url(args), demo=args.demo)

    from sourcing_app.db.migrate import prepare_database

    engine = prepare_database(_db_url(args))
    try:
        if args.command == "import":
            return _cmd_import(engine, args, out, err)
        if args.command == "score":
            return _cmd_score(engine, args, out)
        if args.command == "demo":
            return _cmd_demo(engine, args, out)
        run = getattr(args, "run", None)
        if run is not None:
            return int(run(engine, args, out, err))
    finally:
        engine.dispose()
    raise UsageError(f"unknown command {args.command}")


def _cmd_import(engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # type: ignore[no-untyped-def]
    from sourcing_app.services.importing import Standings, import_file

    standings = None
    if args.kind == "purchases":
        # Standings act on imports too (docs/standings-and-flags.md): a real scoring
        # run says who stands at Watch or Avoid before the lines go in.
        from sourcing_app.services.scoring import ScoringService

        as_of = args.as_of or dt.date.today()
        standings = Standings.from_scores(ScoringService(engine).score_all(as_of), as_of)
    result = import_file(engine, args.kind, args.file, dry_run=args.dry_run, standings=standings)
    if result.problems:
        for problem in result.problems:
            print(str(problem), file=err)
        print(
            f"{len(result.problems)} problem(s) in {args.file}; nothing was imported.",
            file=err,
        )
        return EXIT_BAD_INPUT
    # The wizard's words: a re-imported file reads "0 added, 0 changed, 30 unchanged".
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {result.rows} {args.kind} row(s): {result.summary()}.", file=out)
    for words in result.standing_words():
        print(words, file=out)
    return EXIT_OK


def _cmd_score(engine, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from sourcing_app.services.score_output import write_scores
    from sourcing_app.services.scoring import ScoringService

    as_of = args.as_of or dt.date.today()
    scores = ScoringService(engine).score_all(as_of)
    write_scores(scores, args.format, out)
    return EXIT_OK


def _cmd_demo(engine, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from sourcing_app.services.demo import build_demo

    if args.suppliers < 1 or args.lines < 0:
        raise UsageError("--suppliers must be at least 1 and --lines at least 0")
    try:
        summary = build_demo(
            engine,
            suppliers=args.suppliers,
            lines=args.lines,
            seed=args.seed,
            as_of=args.as_of or dt.date.today(),
        )
    except ValueError as exc:  # e.g. the database already holds a buyer's data
        raise UsageError(str(exc)) from None
    print(str(summary), file=out)
    return EXIT_OK
