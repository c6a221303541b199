"""The import wizard names purchase lines placed lately with a Watch or Avoid supplier.

The same story as tests/services/test_import_standings.py: strict bands put
S-VERT at Watch and S-COMP at Avoid in a real scoring run on 30 Jun 2026; the
buyer imports four ERP lines through the wizard and reads which of them went to
those suppliers in the 30 days before, in the check and in the summary.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard
from sqlalchemy import Engine

from sourcing_app.services.scoring import ScoringService
from sourcing_app.ui.dialogs.import_wizard import ImportWizard
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.test_import_standings import AS_OF, NEW_LINES, WORDS, load_strict_desk


def test_the_check_and_the_summary_name_the_recent_lines(
    qtbot, engine: Engine, tmp_path: Path
) -> None:
    load_strict_desk(engine, tmp_path)
    workspace = Workspace(engine, "test.sqlite")
    workspace.set_scores(ScoringService(engine).score_all(AS_OF), AS_OF)
    wizard = ImportWizard(workspace)
    qtbot.addWidget(wizard)
    wizard.show()
    path = tmp_path / "erp-lines.csv"
    path.write_text(NEW_LINES, encoding="utf-8")

    wizard.file_page.set_path(path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.result is not None, timeout=10_000)
    assert wizard.check_page.message.text().splitlines() == [
        "All 4 rows are good. Importing will give: 4 added, 0 changed, 0 unchanged.",
        *WORDS,
    ]
    with qtbot.waitSignal(workspace.scores_changed, timeout=20_000):
        wizard.next()
        qtbot.waitUntil(lambda: wizard.import_page.finished_, timeout=10_000)
    assert wizard.import_page.message.text().splitlines() == [
        "Imported 4 rows of purchase lines: 4 added, 0 changed, 0 unchanged. "
        "The portfolio is being scored again.",
        *WORDS,
    ]
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    workspace.wait_for_tasks()
