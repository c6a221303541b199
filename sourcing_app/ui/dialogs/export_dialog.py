"""Export the portfolio's data as .xlsx or .csv, in the formats the importer reads.

`ExportDialog(workspace, parent)`: pick a kind (or all of them, one file each),
pick the format, choose where; the export runs through `workspace.run_task`
with a progress bar and Cancel (a cancelled export leaves no half file).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from sourcing_app import i18n
from sourcing_app.errors import BadInput, Cancelled, CannotFinish, ProgressCallback
from sourcing_app.i18n import _
from sourcing_app.services.exporting import export_table
from sourcing_app.services.file_formats import IMPORT_ORDER, KIND_LABELS
from sourcing_app.ui.shell.workspace import Workspace

ALL = "all"


def accepts_headers(service: Callable[..., Any]) -> bool:
    """True once `service` takes `headers="zh"` (Chinese column names, docs/files-and-commands.md).

    The hook for the Chinese-headers choice: the export and template services
    gain the argument in their own change; until then the desk does not offer it.
    """
    try:
        return "headers" in inspect.signature(service).parameters
    except (TypeError, ValueError):
        return False


class ExportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(_("Export data"))
        self.resize(560, 260)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("export_kind")
        self.kind_combo.addItem(_("All kinds, one file each (a full copy)"), ALL)
        for kind in IMPORT_ORDER:
            self.kind_combo.addItem(_(KIND_LABELS[kind]), kind)
        self.xlsx = QRadioButton(_("Excel workbook (.xlsx)"))
        self.csv = QRadioButton(_("CSV, UTF-8 (.csv)"))
        self.xlsx.setChecked(True)
        formats = QButtonGroup(self)
        formats.addButton(self.xlsx)
        formats.addButton(self.csv)
        format_row = QHBoxLayout()
        format_row.addWidget(self.xlsx)
        format_row.addWidget(self.csv)
        format_row.addStretch(1)
        # Column names: the importer's own (code, name, …) or the glossary's Chinese ones.
        self.headers_combo = QComboBox()
        self.headers_combo.setObjectName("export_headers")
        self.headers_combo.addItem(_("English column names (as the importer lists them)"), "en")
        self.headers_combo.addItem(_("Chinese column names"), "zh")
        self.headers_combo.setCurrentIndex(1 if i18n.is_chinese() else 0)
        self.offers_headers = accepts_headers(export_table)
        note = QLabel(
            _(
                "The files have exactly the columns the import reads, so they can be edited in "
                "Excel and imported back. Large tables are faster as CSV."
            )
        )
        note.setObjectName("export_note")
        note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("export_progress")
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("export_message")
        self.message.setWordWrap(True)
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._choose_and_export)
        self.cancel_button = QPushButton(_("Cancel export"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow(_("What:"), self.kind_combo)
        form.addRow(_("Format:"), format_row)
        if self.offers_headers:
            form.addRow(_("Column names:"), self.headers_combo)
        else:
            self.headers_combo.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.job: int | None = None
        self.exporting_all = False
        workspace.task_progressed.connect(self._progressed)

    def headers(self) -> str:
        """ "zh" for the glossary's Chinese column names, "en" for the importer's own."""
        return str(self.headers_combo.currentData()) if self.offers_headers else "en"

    def suffix(self) -> str:
        return ".xlsx" if self.xlsx.isChecked() else ".csv"

    def _choose_and_export(self) -> None:
        kind = str(self.kind_combo.currentData())
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        if kind == ALL:
            chosen = QFileDialog.getExistingDirectory(
                self, _("Export every kind into the folder"), start
            )
        else:
            suffix = self.suffix()
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Export {kind}").format(kind=_kind_words(kind)),
                str(Path(start or ".") / f"{kind}{suffix}"),
                _("Excel workbook (*.xlsx)") if suffix == ".xlsx" else _("CSV file (*.csv)"),
            )
        if chosen:
            self.export_to(Path(chosen))

    def export_to(self, target: Path) -> int:
        """Export the chosen kind to the file `target` (a folder when exporting all)."""
        kind = str(self.kind_combo.currentData())
        suffix = self.suffix()
        self.exporting_all = kind == ALL
        if kind == ALL:
            jobs = [(k, target / f"{k}{suffix}") for k in IMPORT_ORDER]
        else:
            path = target if target.suffix.lower() == suffix else target.with_suffix(suffix)
            jobs = [(kind, path)]
        engine = self.workspace.engine
        extra: dict[str, Any] = {"headers": self.headers()} if self.offers_headers else {}

        def work(progress: ProgressCallback) -> list[tuple[str, Path, int]]:
            done = []
            for k, path in jobs:
                done.append((k, path, export_table(engine, k, path, progress=progress, **extra)))
            return done

        self.export_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText(_("Exporting…"))
        self.job = self.workspace.run_task(_("Exporting data"), work, self._done, self._failed)
        return self.job

    def _progressed(self, job: int, done: int, total: int, text: str) -> None:
        if job != self.job:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.progress.setFormat(_("{what} (%p%)").format(what=text) if total > 0 else text)

    def _cancel(self) -> None:
        if self.job is not None:
            self.cancel_button.setEnabled(False)
            self.workspace.cancel_task(self.job)

    def _finish(self) -> None:
        self.job = None
        self.export_button.setEnabled(True)
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)

    def _done(self, result: Any) -> None:
        self._finish()
        parts = [
            _("{count} {kind} to {file}").format(
                count=f"{rows:,}", kind=_kind_words(k), file=path.name
            )
            for k, path, rows in result
        ]
        folder = result[0][1].parent if result else ""
        self.message.setText(
            _("Exported {what} (in {folder}).").format(what=_("; ").join(parts), folder=folder)
        )

    def _failed(self, error: Exception) -> None:
        self._finish()
        if isinstance(error, Cancelled):
            if self.exporting_all:
                text = _(
                    "The export was cancelled; no half-written file was left behind (the kinds "
                    "already finished were kept)."
                )
            else:
                text = _("The export was cancelled; no half-written file was left behind.")
            self.message.setText(text)
        elif isinstance(error, BadInput | CannotFinish):
            self.message.setText(_("Nothing was exported: {reason}.").format(reason=error))
        else:
            self.message.setText(
                _("Nothing was exported: an unexpected error ({reason}).").format(reason=error)
            )

    def reject(self) -> None:
        if self.job is not None:
            self.workspace.cancel_task(self.job)
        super().reject()


def _kind_words(kind: str) -> str:
    """A kind of file inside a sentence: "purchase lines"; in Chinese as listed: 采购明细."""
    label = _(KIND_LABELS[kind])
    return label[:1].lower() + label[1:]
