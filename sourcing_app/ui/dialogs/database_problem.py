"""Tell the buyer why the database can't be opened, and offer the way out (docs/bad-input.md)."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from sourcing_app.db.migrate import DatabaseProblem

TITLE = "Sourcing desk"

HEADLINES = {
    "locked": "The database is in use by another program.",
    "read_only": "The database can't be changed.",
    "corrupt": "The database file is damaged.",
    "too_new": "The database comes from a newer version of Sourcing desk.",
    "unreachable": "The database server can't be reached.",
    "not_ours": "This file is not a Sourcing desk database.",
    "migration_failed": "The database could not be updated to this version.",
}

# Restoring over a file another program holds open would fight that program,
# and a server database has no backup file of ours.
RESTORABLE = frozenset({"corrupt", "too_new", "read_only", "migration_failed"})
RETRYABLE = frozenset({"locked", "read_only", "unreachable"})

OPEN_BACKUP = "Open the latest backup…"
TRY_AGAIN = "Try again"
QUIT = "Quit"
RESTORE = "Restore the backup"


class ProblemChoice(Enum):
    OPEN_BACKUP = "open_backup"
    TRY_AGAIN = "try_again"
    QUIT = "quit"


def _message_box(
    icon: QMessageBox.Icon, headline: str, details: str, parent: QWidget | None
) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(TITLE)
    box.setText(headline)
    box.setInformativeText(details)
    # File paths are long; a wider box keeps them on one or two lines.
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 30em; }")
    return box


def ask_about_problem(problem: DatabaseProblem, parent: QWidget | None = None) -> ProblemChoice:
    box = _message_box(
        QMessageBox.Icon.Warning,
        HEADLINES.get(problem.kind, "The database can't be opened."),
        str(problem),
        parent,
    )
    choices: dict[QAbstractButton, ProblemChoice] = {}
    if problem.kind in RESTORABLE and problem.backup_path is not None:
        button = box.addButton(OPEN_BACKUP, QMessageBox.ButtonRole.AcceptRole)
        choices[button] = ProblemChoice.OPEN_BACKUP
    if problem.kind in RETRYABLE:
        button = box.addButton(TRY_AGAIN, QMessageBox.ButtonRole.AcceptRole)
        choices[button] = ProblemChoice.TRY_AGAIN
    quit_button = box.addButton(QUIT, QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(quit_button)
    box.exec()
    return choices.get(box.clickedButton(), ProblemChoice.QUIT)


def confirm_restore(problem: DatabaseProblem, parent: QWidget | None = None) -> bool:
    """Second step: say exactly what will happen to which file before doing it."""
    from sourcing_app.config import sqlite_path

    current = sqlite_path(problem.url)
    box = _message_box(
        QMessageBox.Icon.Question,
        "Replace the database with its latest backup?",
        f"The backup {problem.backup_path} will be copied to {current}.\n\n"
        f"The current file is kept in the same folder, renamed "
        f"{current.stem if current else 'database'}-set-aside-<date>-<time>"
        f"{current.suffix if current else ''}. Nothing is deleted.\n\n"
        "Changes made after the backup was taken are not in it.",
        parent,
    )
    restore = box.addButton(RESTORE, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is restore


def report_restore_failure(reason: str, parent: QWidget | None = None) -> None:
    box = _message_box(
        QMessageBox.Icon.Critical,
        "The backup could not be put in place.",
        f"{reason}\n\nThe files were left as they were.",
        parent,
    )
    box.exec()
