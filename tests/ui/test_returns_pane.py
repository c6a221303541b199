"""Returns after sale on the Purchases screen: listed under the line's deliveries, recorded in a
form that refuses a bad value beside its field, audited, and undone like any edit.

The hand portfolio's L1: 100 delivered on 9 Feb 2026, 2 rejected, so 98 accepted; a late
return of 3 units is already stored (shown, not scored).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.ui.purchases.screen import PurchasesScreen
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio_db import ids, load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def screen(qtbot, engine: Engine, tmp_path: Path) -> PurchasesScreen:
    load_hand_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "test.sqlite")
    workspace.as_of = AS_OF
    screen = PurchasesScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1400, 900)
    screen.show()
    return screen


def _select(screen: PurchasesScreen, line_ref: str) -> None:
    rows = screen.model.rows
    screen.table.selectRow(next(i for i, r in enumerate(rows) if r.line_ref == line_ref))


def _listed(screen: PurchasesScreen) -> list[list[str]]:
    model = screen.returns_pane.model
    return [[model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())]


def _type(qtbot, widget: QLineEdit, text: str) -> None:
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def _return_audit(engine: Engine) -> list[tuple[str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT entity_key, action, changes FROM audit_entry WHERE entity = 'return' "
            "ORDER BY id"
        ).all()
    return [(r[0], r[1], json.loads(r[2])) for r in rows]


def test_a_lines_returns_are_listed_with_whether_they_count(
    qtmodeltester, screen: PurchasesScreen
) -> None:
    _select(screen, "L1")
    assert _listed(screen) == [["1 Mar 2026", "3 units", "Late", "No (shown, not scored)"]]
    assert screen.returns_pane.heading.text() == (
        "Returns after sale of line L1: 1 return, 3 units sent back"
    )
    qtmodeltester.check(screen.returns_pane.model)
    _select(screen, "M2")  # nothing delivered: nothing can be returned yet
    assert _listed(screen) == []
    assert not screen.returns_pane.add_action.isEnabled()


def test_a_bad_quantity_is_refused_beside_its_field_and_a_good_one_saved_listed_and_audited(
    qtbot, engine: Engine, screen: PurchasesScreen
) -> None:
    _select(screen, "L1")
    pane = screen.returns_pane
    pane.add_action.trigger()
    dialog = pane.open_dialog
    assert dialog is not None
    form = dialog.form
    form.editor("return_date").set_value(dt.date(2026, 3, 10))
    # 3 stored + 96 = 99 units, one more than the 98 accepted on L1.
    _type(qtbot, form.editor("returned_qty").input, "96")
    qtbot.waitUntil(lambda: form.editor("returned_qty").problem != "")
    assert form.editor("returned_qty").problem == (
        "returns on this line would add up to 99 units, more than the 98 accepted on it "
        "(delivered less rejected)"
    )
    assert form.editor("returned_qty").message.isVisibleTo(dialog)
    assert not dialog.save_button.isEnabled()

    _type(qtbot, form.editor("returned_qty").input, "5")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert _listed(screen) == [
        ["1 Mar 2026", "3 units", "Late", "No (shown, not scored)"],
        ["10 Mar 2026", "5 units", "Damaged", "Yes"],
    ]
    line = ids(engine)["L1"]
    assert _return_audit(engine) == [
        ("L1 on 2026-03-10 (damaged)", "created", {"id": pane.model.rows[1].id, "fields": {
            "line_id": [None, line], "return_date": [None, "2026-03-10"],
            "returned_qty": [None, 5], "reason": [None, "damaged"]}}),
    ]  # fmt: skip

    screen.workspace.undo_stack.undo()  # the recording is taken back
    QApplication.processEvents()
    assert len(_listed(screen)) == 1
    screen.workspace.undo_stack.redo()
    QApplication.processEvents()
    assert len(_listed(screen)) == 2


def test_removing_a_return_is_audited_and_undo_puts_it_back(
    engine: Engine, screen: PurchasesScreen
) -> None:
    _select(screen, "L1")
    pane = screen.returns_pane
    pane.table.selectRow(0)
    pane.remove_action.trigger()
    QApplication.processEvents()
    assert _listed(screen) == []
    assert [(key, action) for key, action, _c in _return_audit(engine)] == [
        ("L1 on 2026-03-01 (late)", "removed")
    ]
    screen.workspace.undo_stack.undo()
    QApplication.processEvents()
    assert _listed(screen) == [["1 Mar 2026", "3 units", "Late", "No (shown, not scored)"]]


def test_in_chinese_the_returns_read_in_the_glossarys_words(
    qtbot, engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    i18n.install(i18n.CHINESE)
    workspace = Workspace(engine, "test.sqlite")
    workspace.as_of = AS_OF
    screen = PurchasesScreen(workspace)
    qtbot.addWidget(screen)
    screen.show()
    _select(screen, "M1")
    model = screen.returns_pane.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["退货日期", "退货数量", "退货原因", "计入质量得分"]
    assert _listed(screen) == [["2026-04-02", "1 件", "其他", "否（仅显示，不计分）"]]
    assert screen.returns_pane.heading.text() == "采购明细 M1 的售后退货：1 条，共退回 1 件"
