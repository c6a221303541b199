"""The import wizard's two tables: the file's first rows, and the problems of a dry run.

The problem table sorts by line, column or reason, and Ctrl+C copies the
selected problems as tab-separated text, ready for Excel or an e-mail
(docs/bad-input.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from sourcing_app.i18n import N_, _
from sourcing_app.services.importing import Problem

AnyIndex = QModelIndex | QPersistentModelIndex


class PreviewModel(QAbstractTableModel):
    """The first rows of the file as text, with their spreadsheet line numbers."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header: list[str] = []
        self._rows: list[tuple[int, list[str]]] = []

    def set_table(self, header: list[str], rows: list[tuple[int, list[str]]]) -> None:
        self.beginResetModel()
        self._header = list(header)
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        _line, cells = self._rows[index.row()]
        return cells[index.column()] if index.column() < len(cells) else ""

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        if not 0 <= section < len(self._rows):
            return None
        return _("line {line}").format(line=self._rows[section][0])


class ProblemModel(QAbstractTableModel):
    """Every problem of a dry run: line, column, reason. Sorts in its own list."""

    HEADERS = (N_("Line"), N_("Column"), N_("Reason"))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: Sequence[Problem]) -> None:
        self.beginResetModel()
        self._problems = list(problems)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        problem = self._problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = problem.column_label if problem.column else _("(whole row)")
            return (problem.line, column, problem.reason)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return problem.reason
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        keys = (
            lambda p: (p.line, p.column),
            lambda p: (p.column.lower(), p.line),
            lambda p: (p.reason.lower(), p.line),
        )
        if not 0 <= column < len(keys):
            return
        self.layoutAboutToBeChanged.emit()
        self._problems.sort(key=keys[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

    def as_tsv(self, rows: Sequence[int]) -> str:
        """The rows as tab-separated text with a header line, as Excel pastes it."""
        # Translators: the header line of the copied problems; keep the two tabs.
        lines = [_("line\tcolumn\treason")]
        for row in sorted(rows):
            p = self._problems[row]
            reason = p.reason.replace("\t", " ").replace("\n", " ")
            lines.append(f"{p.line}\t{p.column_label if p.column else ''}\t{reason}")
        return "\n".join(lines) + "\n"


class ProblemTable(QTableView):
    """A sortable problem list; Ctrl+C copies the selected rows (all of them if none)."""

    def __init__(self, model: ProblemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSortingEnabled(True)
        self.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def problem_model(self) -> ProblemModel:
        model = self.model()
        assert isinstance(model, ProblemModel)
        return model

    def copy_selection(self) -> str:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if not rows:
            rows = list(range(self.problem_model().rowCount()))
        tsv = self.problem_model().as_tsv(rows)
        QGuiApplication.clipboard().setText(tsv)
        return tsv

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)


# --- pages --------------------------------------------------------------------------------
