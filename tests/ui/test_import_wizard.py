"""The import wizard driven like a buyer: pick, preview, check, import, cancel."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard
from sqlalchemy import Engine, text

from sourcing_app.services.importing import Problem
from sourcing_app.ui.dialogs.import_tables import ProblemModel
from sourcing_app.ui.dialogs.import_wizard import ImportWizard
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio import CSV_FILES, IMPORT_ORDER

AS_OF = dt.date(2026, 6, 30)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def wizard(qtbot, engine: Engine) -> ImportWizard:
    workspace = Workspace(engine, "test.sqlite")
    workspace.as_of = AS_OF
    wizard = ImportWizard(workspace)
    qtbot.addWidget(wizard)
    wizard.show()
    yield wizard
    workspace.wait_for_tasks()


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def load_up_to(wizard: ImportWizard, tmp_path: Path, last: str) -> None:
    from sourcing_app.services.importing import import_file

    for kind in IMPORT_ORDER[: IMPORT_ORDER.index(last) + 1]:
        path = write(tmp_path, f"seed-{kind}.csv", CSV_FILES[kind])
        assert import_file(wizard.workspace.engine, kind, path).problems == []


def test_the_kind_is_guessed_and_the_first_rows_previewed(
    qtbot, wizard: ImportWizard, tmp_path: Path
) -> None:
    path = write(tmp_path, "my file.csv", CSV_FILES["quotes"])
    page = wizard.file_page
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.set_path(path)
    assert page.kind() == "quotes"
    assert page.kind_note.text() == "The headers look like a quotes file."
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    model = wizard.preview_page.model
    assert (model.rowCount(), model.columnCount()) == (2, 11)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "supplier_code"
    assert model.headerData(1, Qt.Orientation.Vertical) == "line 3"
    assert model.data(model.index(1, 3)) == "EUR"


def test_a_dry_run_lists_every_bad_row_sortable_and_copyable(
    qtbot, wizard: ImportWizard, tmp_path: Path
) -> None:
    load_up_to(wizard, tmp_path, "purchases")
    bad = (
        "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"
        "L1,2026-02-09,100,2,4\n"
        "L9,2026-02-10,10,0,1\n"  # no such purchase line
        "L2,2026-04-05,-3,0,5\n"  # negative quantity
        "M1,2026-01-01,5,9,1\n"  # before its order date, more rejected than delivered
    )
    wizard.file_page.set_path(write(tmp_path, "deliveries.csv", bad))
    wizard.next()
    wizard.next()
    page = wizard.check_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert page.message.text().startswith("4 problems on 3 lines. Nothing can be imported")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    model = page.model
    rows = [(model.data(model.index(r, 0)), model.data(model.index(r, 1))) for r in range(4)]
    assert rows == [(3, "line_ref"), (4, "delivered_qty"), (5, "delivered_date"),
                    (5, "rejected_qty")]  # fmt: skip
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(r, 1)) for r in range(4)] == [
        "delivered_date", "delivered_qty", "line_ref", "rejected_qty",
    ]  # fmt: skip
    page.table.selectRow(2)
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == "line\tcolumn\treason"
    assert copied.splitlines()[1].startswith("3\tline_ref\tno purchase line 'L9' in the database")
    assert len(copied.splitlines()) == 2
    assert count(wizard.workspace.engine, "delivery") == 0


def test_a_good_file_imports_with_a_summary_and_a_new_score(
    qtbot, wizard: ImportWizard, tmp_path: Path
) -> None:
    load_up_to(wizard, tmp_path, "purchases")
    workspace = wizard.workspace
    edited: list[str] = []
    workspace.data_changed.connect(edited.append)
    wizard.file_page.set_path(write(tmp_path, "deliveries.csv", CSV_FILES["deliveries"]))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.result is not None, timeout=10_000)
    assert wizard.check_page.message.text() == (
        "All 5 rows are good. Importing will give: 5 added, 0 changed, 0 unchanged."
    )
    assert count(workspace.engine, "delivery") == 0  # the dry run wrote nothing
    with qtbot.waitSignal(workspace.scores_changed, timeout=20_000):
        wizard.next()
        qtbot.waitUntil(lambda: wizard.import_page.finished_, timeout=10_000)
    assert wizard.import_page.message.text() == (
        "Imported 5 rows of deliveries: 5 added, 0 changed, 0 unchanged. "
        "The portfolio is being scored again."
    )
    assert edited == ["deliveries"]
    assert count(workspace.engine, "delivery") == 5
    assert {s.supplier_code for s in workspace.scores} == {"S-VERT", "S-COMP"}
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_cancel_rolls_the_whole_import_back(
    qtbot, wizard: ImportWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The buyer presses Cancel while rows are being written; none of them stays.

    The import is held at its first report of rows written until Cancel has been
    pressed, so the click cannot come after the last row however fast the machine is.
    """
    import sourcing_app.ui.dialogs.import_wizard as import_wizard

    rows = "".join(f"C{i:06d},Supplier {i},CN,trader\n" for i in range(20_000))
    wizard.file_page.set_path(write(tmp_path, "suppliers.csv", "code,name,country,kind\n" + rows))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.result is not None, timeout=60_000)

    writing, cancelled = threading.Event(), threading.Event()
    real_import = import_wizard.import_file

    def held_import(*args, progress, dry_run, **kwargs):  # type: ignore[no-untyped-def]
        def report(done: int, total: int, text: str) -> None:
            if done > 0 and not writing.is_set():
                writing.set()
                cancelled.wait(30)
            progress(done, total, text)

        return real_import(*args, progress=report, dry_run=dry_run, **kwargs)

    monkeypatch.setattr(import_wizard, "import_file", held_import)
    wizard.next()
    page = wizard.import_page
    qtbot.waitUntil(writing.is_set, timeout=30_000)
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    cancelled.set()
    qtbot.waitUntil(lambda: page.finished_, timeout=30_000)
    assert page.message.text() == "The import was cancelled. Nothing was imported."
    assert count(wizard.workspace.engine, "supplier") == 0
    assert page.progress.maximum() >= 20_000  # the bar knew how many rows to expect


def test_a_blank_template_can_be_saved_from_the_first_page(
    wizard: ImportWizard, tmp_path: Path
) -> None:
    wizard.file_page.kind_combo.setCurrentIndex(wizard.file_page.kind_combo.findData("brands"))
    wizard.save_template("brands", tmp_path / "brands.xlsx")
    assert (tmp_path / "brands.xlsx").exists()
    assert "Saved a blank brands template as brands.xlsx" in wizard.file_page.kind_note.text()
    wizard.file_page.set_path(tmp_path / "brands.xlsx")
    assert wizard.file_page.kind() == "brands"


def test_the_problem_model_passes_the_model_tester(qtmodeltester) -> None:
    model = ProblemModel()
    model.set_problems([Problem(3, "sku", "no product"), Problem(2, "", "cannot be read")])
    qtmodeltester.check(model)
    model.sort(0)
    assert model.problem(0).line == 2
    assert model.data(model.index(0, 1)) == "(whole row)"


def test_one_bad_row_reads_in_the_singular_and_next_stays_on_the_check(
    qtbot, wizard: ImportWizard, tmp_path: Path
) -> None:
    load_up_to(wizard, tmp_path, "purchases")
    bad = (
        "line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days\n"
        "L1,2026-02-09,100,2,4\n"
        "L9,2026-02-10,10,0,1\n"  # no such purchase line
    )
    wizard.file_page.set_path(write(tmp_path, "deliveries.csv", bad))
    wizard.next()
    assert wizard.preview_page.message.text() == (
        "5 columns; showing the first 2 rows. Next checks every row."
    )
    wizard.next()
    page = wizard.check_page
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert page.message.text().startswith("1 problem on 1 line. Nothing can be imported")
    wizard.next()  # a call, not the (disabled) button: still nothing is imported
    assert wizard.currentPage() is page
    assert count(wizard.workspace.engine, "delivery") == 0
