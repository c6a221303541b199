"""Tell the buyer once, on opening, that an upgrade kept their own weights (docs/stability.md).

The service takes the notice away as it is read, so it is shown once and only
once, on whichever desk opens the upgraded file first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from sourcing_app.i18n import _
from sourcing_app.services.weights_notice import take_weights_kept_notice

if TYPE_CHECKING:
    from sourcing_app.ui.shell.main_window import MainWindow


def tell_weights_kept_once(window: MainWindow) -> QMessageBox | None:
    """The notice box, opened (not modal), when one is waiting; None otherwise."""
    workspace = window.workspace
    if workspace is None:
        return None
    try:
        waiting = take_weights_kept_notice(workspace.engine)
    except Exception:  # a read-only or vanished file: the notice waits for the next opening
        return None
    if not waiting:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Your weights were kept"),
        _(
            "This version scores customs clearance (how many deliveries clear within the"
            " target days) as part of supply stability. Your own weights were kept as they"
            " were, and customs clearance got weight 0, so your scores have not moved."
            " To count it, give it a weight in Settings."
        ),
        QMessageBox.StandardButton.NoButton,
        window,
    )
    box.setObjectName("WeightsKeptNotice")
    settings_button = box.addButton(_("Open Settings"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)

    def clicked(button: object) -> None:
        if button is settings_button and "settings" in window.screen_keys():
            window.show_screen("settings")

    box.buttonClicked.connect(clicked)
    box.open()
    return box
