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

from sourcing_app.domain.formatting import cell_day
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import N_, _, ngettext
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
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.rates_banner import RatesBanner
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.widgets.forms import date_format

AnyIndex = QModelIndex | QPersistentModelIndex


class RatesModel(QAbstractTableModel):
    HEADERS = (N_("Currency"), N_("Date"), N_("Rate"), N_("Kind"), N_("Source"))

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
                return cell_day(r.day)
            if column == 2:
                return _("{home} {rate} per {currency}").format(
                    home=self.home, rate=r.rate_to_home, currency=r.currency
                )
            if column == 3:
                if r.overruled_feed_rate is not None:
                    return _("manual (beats the feed's {rate})").format(rate=r.overruled_feed_rate)
                return _kind_words(r.kind)
            return r.source
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == 2:
                return _("Rate to {home}").format(home=self.home)
            return _(self.HEADERS[section]) if 0 <= section < len(self.HEADERS) else None
        return None


# How a stored rate came in (rate_lookup.MANUAL, FEED), as the table says it.
_KINDS = {"manual": N_("manual"), "feed": N_("feed")}


def _kind_words(kind: str) -> str:
    words = _KINDS.get(kind)
    return _(words) if words else kind


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class RatesDialog(QDialog):
    """Rates on a date, a manual rate form, the feed address and "Update from the feed"."""

    rates_changed = Signal()
    _url_refused = False

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle(_("Exchange rates"))
        self.resize(820, 600)
        engine = workspace.engine
        self.home = load_settings(engine).home_currency

        self.banner = RatesBanner(workspace, self)
        self.banner.dismiss_button.hide()

        self.on_date = QDateEdit(_qdate(workspace.as_of))
        self.on_date.setObjectName("rates_on_date")
        self.on_date.setCalendarPopup(True)
        self.on_date.setDisplayFormat(date_format())
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
        top.addWidget(QLabel(_("Rates scoring uses on")))
        top.addWidget(self.on_date)
        top.addWidget(
            QLabel(_("(the latest stored on or before it; a manual rate wins for its date)"))
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
        self.manual_date.setDisplayFormat(date_format())
        self.rate_edit = QLineEdit()
        self.rate_edit.setObjectName("manual_rate")
        self.rate_edit.setPlaceholderText("7.2050")
        self.rate_unit = QLabel(_("{home} per unit").format(home=self.home))
        self.rate_unit.setObjectName("manual_rate_unit")
        # The unit names the currency typed: "CNY per USD", so 7.2050 cannot be read upside down.
        self.currency_edit.textChanged.connect(self._show_rate_unit)
        self.save_manual = QPushButton(_("Save manual rate"))
        self.save_manual.setObjectName("save_manual_rate")
        self.save_manual.clicked.connect(self._save_manual)
        self.manual_message = QLabel()
        self.manual_message.setObjectName("manual_message")
        self.manual_message.setWordWrap(True)
        manual_row = QHBoxLayout()
        manual_row.addWidget(QLabel(_("Currency")))
        manual_row.addWidget(self.currency_edit)
        manual_row.addWidget(QLabel(_("Date")))
        manual_row.addWidget(self.manual_date)
        manual_row.addWidget(QLabel(_("Rate")))
        manual_row.addWidget(self.rate_edit)
        manual_row.addWidget(self.rate_unit)
        manual_row.addStretch(1)
        manual_row.addWidget(self.save_manual)
        manual_box = QGroupBox(_("Enter a rate by hand"))
        manual_layout = QVBoxLayout(manual_box)
        manual_layout.addLayout(manual_row)
        manual_layout.addWidget(self.manual_message)

        # The feed.
        self.url_edit = QLineEdit(load_feed_url(engine))
        self.url_edit.setObjectName("feed_url")
        self.save_url = QPushButton(_("Save address"))
        self.save_url.clicked.connect(self._save_url)
        self.update_button = QPushButton(_("Update from the feed now"))
        self.update_button.setObjectName("update_from_feed")
        self.update_button.clicked.connect(self._update_from_feed)
        self.feed_message = QLabel()
        self.feed_message.setObjectName("feed_message")
        self.feed_message.setWordWrap(True)
        feed_box = QGroupBox(_("Rate feed"))
        feed_form = QFormLayout(feed_box)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.save_url)
        feed_form.addRow(_("Address:"), url_row)
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
        self._allow()
        self.reload()

    def _allow(self) -> None:
        """Team mode: rates typed by hand and the feed address are a manager's."""
        allowed = self.workspace.permissions
        allow(self.save_manual, allowed.can_enter_manual_rates, allowed.why_not("manual_rates"))
        allow(self.save_url, allowed.can_change_settings, allowed.why_not("setting"))
        allow(self.update_button, allowed.can_fetch_rates, allowed.why_not("exchange_rate"))
        if not allowed.can_enter_manual_rates:
            self.manual_message.setText(allowed.why_not("manual_rates"))

    def reload(self) -> None:
        on = _pydate(self.on_date.date())
        rates = list_rates(self.workspace.engine, on)
        self.model.set_rates(rates, self.home)
        if rates:
            self.count_label.setText(
                ngettext(
                    "{n} currency has a rate on or before {day}; {home} itself is 1.",
                    "{n} currencies have a rate on or before {day}; {home} itself is 1.",
                    len(rates),
                ).format(n=len(rates), day=day_text(on), home=self.home)
            )
        else:
            self.count_label.setText(
                _(
                    "No exchange rates are stored on or before {day}. Update from the "
                    "feed, or enter a rate by hand."
                ).format(day=day_text(on))
            )

    def _show_rate_unit(self, text: str) -> None:
        """The unit names the currency typed: "CNY per USD", never read upside down."""
        currency = text.strip().upper()
        if currency:
            unit = _("{home} per {currency}").format(home=self.home, currency=currency)
        else:
            unit = _("{home} per unit").format(home=self.home)
        self.rate_unit.setText(unit)

    def _save_manual(self) -> None:
        currency = self.currency_edit.text().strip().upper()
        raw = self.rate_edit.text().strip().replace(",", "")
        try:
            rate = Decimal(raw)
        except InvalidOperation:
            self.manual_message.setText(
                _("'{text}' is not a number; type the rate like 7.2050.").format(text=raw)
            )
            return
        day = _pydate(self.manual_date.date())
        try:
            old = set_manual_rate(
                self.workspace.engine, currency, day, rate, who=self.workspace.user_name()
            )
        except (BadInput, CannotFinish) as exc:
            self.manual_message.setText(_("Not saved: {reason}.").format(reason=exc))
            return
        if old is None:
            text = _(
                "Saved: {currency} = {home} {rate} on {day}. It wins over the feed for that "
                "date; the portfolio is being scored again."
            )
        else:
            text = _(
                "Saved: {currency} = {home} {rate} on {day} (was {old}). It wins over the feed "
                "for that date; the portfolio is being scored again."
            )
        self.manual_message.setText(
            text.format(currency=currency, home=self.home, rate=rate, day=day_text(day), old=old)
        )
        self._changed()

    def _save_url(self) -> None:
        url = self.url_edit.text().strip()
        try:
            check_url(url)
            with self.workspace.engine.begin() as conn:
                save_feed_url(conn, url)
        except BadInput as exc:
            self.feed_message.setText(_("Not saved: {reason}.").format(reason=exc))
            self._url_refused = True
            return
        self._url_refused = False
        self.feed_message.setText(_("The feed address was saved."))

    def _update_from_feed(self) -> None:
        self._save_url()
        if self._url_refused:
            return
        self.feed_message.setText(_("Fetching…"))
        self.banner.update_now()
        self.update_button.setEnabled(False)

    def _feed_failed(self, reason: str) -> None:
        self._allow()
        self.feed_message.setText(
            _("Could not update: {reason}. The stored rates are unchanged.").format(reason=reason)
        )

    def _feed_updated(self, result: Any) -> None:
        words = result.summary()
        self.feed_message.setText(words[:1].upper() + words[1:] + ".")
        self._allow()
        self.reload()
        self.rates_changed.emit()

    def _changed(self) -> None:
        self.reload()
        self.banner.refresh()
        self.rates_changed.emit()
        self.workspace.data_edited("fx-rates")
        self.workspace.rescore_all(_("Scoring on the new exchange rates"))
