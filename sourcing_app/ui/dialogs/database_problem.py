"""Tell the buyer why the database can't be opened, and offer the way out (docs/bad-input.md)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from sourcing_app.db.migrate import DatabaseProblem
from sourcing_app.i18n import N_, _

TITLE = N_("Sourcing desk")

HEADLINES = {
    "locked": N_("The database is in use by another program."),
    "read_only": N_("The database can't be changed."),
    "corrupt": N_("The database file is damaged."),
    "too_new": N_("The database comes from a newer version of Sourcing desk."),
    "unreachable": N_("The database server can't be reached."),
    "not_ours": N_("This file is not a Sourcing desk database."),
    "migration_failed": N_("The database could not be updated to this version."),
    "missing": N_("The database file does not exist."),
}

# Restoring over a file another program holds open would fight that program,
# and a server database has no backup file of ours.
RESTORABLE = frozenset({"corrupt", "too_new", "read_only", "migration_failed"})
RETRYABLE = frozenset({"locked", "read_only", "unreachable"})

OPEN_BACKUP = N_("Open the latest backup…")
TRY_AGAIN = N_("Try again")
QUIT = N_("Quit")
RESTORE = N_("Restore the backup")


class ProblemChoice(Enum):
    OPEN_BACKUP = "open_backup"
    TRY_AGAIN = "try_again"
    QUIT = "quit"


def _message_box(
    icon: QMessageBox.Icon, headline: str, details: str, parent: QWidget | None
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(_(TITLE))
    box.setText(headline)
    box.setInformativeText(details)
    # File paths are long; a wider box keeps them on one or two lines.
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 30em; }")
    return box


def ask_about_problem(problem: DatabaseProblem, parent: QWidget | None = None) -> ProblemChoice:
    box = _message_box(
        QMessageBox.Icon.Warning,
        _(HEADLINES.get(problem.kind, N_("The database can't be opened."))),
        str(problem),
        parent,
    )
    choices: dict[QAbstractButton, ProblemChoice] = {}
    if problem.kind in RESTORABLE and problem.backup_path is not None:
        button = box.addButton(_(OPEN_BACKUP), QMessageBox.ButtonRole.AcceptRole)
        choices[button] = ProblemChoice.OPEN_BACKUP
    if problem.kind in RETRYABLE:
        button = box.addButton(_(TRY_AGAIN), QMessageBox.ButtonRole.AcceptRole)
        choices[button] = ProblemChoice.TRY_AGAIN
    quit_button = box.addButton(_(QUIT), QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(quit_button)
    box.exec()
    return choices.get(box.clickedButton(), ProblemChoice.QUIT)


def confirm_restore(problem: DatabaseProblem, parent: QWidget | None = None) -> bool:
    """Second step: say exactly what will happen to which file before doing it."""
    from sourcing_app.config import sqlite_path

    current = sqlite_path(problem.url)
    set_aside = (
        f"{current.stem if current else 'database'}-set-aside-<date>-<time>"
        f"{current.suffix if current else ''}"
    )
    box = _message_box(
        QMessageBox.Icon.Question,
        _("Replace the database with its latest backup?"),
        _(
            "The backup {backup} will be copied to {current}.\n\n"
            "The current file is kept in the same folder, renamed {set_aside}. "
            "Nothing is deleted.\n\n"
            "Changes made after the backup was taken are not in it."
        ).format(backup=problem.backup_path, current=current, set_aside=set_aside),
        parent,
    )
    restore = box.addButton(_(RESTORE), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is restore


def report_restore_failure(reason: str, parent: QWidget | None = None) -> None:
    box = _message_box(
        QMessageBox.Icon.Critical,
        _("The backup could not be put in place."),
        _("{reason}\n\nThe files were left as they were.").format(reason=reason),
        parent,
    )
    box.exec()


CREATE_NEW = N_("Create it")
CHOOSE_ANOTHER = N_("Choose another file…")


def ask_to_create(path: Path, parent: QWidget | None = None) -> Path | None:
    """A typo is not a new database (docs/bad-input.md): the file to open, or None to quit.

    The buyer creates a new empty database at `path`, picks another (existing)
    file, or quits; nothing is created before they say so.
    """
    while not path.exists():
        box = _message_box(
            QMessageBox.Icon.Question,
            _("Create a new empty database at {path}?").format(path=path),
            _(
                "There is no database file at this path. If the path has a typo, "
                "choose another file; nothing has been created yet."
            ),
            parent,
        )
        create = box.addButton(_(CREATE_NEW), QMessageBox.ButtonRole.AcceptRole)
        other = box.addButton(_(CHOOSE_ANOTHER), QMessageBox.ButtonRole.ActionRole)
        quit_button = box.addButton(_(QUIT), QMessageBox.ButtonRole.RejectRole)
        box.setEscapeButton(quit_button)
        box.exec()
        clicked = box.clickedButton()
        if clicked is create:
            return path
        if clicked is not other:
            return None
        chosen, _filter = QFileDialog.getOpenFileName(
            parent,
            _("Open a Sourcing desk database"),
            str(path.parent if path.parent.is_dir() else Path.home()),
            _("SQLite databases (*.sqlite *.db);;All files (*)"),
        )
        if chosen:
            path = Path(chosen)
    return path
