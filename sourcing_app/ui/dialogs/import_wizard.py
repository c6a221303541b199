"""The import wizard: pick a file, preview it, check it, import it all or nothing.

docs/bad-input.md in the desktop:
1. pick a .csv or .xlsx file and its kind (guessed from the header row);
2. see its first rows;
3. a dry run lists every bad row with line, column and reason, in a table the
   buyer can sort and copy (Ctrl+C copies the selected rows as tab-separated
   text, ready for Excel or an e-mail);
4. the import runs off the UI thread through `workspace.run_task`, with a
   progress bar and a Cancel button; a cancelled import is rolled back whole;
5. a summary says what was added, changed and left unchanged; the workspace
   hears `data_edited(kind)` and the portfolio is scored again.

Blank templates for every kind can be saved from the first page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sourcing_app import i18n
from sourcing_app.errors import BadInput, Cancelled, CannotFinish, ProgressCallback
from sourcing_app.i18n import _, ngettext
from sourcing_app.services.column_names import column_label
from sourcing_app.services.file_formats import (
    FILE_KINDS,
    IMPORT_ORDER,
    KIND_LABELS,
    TableError,
    guess_kind,
    read_header,
    read_table,
)
from sourcing_app.services.importing import (
    ImportFailure,
    ImportResult,
    Standings,
    import_file,
)
from sourcing_app.services.permissions import Permissions
from sourcing_app.services.templates import write_template
from sourcing_app.ui.dialogs.export_dialog import accepts_headers
from sourcing_app.ui.dialogs.import_tables import PreviewModel, ProblemModel, ProblemTable
from sourcing_app.ui.shell.workspace import Workspace

AnyIndex = QModelIndex | QPersistentModelIndex
PREVIEW_ROWS = 20


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Choose the file to import"))
        self.setSubTitle(
            _(
                "A .csv (UTF-8, GB18030 or Windows-1252) or .xlsx file whose first row holds the "
                "column headers. The kind is guessed from those headers."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("import_path")
        self.path_edit.setPlaceholderText("C:/…/suppliers.xlsx")
        browse = QPushButton(_("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("import_kind")
        for kind in IMPORT_ORDER:
            self.kind_combo.addItem(_(KIND_LABELS[kind]), kind)
        self._allow_kinds(wizard.workspace.permissions)
        self.kind_note = QLabel()
        self.kind_note.setObjectName("kind_note")
        self.kind_note.setWordWrap(True)
        self.columns_note = QLabel()
        self.columns_note.setWordWrap(True)
        self.columns_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        template_csv = QPushButton(_("Save a blank template (.xlsx)…"))
        template_csv.setObjectName("template_xlsx")
        template_csv.clicked.connect(lambda: self._save_template(".xlsx"))
        template_xlsx = QPushButton(_("Save a blank template (.csv)…"))
        template_xlsx.clicked.connect(lambda: self._save_template(".csv"))
        # The template's column names in Chinese (the glossary's), once the service writes them.
        self.chinese_headers = QCheckBox(_("Chinese column names"))
        self.chinese_headers.setObjectName("template_chinese_headers")
        self.chinese_headers.setChecked(i18n.is_chinese())
        if not accepts_headers(write_template):
            self.chinese_headers.hide()
        templates = QHBoxLayout()
        templates.addWidget(template_csv)
        templates.addWidget(template_xlsx)
        templates.addWidget(self.chinese_headers)
        templates.addStretch(1)
        form = QFormLayout()
        form.addRow(_("File:"), row)
        form.addRow(_("Kind:"), self.kind_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.kind_note)
        layout.addWidget(self.columns_note)
        layout.addStretch(1)
        layout.addWidget(QLabel(_("No file yet? Start from a template with one example row:")))
        layout.addLayout(templates)
        self.path_edit.textChanged.connect(self._path_changed)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _allow_kinds(self, allowed: Permissions) -> None:
        """Team mode: kinds this login may not import are greyed out, the reason on hover."""
        items = self.kind_combo.model()
        for row in range(self.kind_combo.count()):
            kind = str(self.kind_combo.itemData(row))
            if not allowed.can_import(kind):
                items.item(row).setEnabled(False)  # type: ignore[attr-defined]
                self.kind_combo.setItemData(
                    row, allowed.why_not_import(kind), Qt.ItemDataRole.ToolTipRole
                )
        self.allowed = allowed
        if not allowed.can_import(self.kind()):  # start on the first kind this login may import
            for row in range(self.kind_combo.count()):
                if allowed.can_import(str(self.kind_combo.itemData(row))):
                    self.kind_combo.setCurrentIndex(row)
                    break

    def kind_allowed(self) -> bool:
        return self.allowed.can_import(self.kind())

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def path(self) -> Path:
        return Path(self.path_edit.text().strip())

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))

    def isComplete(self) -> bool:  # noqa: N802
        path = self.path()
        return (
            self.kind_allowed()
            and bool(self.path_edit.text().strip())
            and path.suffix.lower()
            in (
                ".csv",
                ".xlsx",
                ".xlsm",
            )
        )

    def _browse(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Choose a file to import"),
            "",
            _("Spreadsheets (*.xlsx *.csv);;All files (*)"),
        )
        if chosen:
            self.set_path(chosen)

    def _path_changed(self) -> None:
        self.completeChanged.emit()
        path = self.path()
        if not path.is_file():
            self.kind_note.setText("")
            return
        try:
            header = read_header(path)
        except TableError as exc:
            self.kind_note.setText(
                _("This file cannot be read: {reason}.").format(reason=exc.reason)
            )
            return
        guessed = guess_kind(header)
        if guessed is None:
            self.kind_note.setText(
                _(
                    "The headers do not match any kind exactly; choose the kind, and the check "
                    "will say which columns are wrong."
                )
            )
            return
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(guessed))
        self.kind_note.setText(
            _("The headers look like a {kind} file.").format(kind=_kind_words(guessed))
        )

    def _kind_changed(self) -> None:
        self.completeChanged.emit()
        if not self.kind_allowed():
            self.kind_note.setText(self.allowed.why_not_import(self.kind()))
        kind = FILE_KINDS[self.kind()]
        required = _(", ").join(column_label(kind.name, h) for h in kind.required)
        optional = _(", ").join(
            column_label(kind.name, h) for h in kind.headers if h not in kind.required
        )
        self.columns_note.setText(
            _("Required columns: {required}.\nOptional: {optional}.").format(
                required=required, optional=optional
            )
        )

    def _save_template(self, suffix: str) -> None:
        kind = self.kind()
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save a blank {kind} template").format(kind=_kind_words(kind)),
            f"{kind} template{suffix}",
            _("Excel workbook (*.xlsx)") if suffix == ".xlsx" else _("CSV file (*.csv)"),
        )
        if chosen:
            self.wizard_.save_template(kind, Path(chosen))


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Preview"))
        self.model = PreviewModel(self)
        self.view = QTableView()
        self.view.setObjectName("preview_table")
        self.view.setModel(self.model)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        self._readable = False

    def initializePage(self) -> None:  # noqa: N802
        page = self.wizard_.file_page
        path, kind = page.path(), page.kind()
        self.setSubTitle(
            _("The first rows of {file}, to be imported as {kind}.").format(
                file=path.name, kind=_(KIND_LABELS[kind])
            )
        )
        self._readable = False
        try:
            header, rows = read_table(path)
        except TableError as exc:
            self.model.set_table([], [])
            self.message.setText(
                _("This file cannot be read: {reason}. Go back and pick another.").format(
                    reason=exc.reason
                )
            )
            self.completeChanged.emit()
            return
        first: list[tuple[int, list[str]]] = []
        unreadable = False
        try:
            for line, row in rows:
                first.append((line, row))
                if len(first) == PREVIEW_ROWS:
                    break
        except TableError as exc:
            unreadable = True
            self.message.setText(
                _("Line {line} cannot be read: {reason}.").format(line=exc.line, reason=exc.reason)
            )
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()
        self.model.set_table(header, first)
        self.view.resizeColumnsToContents()
        if not unreadable:
            columns = len(header)
            if not first:
                shown = ngettext(
                    "{columns} column; showing no data rows. Next checks every row.",
                    "{columns} columns; showing no data rows. Next checks every row.",
                    columns,
                ).format(columns=columns)
            elif len(first) == 1:
                shown = ngettext(
                    "{columns} column; showing the first row. Next checks every row.",
                    "{columns} columns; showing the first row. Next checks every row.",
                    columns,
                ).format(columns=columns)
            else:
                shown = ngettext(
                    "{columns} column; showing the first {rows} rows. Next checks every row.",
                    "{columns} columns; showing the first {rows} rows. Next checks every row.",
                    columns,
                ).format(columns=columns, rows=f"{len(first):,}")
            self.message.setText(shown)
        self._readable = True
        self.completeChanged.emit()

    def cleanupPage(self) -> None:  # noqa: N802
        self.message.setText("")

    def isComplete(self) -> bool:  # noqa: N802
        return self._readable


class CheckPage(QWizardPage):
    """The dry run: nothing is written; every problem is listed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Check every row"))
        self.setSubTitle(_("A dry run: the whole file is checked and nothing is written yet."))
        self.message = QLabel()
        self.message.setObjectName("check_message")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.model = ProblemModel(self)
        self.table = ProblemTable(self.model)
        self.table.setObjectName("problem_table")
        self.copy_button = QPushButton(_("Copy the problems"))
        self.copy_button.setToolTip(
            _("Copies the selected problems (all when none is selected) as tab-separated text")
        )
        self.copy_button.clicked.connect(self.table.copy_selection)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        layout.addLayout(buttons)
        self.result: ImportResult | None = None
        self.job: int | None = None

    def initializePage(self) -> None:  # noqa: N802
        self.result = None
        self.model.set_problems([])
        self.table.setVisible(False)
        self.copy_button.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.message.setText(_("Checking…"))
        page = self.wizard_.file_page
        self.job = self.wizard_.start(
            _("Checking the import"),
            page.kind(),
            page.path(),
            dry_run=True,
            progress_bar=self.progress,
            on_done=self._checked,
            on_failed=self._failed,
        )
        self.completeChanged.emit()

    def cleanupPage(self) -> None:  # noqa: N802
        if self.job is not None:
            self.wizard_.workspace.cancel_task(self.job)

    def _checked(self, result: ImportResult) -> None:
        self.job = None
        self.result = result
        self.progress.setVisible(False)
        if result.problems:
            self.model.set_problems(result.problems)
            self.table.setVisible(True)
            self.copy_button.setVisible(True)
            rows = len({p.line for p in result.problems})
            found = _problems_on_lines(len(result.problems), rows)
            self.message.setText(
                _(
                    "{found}. Nothing can be imported "
                    "until they are fixed: correct the file, then go Back and check again. Sort "
                    "by clicking a header; Ctrl+C copies the selected rows."
                ).format(found=found)
            )
        else:
            self.message.setText(
                _("{all_good} Importing will give: {summary}.").format(
                    all_good=_all_good(result.rows), summary=result.summary()
                )
                + _standing_words(result)
            )
        self.completeChanged.emit()

    def _failed(self, error: Exception) -> None:
        self.job = None
        self.progress.setVisible(False)
        if isinstance(error, Cancelled):
            self.message.setText(_("The check was cancelled."))
        else:
            self.message.setText(
                _("The file could not be checked: {reason}").format(reason=_words(error))
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.result is not None and not self.result.problems

    def validatePage(self) -> bool:  # noqa: N802
        """Next (also when called, not clicked) never runs an import the check refused."""
        return self.isComplete()


class ImportPage(QWizardPage):
    """The import itself, with progress and Cancel, then the summary."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_("Import"))
        self.message = QLabel()
        self.message.setObjectName("import_message")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("import_progress")
        self.cancel_button = QPushButton(_("Cancel the import"))
        self.cancel_button.setObjectName("cancel_import")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)
        self.result: ImportResult | None = None
        self.finished_ = False
        self.job: int | None = None

    def initializePage(self) -> None:  # noqa: N802
        self.result = None
        self.finished_ = False
        page = self.wizard_.file_page
        self.setSubTitle(
            _("{file} as {kind}: all rows or none.").format(
                file=page.path().name, kind=_(KIND_LABELS[page.kind()])
            )
        )
        self.message.setText(_("Importing…"))
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.job = self.wizard_.start(
            _("Importing"),
            page.kind(),
            page.path(),
            dry_run=False,
            progress_bar=self.progress,
            on_done=self._imported,
            on_failed=self._failed,
        )
        self.completeChanged.emit()

    def _cancel(self) -> None:
        if self.job is not None:
            self.cancel_button.setEnabled(False)
            self.message.setText(_("Cancelling… the rows written so far are being rolled back."))
            self.wizard_.workspace.cancel_task(self.job)

    def _imported(self, result: ImportResult) -> None:
        self.job = None
        self.result = result
        self.finished_ = True
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        kind = self.wizard_.file_page.kind()
        if result.problems:  # the data changed between the check and the import
            n = len(result.problems)
            self.message.setText(
                ngettext(
                    "Nothing was imported: {n} problem appeared since the check, the first: "
                    "{first}. Go back and check again.",
                    "Nothing was imported: {n} problems appeared since the check, the first: "
                    "{first}. Go back and check again.",
                    n,
                ).format(n=f"{n:,}", first=result.problems[0])
            )
        else:
            self.message.setText(
                ngettext(
                    "Imported {n} row of {kind}: {summary}. The portfolio is being scored again.",
                    "Imported {n} rows of {kind}: {summary}. The portfolio is being scored again.",
                    result.rows,
                ).format(n=f"{result.rows:,}", kind=_kind_words(kind), summary=result.summary())
                + _standing_words(result)
            )
            self.wizard_.imported.emit(kind, result)
        self.completeChanged.emit()

    def _failed(self, error: Exception) -> None:
        self.job = None
        self.finished_ = True
        self.cancel_button.setVisible(False)
        self.progress.setVisible(False)
        if isinstance(error, Cancelled):
            self.message.setText(_("The import was cancelled. Nothing was imported."))
        else:
            self.message.setText(_("Nothing was imported: {reason}").format(reason=_words(error)))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.finished_


def _standing_words(result: ImportResult) -> str:
    """The purchase lines placed lately with a Watch or Avoid supplier, one to a line."""
    return "".join("\n" + words for words in result.standing_words())


def _kind_words(kind: str) -> str:
    """A kind of file inside a sentence: "products (SKUs)"; in Chinese as listed: 商品（SKU）."""
    label = _(KIND_LABELS[kind])
    return label[:1].lower() + label[1:]


def _problems_on_lines(problems: int, lines: int) -> str:
    """'3 problems on 2 lines' (no full stop)."""
    if lines == 1:
        text = ngettext("{n} problem on 1 line", "{n} problems on 1 line", problems)
    else:
        text = ngettext("{n} problem on {lines} lines", "{n} problems on {lines} lines", problems)
    return text.format(n=f"{problems:,}", lines=f"{lines:,}")


def _all_good(rows: int) -> str:
    if rows == 1:
        return _("The one row is good.")
    return ngettext("All {n} row is good.", "All {n} rows are good.", rows).format(n=f"{rows:,}")


def _words(error: Exception) -> str:
    if isinstance(error, BadInput | CannotFinish | ImportFailure):
        return str(error)
    return _("an unexpected error ({kind}: {error})").format(kind=type(error).__name__, error=error)


# --- the wizard -----------------------------------------------------------------------------


class ImportWizard(QWizard):
    """`ImportWizard(workspace, parent)`; `imported(kind, ImportResult)` after a good import."""

    imported = Signal(str, object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(_("Import a file"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(860, 580)
        self.file_page = FilePage(self)
        self.preview_page = PreviewPage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.preview_page, self.check_page, self.import_page):
            self.addPage(page)
        self.check_page.setButtonText(QWizard.WizardButton.NextButton, _("Import"))
        self._jobs: dict[int, QProgressBar] = {}
        workspace.task_progressed.connect(self._progressed)
        self.imported.connect(self._after_import)

    def start(
        self,
        title: str,
        kind: str,
        path: Path,
        *,
        dry_run: bool,
        progress_bar: QProgressBar,
        on_done: Any,
        on_failed: Any,
    ) -> int:
        who = self.workspace.user_name()
        engine = self.workspace.engine
        # Standings act on imported purchases too: the desk's latest scoring run says who
        # stands at Watch or Avoid (docs/standings-and-flags.md).
        scores, as_of = self.workspace.scores, self.workspace.as_of
        standings = Standings.from_scores(scores, as_of) if scores else None

        def work(progress: ProgressCallback) -> ImportResult:
            return import_file(
                engine,
                kind,
                path,
                dry_run=dry_run,
                who=who,
                progress=progress,
                standings=standings,
            )

        def done(result: object) -> None:
            self._jobs.pop(job, None)
            on_done(result)

        def failed(error: Exception) -> None:
            self._jobs.pop(job, None)
            on_failed(error)

        job = self.workspace.run_task(title, work, done, failed)
        self._jobs[job] = progress_bar
        return job

    def _progressed(self, job: int, done: int, total: int, text: str) -> None:
        bar = self._jobs.get(job)
        if bar is None:
            return
        if total > 0:
            bar.setRange(0, total)
            bar.setValue(min(done, total))
        else:
            bar.setRange(0, 0)
        bar.setFormat(_("{what} (%p%)").format(what=text) if total > 0 else text)

    def _after_import(self, kind: str, _result: ImportResult) -> None:
        """Tell the screens, then score the portfolio again on the new data."""
        self.workspace.data_edited(kind)
        self.workspace.rescore_all(_("Scoring after the import"))

    def save_template(self, kind: str, path: Path) -> None:
        extra: dict[str, Any] = {}
        if accepts_headers(write_template):
            extra["headers"] = "zh" if self.file_page.chinese_headers.isChecked() else "en"
        try:
            write_template(kind, path, **extra)
        except (BadInput, CannotFinish) as exc:
            QMessageBox.warning(
                self,
                _("Template"),
                _("The template could not be saved: {reason}").format(reason=exc),
            )
            return
        self.file_page.kind_note.setText(
            _("Saved a blank {kind} template as {file}. Fill it in, then choose it above.").format(
                kind=_kind_words(kind), file=path.name
            )
        )

    def reject(self) -> None:
        for job in list(self._jobs):
            self.workspace.cancel_task(job)
        super().reject()
