"""Export the portfolio's data as .xlsx or .csv, in the formats the importer reads.

`ExportDialog(workspace, parent)`: pick a kind (or all of them, one file each),
pick the format, choose where; the export runs through `workspace.run_task`
with a progress bar and Cancel (a cancelled export leaves no half file).
"""

from __future__ import annotations

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

from sourcing_app.errors import BadInput, Cancelled, CannotFinish, ProgressCallback
from sourcing_app.services.exporting import export_table
from sourcing_app.services.file_formats import IMPORT_ORDER, KIND_LABELS
from sourcing_app.ui.shell.workspace import Workspace

ALL = "all"


class ExportDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Export data")
        self.resize(560, 260)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("export_kind")
        self.kind_combo.addItem("All kinds, one file each (a full copy)", ALL)
        for kind in IMPORT_ORDER:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.xlsx = QRadioButton("Excel workbook (.xlsx)")
        self.csv = QRadioButton("CSV, UTF-8 (.csv)")
        self.xlsx.setChecked(True)
        formats = QButtonGroup(self)
        formats.addButton(self.xlsx)
        formats.addButton(self.csv)
        format_row = QHBoxLayout()
        format_row.addWidget(self.xlsx)
        format_row.addWidget(self.csv)
        format_row.addStretch(1)
        note = QLabel(
            "The files have exactly the columns the import reads, so they can be edited in "
            "Excel and imported back. Large tables are faster as CSV."
        )
        note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("export_progress")
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("export_message")
        self.message.setWordWrap(True)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._choose_and_export)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("What:", self.kind_combo)
        form.addRow("Format:", format_row)
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

    def suffix(self) -> str:
        return ".xlsx" if self.xlsx.isChecked() else ".csv"

    def _choose_and_export(self) -> None:
        kind = str(self.kind_combo.currentData())
        start = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        if kind == ALL:
            chosen = QFileDialog.getExistingDirectory(
                self, "Export every kind into the folder", start
            )
        else:
            suffix = self.suffix()
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                f"Export {KIND_LABELS[kind].lower()}",
                str(Path(start or ".") / f"{kind}{suffix}"),
                "Excel workbook (*.xlsx)" if suffix == ".xlsx" else "CSV file (*.csv)",
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

        def work(progress: ProgressCallback) -> list[tuple[str, Path, int]]:
            done = []
            for k, path in jobs:
                done.append((k, path, export_table(engine, k, path, progress=progress)))
            return done

        self.export_button.setEnabled(False)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText("Exporting…")
        self.job = self.workspace.run_task("Exporting data", work, self._done, self._failed)
        return self.job

    def _progressed(self, job: int, done: int, total: int, text: str) -> None:
        if job != self.job:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        self.progress.setFormat(text + (" (%p%)" if total > 0 else ""))

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
        parts = [f"{rows:,} {KIND_LABELS[k].lower()} to {path.name}" for k, path, rows in result]
        folder = result[0][1].parent if result else ""
        self.message.setText(f"Exported {'; '.join(parts)} (in {folder}).")

    def _failed(self, error: Exception) -> None:
        self._finish()
        if isinstance(error, Cancelled):
            kept = " (the kinds already finished were kept)" if self.exporting_all else ""
            self.message.setText(
                f"The export was cancelled; no half-written file was left behind{kept}."
            )
        elif isinstance(error, BadInput | CannotFinish):
            self.message.setText(f"Nothing was exported: {error}.")
        else:
            self.message.setText(f"Nothing was exported: an unexpected error ({error}).")

    def reject(self) -> None:
        if self.job is not None:
            self.workspace.cancel_task(self.job)
        super().reject()
