"""The filters of the Purchases screen that are more than one widget."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget

from sourcing_app.ui.widgets.forms import date_format, pydate, qdate


class OptionalDate(QWidget):
    """A date filter that may be off ("any")."""

    changed = Signal()

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox(label, self)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat(date_format())
        self.edit.setEnabled(False)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.enabled.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(lambda _d: self.changed.emit())

    def value(self) -> dt.date | None:
        return pydate(self.edit.date()) if self.enabled.isChecked() else None

    def set_value(self, value: dt.date | None) -> None:
        if value is not None:
            self.edit.setDate(qdate(value))
        self.enabled.setChecked(value is not None)
