"""A banner that says when the exchange rates are old, or the feed could not be reached.

Hidden while the feed's rates are fresh (docs/architecture.md: the app keeps
working on the last stored and manual rates, and says so). The update runs
off the UI thread through `workspace.run_task`; afterwards the portfolio is
scored again on the new rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from sourcing_app.errors import BadInput, Cancelled, CannotFinish, ProgressCallback
from sourcing_app.i18n import _
from sourcing_app.services.rates import RatesAge, RatesUpdate, day_text, rates_age, update_rates
from sourcing_app.ui.shell.permission_hooks import allow
from sourcing_app.ui.shell.workspace import Workspace

_OLD_STYLE = (
    "QFrame#rates_banner { background: #fff4ce; border: 1px solid #d9b44a; border-radius: 4px; }"
)
_FAILED_STYLE = (
    "QFrame#rates_banner { background: #fde7e9; border: 1px solid #d46a6a; border-radius: 4px; }"
)


class RatesBanner(QFrame):
    """`RatesBanner(workspace, parent)`: put it above a screen; it shows itself when needed.

    `rates_updated(RatesUpdate)` is emitted after a successful update,
    `update_failed(reason in words)` after a failed one.
    """

    rates_updated = Signal(object)
    update_failed = Signal(str)

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.today = today  # the clock the age is read against; a test may pin it
        self.setObjectName("rates_banner")
        self.label = QLabel()
        self.label.setObjectName("rates_banner_text")
        self.label.setWordWrap(True)
        self.update_button = QPushButton(_("Update now"))
        self.update_button.setObjectName("rates_update_now")
        self.update_button.clicked.connect(self.update_now)
        self.dismiss_button = QPushButton(_("Dismiss"))
        self.dismiss_button.setFlat(True)
        self.dismiss_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.update_button)
        layout.addWidget(self.dismiss_button)
        self.failure: str | None = None
        self.job: int | None = None
        self.age: RatesAge | None = None
        workspace.data_changed.connect(self._data_changed)
        self._allow_update()
        self.refresh()

    def _allow_update(self) -> None:
        """A viewer may not store rates (docs/team-mode.md): the button says so on hover."""
        allowed = self.workspace.permissions
        allow(self.update_button, allowed.can_fetch_rates, allowed.why_not("exchange_rate"))

    # --- what it says -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read how old the rates are and show or hide the banner accordingly."""
        self.age = rates_age(self.workspace.engine, self.today())
        if self.failure is not None:
            self._show_failure()
        elif self.age.fresh:
            self.hide()
        else:
            self.setStyleSheet(_OLD_STYLE)
            if self.age.last_feed_day is None:
                then = _("Scores use the rates entered by hand or imported.")
            else:
                then = _("Scores use them until they are updated.")
            self.label.setText(
                _("{how_old} {what_then}").format(how_old=self.age.describe(), what_then=then)
            )
            self.update_button.setText(_("Update now"))
            self.show()

    def _show_failure(self) -> None:
        assert self.age is not None
        if self.age.last_feed_day is None:
            last = _("Scoring uses the manual rates only.")
        else:
            last = _("Scoring uses the last known rates, from {day}.").format(
                day=day_text(self.age.last_feed_day)
            )
        self.setStyleSheet(_FAILED_STYLE)
        self.label.setText(
            _("Could not update the exchange rates: {reason}. {what_then}").format(
                reason=self.failure, what_then=last
            )
        )
        self.update_button.setText(_("Try again"))
        self.show()

    def _data_changed(self, kind: str) -> None:
        if kind in ("fx-rates", "exchange_rate", "rates"):
            self.refresh()

    # --- updating -----------------------------------------------------------------------

    def update_now(self) -> None:
        if self.job is not None or not self.workspace.permissions.can_fetch_rates:
            return
        engine = self.workspace.engine
        who = self.workspace.user_name()

        def work(progress: ProgressCallback) -> RatesUpdate:
            return update_rates(engine, who=who, progress=progress)

        self.update_button.setEnabled(False)
        self.label.setText(_("Fetching the exchange rates…"))
        self.job = self.workspace.run_task(
            _("Updating exchange rates"), work, self._done, self._failed
        )

    def _done(self, result: Any) -> None:
        self.job = None
        self.failure = None
        self._allow_update()
        self.refresh()
        self.rates_updated.emit(result)
        self.workspace.data_edited("fx-rates")
        self.workspace.rescore_all(_("Scoring on the new exchange rates"))

    def _failed(self, error: Exception) -> None:
        self.job = None
        self._allow_update()
        if isinstance(error, Cancelled):
            self.refresh()
            # Translators: why the rates were not updated (the buyer cancelled).
            self.update_failed.emit(_("cancelled"))
            return
        if isinstance(error, BadInput | CannotFinish):
            self.failure = str(error)
        else:
            self.failure = _("an unexpected error ({kind}: {error})").format(
                kind=type(error).__name__, error=error
            )
        self.refresh()
        self.update_failed.emit(self.failure)
