"""Forms, undo and the standing rules, driven the way a buyer would, on a real database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.services.editing import EditingService
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio_db import ids, load_hand_portfolio
from tests.ui.scores import scored


@pytest.fixture
def portfolio(engine: Engine, tmp_path: Path) -> dict[str, int]:
    load_hand_portfolio(engine, tmp_path)
    return ids(engine)


@pytest.fixture
def workspace(engine: Engine, portfolio: dict[str, int]) -> Workspace:
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('user_name', '\"mei\"')")
    return Workspace(engine, "test.sqlite")


def _audit(engine: Engine) -> list[tuple[str, str, str, dict]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT who, entity_key, action, changes FROM audit_entry "
            "WHERE action != 'import' ORDER BY id"
        ).all()
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def _scalar(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar()


def _type(qtbot, widget: QLineEdit, text: str) -> None:
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def test_a_bad_currency_is_marked_and_blocks_save_until_fixed(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(
        workspace,
        "quote",
        initial={"supplier_id": portfolio["S-COMP"], "valid_from": dt.date(2026, 7, 1)},
    )
    qtbot.addWidget(dialog)
    form = dialog.form
    _type(qtbot, form.editor("unit_price").input, "18.50")
    _type(qtbot, form.editor("min_qty").input, "500")
    currency = form.editor("currency").input
    assert isinstance(currency, QComboBox)
    _type(qtbot, currency.lineEdit(), "EUR1")

    qtbot.waitUntil(lambda: form.editor("currency").problem != "")
    assert form.editor("currency").problem == "'EUR1' is not an ISO 4217 currency code"
    assert form.editor("currency").message.isVisibleTo(dialog)
    assert form.editor("unit_price").unit.text() == "EUR1"
    assert not dialog.save_button.isEnabled()

    _type(qtbot, currency.lineEdit(), "EUR")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert form.editor("currency").problem == ""
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert _scalar(engine, "SELECT COUNT(*) FROM quote WHERE min_qty = 500") == 1
    [(who, key, action, changes)] = _audit(engine)
    assert (who, key, action) == ("mei", "S-COMP / AUR-SERUM from 2026-07-01 (min 500)", "created")
    assert changes["fields"]["currency"] == [None, "EUR"]


def test_undo_puts_the_old_name_back_in_the_database_and_redo_reapplies(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "supplier", portfolio["S-COMP"])
    qtbot.addWidget(dialog)
    name = dialog.form.editor("name").input
    assert isinstance(name, QLineEdit)
    assert name.text() == "Golden Bridge Trading"
    _type(qtbot, name, "Golden Bridge Trading Ltd")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    stack = workspace.undo_stack
    assert stack.undoText() == "Edit supplier S-COMP"

    stack.undo()
    assert _scalar(engine, "SELECT name FROM supplier WHERE code = 'S-COMP'") == (
        "Golden Bridge Trading"
    )
    stack.redo()
    assert _scalar(engine, "SELECT name FROM supplier WHERE code = 'S-COMP'") == (
        "Golden Bridge Trading Ltd"
    )
    assert [(a[2], a[3]["fields"]["name"]) for a in _audit(engine)] == [
        ("edited", ["Golden Bridge Trading", "Golden Bridge Trading Ltd"]),
        ("edited", ["Golden Bridge Trading Ltd", "Golden Bridge Trading"]),
        ("edited", ["Golden Bridge Trading", "Golden Bridge Trading Ltd"]),
    ]


def test_an_undo_over_someone_elses_edit_is_refused_in_words(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "supplier", portfolio["S-COMP"])
    qtbot.addWidget(dialog)
    _type(qtbot, dialog.form.editor("contact").input, "mei@goldenbridge.hk")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    saved = dialog.save()
    assert saved is not None
    EditingService(engine, who=lambda: "jun").edit(
        "supplier", saved.id, saved.version, {"contact": "jun@goldenbridge.hk"}
    )

    with qtbot.waitSignal(EditSession.of(workspace).problem) as problem:
        workspace.undo_stack.undo()

    assert (
        "could not be undone or redone: Someone else saved the supplier S-COMP" in (problem.args[0])
    )
    assert _scalar(engine, "SELECT contact FROM supplier WHERE code = 'S-COMP'") == (
        "jun@goldenbridge.hk"
    )
    assert workspace.undo_stack.count() == 0  # the stale command left the stack


def _fill_purchase(qtbot, dialog: EditDialog, supplier_id: int, ref: str) -> None:
    form = dialog.form
    _type(qtbot, form.editor("line_ref").input, ref)
    supplier = form.editor("supplier_id").input
    assert isinstance(supplier, QComboBox)
    supplier.setCurrentIndex(form.editor("supplier_id").choice_values.index(supplier_id))
    _type(qtbot, form.editor("ordered_qty").input, "40")
    _type(qtbot, form.editor("unit_price").input, "19")
    currency = form.editor("currency").input
    assert isinstance(currency, QComboBox)
    _type(qtbot, currency.lineEdit(), "EUR")
    assert form.editor("fx_rate").unit.text() == "CNY per EUR"
    assert form.editor("unit_price").unit.text() == "EUR"
    _type(qtbot, form.editor("fx_rate").input, "7.7")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())


def test_a_purchase_with_an_avoid_supplier_is_refused_then_saved_with_a_reason(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    avoid = scored(
        portfolio["S-COMP"],
        "S-COMP",
        "Golden Bridge Trading",
        standing=Standing.AVOID,
        sourcing_score=28.4,
        margin_pct=0.1,
        stability=30.0,
        confidence=0.3,
    )
    workspace.set_scores([avoid], dt.date(2026, 6, 30))
    dialog = EditDialog(workspace, "purchase")
    qtbot.addWidget(dialog)
    _fill_purchase(qtbot, dialog, portfolio["S-COMP"], "M3")
    assert dialog.banner.isVisibleTo(dialog)
    assert "stands at Avoid, sourcing score 28.4" in dialog.banner.text()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    reason_dialog = dialog.reason_dialog
    assert reason_dialog is not None and reason_dialog.isVisible()
    assert "refused unless you give a reason" in reason_dialog.message.text()
    assert _scalar(engine, "SELECT COUNT(*) FROM purchase_line WHERE line_ref = 'M3'") == 0
    assert not reason_dialog.record_button.isEnabled()
    qtbot.keyClicks(reason_dialog.reason_edit, "Only stock left before 11.11")
    qtbot.mouseClick(reason_dialog.record_button, Qt.MouseButton.LeftButton)

    assert _scalar(engine, "SELECT ordered_qty FROM purchase_line WHERE line_ref = 'M3'") == 40
    [(who, key, action, changes)] = _audit(engine)
    assert (who, key, action) == ("mei", "M3", "created")
    assert changes["reason"] == "Only stock left before 11.11"


def test_a_watch_supplier_is_announced_and_the_purchase_recorded_with_the_warning(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    watch = scored(
        portfolio["S-COMP"],
        "S-COMP",
        "Golden Bridge Trading",
        standing=Standing.WATCH,
        sourcing_score=41.2,
        margin_pct=0.2,
        stability=40.0,
        confidence=0.3,
    )
    workspace.set_scores([watch], dt.date(2026, 6, 30))
    dialog = EditDialog(workspace, "purchase")
    qtbot.addWidget(dialog)
    _fill_purchase(qtbot, dialog, portfolio["S-COMP"], "M4")
    assert "stands at Watch, sourcing score 41.2" in dialog.banner.text()

    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert saved.args[0].warning.startswith("Golden Bridge Trading (S-COMP) stands at Watch")
    assert _scalar(engine, "SELECT COUNT(*) FROM purchase_line WHERE line_ref = 'M4'") == 1
    assert _audit(engine)[0][3]["warning"] == saved.args[0].warning


def test_undoing_a_recorded_delivery_removes_it_and_redo_brings_it_back(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(
        workspace,
        "delivery",
        initial={
            "line_id": portfolio["M2"],
            "line_ref": "M2",
            "delivered_date": dt.date(2026, 5, 1),
        },
    )
    qtbot.addWidget(dialog)
    assert dialog.heading.text() == "Record a delivery for line M2"
    _type(qtbot, dialog.form.editor("delivered_qty").input, "100")
    _type(qtbot, dialog.form.editor("rejected_qty").input, "120")
    qtbot.waitUntil(lambda: dialog.form.editor("rejected_qty").problem != "")
    problem = dialog.form.editor("rejected_qty").problem
    assert problem == "120 rejected is more than the 100 delivered"
    _type(qtbot, dialog.form.editor("rejected_qty").input, "2")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    saved = dialog.save()
    assert saved is not None
    count = f"SELECT COUNT(*) FROM delivery WHERE line_id = {portfolio['M2']}"
    assert _scalar(engine, count) == 1

    workspace.undo_stack.undo()
    assert _scalar(engine, count) == 0
    workspace.undo_stack.redo()
    assert _scalar(engine, count) == 1
    assert [a[2] for a in _audit(engine)] == ["created", "undone", "created"]


def test_saving_over_someone_elses_edit_says_so_and_offers_the_latest_values(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "supplier", portfolio["S-VERT"])
    qtbot.addWidget(dialog)
    opened = EditingService(engine).load("supplier", portfolio["S-VERT"])
    EditingService(engine, who=lambda: "jun").edit(
        "supplier", opened["id"], opened["version"], {"monthly_capacity": 6000}
    )
    _type(qtbot, dialog.form.editor("monthly_capacity").input, "5500")
    qtbot.waitUntil(dialog.save_button.isEnabled)

    assert dialog.save() is None

    assert "Someone else saved the supplier S-VERT after you opened it (jun," in (
        dialog.banner.text()
    )
    assert not dialog.save_button.isEnabled()
    assert _scalar(engine, "SELECT monthly_capacity FROM supplier WHERE code = 'S-VERT'") == 6000
    qtbot.mouseClick(dialog.reload_button, Qt.MouseButton.LeftButton)
    assert dialog.form.editor("monthly_capacity").value() == "6000"
    assert dialog.save_button.isEnabled()


def test_a_line_of_an_archived_supplier_can_still_be_edited(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    service = EditingService(engine, who=lambda: "mei")
    supplier = service.load("supplier", portfolio["S-COMP"])
    service.archive("supplier", supplier["id"], supplier["version"])
    dialog = EditDialog(workspace, "purchase", portfolio["M2"])
    qtbot.addWidget(dialog)
    assert dialog.form.editor("supplier_id").value() == portfolio["S-COMP"]
    _type(qtbot, dialog.form.editor("ordered_qty").input, "90")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert dialog.save() is not None
    assert _scalar(engine, "SELECT ordered_qty FROM purchase_line WHERE line_ref = 'M2'") == 90


def test_undoing_a_new_supplier_archives_it_and_redo_restores_it(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "supplier")
    qtbot.addWidget(dialog)
    _type(qtbot, dialog.form.editor("code").input, "JP-SAKURA")
    _type(qtbot, dialog.form.editor("name").input, "Sakura Cosmetics KK")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert dialog.save() is not None
    archived = "SELECT archived FROM supplier WHERE code = 'JP-SAKURA'"
    assert _scalar(engine, archived) == 0

    workspace.undo_stack.undo()
    assert _scalar(engine, archived) == 1  # kept, archived: the audit trail still names it
    workspace.undo_stack.redo()
    assert _scalar(engine, archived) == 0
    assert [a[2] for a in _audit(engine)] == ["created", "archived", "restored"]


def test_withdrawing_a_quote_ends_it_and_undo_reopens_it(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    workspace.as_of = dt.date(2026, 6, 30)
    quote_id = int(
        _scalar(  # type: ignore[arg-type]
            engine,
            "SELECT q.id FROM quote q JOIN channel c ON c.id = q.channel_id "
            f"WHERE c.supplier_id = {portfolio['S-COMP']}",
        )
    )
    saved = EditSession.of(workspace).archive("quote", quote_id)
    assert saved is not None and saved.action == "withdrawn"
    assert workspace.undo_stack.undoText() == (
        "Withdraw quote S-COMP / AUR-SERUM from 1 Jan 2026 (minimum 1)"
    )
    valid_to = f"SELECT valid_to FROM quote WHERE id = {quote_id}"
    assert _scalar(engine, valid_to) == (dt.date(2026, 6, 29) - dt.date(1970, 1, 1)).days

    workspace.undo_stack.undo()
    assert _scalar(engine, valid_to) == (dt.date(2026, 12, 31) - dt.date(1970, 1, 1)).days


def test_a_new_purchase_offers_only_the_skus_of_the_supplier_it_opens_on(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    """The supplier list opens on S-COMP; a SKU of a brand it has no channel for is not offered.

    "AAA-LOTION" sorts first among all SKUs but only its own brand (no channels) sells it:
    before, the form opened on it and refused the supplier it had picked itself.
    """
    service = EditingService(engine, who=lambda: "mei")
    brand = service.create("brand", {"name": "Zephyr Lab", "planned_monthly_demand": "0"})
    category = service.choices("tax_category")[0][0]
    values = {"sku": "AAA-LOTION", "brand_id": brand.id, "name": "Zephyr lotion"}
    service.create("product", {**values, "tax_category_id": category, "retail_price": "99"})

    dialog = EditDialog(workspace, "purchase")
    qtbot.addWidget(dialog)
    supplier = dialog.form.editor("supplier_id").input
    sku = dialog.form.editor("product_id").input
    assert isinstance(supplier, QComboBox) and isinstance(sku, QComboBox)
    assert supplier.currentText() == "S-COMP · Golden Bridge Trading"
    assert [sku.itemText(i) for i in range(sku.count())] == ["AUR-SERUM · Aurelle serum 30 ml"]
    assert "supplier_id" not in dialog.form.problems
    assert "Supplier" not in dialog.summary.text()


def test_numbers_show_thousands_separators_and_may_be_typed_with_them(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    """S-COMP's capacity 2000 reads "2,000"; "12,500" saves 12500; "18,50" is refused."""
    dialog = EditDialog(workspace, "supplier", portfolio["S-COMP"])
    qtbot.addWidget(dialog)
    capacity = dialog.form.editor("monthly_capacity").input
    assert isinstance(capacity, QLineEdit)
    assert capacity.text() == "2,000"
    _type(qtbot, capacity, "12,500")
    assert dialog.form.validate()
    assert dialog.save() is not None
    assert (
        _scalar(engine, f"SELECT monthly_capacity FROM supplier WHERE id = {portfolio['S-COMP']}")
        == 12500
    )

    quote = EditDialog(
        workspace,
        "quote",
        initial={"supplier_id": portfolio["S-COMP"], "valid_from": dt.date(2026, 7, 1)},
    )
    qtbot.addWidget(quote)
    price = quote.form.editor("unit_price")
    _type(qtbot, price.input, "18,50")  # a decimal comma: never read as 1,850
    quote.form.editor("unit_price").touched = True
    assert not quote.form.validate()
    assert "18,50" in quote.form.problems["unit_price"]


def test_a_long_sku_in_a_long_list_reads_from_its_start(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    """More than 12 SKUs make the list one to type into; it shows the code, not the name's end."""
    service = EditingService(engine, who=lambda: "mei")
    aurelle = next(i for i, name in service.choices("brand") if name == "Aurelle")
    category = service.choices("tax_category")[0][0]
    for n in range(12):
        service.create(
            "product",
            {
                "sku": f"AUR-K{n:02d}",
                "brand_id": aurelle,
                "name": f"Aurelle overnight repair serum with a very long name, size {n}",
                "tax_category_id": category,
                "retail_price": "99",
            },
        )
    dialog = EditDialog(workspace, "purchase", initial={"supplier_id": portfolio["S-COMP"]})
    qtbot.addWidget(dialog)
    dialog.resize(600, 500)
    dialog.show()
    sku = dialog.form.editor("product_id").input
    assert isinstance(sku, QComboBox) and sku.count() == 13 and sku.isEditable()
    line = sku.lineEdit()
    assert line is not None
    assert line.text().startswith("AUR-K00 · Aurelle overnight repair serum")
    assert line.cursorPosition() == 0  # scrolled to the start: "AUR-K00" is in view


def test_a_purchase_in_the_home_currency_shows_a_rate_of_1_not_cny_per_cny(
    qtbot, workspace: Workspace, engine: Engine, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "purchase")
    qtbot.addWidget(dialog)
    form = dialog.form
    rate = form.editor("fx_rate")
    line = rate.input
    assert isinstance(line, QLineEdit)
    # A new line starts in the home currency: the rate is 1, and says why.
    assert form.editor("currency").value() == "CNY"
    assert (line.text(), line.isReadOnly()) == ("1", True)
    assert rate.unit.text() == "CNY is the home currency, so no exchange is needed."
    assert "per CNY" not in rate.unit.text()

    currency = form.editor("currency").input
    assert isinstance(currency, QComboBox)
    _type(qtbot, currency.lineEdit(), "EUR")
    assert rate.unit.text() == "CNY per EUR"
    assert (line.text(), line.isReadOnly()) == ("", False)  # blank: the stored rate
    _type(qtbot, line, "7.7")
    _type(qtbot, currency.lineEdit(), "CNY")
    assert (line.text(), line.isReadOnly()) == ("1", True)
    _type(qtbot, currency.lineEdit(), "EUR")
    assert line.text() == "7.7"  # what was typed for EUR comes back
    _type(qtbot, currency.lineEdit(), "CNY")

    _type(qtbot, form.editor("line_ref").input, "C1")
    supplier = form.editor("supplier_id").input
    assert isinstance(supplier, QComboBox)
    supplier.setCurrentIndex(form.editor("supplier_id").choice_values.index(portfolio["S-VERT"]))
    _type(qtbot, form.editor("ordered_qty").input, "10")
    _type(qtbot, form.editor("unit_price").input, "150")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _scalar(engine, "SELECT fx_rate FROM purchase_line WHERE line_ref = 'C1'") == 1


def test_a_stored_foreign_line_keeps_its_rate_when_opened(
    qtbot, workspace: Workspace, portfolio: dict[str, int]
) -> None:
    dialog = EditDialog(workspace, "purchase", portfolio["M2"])
    qtbot.addWidget(dialog)
    rate = dialog.form.editor("fx_rate")
    assert (rate.value(), rate.fixed, rate.unit.text()) == ("7.50", False, "CNY per EUR")
