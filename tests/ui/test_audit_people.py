"""The Audit screen filters by person, and reads the database's own settings entries."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.audit import AuditLine
from sourcing_app.services.editing import EditingService
from sourcing_app.ui.audit.screen import AuditView, change_text
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio_db import ids, load_hand_portfolio


def test_choosing_a_person_shows_only_their_changes(qtbot, engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)  # 8 import entries, by the login running the tests
    for who, capacity in (("mei", 2500), ("li", 2600), ("mei", 2700)):
        service = EditingService(engine, who=lambda who=who: who)
        supplier = service.load("supplier", ids(engine)["S-COMP"])
        service.edit(
            "supplier", supplier["id"], supplier["version"], {"monthly_capacity": capacity}
        )
    view = AuditView(Workspace(engine, "test.sqlite"))
    qtbot.addWidget(view)
    view.show()
    people = [view.person_filter.itemData(i) for i in range(view.person_filter.count())]
    assert "mei" in people and "li" in people and people[0] == ""

    view.person_filter.setCurrentIndex(view.person_filter.findData("mei"))
    changes = [view.model.index(r, 4).data() for r in range(view.model.rowCount())]
    # mei's two edits, newest first: 2,600 → 2,700 came after li's 2,500 → 2,600.
    assert changes == ["Monthly capacity: 2,600 → 2,700", "Monthly capacity: 2,000 → 2,500"]
    assert view.count_label.text() == "2 changes, newest first"
    # The person chosen stays chosen when the trail is read again.
    view.refresh()
    assert view.person_filter.currentData() == "mei"


def test_a_settings_row_written_by_the_database_reads_as_the_settings_that_changed() -> None:
    before = json.dumps({"weights": {"fill": 20, "on_time": 20}, "window_days": 180})
    after = json.dumps({"weights": {"fill": 25, "on_time": 20}, "window_days": 180})
    line = AuditLine(
        1,
        dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
        "manager_login",
        "settings",
        "scoring",
        "edited",
        {"id": "scoring", "fields": {"value": [before, after]}},
    )
    assert change_text(line, {}) == "Stability weight fill: 20 → 25"
