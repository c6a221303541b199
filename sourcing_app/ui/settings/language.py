"""The language switch of the Settings screen: 中文 or English, from the next start.

The choice is saved beside the data (`config.save_language`), not in the shared
database: it is one person's. It takes effect when the desk starts again, so
after saving it the box says so and offers to restart now. It refuses to
switch while the screen has unsaved settings, which a restart would lose.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app import config, i18n
from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _
from sourcing_app.ui.dialogs.edit_dialogs import REFUSAL_STYLE


def restart_arguments(arguments: Sequence[str]) -> list[str]:
    """The command line to start the desk again, without a `--lang` that would
    override the language just chosen."""
    out: list[str] = []
    skip = False
    for argument in arguments:
        if skip:
            skip = False
            continue
        if argument == "--lang":
            skip = True
            continue
        if argument.startswith("--lang="):
            continue
        out.append(argument)
    return out


def restart_program() -> bool:
    """Start the same program again with the same arguments, then quit this one.

    False (and nothing quits) when the window refused to close or the new
    process could not start.
    """
    # sys.orig_argv keeps "-m sourcing_app" where sys.argv has a file's path.
    arguments = restart_arguments(list(getattr(sys, "orig_argv", [sys.executable, *sys.argv]))[1:])
    app = QApplication.instance()
    windows = [w for w in QApplication.topLevelWidgets() if w.isWindow() and w.isVisible()]
    for window in windows:
        if not window.close():
            return False
    started, _pid = QProcess.startDetached(sys.executable, arguments)
    if not started:
        for window in windows:
            window.show()
        return False
    if app is not None:
        app.quit()
    return True


class LanguageBox(QGroupBox):
    """语言 / Language: a choice and a button that saves it for the next start."""

    def __init__(self, unsaved: Callable[[], bool], parent: QWidget | None = None) -> None:
        # Both words, so a reader of either language finds the switch.
        super().__init__(_("Language / 语言"), parent)
        self.unsaved = unsaved  # whether the screen holds changes a restart would lose
        self.restart: Callable[[], bool] = restart_program  # tests put a recorder here
        self.question: QMessageBox | None = None
        self.choice = QComboBox(self)
        self.choice.setObjectName("language")
        for code, name in i18n.LANGUAGES.items():
            self.choice.addItem(name, code)
        self.choice.setCurrentIndex(self.choice.findData(i18n.current_language()))
        self.switch_button = QPushButton(_("Switch language"), self)
        self.switch_button.setObjectName("language.switch")
        self.switch_button.clicked.connect(lambda: self.switch())
        self.message = QLabel(self)
        self.message.setObjectName("language.message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        row = QHBoxLayout()
        row.addWidget(self.choice)
        row.addWidget(self.switch_button)
        row.addStretch(1)
        note = QLabel(_("Takes effect when the desk starts again."), self)
        note.setStyleSheet("color: #555;")
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(note)
        column.addWidget(self.message)

    def chosen(self) -> str:
        return str(self.choice.currentData())

    def switch(self) -> bool:
        """Save the chosen language and offer to restart; False when refused."""
        language = self.chosen()
        if self.unsaved():
            self._refuse(
                _(
                    "Save or revert the settings you changed before switching the language: "
                    "the desk starts again in the new language, and unsaved changes "
                    "would be lost."
                )
            )
            return False
        try:
            config.save_language(language)
        except CannotFinish as error:
            self._refuse(str(error))
            return False
        name = i18n.LANGUAGES[language]
        words = _("{language} is saved: the desk will read in it from its next start.").format(
            language=name
        )
        self.message.setStyleSheet("")
        self.message.setText(words)
        self.message.setVisible(True)
        self._offer_restart(words)
        return True

    def _refuse(self, words: str) -> None:
        self.message.setStyleSheet(REFUSAL_STYLE)
        self.message.setText(words)
        self.message.setVisible(True)

    def _offer_restart(self, words: str) -> None:
        question = QMessageBox(self)
        question.setIcon(QMessageBox.Icon.Question)
        question.setWindowTitle(_("Switch language"))
        question.setText(words)
        question.setInformativeText(_("Start the desk again now?"))
        restart = question.addButton(_("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        question.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        question.setDefaultButton(restart)

        def answered(_result: int) -> None:
            self.question = None
            if question.clickedButton() is restart and not self.restart():
                self._refuse(_("The desk could not start again; start it yourself."))

        question.finished.connect(answered)
        self.question = question
        question.open()
