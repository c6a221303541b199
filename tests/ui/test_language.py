"""Qt's own dialogs speak the reader's language too (file pickers, standard buttons)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from sourcing_app import i18n
from sourcing_app.app import install_qt_translations


def test_qts_standard_buttons_read_chinese_once_the_desk_does(qapp: QApplication) -> None:
    i18n.install(i18n.CHINESE)
    install_qt_translations(qapp)
    try:
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        assert sorted(b.text() for b in buttons.buttons()) == sorted(["保存", "取消"])
    finally:
        from PySide6.QtCore import QLocale, QTranslator

        for translator in qapp.findChildren(QTranslator):
            qapp.removeTranslator(translator)
            translator.deleteLater()
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
