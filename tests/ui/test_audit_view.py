"""The audit view lists the hand edits, newest first, in words."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.editing import EditingService
from sourcing_app.ui.audit_view import AuditView
from sourcing_app.ui.workspace import Workspace
from tests.services.hand_portfolio_db import ids, load_hand_portfolio


def test_an_edit_and_an_import_read_as_words(
    qtbot, qtmodeltester, engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    service = EditingService(engine, who=lambda: "mei")
    supplier = service.load("supplier", ids(engine)["S-COMP"])
    service.edit("supplier", supplier["id"], supplier["version"], {"monthly_capacity": 2500})
    workspace = Workspace(engine, "test.sqlite")
    view = AuditView(workspace)
    qtbot.addWidget(view)
    view.show()

    first = [view.model.index(0, c).data() for c in range(1, 5)]
    assert first == ["mei", "supplier S-COMP", "edited", "Monthly capacity: 2000 → 2500"]
    last = view.model.rowCount() - 1
    assert view.model.index(last, 4).data() == "1 added, 0 updated"  # the tax-categories file
    assert view.count_label.text() == "10 changes, newest first"

    view.entity_filter.setCurrentIndex(view.entity_filter.findData("supplier"))
    assert view.model.rowCount() == 1
    qtmodeltester.check(view.model, force_py=True)
