"""An upgraded file with the buyer's own weights: the desk says so once, and only once."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, text

from sourcing_app.app import build_main_window
from sourcing_app.services.weights_notice import NOTICE_KEY, take_weights_kept_notice
from sourcing_app.ui.settings.screen import SettingsScreen


def _leave_notice(engine: Engine) -> None:
    """What Alembic revision 0003 leaves when the weights were the buyer's own."""
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
            {"k": NOTICE_KEY, "v": json.dumps(True)},
        )


def _notices(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT COUNT(*) FROM setting WHERE key = :k"), {"k": NOTICE_KEY}
            ).scalar_one()
        )


def test_the_service_hands_the_notice_out_once(engine: Engine) -> None:
    assert take_weights_kept_notice(engine) is False  # a fresh file has none
    _leave_notice(engine)
    assert take_weights_kept_notice(engine) is True
    assert take_weights_kept_notice(engine) is False
    assert _notices(engine) == 0


def test_the_desk_tells_once_then_never_again(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> None:
    _leave_notice(engine)
    first = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(first)
    first.show()
    box = first.weights_notice  # type: ignore[attr-defined]
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert box.windowTitle() == "Your weights were kept"
    assert "customs clearance got weight 0" in box.text()
    assert "Settings" in box.text()
    assert _notices(engine) == 0  # told: the row is gone

    # "Open Settings" brings the Settings screen forward.
    open_settings = next(b for b in box.buttons() if b.text() == "Open Settings")
    open_settings.click()
    assert isinstance(first.stack.currentWidget(), SettingsScreen)
    first.close()

    second = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(second)
    second.show()
    assert second.weights_notice is None  # type: ignore[attr-defined]
    second.close()


def test_a_file_without_the_notice_opens_quietly(
    qtbot: QtBot, engine: Engine, db_url: str, window_settings: QSettings
) -> None:
    window = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(window)
    assert window.weights_notice is None  # type: ignore[attr-defined]
