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
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import N_, _, is_chinese, ngettext

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
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date in YYYY-MM-DD form").format(text=text)
        ) from None


# argparse writes its own words ("usage:", "positional arguments", "error: …")
# through the stdlib `gettext` functions it imported as its module globals `_`
# and `ngettext`, looking in the default text domain, which we never bind.
# Pointing those two globals at our catalog's functions is the one hook
# argparse offers short of copying its code: every message it makes is then
# looked up in sourcing.mo, in the language installed for this run (the
# lookup happens on every call, so a later `i18n.install` is honoured). In
# English the catalog is empty and argparse reads exactly as before. The
# msgids are argparse's own (Python 3.11+), listed here so the catalog check
# asks for their Chinese.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)


def _argparse_in_our_language() -> None:
    """Send argparse's own words through the desk's catalog (see ARGPARSE_WORDS)."""
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's layout; in Chinese, lines wrapped by terminal columns and headings ending in '：'.

    English help is argparse's own, unchanged.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        if not is_chinese():
            return super()._split_lines(text, width)
        from sourcing_app.services import text_cells

        return text_cells.wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if not is_chinese():
            return super()._fill_text(text, width, indent)
        from sourcing_app.services import text_cells

        lines = text_cells.wrap(" ".join(text.split()), width - len(indent))
        return "\n".join(indent + line for line in lines)

    def format_help(self) -> str:
        text = super().format_help()
        if is_chinese():
            # argparse ends each section heading ("位置参数") with an ASCII colon of its own.
            text = re.sub(r"(?m)^(\S.*[\u4e00-\u9fff]):$", "\\1：", text)
        return text


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose sub-commands' parsers, too, use `_HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    from sourcing_app.services.file_formats import FILE_KINDS

    _argparse_in_our_language()
    parser = _Parser(
        prog="sourcing-app",
        description=_(
            "Sourcing desk: score cross-border suppliers on margin and supply stability."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help=_(
            "database URL or SQLite file path (default: SOURCING_DB_URL, "
            "else the embedded SQLite file in your data directory)"
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open the demo database (created on first use) instead of your own"),
    )
    parser.add_argument(
        "--lang",
        choices=["zh_CN", "en"],
        help=_(
            "the language to read in (default: the one chosen in Settings, "
            "else the system's); JSON and CSV output never change with it"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    imp = commands.add_parser("import", help=_("import a CSV or XLSX file, all or nothing"))
    imp.add_argument("kind", choices=list(FILE_KINDS), metavar="KIND", help=_kinds_help(FILE_KINDS))
    imp.add_argument("file", help=_("the .csv or .xlsx file"))
    imp.add_argument("--dry-run", action="store_true", help=_("check the file, change nothing"))
    imp.add_argument(
        "--as-of",
        type=_iso_date,
        help=_(
            "evaluation date of the standings that purchase lines are checked against "
            "(default: today)"
        ),
    )

    score = commands.add_parser("score", help=_("score every supplier"))
    score.add_argument("--as-of", type=_iso_date, help=_("evaluation date (default: today)"))
    score.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help=_("table for reading, csv or json for scripts (the same in every language)"),
    )
    score.add_argument(
        "--history",
        action="store_true",
        help=_("each supplier's figures at the last month-ends and at the evaluation date"),
    )
    score.add_argument(
        "--months", help=_("with --history: how many month-ends, 1 to 60 (default: 12)")
    )

    demo = commands.add_parser("demo", help=_("fill the database with the seeded demo portfolio"))
    demo.add_argument("--suppliers", type=int, default=200, help=_("how many suppliers"))
    demo.add_argument("--lines", type=int, default=30_000, help=_("how many purchase lines"))
    demo.add_argument(
        "--seed",
        type=int,
        default=20261127,
        help=_("the random seed (the same seed, the same data)"),
    )
    demo.add_argument(
        "--as-of", type=_iso_date, help=_("last day of the demo history (default: today)")
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
        except Exception as exc:  # a help text argparse cannot format, say: no traceback
            return _unexpected(exc, err)
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
        print(_said(exc), file=err)
        return EXIT_BAD_INPUT
    except CannotFinish as exc:
        print(_said(exc), file=err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(
            _said(_("interrupted; nothing was changed by the unfinished step")),
            file=err,
        )
        return EXIT_FAILED
    except Exception as exc:  # the last line of defence: no traceback for the user
        from sourcing_app.db.migrate import DatabaseProblem
        from sourcing_app.services.importing import ImportFailure
        from sourcing_app.services.permissions import refusal_of

        refused = refusal_of(exc)  # the grants changed under us: words, not a traceback
        if refused is not None:
            print(_said(refused), file=err)
            return EXIT_FAILED
        if isinstance(exc, DatabaseProblem | ImportFailure):
            print(_said(exc), file=err)
            return EXIT_FAILED
        return _unexpected(exc, err)


def _unexpected(exc: Exception, err: TextIO) -> int:
    """One line for the user, the traceback in error.log."""
    log = _log_unexpected(exc)
    print(
        _said(
            _("unexpected error: {error}. Details were written to {log}").format(error=exc, log=log)
        ),
        file=err,
    )
    return EXIT_FAILED


def _said(message: object) -> str:
    """One line on standard error, after the program's name: 'sourcing-app: …'."""
    # Translators: a message of the command line, after the program's name.
    return _("sourcing-app: {message}").format(message=message)


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
        return _("(the log could not be written)")
    return str(path)


def _remember_language(language: str, err: TextIO) -> None:
    from sourcing_app.config import save_language

    try:
        save_language(language)
    except CannotFinish as exc:  # the desk still opens, in the language asked for
        print(_said(exc), file=err)


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

    if getattr(args, "opens_database_itself", False):  # restore: the database may be broken
        return int(args.run(_db_url(args), args, out, err))
    if getattr(args, "needs_no_database", False):  # template: a file of its own, nothing read
        return int(args.run(None, args, out, err))
    engine = prepare_database(_db_url(args), create=not _reads_only(args))
    try:
        from sourcing_app.commands.team import refuse_if_not_allowed

        refuse_if_not_allowed(engine, args)  # team mode: refused in words before any work
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
    raise UsageError(_("unknown command {command}").format(command=args.command))


# Commands that only read: pointed at a file that is not there, they create nothing.
_READ_ONLY = frozenset({"score", "plan", "export", "report", "backup"})
_READ_ONLY_ACTIONS = frozenset({("rates", "list"), ("scenario", "run"), ("scenario", "list")})


def _reads_only(args: argparse.Namespace) -> bool:
    """docs/bad-input.md: a typo is not a new database."""
    action = getattr(args, "rates_action", None) or getattr(args, "scenario_action", None)
    return args.command in _READ_ONLY or (args.command, action) in _READ_ONLY_ACTIONS


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
            _("{count} problem(s) in {file}; nothing was imported.").format(
                count=len(result.problems), file=args.file
            ),
            file=err,
        )
        return EXIT_BAD_INPUT
    # The wizard's words: a re-imported file reads "0 added, 0 changed, 30 unchanged".
    if args.dry_run:
        # Translators: {kind} is the file kind as typed (suppliers, purchases, …).
        template = _("would import {count} {kind} row(s): {summary}.")
    else:
        template = _("imported {count} {kind} row(s): {summary}.")
    print(
        template.format(count=result.rows, kind=_kind_words(args.kind), summary=result.summary()),
        file=out,
    )
    for words in result.standing_words():
        print(words, file=out)
    return EXIT_OK


def _cmd_score(engine, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from sourcing_app.services.score_output import write_scores
    from sourcing_app.services.scoring import ScoringService

    as_of = args.as_of or dt.date.today()
    if args.history or args.months is not None:
        from sourcing_app.services.history_output import run_history

        run_history(engine, as_of, args.months, args.format, out)
        return EXIT_OK
    scores = ScoringService(engine).score_all(as_of)
    write_scores(scores, args.format, out)
    return EXIT_OK


def _cmd_demo(engine, args: argparse.Namespace, out: TextIO) -> int:  # type: ignore[no-untyped-def]
    from sourcing_app.services.demo import build_demo

    if args.suppliers < 1 or args.lines < 0:
        raise UsageError(_("--suppliers must be at least 1 and --lines at least 0"))
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


def _kinds_help(kinds: Sequence[str]) -> str:
    """The kinds as typed; in Chinese each with its name: 'suppliers（供应商）'."""
    if not is_chinese():
        return ", ".join(kinds)
    return "、".join(f"{kind}（{_kind_words(kind)}）" for kind in kinds)


def _kind_words(kind: str) -> str:
    """The file kind as the reader names it: 'suppliers' in English, 供应商 in Chinese."""
    from sourcing_app.services.file_formats import KIND_LABELS

    if not is_chinese():
        return kind  # as typed on the command line
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind
