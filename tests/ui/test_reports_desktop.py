"""From the desktop: a report is read off the UI thread, written, and the buyer is told."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine, text

from sourcing_app.services.scoring import ScoringService
from sourcing_app.ui.dialogs.reports import export_brand_report, export_supplier_report
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.test_export import load_hand_portfolio
from tests.services.test_export_atomic import read_only

AS_OF = dt.date(2026, 6, 30)


def _box(name: str) -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.objectName() == name and widget.isVisible():
            return widget
    return None


def _workspace(engine: Engine, tmp_path: Path) -> Workspace:
    load_hand_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "hand portfolio.sqlite")
    workspace.set_scores(ScoringService(engine).score_all(AS_OF), AS_OF)
    return workspace


def _id(engine: Engine, query: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def test_a_supplier_report_from_the_desktop(qtbot, engine: Engine, tmp_path: Path) -> None:
    workspace = _workspace(engine, tmp_path)
    supplier_id = _id(engine, "SELECT id FROM supplier WHERE code = 'S-COMP'")
    path = tmp_path / "s-comp.pdf"
    job = export_supplier_report(workspace, supplier_id, path=path)
    assert job is not None
    qtbot.waitUntil(lambda: _box("report_saved") is not None, timeout=10_000)
    box = _box("report_saved")
    assert box is not None
    # Three pages: scores, sub-scores and flags on page 1; the landed cost ends and the
    # score trend (chart and 13 rows, docs/trend.md) fills page 2; history, channels
    # and quotes on page 3.
    assert box.text() == "The report on S-COMP was saved as s-comp.pdf (3 pages, A4)."
    words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "hand portfolio.sqlite" in words
    assert "Supplier evaluation: S-COMP" in words
    box.close()
    workspace.wait_for_tasks()


def test_a_brand_report_from_the_desktop(qtbot, engine: Engine, tmp_path: Path) -> None:
    workspace = _workspace(engine, tmp_path)
    brand_id = _id(engine, "SELECT id FROM brand WHERE name = 'Aurelle'")
    path = tmp_path / "aurelle.pdf"
    export_brand_report(workspace, brand_id, path=path)
    qtbot.waitUntil(lambda: _box("report_saved") is not None, timeout=10_000)
    assert path.exists()
    _box("report_saved").close()  # type: ignore[union-attr]
    workspace.wait_for_tasks()


def test_a_report_into_a_missing_folder_says_so(qtbot, engine: Engine, tmp_path: Path) -> None:
    workspace = _workspace(engine, tmp_path)
    supplier_id = _id(engine, "SELECT id FROM supplier WHERE code = 'S-VERT'")
    export_supplier_report(workspace, supplier_id, path=tmp_path / "gone" / "r.pdf")
    qtbot.waitUntil(lambda: _box("report_failed") is not None, timeout=10_000)
    box = _box("report_failed")
    assert box is not None
    assert box.text() == f"The report was not saved: the folder {tmp_path / 'gone'} does not exist"
    box.close()
    workspace.wait_for_tasks()


def test_a_report_over_a_pdf_that_cannot_be_replaced_says_why_and_keeps_it(
    qtbot, engine: Engine, tmp_path: Path
) -> None:
    workspace = _workspace(engine, tmp_path)
    supplier_id = _id(engine, "SELECT id FROM supplier WHERE code = 'S-VERT'")
    folder = tmp_path / "reports"
    folder.mkdir()
    older = folder / "S-VERT.pdf"
    older.write_bytes(b"%PDF- last month's report")

    with read_only(older):
        export_supplier_report(workspace, supplier_id, path=older)
        qtbot.waitUntil(lambda: _box("report_failed") is not None, timeout=10_000)
        workspace.wait_for_tasks()

    box = _box("report_failed")
    assert box is not None
    assert box.text().startswith(
        "The report was not saved: S-VERT.pdf could not be replaced: it is open in another "
        "program (Excel or a PDF viewer, say) or read-only"
    )
    assert older.read_bytes() == b"%PDF- last month's report"
    assert [p.name for p in folder.iterdir()] == ["S-VERT.pdf"]
    box.close()
