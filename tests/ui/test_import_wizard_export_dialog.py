"""The desktop's export: a kind or everything, .xlsx or .csv, off the UI thread."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.file_formats import IMPORT_ORDER, read_table
from sourcing_app.ui.dialogs.export_dialog import ExportDialog
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.test_export import load_hand_portfolio


def test_export_one_kind_then_everything(qtbot, engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "t")
    dialog = ExportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("purchases"))
    with qtbot.waitSignal(workspace.task_ended, timeout=10_000):
        dialog.export_to(tmp_path / "lines")  # the extension is added
    assert dialog.message.text() == f"Exported 6 purchase lines to lines.xlsx (in {tmp_path})."
    header, rows = read_table(tmp_path / "lines.xlsx")
    assert header[0] == "line_ref" and len(list(rows)) == 6
    folder = tmp_path / "all"
    folder.mkdir()
    dialog.kind_combo.setCurrentIndex(0)
    dialog.csv.setChecked(True)
    with qtbot.waitSignal(workspace.task_ended, timeout=10_000):
        dialog.export_to(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{k}.csv" for k in IMPORT_ORDER)
    assert dialog.message.text().startswith("Exported 1 tax categories to tax-categories.csv; 2 ")
    assert dialog.export_button.isEnabled()
    workspace.wait_for_tasks()


def test_an_export_into_a_missing_folder_says_so(qtbot, engine: Engine, tmp_path: Path) -> None:
    workspace = Workspace(engine, "t")
    dialog = ExportDialog(workspace)
    qtbot.addWidget(dialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("suppliers"))
    with qtbot.waitSignal(workspace.task_ended, timeout=10_000):
        dialog.export_to(tmp_path / "gone" / "s.xlsx")
    assert (
        dialog.message.text()
        == f"Nothing was exported: the folder {tmp_path / 'gone'} does not exist."
    )
    workspace.wait_for_tasks()
