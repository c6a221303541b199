"""The main window: a sidebar of screens, the menus, and a status bar for long work.

The window paints before the database is opened or anything heavy is imported
(docs/performance.md, cold start), so this module imports Qt only; the
screens are imported when `attach` builds them.

Extension point for other screens and actions (the coordinator plugs them in):

    window.add_screen("purchases", _("Purchases"), PurchasesScreen(workspace))  # Ctrl+4
    window.add_action("Data", some_action)        # listed in the menu with its shortcut
    window.menu("Reports").addAction(...)          # a menu, made on first use

Menus are named by their English key ("Data"); what the buyer reads is the
translated title in MENU_TITLES (docs/vocabulary.md for the words).

A screen is any QWidget. When it has them, the window calls
`screen_shown()` each time it comes to the front, `focus_search()` for
Ctrl+F, and `save_state(settings)` / `restore_state(settings)` with a
QSettings already inside the screen's own group.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from sourcing_app.domain.formatting import day, moment
from sourcing_app.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent
    from PySide6.QtWidgets import QMenu

    from sourcing_app.errors import ProgressCallback
    from sourcing_app.ui.shell.workspace import ScoredRun, Workspace

WINDOW_TITLE = N_("Sourcing desk")
UI_SWITCH_INTERVAL_S = 0.005
ORGANISATION = "sourcing-desk"
# Room kept for the title bar and borders when a first start sizes the window to the screen.
FRAME_ALLOWANCE = QtCore.QSize(16, 40)
APPLICATION = "Sourcing desk"

# Menus appear in this order whoever asks for them first; others go before Help.
MENU_ORDER = ("File", "Edit", "View", "Data", "Reports", "Planning", "Help")
# What each menu reads as; a menu not listed here reads as its key.
MENU_TITLES = {
    "File": N_("&File"),
    "Edit": N_("&Edit"),
    "View": N_("&View"),
    "Data": N_("&Data"),
    "Reports": N_("&Reports"),
    # Translators: the menu of the Planning screen (allocation of demand: 需求分配).
    "Planning": N_("&Planning"),
    "Help": N_("&Help"),
}
# The sidebar order and the Ctrl+number of every screen, planned or built.
STANDARD_SCREENS = ("dashboard", "suppliers", "brands")  # built by the window itself
SCREEN_ORDER = ("dashboard", "suppliers", "brands", "purchases", "planning", "customs", "settings")
_NUMBERED = [key for key in SCREEN_ORDER if key != "customs"]  # Customs came later: Ctrl+8
SCREEN_SHORTCUTS = {key: f"Ctrl+{n}" for n, key in enumerate(_NUMBERED, start=1)}

BeforeScoring = Callable[["ProgressCallback"], None]


def _menu_rank(name: str) -> float:
    return MENU_ORDER.index(name) if name in MENU_ORDER else MENU_ORDER.index("Help") - 0.5


def _screen_rank(key: str) -> int:
    return SCREEN_ORDER.index(key) if key in SCREEN_ORDER else len(SCREEN_ORDER)


def plain_text(text: str) -> str:
    """A menu or action text without its mnemonic: "&Quit" → "Quit", "导出(&E)…" → "导出…"."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "")


def app_settings() -> QSettings:
    """The buyer's window settings (an INI file in the user's config folder).

    Tests point QSettings.setPath(IniFormat, UserScope, …) at a temporary folder.
    """
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def _user_role():  # type: ignore[no-untyped-def]
    """Qt.ItemDataRole.UserRole, with the Qt namespace loaded only when first needed."""
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.UserRole


def _window_shortcut():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.ShortcutContext.WindowShortcut


class ScreenStack(QStackedWidget):
    """The screens, one in front, asking only for the room the one in front needs.

    A QStackedWidget is as large as its largest screen, so Planning's least size
    held the window taller and wider than a laptop's screen on every screen. In
    the window's scroll area, the screen in front scrolls only when the window is
    smaller than that screen itself needs.
    """

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt's name)
        front = self.currentWidget()
        return super().sizeHint() if front is None else front.sizeHint()

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802 (Qt's name)
        front = self.currentWidget()
        if front is None:
            return super().minimumSizeHint()
        return front.minimumSizeHint().expandedTo(front.minimumSize())

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        # The scroll area asks this of a stack whose screens wrap text. A screen's own
        # answer is the height it would like (every table at full length), which made
        # the Dashboard scroll on a window that had room for it; the least height at
        # this width is what the screen needs to show without overlapping.
        least = self.minimumSizeHint().height()
        front = self.currentWidget()
        layout = None if front is None else front.layout()
        if layout is not None and layout.hasHeightForWidth():
            least = max(least, layout.totalMinimumHeightForWidth(width))
        return least


class MainWindow(QMainWindow):
    scores_shown = Signal(int)  # a scoring run is on screen: how many suppliers
    scores_failed = Signal(str)  # a scoring run failed or was cancelled: why, in words
    screen_changed = Signal(str)  # the key of the screen now in front

    def __init__(
        self, database_label: str, *, settings: QSettings | None = None, chrome: bool = True
    ) -> None:
        super().__init__()
        # Python's own 5 ms, said out loud: measured with a 100k-row table painting
        # beside a worker busy in Python, 1 or 2 ms starved the UI thread (gaps of
        # 0.7-1.4 s between its 10 ms timer beats) where 5 ms kept them under 45 ms.
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        self.setObjectName("MainWindow")
        self.setWindowTitle(
            _("{app} — {database}").format(app=_(WINDOW_TITLE), database=database_label)
        )
        self.resize(1500, 920)
        self.settings = settings if settings is not None else app_settings()
        self.workspace: Workspace | None = None
        self._screens: dict[str, QWidget] = {}
        self._screen_actions: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self._tasks: dict[int, str] = {}  # running jobs and their titles, oldest first
        self._rescore_job = 0
        self._restored = False
        self._deferred_screens: list[str] = []

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("Sidebar")
        self.sidebar.setFixedWidth(170)
        self.sidebar.currentRowChanged.connect(self._sidebar_moved)
        self.stack = ScreenStack()
        self.screen_area = QScrollArea()
        self.screen_area.setObjectName("ScreenArea")
        self.screen_area.setWidget(self.stack)
        self.screen_area.setWidgetResizable(True)
        self.placeholder = QLabel(_("Opening {database}…").format(database=database_label))
        self.placeholder.setObjectName("Placeholder")
        self.stack.addWidget(self.placeholder)
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.screen_area, 1)
        self.setCentralWidget(body)

        self._database_label = database_label
        self._chrome_built = False
        if chrome:
            self.build_chrome()

    def build_chrome(self) -> None:
        """The status bar, the menus and the sidebar's manners, once.

        The desktop paints the bare frame first and builds these right after
        (docs/performance.md, cold start): the first thing here to touch the Qt
        namespace pays ~30 ms to set up its enums.
        """
        if self._chrome_built:
            return
        self._chrome_built = True
        from PySide6.QtCore import Qt

        self.sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.screen_area.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        self.screen_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no stop for Tab of its own
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._build_status_bar(self._database_label)
        self._build_menus()

    # --- the extension API ------------------------------------------------------------

    def menu(self, name: str) -> QMenu:
        """The menu called `name` ("File", "Data", …), made on first use in MENU_ORDER."""
        existing = self._menus.get(name)
        if existing is not None:
            return existing
        title = MENU_TITLES.get(name)
        made = QtWidgets.QMenu(_(title) if title else f"&{name}", self)
        made.setObjectName(f"menu{name}")
        rank = _menu_rank(name)
        before = next((m for n, m in self._menus.items() if _menu_rank(n) > rank), None)
        if before is None:
            self.menuBar().addMenu(made)
        else:
            self.menuBar().insertMenu(before.menuAction(), made)
        self._menus[name] = made
        self._menus = dict(sorted(self._menus.items(), key=lambda kv: _menu_rank(kv[0])))
        return made

    def add_action(self, menu_name: str, action: QAction) -> QAction:
        """List `action` in a menu; its shortcut works window-wide and shows in the menu."""
        action.setShortcutContext(_window_shortcut())
        self.menu(menu_name).addAction(action)
        self.addAction(action)
        return action

    def add_screen(
        self, key: str, title: str, widget: QWidget, shortcut: str | None = None
    ) -> QWidget:
        """Put a screen in the sidebar and the View menu (Ctrl+1…6 for the planned ones)."""
        if key in self._screens:
            raise ValueError(f"a screen called {key!r} is already in the window")
        rank = _screen_rank(key)
        position = sum(_screen_rank(k) <= rank for k in self._screens)
        self._screens[key] = widget
        self._screens = dict(sorted(self._screens.items(), key=lambda kv: _screen_rank(kv[0])))
        item = QtWidgets.QListWidgetItem(title)
        item.setData(_user_role(), key)
        shortcut = shortcut or SCREEN_SHORTCUTS.get(key)
        if shortcut:
            keys = QtGui.QKeySequence(shortcut).toString()
            item.setToolTip(_("{screen} ({keys})").format(screen=title, keys=keys))
        self.sidebar.insertItem(position, item)
        self.stack.addWidget(widget)
        action = QtGui.QAction(title, self)
        if shortcut:
            action.setShortcut(QtGui.QKeySequence(shortcut))
        action.triggered.connect(lambda: self.show_screen(key))
        self._screen_actions[key] = action
        view = self.menu("View")
        later = [
            self._screen_actions[k]
            for k in list(self._screens)[position + 1 :]
            if k in self._screen_actions
        ]
        action.setShortcutContext(_window_shortcut())
        self.addAction(action)
        if later:
            view.insertAction(later[0], action)
        else:
            view.insertAction(self._view_separator, action)
        if self._restored:
            self._restore_screen(key, widget)
        return widget

    def screen(self, key: str) -> QWidget:
        return self._screens[key]

    def screen_keys(self) -> list[str]:
        return list(self._screens)

    def current_screen_key(self) -> str | None:
        item = self.sidebar.currentItem()
        return None if item is None else str(item.data(_user_role()))

    def show_screen(self, key: str) -> QWidget:
        widget = self._screens[key]
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(_user_role()) == key:
                self.sidebar.setCurrentRow(row)
                break
        return widget

    # --- wiring up the workspace --------------------------------------------------------

    def attach(
        self, workspace: Workspace, *, build_screens: bool = True, defer_hidden: bool = False
    ) -> None:
        """Connect the workspace and build the standard screens; then restore the layout."""
        self.build_chrome()
        self.workspace = workspace
        workspace.task_started.connect(self._task_started)
        workspace.task_progressed.connect(self._task_progressed)
        workspace.task_ended.connect(self._task_ended)
        workspace.scores_changed.connect(self._show_as_of)
        workspace.supplier_requested.connect(lambda _id: self._bring_forward("suppliers"))
        workspace.brand_requested.connect(lambda _id: self._bring_forward("brands"))
        undo = workspace.undo_stack.createUndoAction(self, _("&Undo"))
        undo.setShortcut(QtGui.QKeySequence.StandardKey.Undo)
        redo = workspace.undo_stack.createRedoAction(self, _("&Redo"))
        redo.setShortcut(QtGui.QKeySequence.StandardKey.Redo)
        edit = self.menu("Edit")
        first = edit.actions()[0] if edit.actions() else None
        edit.insertActions(first, [undo, redo])  # type: ignore[arg-type]
        edit.insertSeparator(first)  # type: ignore[arg-type]
        self.addActions([undo, redo])
        self._rescore_action.setEnabled(True)
        self._as_of_action.setEnabled(True)
        if build_screens:
            # With `defer_hidden`, only the screen the buyer left in front is built
            # now; the others follow once its data is on screen (cold start).
            last = self.settings.value("window/screen")
            front = last if last in STANDARD_SCREENS else "dashboard"
            for key in STANDARD_SCREENS:
                if defer_hidden and key != front:
                    self._deferred_screens.append(key)
                else:
                    self._add_standard_screen(key)
        self.stack.removeWidget(self.placeholder)
        self.restore_layout()
        self._show_as_of()

    def build_deferred_screens(self) -> None:
        """The standard screens `attach(defer_hidden=True)` left for later."""
        for key in self.deferred_screens():
            self.build_deferred_screen(key)

    def deferred_screens(self) -> list[str]:
        return list(self._deferred_screens)

    def build_deferred_screen(self, key: str) -> None:
        """One of the screens left for later, unless it was built meanwhile."""
        if key in self._deferred_screens:
            self._deferred_screens.remove(key)
            self._add_standard_screen(key)

    def _add_standard_screen(self, key: str) -> None:
        workspace = self._require_workspace()
        if key == "dashboard":
            from sourcing_app.ui.dashboard.screen import DashboardScreen

            self.add_screen(key, _("Dashboard"), DashboardScreen(workspace))
        elif key == "suppliers":
            from sourcing_app.ui.suppliers.screen import SuppliersScreen

            self.add_screen(key, _("Suppliers"), SuppliersScreen(workspace))
        else:
            from sourcing_app.ui.brands.screen import BrandsScreen

            self.add_screen(key, _("Brands"), BrandsScreen(workspace))

    def rescore(self, as_of: dt.date | None = None, *, before: BeforeScoring | None = None) -> int:
        """Score every supplier off the UI thread; the screens follow `scores_changed`.

        `before(progress)` runs first on the worker (the demo build on first start).
        """
        workspace = self._require_workspace()
        self._rescore_job = workspace.rescore_all(
            as_of=as_of, before=before, on_done=self._scored, on_failed=self._scoring_failed
        )
        return self._rescore_job

    def show_cached_scores(self) -> bool:
        """Show the last session's scores while the first run works (cold start)."""
        workspace = self._require_workspace()
        cache = workspace.score_cache
        cached = cache.load() if cache is not None else None
        if cached is None or not cached.scores:
            return False
        workspace.set_scores(cached.scores, cached.as_of)
        self.as_of_label.setText(
            _("Scores as of {day} (last session; re-scoring)").format(day=day(cached.as_of))
        )
        n = len(cached.scores)
        self.statusBar().showMessage(
            ngettext(
                "Showing the {n} score of the last session, saved {moment}; re-scoring now…",
                "Showing the {n} scores of the last session, saved {moment}; re-scoring now…",
                n,
            ).format(n=f"{n:,}", moment=moment(cached.saved_at))
        )
        return True

    def set_as_of(self, as_of: dt.date) -> None:
        """Evaluate on another day: re-score everything as of it."""
        self.rescore(as_of)

    # --- state ----------------------------------------------------------------------------

    def restore_layout(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self._fit_to_screen()
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for key, widget in self._screens.items():
            self._restore_screen(key, widget)
        self._restored = True
        last = s.value("window/screen")
        self.show_screen(
            last if isinstance(last, str) and last in self._screens else next(iter(self._screens))
        )

    def _fit_to_screen(self) -> None:
        """On a first start, no larger than the screen leaves room for (a 1366 × 768 laptop)."""
        screen = QWidget.screen(self)  # `self.screen(key)` is a screen of the desk's
        if screen is None:
            return
        room = screen.availableGeometry()
        # The window manager's title bar and borders come on top of the window's size.
        width = min(self.width(), room.width() - FRAME_ALLOWANCE.width())
        height = min(self.height(), room.height() - FRAME_ALLOWANCE.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self.move(room.topLeft())

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        current = self.current_screen_key()
        if current:
            s.setValue("window/screen", current)
        for key, widget in self._screens.items():
            saver = getattr(widget, "save_state", None)
            if callable(saver):
                s.beginGroup(f"screens/{key}")
                try:
                    saver(s)
                finally:
                    s.endGroup()
        s.sync()

    def _restore_screen(self, key: str, widget: QWidget) -> None:
        restorer = getattr(widget, "restore_state", None)
        if callable(restorer):
            self.settings.beginGroup(f"screens/{key}")
            try:
                restorer(self.settings)
            finally:
                self.settings.endGroup()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.workspace is not None:
            self.save_layout()
            # A worker still scoring (or reading for a screen) would outlive the engine
            # it reads from, and emit into deleted screens.
            self.workspace.wait_for_tasks()
            from sourcing_app.ui.shell.background import BackgroundRunner

            for runner in self.findChildren(BackgroundRunner):
                runner.wait_for_done()
        super().closeEvent(event)

    # --- building -------------------------------------------------------------------------

    def _build_status_bar(self, database_label: str) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.task_label = QLabel()
        self.task_label.setObjectName("TaskLabel")
        self.progress = QtWidgets.QProgressBar()
        self.progress.setObjectName("TaskProgress")
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QtWidgets.QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("CancelTask")
        self.cancel_button.setToolTip(_("Stop the running task; nothing is changed (Esc)"))
        self.cancel_button.clicked.connect(self.cancel_task)
        for widget in (self.task_label, self.progress, self.cancel_button):
            widget.hide()
            bar.addPermanentWidget(widget)
        self.as_of_label = QLabel("")
        self.as_of_label.setObjectName("AsOfLabel")
        self.as_of_label.setToolTip(
            _("The evaluation date of the scores on screen (Data ▸ Evaluation date…)")
        )
        bar.addPermanentWidget(self.as_of_label)
        self.database_label = QLabel(_("Database: {database}").format(database=database_label))
        self.database_label.setObjectName("DatabaseLabel")
        self.database_label.setToolTip(database_label)
        bar.addPermanentWidget(self.database_label)

    def _build_menus(self) -> None:
        quit_action = QtGui.QAction(_("&Quit"), self)
        quit_action.setShortcut(QtGui.QKeySequence("Ctrl+Q"))
        quit_action.setMenuRole(QtGui.QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        self.add_action("File", quit_action)

        find = QtGui.QAction(_("&Find supplier…"), self)
        find.setShortcut(QtGui.QKeySequence("Ctrl+F"))
        find.triggered.connect(self.focus_search)
        self.add_action("Edit", find)

        view = self.menu("View")
        self._view_separator = view.addSeparator()
        shortcuts = QtGui.QAction(_("&Keyboard shortcuts"), self)
        shortcuts.setShortcut(QtGui.QKeySequence("F1"))
        shortcuts.triggered.connect(self.show_shortcuts)
        self.add_action("Help", shortcuts)
        about = QtGui.QAction(_("&About Sourcing desk"), self)
        about.triggered.connect(self._about)
        self.add_action("Help", about)

        self._rescore_action = QtGui.QAction(_("&Re-score all suppliers"), self)
        self._rescore_action.setShortcut(QtGui.QKeySequence("F5"))
        self._rescore_action.triggered.connect(lambda: self.rescore())
        self._rescore_action.setEnabled(False)
        self.add_action("Data", self._rescore_action)
        self._as_of_action = QtGui.QAction(_("Evaluation &date…"), self)
        self._as_of_action.setShortcut(QtGui.QKeySequence("Ctrl+Shift+E"))
        self._as_of_action.triggered.connect(self._ask_as_of)
        self._as_of_action.setEnabled(False)
        self.add_action("Data", self._as_of_action)
        cancel = QtGui.QAction(_("&Cancel the running task"), self)
        cancel.setShortcut(QtGui.QKeySequence("Esc"))
        cancel.triggered.connect(self.cancel_task)
        self.add_action("Data", cancel)

    # --- actions --------------------------------------------------------------------------

    def focus_search(self) -> None:
        current = self._screens.get(self.current_screen_key() or "")
        if current is None or not callable(getattr(current, "focus_search", None)):
            if "suppliers" not in self._screens:
                return
            current = self.show_screen("suppliers")
        current.focus_search()  # type: ignore[attr-defined]

    def cancel_task(self) -> None:
        if self.workspace is not None and self._tasks:
            job = next(reversed(self._tasks))
            self.workspace.cancel_task(job)
            self.task_label.setText(_("{task}: cancelling…").format(task=self._tasks[job]))

    def all_actions(self) -> list[tuple[str, str, str]]:
        """(menu, action, shortcut) for every menu entry: the Help ▸ Keyboard shortcuts list."""
        rows = []
        for name, menu in self._menus.items():
            for action in menu.actions():
                if action.isSeparator() or not action.text():
                    continue
                key = action.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)
                rows.append((name, plain_text(action.text()), key))
        return rows

    def show_shortcuts(self) -> None:
        dialog = QtWidgets.QDialog(self)
        dialog.setWindowTitle(_("Keyboard shortcuts"))
        layout = QtWidgets.QVBoxLayout(dialog)
        rows = [
            (plain_text(self._menus[menu].title()), action, keys)
            for menu, action, keys in self.all_actions()
        ]
        # A few dozen rows: a widget is fine.
        table = QtWidgets.QTableWidget(len(rows), 3, dialog)
        table.setHorizontalHeaderLabels([_("Menu"), _("Action"), _("Shortcut")])
        table.verticalHeader().setVisible(False)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QtWidgets.QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QtWidgets.QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(table)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(560, 520)
        dialog.open()

    def _about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            _("About Sourcing desk"),
            _(
                "Sourcing desk scores every supplier of every brand on margin after landing "
                "costs and on supply stability, and explains every number."
            ),
        )

    def _ask_as_of(self) -> None:
        from sourcing_app.ui.widgets.forms import date_format

        workspace = self._require_workspace()
        dialog = QtWidgets.QDialog(self)
        dialog.setWindowTitle(_("Evaluation date"))
        form = QtWidgets.QFormLayout(dialog)
        edit = QtWidgets.QDateEdit(QtCore.QDate(workspace.as_of))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(date_format())
        form.addRow(_("Score the suppliers as of"), edit)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok
            | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.set_as_of(edit.date().toPython())

    # --- reactions ------------------------------------------------------------------------

    def _require_workspace(self) -> Workspace:
        if self.workspace is None:
            raise RuntimeError("attach a workspace first")
        return self.workspace

    def _bring_forward(self, key: str) -> None:
        if key not in self._screens and key in self._deferred_screens:
            self.build_deferred_screens()
        if key in self._screens:
            self.show_screen(key)

    def _sidebar_moved(self, row: int) -> None:
        item = self.sidebar.item(row)
        if item is None:
            return
        key = str(item.data(_user_role()))
        widget = self._screens[key]
        self.stack.setCurrentWidget(widget)
        shown = getattr(widget, "screen_shown", None)
        if callable(shown):
            shown()
        self.screen_changed.emit(key)

    def _show_as_of(self) -> None:
        if self.workspace is not None:
            self.as_of_label.setText(_("Scores as of {day}").format(day=day(self.workspace.as_of)))

    def _scored(self, run: ScoredRun) -> None:
        n = len(run.scores)
        self.statusBar().showMessage(
            ngettext(
                "{n} supplier scored as of {day}.", "{n} suppliers scored as of {day}.", n
            ).format(n=f"{n:,}", day=day(run.as_of))
        )
        self.scores_shown.emit(len(run.scores))

    def _scoring_failed(self, error: Exception) -> None:
        from sourcing_app.errors import Cancelled

        if isinstance(error, Cancelled):
            reason = _("Scoring was cancelled; the scores on screen are unchanged.")
            self.statusBar().showMessage(reason, 8000)
            self.scores_failed.emit(reason)
            return
        reason = str(error) or type(error).__name__
        self.statusBar().showMessage(_("The suppliers could not be scored."))
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Warning,
            _(WINDOW_TITLE),
            _("The suppliers could not be scored: {reason}").format(reason=reason),
            QtWidgets.QMessageBox.StandardButton.Ok,
            self,
        )
        box.open()
        self.scores_failed.emit(reason)

    def _task_started(self, job: int, title: str) -> None:
        self._tasks[job] = title
        self._show_task(job, 0, 0, _("{task}…").format(task=title))

    def _task_progressed(self, job: int, done: int, total: int, text: str) -> None:
        if job in self._tasks:
            self._show_task(job, done, total, text)

    def _show_task(self, job: int, done: int, total: int, text: str) -> None:
        if job != next(reversed(self._tasks)):
            return  # the bar follows the newest task
        self.task_label.setText(text)
        self.progress.setRange(0, max(total, 0))  # 0..0 is Qt's busy indicator
        self.progress.setValue(done)
        for widget in (self.task_label, self.progress, self.cancel_button):
            widget.show()

    def _task_ended(self, job: int, how: str) -> None:
        self._tasks.pop(job, None)
        if self._tasks:
            newest = next(reversed(self._tasks))
            self._show_task(newest, 0, 0, _("{task}…").format(task=self._tasks[newest]))
            return
        for widget in (self.task_label, self.progress, self.cancel_button):
            widget.hide()
        if job != self._rescore_job:
            self.statusBar().showMessage(how, 8000)
