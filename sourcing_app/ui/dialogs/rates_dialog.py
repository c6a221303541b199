"""Exchange rates: what scoring uses on a date, where each came from, manual rates, the feed.

`RatesDialog(workspace, parent)`. A manual rate wins over the feed's for its
date (docs/vocabulary.md); every change is audited by the rates service and
the portfolio is scored again afterwards.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.services.rates import (
    StoredRate,
    check_url,
    day_text,
    list_rates,
    load_feed_url,
    save_feed_url,
    set_manual_rate,
)
from sourcing_app.services.settings import load_settings
from sourcing_app.ui.shell.rates_banner import RatesBanner
from sourcing_app.ui.shell.workspace import Workspace

AnyIndex = QModelIndex | QPersistentModelIndex


class RatesModel(QAbstractTableModel):
    HEADERS = ("Currency", "Date", "Rate", "Kind", "Source")

    def __init__(self, home: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.home = home
        self._rates: list[StoredRate] = []

    def set_rates(self, rates: list[StoredRate], home: str) -> None:
        self.beginResetModel()
        self._rates = rates
        self.home = home
        self.endResetModel()

    def rate(self, row: int) -> StoredRate:
        return self._rates[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rates)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return r.currency
            if column == 1:
                return day_text(r.day)
            if column == 2:
                return f"{self.home} {r.rate_to_home} per {r.currency}"
            if column == 3:
                if r.overruled_feed_rate is not None:
                    return f"manual (beats the feed's {r.overruled_feed_rate})"
                return r.kind
            return r.source
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == 2:
                return f"Rate to {self.home}"
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class RatesDialog(QDialog):
    """Rates on a date, a manual rate form, the feed address and "Update from the feed"."""

    rates_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Exchange rates")
        self.resize(820, 600)
        engine = workspace.engine
        self.home = load_settings(engine).home_currency

        self.banner = RatesBanner(workspace, self)
        self.banner.dismiss_button.hide()

        self.on_date = QDateEdit(_qdate(workspace.as_of))
        self.on_date.setObjectName("rates_on_date")
        self.on_date.setCalendarPopup(True)
        self.on_date.setDisplayFormat("d MMM yyyy")
        self.on_date.dateChanged.connect(self.reload)
        self.model = RatesModel(self.home, self)
        self.table = QTableView()
        self.table.setObjectName("rates_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(QLabel("Rates scoring uses on"))
        top.addWidget(self.on_date)
        top.addWidget(
            QLabel("(the latest stored on or before it; a manual rate wins for its date)")
        )
        top.addStretch(1)

        # Manual rate.
        self.currency_edit = QLineEdit()
        self.currency_edit.setObjectName("manual_currency")
        self.currency_edit.setPlaceholderText("USD")
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setFixedWidth(70)
        self.manual_date = QDateEdit(_qdate(workspace.as_of))
        self.manual_date.setObjectName("manual_date")
        self.manual_date.setCalendarPopup(True)
        self.manual_date.setDisplayFormat("d MMM yyyy")
        self.rate_edit = QLineEdit()
        self.rate_edit.setObjectName("manual_rate")
        self.rate_edit.setPlaceholderText("7.2050")
        self.rate_unit = QLabel(f"{self.home} per unit")
        self.rate_unit.setObjectName("manual_rate_unit")
        # The unit names the currency typed: "CNY per USD", so 7.2050 cannot be read upside down.
        self.currency_edit.textChanged.connect(
            lambda text: self.rate_unit.setText(f"{self.home} per {text.strip().upper() or 'unit'}")
        )
        self.save_manual = QPushButton("Save manual rate")
        self.save_manual.setObjectName("save_manual_rate")
        self.save_manual.clicked.connect(self._save_manual)
        self.manual_message = QLabel()
        self.manual_message.setObjectName("manual_message")
        self.manual_message.setWordWrap(True)
        manual_row = QHBoxLayout()
        manual_row.addWidget(QLabel("Currency"))
        manual_row.addWidget(self.currency_edit)
        manual_row.addWidget(QLabel("Date"))
        manual_row.addWidget(self.manual_date)
        manual_row.addWidget(QLabel("Rate"))
        manual_row.addWidget(self.rate_edit)
        manual_row.addWidget(self.rate_unit)
        manual_row.addStretch(1)
        manual_row.addWidget(self.save_manual)
        manual_box = QGroupBox("Enter a rate by hand")
        manual_layout = QVBoxLayout(manual_box)
        manual_layout.addLayout(manual_row)
        manual_layout.addWidget(self.manual_message)

        # The feed.
        self.url_edit = QLineEdit(load_feed_url(engine))
        self.url_edit.setObjectName("feed_url")
        self.save_url = QPushButton("Save address")
        self.save_url.clicked.connect(self._save_url)
        self.update_button = QPushButton("Update from the feed now")
        self.update_button.setObjectName("update_from_feed")
        self.update_button.clicked.connect(self._update_from_feed)
        self.feed_message = QLabel()
        self.feed_message.setObjectName("feed_message")
        self.feed_message.setWordWrap(True)
        feed_box = QGroupBox("Rate feed")
        feed_form = QFormLayout(feed_box)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.save_url)
        feed_form.addRow("Address:", url_row)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.update_button)
        buttons_row.addWidget(self.feed_message, 1)
        feed_form.addRow("", buttons_row)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(manual_box)
        layout.addWidget(feed_box)
        layout.addWidget(close)

        self.banner.rates_updated.connect(self._feed_updated)
        self.banner.update_failed.connect(self._feed_failed)
        self.reload()

    def reload(self) -> None:
        on = _pydate(self.on_date.date())
        rates = list_rates(self.workspace.engine, on)
        self.model.set_rates(rates, self.home)
        if rates:
            self.count_label.setText(
                f"{len(rates)} currencies have a rate on or before {day_text(on)}; "
                f"{self.home} itself is 1."
            )
        else:
            self.count_label.setText(
                f"No exchange rates are stored on or before {day_text(on)}. Update from the "
                "feed, or enter a rate by hand."
            )

    def _save_manual(self) -> None:
        currency = self.currency_edit.text().strip().upper()
        raw = self.rate_edit.text().strip().replace(",", "")
        try:
            rate = Decimal(raw)
        except InvalidOperation:
            self.manual_message.setText(f"'{raw}' is not a number; type the rate like 7.2050.")
            return
        day = _pydate(self.manual_date.date())
        try:
            old = set_manual_rate(
                self.workspace.engine, currency, day, rate, who=self.workspace.user_name()
            )
        except (BadInput, CannotFinish) as exc:
            self.manual_message.setText(f"Not saved: {exc}.")
            return
        was = "" if old is None else f" (was {old})"
        self.manual_message.setText(
            f"Saved: {currency} = {self.home} {rate} on {day_text(day)}{was}. It wins over the "
            "feed for that date; the portfolio is being scored again."
        )
        self._changed()

    def _save_url(self) -> None:
        url = self.url_edit.text().strip()
        try:
            check_url(url)
            with self.workspace.engine.begin() as conn:
                save_feed_url(conn, url)
        except BadInput as exc:
            self.feed_message.setText(f"Not saved: {exc}.")
            return
        self.feed_message.setText("The feed address was saved.")

    def _update_from_feed(self) -> None:
        self._save_url()
        if self.feed_message.text().startswith("Not saved"):
            return
        self.feed_message.setText("Fetching…")
        self.banner.update_now()
        self.update_button.setEnabled(False)

    def _feed_failed(self, reason: str) -> None:
        self.update_button.setEnabled(True)
        self.feed_message.setText(f"Could not update: {reason}. The stored rates are unchanged.")

    def _feed_updated(self, result: Any) -> None:
        words = result.summary()
        self.feed_message.setText(words[:1].upper() + words[1:] + ".")
        self.update_button.setEnabled(True)
        self.reload()
        self.rates_changed.emit()

    def _changed(self) -> None:
        self.reload()
        self.banner.refresh()
        self.rates_changed.emit()
        self.workspace.data_edited("fx-rates")
        self.workspace.rescore_all("Scoring on the new exchange rates")
