"""The main window: the supplier table, and a status bar saying which database is open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMainWindow, QMessageBox, QTableView

from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.ui.background import BackgroundRunner
from sourcing_app.ui.supplier_table_model import Column, SupplierTableModel

ScoreLoader = Callable[[dt.date], Sequence[SupplierScore]]

WINDOW_TITLE = "Sourcing desk"
# Long names and brand lists are cut (the full text is one hover away) so the
# score, standing and flags stay on screen at 1280 px.
MAX_TEXT_COLUMN_WIDTH = 220


class MainWindow(QMainWindow):
    scores_shown = Signal(int)  # number of suppliers now in the table
    scores_failed = Signal(str)  # the reason, in words

    def __init__(
        self,
        *,
        database_label: str,
        load_scores: ScoreLoader,
        loading_message: str = "Scoring suppliers…",
    ) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        self.resize(1500, 900)
        self._load_scores = load_scores
        self._loading_message = loading_message
        self._as_of: dt.date | None = None
        self._background = BackgroundRunner(self)
        self._background.succeeded.connect(self._show_scores)
        self._background.failed.connect(self._show_failure)
        self._current_job = 0

        self.model = SupplierTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        # Fixed row heights: the view never measures 100k rows one by one.
        rows.setSectionResizeMode(rows.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Best suppliers first: what a buyer opens the app to see.
        self.table.horizontalHeader().setSortIndicator(
            Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder
        )
        self.table.setSortingEnabled(True)
        self.setCentralWidget(self.table)

        self.database_label = QLabel(f"Database: {database_label}")
        self.statusBar().addPermanentWidget(self.database_label)

    def refresh(self, as_of: dt.date | None = None) -> None:
        """Score every supplier as of `as_of` (today by default) without freezing the window."""
        self._as_of = as_of or dt.date.today()
        as_of_day = self._as_of
        self.statusBar().showMessage(self._loading_message)
        self._current_job = self._background.start(lambda: self._load_scores(as_of_day))

    def _show_scores(self, job: int, scores: Sequence[SupplierScore]) -> None:
        if job != self._current_job:
            return  # an earlier refresh finishing late; a newer one is on its way
        self.model.set_scores(scores)
        self.table.resizeColumnsToContents()
        for column in (Column.NAME, Column.BRANDS):
            if self.table.columnWidth(column) > MAX_TEXT_COLUMN_WIDTH:
                self.table.setColumnWidth(column, MAX_TEXT_COLUMN_WIDTH)
        as_of = self._as_of or dt.date.today()
        self.statusBar().showMessage(f"{len(scores):,} suppliers scored as of {as_of:%d %b %Y}.")
        self.scores_shown.emit(len(scores))

    def _show_failure(self, job: int, error: Exception) -> None:
        if job != self._current_job:
            return
        reason = str(error) or type(error).__name__
        self.statusBar().showMessage("The suppliers could not be scored.")
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            WINDOW_TITLE,
            f"The suppliers could not be scored: {reason}",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.open()
        self.scores_failed.emit(reason)

    def closeEvent(self, event: QCloseEvent) -> None:
        # A worker still scoring would outlive the engine it reads from.
        self._background.wait_for_done()
        super().closeEvent(event)
