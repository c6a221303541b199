"""On a team database the desk greys out what the login may not do, and says why on hover.

Real PostgreSQL with the three logins of tests/services/team_db.py, real widgets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy import text

from sourcing_app.db.engine import make_engine
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog
from sourcing_app.ui.dialogs.import_wizard import ImportWizard
from sourcing_app.ui.dialogs.rates_dialog import RatesDialog
from sourcing_app.ui.settings.screen import SettingsScreen
from sourcing_app.ui.shell.edit_actions import EditActions
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.team_db import TeamDatabase, run, team_database
from tests.services.test_export import load_hand_portfolio_pg

VIEWER_SAYS = "Viewers cannot change data: ask the database owner for buyer rights."
MANAGER_SAYS = "Managers only: ask the database owner."


@pytest.fixture
def team(pg_database_url: str, tmp_path: Path) -> Iterator[TeamDatabase]:
    for database in team_database(pg_database_url):
        owner = make_engine(database.owner_url)
        load_hand_portfolio_pg(owner, tmp_path)
        owner.dispose()
        yield database


def workspace_for(team: TeamDatabase, role: str) -> Workspace:
    return Workspace(team.engine_for(role), role)


def test_a_viewers_new_actions_are_disabled_with_the_reason(qtbot, team: TeamDatabase) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    actions = EditActions(workspace_for(team, "viewer"), window)
    for action in (*actions.new.values(), actions.edit, actions.archive):
        assert not action.isEnabled()
        assert action.toolTip() == VIEWER_SAYS
    wizard = ImportWizard(workspace_for(team, "viewer"))
    qtbot.addWidget(wizard)
    combo = wizard.file_page.kind_combo
    kinds = combo.model()
    assert not any(kinds.item(row).isEnabled() for row in range(combo.count()))
    assert combo.itemData(0, Qt.ItemDataRole.ToolTipRole) == VIEWER_SAYS


def test_a_buyer_records_purchases_but_not_brands_settings_or_hand_rates(
    qtbot, team: TeamDatabase
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    workspace = workspace_for(team, "buyer")
    actions = EditActions(workspace, window)
    assert actions.new["supplier"].isEnabled() and actions.new["purchase"].isEnabled()
    assert not actions.new["brand"].isEnabled()
    assert actions.new["brand"].toolTip() == MANAGER_SAYS

    dialog = RatesDialog(workspace)
    qtbot.addWidget(dialog)
    assert dialog.update_button.isEnabled()  # feed rates any buyer may store
    assert not dialog.save_manual.isEnabled()
    assert dialog.save_manual.toolTip() == MANAGER_SAYS

    screen = SettingsScreen(workspace)
    qtbot.addWidget(screen)
    assert not screen.save_button.isEnabled()
    assert screen.save_button.toolTip() == MANAGER_SAYS

    wizard = ImportWizard(workspace)
    qtbot.addWidget(wizard)
    combo = wizard.file_page.kind_combo
    allowed = {
        str(combo.itemData(row)): combo.model().item(row).isEnabled()
        for row in range(combo.count())
    }
    assert allowed["suppliers"] and allowed["purchases"] and allowed["deliveries"]
    assert not allowed["tax-categories"] and not allowed["brands"] and not allowed["fx-rates"]


def test_a_manager_may_save_settings(qtbot, team: TeamDatabase) -> None:
    screen = SettingsScreen(workspace_for(team, "manager"))
    qtbot.addWidget(screen)
    assert screen.save_button.isEnabled()


def test_a_write_refused_meanwhile_keeps_what_was_typed(qtbot, team: TeamDatabase) -> None:
    workspace = workspace_for(team, "buyer")
    with workspace.engine.connect() as conn:
        supplier_id = conn.execute(text("SELECT id FROM supplier WHERE code = 'S-COMP'")).scalar()
    dialog = EditDialog(workspace, "supplier", supplier_id)
    qtbot.addWidget(dialog)
    contact = dialog.form.editor("contact").input
    assert isinstance(contact, QLineEdit)
    qtbot.keyClicks(contact, "Mr Lau")
    dialog.form.validate()  # the form's own check, now rather than on its timer
    # The owner takes the buyer's rights away while the form is open.
    assert run("--db", team.owner_url, "team", "grant", "buyer_login", "viewer")[0] == 0

    assert dialog.save() is None
    assert dialog.banner.text() == VIEWER_SAYS
    assert contact.text() == "Mr Lau"
