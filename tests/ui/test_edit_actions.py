"""The menu actions: archive with undo, undo/redo shortcuts, New opens the right form."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow
from sqlalchemy import Engine

from sourcing_app.ui.shell.edit_actions import EditActions
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio_db import ids, load_hand_portfolio


def _archived(engine: Engine, code: str) -> bool:
    with engine.connect() as conn:
        return bool(
            conn.exec_driver_sql(f"SELECT archived FROM supplier WHERE code = '{code}'").scalar()
        )


def test_archive_then_undo_then_redo(qtbot, engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)
    supplier_id = ids(engine)["S-COMP"]
    workspace = Workspace(engine, "test.sqlite")
    window = QMainWindow()
    qtbot.addWidget(window)
    actions = EditActions(workspace, window, current=lambda _entity: supplier_id)

    actions.archive.trigger()
    assert _archived(engine, "S-COMP")
    assert actions.undo.text() == "Undo Archive supplier S-COMP"
    assert actions.undo.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in actions.redo.shortcuts()

    actions.undo.trigger()
    assert not _archived(engine, "S-COMP")
    actions.redo.trigger()
    assert _archived(engine, "S-COMP")
    with engine.connect() as conn:
        actions_logged = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT action FROM audit_entry WHERE entity = 'supplier' ORDER BY id"
            )
        ]
    assert actions_logged == ["archived", "restored", "archived"]


def test_new_supplier_opens_an_empty_supplier_form(qtbot, engine: Engine) -> None:
    workspace = Workspace(engine, "test.sqlite")
    window = QMainWindow()
    qtbot.addWidget(window)
    actions = EditActions(workspace, window)
    assert actions.new["supplier"].shortcut() == QKeySequence("Ctrl+N")
    dialog = actions.create("supplier")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "New supplier"
    assert not dialog.save_button.isEnabled()
    assert dialog.summary.text() == (
        "Save is available once everything is right: still to fill in: Code, Name"
    )
