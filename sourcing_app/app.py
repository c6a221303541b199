"""Composition root of the desktop app: database → services → main window (docs/architecture.md).

Nothing happens at import time; Qt and the database are touched only when
`run_desktop` is called.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sourcing_app.config import database_label

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget
    from sqlalchemy import Engine

    from sourcing_app.errors import ProgressCallback
    from sourcing_app.ui.shell.main_window import MainWindow

EXIT_OK = 0
EXIT_FAILED = 1

DEMO_SUPPLIERS = 200
DEMO_LINES = 30_000
DEMO_SEED = 20261127


def window_label(url: str, *, demo: bool = False) -> str:
    """The database as the window names it: its path, and "(demo portfolio)" for the demo."""
    from sourcing_app.i18n import _

    label = database_label(url)
    return _("{database} (demo portfolio)").format(database=label) if demo else label


def run_desktop(url: str, *, demo: bool = False) -> int:
    """Paint the window, open the database (asking the buyer when it can't be), then score.

    docs/performance.md: the window paints before sqlmodel is imported or the
    database opened; the screens and the first scoring run come after.
    """
    from PySide6.QtWidgets import QApplication

    from sourcing_app.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_qt_translations(app)  # type: ignore[arg-type]
    apply_style(app)  # type: ignore[arg-type]
    label = window_label(url, demo=demo)
    window = MainWindow(label, chrome=False)
    window.show()
    _mark("first-paint")
    window.build_chrome()
    url = _confirmed_new_file(url, window, demo=demo)
    engine = open_database(url, window) if url else None
    if engine is None:
        window.close()
        return EXIT_FAILED
    try:
        build_main_window(engine, url, demo=demo, window=window, extras=False, defer_hidden=True)
        window.workspace.score_cache = _score_cache(url)  # type: ignore[union-attr]
        _probe_data_on_screen(window)
        _when_data_is_on_screen(window, lambda: _install_extras(window))
        window.show_cached_scores()
        start_scoring(window, demo=demo)
        return int(app.exec())
    finally:
        if window.workspace is not None:
            window.workspace.wait_for_tasks()
        engine.dispose()


# The rest of the workspace goes in at the latest this long after the start,
# even if no data has reached the screen by then (an empty database, say).
EXTRAS_AT_THE_LATEST_MS = 2_000
# How long a thread running Python keeps the GIL while another waits for it (Python's
# default is 5 ms). Painting a table calls into Python for every cell; with a worker
# running Python, each cell's call waited up to the full interval, so painting the
# supplier table took 0.5 s instead of 40 ms. At 1 ms it takes about 0.13 s. Threads
# that do not compete pay nothing (docs/performance.md).
SWITCH_INTERVAL_S = 0.001


def _install_extras(window: MainWindow) -> None:
    """Purchases, Planning, Settings, the audit trail, imports, reports and rates.

    Built in one go they held the UI thread for over half a second, most of it
    importing modules (the ORM models among them). A worker imports those
    first; then the screens and menus are built one per turn of the event loop.
    """
    if getattr(window, "extras_installed", False) or window.workspace is None:
        return
    window.extras_installed = True  # type: ignore[attr-defined]
    from sourcing_app.ui.shell import extensions

    workspace = window.workspace

    def build() -> None:
        steps = [
            *(
                lambda key=key: window.build_deferred_screen(key)
                for key in window.deferred_screens()
            ),
            *extensions.install_steps(window),
        ]
        _run_one_per_turn(steps)

    job: list[int] = []

    def ended(finished: int, _outcome: object) -> None:
        if finished in job:  # it ends once, in either signal
            build()

    # Listen before starting: with the modules already imported the worker can
    # finish, and signal, before the next line here would run.
    workspace.runner.succeeded.connect(ended)
    workspace.runner.failed.connect(ended)
    job.append(workspace.runner.start(_import_all))


def _import_all() -> None:
    import importlib

    from sourcing_app.ui.shell.extensions import MODULES

    for name in MODULES:
        importlib.import_module(name)


def _run_one_per_turn(steps: list[Callable[[], None]]) -> None:
    from PySide6.QtCore import QTimer

    if steps:
        steps[0]()
        QTimer.singleShot(0, lambda: _run_one_per_turn(steps[1:]))


def _when_data_is_on_screen(window: MainWindow, then: Callable[[], None]) -> None:
    """Run `then` once the screen in front shows data: the buyer sees figures first.

    The other screens and menus cost a few hundred milliseconds to build; the
    cold-start bar (docs/performance.md) is for data on screen.
    """
    from PySide6.QtCore import QTimer

    def soon(*_args: object) -> None:
        QTimer.singleShot(0, then)

    key = window.current_screen_key()
    screen = window.screen(key) if key is not None else None
    for name in ("figures_shown", "rows_shown", "brands_shown"):
        signal = getattr(screen, name, None)
        if signal is not None:
            signal.connect(soon)
            break
    window.scores_shown.connect(soon)
    QTimer.singleShot(EXTRAS_AT_THE_LATEST_MS, then)


def _score_cache(url: str):  # type: ignore[no-untyped-def]
    import platformdirs

    from sourcing_app.config import APP_AUTHOR, APP_NAME
    from sourcing_app.services.score_cache import ScoreCache

    folder = Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))
    return ScoreCache.for_database(folder, url)


def _mark(event: str) -> None:
    """Tell the cold-start benchmark when a milestone is reached (tests/benchmarks)."""
    import os

    if os.environ.get("SOURCING_STARTUP_PROBE"):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()  # the paint itself, before the clock is read
        import time

        print(f"startup {event} {time.time():.6f}", flush=True)


def _probe_data_on_screen(window: MainWindow) -> None:
    """For the cold-start benchmark: mark when the screen in front first shows data."""
    import os

    probe = os.environ.get("SOURCING_STARTUP_PROBE")
    key = window.current_screen_key()
    if not probe or key is None:
        return
    screen = window.screen(key)
    done = False

    def shown(*args: object) -> None:
        nonlocal done
        if done or (args and args[0] == 0):
            return  # an empty table is not data on screen
        done = True
        _mark("data-on-screen")
        if probe == "quit":
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            # Once the event loop runs: the data may be on screen before app.exec().
            QTimer.singleShot(0, lambda: (window.close(), QApplication.quit()))

    for name in ("figures_shown", "rows_shown", "brands_shown"):
        signal = getattr(screen, name, None)
        if signal is not None:
            signal.connect(shown)
            return
    window.scores_shown.connect(shown)


def install_qt_translations(app: QApplication) -> None:
    """Qt's own dialogs (file pickers, message box buttons) in the reader's language.

    The desk's own words come from sourcing_app.i18n; Qt's come from the
    qtbase catalog shipped in the PySide6 wheel. English needs neither.
    """
    from sourcing_app import i18n

    if not i18n.is_chinese():
        return
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)


def apply_style(app: QApplication) -> None:
    """The app's restrained style sheet from resources/ (one place resolves resources)."""
    from sourcing_app.resources import folder

    try:
        sheet = (folder() / "style.qss").read_text(encoding="utf-8")
    except OSError:
        return  # an unstyled window still works
    # A style sheet's url() is read from the working folder: point it at ours.
    app.setStyleSheet(sheet.replace("url(icons/", f"url({(folder() / 'icons').as_posix()}/"))


def _confirmed_new_file(url: str, parent: QWidget | None, *, demo: bool = False) -> str | None:
    """The URL to open; a SQLite file that is not there yet is created only when the
    buyer says so (docs/bad-input.md), except the default and demo files on first run."""
    from sourcing_app.config import default_db_url, sqlite_path, sqlite_url

    path = sqlite_path(url)
    if path is None or path.exists() or demo or url == default_db_url():
        return url
    from sourcing_app.ui.dialogs.database_problem import ask_to_create

    chosen = ask_to_create(path, parent)
    if chosen is None:
        return None
    return url if chosen == path else sqlite_url(chosen)


def open_database(url: str, parent: QWidget | None = None) -> Engine | None:
    """prepare_database, or the buyer's answer to what went wrong; None means quit."""
    import sqlite3

    from sourcing_app.db.migrate import DatabaseProblem, prepare_database, restore_backup
    from sourcing_app.errors import CannotFinish
    from sourcing_app.ui.dialogs.database_problem import (
        ProblemChoice,
        ask_about_problem,
        confirm_restore,
        report_restore_failure,
    )

    while True:
        try:
            return prepare_database(url)
        except DatabaseProblem as problem:
            choice = ask_about_problem(problem, parent)
            if choice is ProblemChoice.QUIT:
                return None
            backup = problem.backup_path
            if choice is ProblemChoice.OPEN_BACKUP and backup and confirm_restore(problem, parent):
                try:
                    restore_backup(url, backup)
                except (OSError, sqlite3.Error, CannotFinish) as error:
                    report_restore_failure(str(error), parent)


def build_main_window(
    engine: Engine,
    url: str,
    *,
    demo: bool = False,
    window: MainWindow | None = None,
    settings: QSettings | None = None,
    extras: bool = True,
    defer_hidden: bool = False,
) -> MainWindow:
    """The workspace over `engine`, attached to a (new or already painted) main window."""
    from sourcing_app.ui.shell.main_window import MainWindow
    from sourcing_app.ui.shell.workspace import Workspace

    label = window_label(url, demo=demo)
    if window is None:
        window = MainWindow(label, settings=settings)
    workspace = Workspace(engine, label, window)
    window.attach(workspace, defer_hidden=defer_hidden)
    if extras:
        from sourcing_app.ui.shell.extensions import install

        install(window)
    window.demo_pending = demo and _holds_no_suppliers(engine)  # type: ignore[attr-defined]
    # The window, its screens and every module loaded so far live as long as the
    # desk: frozen, no collection walks them again. A full collection soon after
    # the first paint held the GIL for 50 to 90 ms and stalled the window. The
    # workspace freezes each scoring run's objects the same way (Workspace.score_everyone).
    gc.collect(1)
    gc.freeze()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return window


def start_scoring(window: MainWindow, *, demo: bool = False, as_of: dt.date | None = None) -> int:
    """The first scoring run; on an empty demo database, build the demo portfolio first."""
    engine = window.workspace.engine if window.workspace else None
    if not (demo and getattr(window, "demo_pending", False)) or engine is None:
        return window.rescore(as_of)

    def build_first(progress: ProgressCallback) -> None:
        from sourcing_app.i18n import _
        from sourcing_app.services.demo import build_demo

        progress(0, 0, _("Building the demo portfolio (first start only)…"))
        build_demo(
            engine, suppliers=DEMO_SUPPLIERS, lines=DEMO_LINES, seed=DEMO_SEED,
            as_of=dt.date.today(),
        )  # fmt: skip
        window.demo_pending = False  # type: ignore[attr-defined]

    return window.rescore(as_of, before=build_first)


def _holds_no_suppliers(engine: Engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM supplier LIMIT 1")).first() is None
