"""The audit view lists the hand edits, newest first, in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.services.audit import AuditLine
from sourcing_app.services.editing import EditingService
from sourcing_app.ui.audit.screen import AuditView, change_text
from sourcing_app.ui.shell.workspace import Workspace
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
    assert first == ["mei", "supplier S-COMP", "edited", "Monthly capacity: 2,000 → 2,500"]
    last = view.model.rowCount() - 1
    assert view.model.index(last, 4).data() == "1 added, 0 updated"  # the tax-categories file
    assert view.count_label.text() == "11 changes, newest first"  # ten imports, one edit

    view.entity_filter.setCurrentIndex(view.entity_filter.findData("supplier"))
    assert view.model.rowCount() == 1
    qtmodeltester.check(view.model, force_py=True)


def test_a_recorded_purchase_names_its_supplier_and_sku_and_dates_read_as_dates(
    qtbot, engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    portfolio = ids(engine)
    service = EditingService(engine, who=lambda: "mei")
    sku = next(i for i, words in service.choices("product") if words.startswith("AUR-SERUM"))
    service.create(
        "purchase",
        {
            "line_ref": "PO-77",
            "supplier_id": portfolio["S-COMP"],
            "product_id": sku,
            "order_date": dt.date(2026, 7, 1),
            "promised_date": dt.date(2026, 7, 31),
            "ordered_qty": "1200",
            "unit_price": "18.50",
            "currency": "EUR",
            "fx_rate": "",
            "regime": "cbec",
        },
    )
    view = AuditView(Workspace(engine, "test.sqlite"))
    qtbot.addWidget(view)
    view.show()
    assert view.model.index(0, 2).data() == "purchase line PO-77"
    words = view.model.index(0, 4).data()
    assert words.startswith(
        "Line reference 'PO-77'; Supplier S-COMP; SKU AUR-SERUM; Order date 1 Jul 2026; "
        "Promised date 31 Jul 2026; Ordered quantity 1,200; Unit price 18.5; Currency 'EUR'; "
        "Exchange rate 7.7; Import regime CBEC"
    ), words
    assert view.model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == words  # whole on hover


def test_setting_and_tax_changes_read_in_words() -> None:
    weight = AuditLine(
        1,
        dt.datetime(2026, 7, 1, 9),
        "mei",
        "settings",
        "scoring",
        "edited",
        {"fields": {"weights.channel": [10.0, 60.0], "window_days": [365, 180]}},
    )
    assert change_text(weight, {}) == ("Stability weight channel: 10 → 60; Window days: 365 → 180")
    tax = AuditLine(
        2,
        dt.datetime(2026, 7, 1, 9),
        "mei",
        "tax_category",
        "Apparel",
        "edited",
        {"fields": {"tariff": ["0.07", "0.1"]}},
    )
    assert change_text(tax, {}) == "Tariff: 7% → 10%"


def test_in_chinese_the_audit_trail_reads_in_the_glossarys_words(
    qtbot, engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    service = EditingService(engine, who=lambda: "mei")
    supplier = service.load("supplier", ids(engine)["S-COMP"])
    service.edit("supplier", supplier["id"], supplier["version"], {"monthly_capacity": 2500})
    i18n.install(i18n.CHINESE)
    view = AuditView(Workspace(engine, "test.sqlite"))
    qtbot.addWidget(view)
    view.show()

    headers = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["时间", "操作人", "对象", "操作", "变更内容"]
    first = [view.model.index(0, c).data() for c in range(1, 5)]
    assert first == ["mei", "供应商 S-COMP", "修改", "月供货能力：2,000 → 2,500"]
    assert view.model.index(0, 0).data().startswith("20")  # 2026-…: dates as in tables
    last = view.model.rowCount() - 1
    assert view.model.index(last, 3).data() == "导入"
    assert view.model.index(last, 4).data() == "新增 1 条，更新 0 条"
    assert view.count_label.text() == "11 条变更，最新的在前"
    assert view.entity_filter.itemText(0) == "全部"
    assert view.entity_filter.itemText(view.entity_filter.findData("purchase")) == "采购明细"


def test_in_chinese_settings_changes_use_the_settings_screens_words() -> None:
    i18n.install(i18n.CHINESE)
    weight = AuditLine(
        1,
        dt.datetime(2026, 7, 1, 9),
        "mei",
        "settings",
        "scoring",
        "edited",
        {"fields": {"weights.channel": [10.0, 60.0], "window_days": [365, 180]}},
    )
    assert change_text(weight, {}) == "渠道结构权重：10 → 60；评估窗口：365 → 180"
    fee = AuditLine(
        2,
        dt.datetime(2026, 7, 1, 9),
        "mei",
        "settings",
        "scoring",
        "edited",
        {"fields": {"costs.platform_commission": ["0.05", "0.06"]}},
    )
    assert change_text(fee, {}) == "平台佣金：0.05 → 0.06"
