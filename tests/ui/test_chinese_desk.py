"""The desk in Chinese, driven like a buyer: open, score, edit, import, plan, report.

Every word the window around the screens and its dialogs show is checked
against the glossary (GLOSSARY-zh.md): no English word may be left, only
codes (SKU, CNY, PDF), numbers, key names and the names in the data. The
screens themselves are another area's work and are left out of the sweep.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine, select
from sqlmodel import Session

from sourcing_app import i18n
from sourcing_app.app import build_main_window, install_qt_translations, start_scoring
from sourcing_app.db.models import Supplier
from sourcing_app.services.file_formats import FILE_KINDS, KIND_LABELS
from sourcing_app.ui.dialogs.edit_dialogs import EditDialog
from sourcing_app.ui.dialogs.export_dialog import ExportDialog
from sourcing_app.ui.dialogs.import_wizard import ImportWizard
from sourcing_app.ui.dialogs.rates_dialog import RatesDialog
from sourcing_app.ui.dialogs.reports import export_supplier_report
from sourcing_app.ui.shell.main_window import MainWindow
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio

# Upper-case codes read the same in both languages; so do key names and a few brands.
ALLOWED = {"Ctrl", "Shift", "Alt", "Esc", "Del", "Excel", "Windows", "Sep"}
# The hand portfolio's own names, as a buyer typed them.
DATA_WORDS = {"Aurelle", "Paris", "Golden", "Bridge", "Trading", "serum", "ml", "cosmetics"}
# The importer's column names are the file's own words (code, name, tariff) in both languages.
COLUMN_WORDS = {header for kind in FILE_KINDS.values() for header in kind.headers}
_WORD = re.compile(r"[A-Za-z]{2,}")


def english_words(text: str) -> list[str]:
    """The English words in `text`, leaving out codes, paths, file names and data names."""
    found = []
    for token in re.split(r"[\s，。：；（）、“”()]+", re.sub(r"<[^>]+>", " ", text)):
        if not token or any(ch in token for ch in "/\\.@_#+") or any(ch.isdigit() for ch in token):
            continue  # a path, a file, a shortcut, a code with digits
        for word in _WORD.findall(token):
            if word.isupper() or word in ALLOWED | DATA_WORDS | COLUMN_WORDS:
                continue
            found.append(word)
    return found


def _inside(widget: QWidget, outside: tuple[QWidget, ...]) -> bool:
    parent: QWidget | None = widget
    while parent is not None:
        if parent in outside:
            return True
        parent = parent.parentWidget()
    return False


def visible_texts(root: QWidget, *, leave_out: tuple[QWidget, ...] = ()) -> list[str]:
    """What a buyer can read in `root`: titles, labels, buttons, headers, menus, tooltips."""
    texts = [root.windowTitle()]
    for action in root.actions():
        texts += [action.text(), action.toolTip()]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or _inside(widget, leave_out):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QLineEdit) and not widget.text():
            texts.append(widget.placeholderText())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            for row in range(widget.count()):
                texts += [widget.item(row).text(), widget.item(row).toolTip()]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [
                str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(model.columnCount())
            ]
        if widget.toolTip():
            texts.append(widget.toolTip())
    return [t for t in texts if t]


def waiting_for_the_file_kinds() -> set[str]:
    """The file kinds' names (services.file_formats) while they have no Chinese yet.

    They are marked and translated with the Chinese file headers (another
    change); until then the wizard and export dialog show them as they are.
    """
    return {label for label in KIND_LABELS.values() if i18n._(label) == label}


def english_in(root: QWidget, **kwargs: tuple[QWidget, ...]) -> dict[str, list[str]]:
    """Every visible text of `root` that still holds English words, with those words."""
    found = {}
    waiting = waiting_for_the_file_kinds()
    for text in visible_texts(root, **kwargs):
        if text in waiting:
            continue
        words = english_words(text)
        if words:
            found[text] = words
    return found


def _shown(kind: type):  # type: ignore[no-untyped-def]
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
    )


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The desk and Qt's own dialogs in Chinese, back to English afterwards."""
    i18n.install(i18n.CHINESE)
    install_qt_translations(qapp)
    yield
    for translator in qapp.findChildren(QTranslator):
        qapp.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


@pytest.fixture
def window(
    qtbot: QtBot, chinese: None, engine: Engine, db_url: str, window_settings: QSettings
) -> Iterator[MainWindow]:
    build_hand_portfolio(engine)
    window = build_main_window(engine, db_url, settings=window_settings)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.scores_shown, timeout=20_000):
        start_scoring(window, as_of=AS_OF)
    # The feed rate of 1 Jun 2026 is fresh two days later: the banner stays out of the way.
    window.rates_banner.today = lambda: dt.date(2026, 6, 3)  # type: ignore[attr-defined]
    window.rates_banner.refresh()  # type: ignore[attr-defined]
    yield window
    window.workspace.wait_for_tasks()  # type: ignore[union-attr]
    window.close()


def test_the_words_check_lets_codes_and_names_through_and_catches_english() -> None:
    assert english_words("已按 2026年6月30日 为 2 个供应商评分。") == []
    assert english_words("SKU AUR-SERUM · CNY 1,234.56 · Ctrl+Shift+E · /tmp/a b/test.sqlite") == []
    assert english_words("Golden Bridge Trading（S-COMP）的评级为观察") == []
    assert english_words("1 row is good") == ["row", "is", "good"]


def test_the_window_reads_in_the_glossarys_words(qtbot: QtBot, window: MainWindow) -> None:
    sidebar = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert sidebar == ["总览", "供应商", "品牌", "采购", "需求分配", "清关", "设置", "操作日志"]
    room = window.sidebar.viewport().width()
    assert all(window.sidebar.fontMetrics().horizontalAdvance(name) < room for name in sidebar)
    menus = [menu.title() for menu in window._menus.values()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "数据(&D)", "报告(&R)", "帮助(&H)"]
    assert window.as_of_label.text() == "评估日期 2026年6月30日"
    assert window.statusBar().currentMessage() == "已按 2026年6月30日 为 2 个供应商评分。"
    assert window.windowTitle().startswith("跨境货源工作台 — ")
    assert window.database_label.text().startswith("数据库：")
    # Menus keep their English keys for the code that plugs into them.
    listed = {(menu, action): keys for menu, action, keys in window.all_actions()}
    assert listed[("File", "退出")] == "Ctrl+Q"
    assert listed[("Data", "全部供应商重新评分")] == "F5"
    assert listed[("View", "需求分配")] == "Ctrl+5"
    assert listed[("Reports", "供应商评估报告 PDF…")] == "Ctrl+P"
    # Nothing outside the screens is left in English: menus, sidebar, status bar.
    assert english_in(window, leave_out=(window.stack,)) == {}
    for menu in window._menus.values():
        assert {a.text(): english_words(a.text()) for a in menu.actions() if a.text()} == {
            a.text(): [] for a in menu.actions() if a.text()
        }


def test_help_lists_every_shortcut_in_chinese(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QTableWidget

    window.show_shortcuts()
    dialog = next(d for d in window.findChildren(QDialog) if d.windowTitle() == "快捷键")
    table = dialog.findChild(QTableWidget)
    headers = [table.horizontalHeaderItem(c).text() for c in range(3)]
    assert headers == ["菜单", "操作", "快捷键"]
    rows = {tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())}
    assert ("文件", "退出", "Ctrl+Q") in rows
    assert ("编辑", "查找供应商…", "Ctrl+F") in rows
    assert ("编辑", "撤销", "Ctrl+Z") in rows
    assert english_in(dialog) == {}
    dialog.close()


def test_a_supplier_is_edited_through_its_form_in_chinese(
    qtbot: QtBot, window: MainWindow, engine: Engine
) -> None:
    with Session(engine) as s:
        vert_id = s.exec(select(Supplier.id).where(Supplier.code == "S-VERT")).one()[0]
    window.workspace.open_supplier(vert_id)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.current_screen_key() == "suppliers")
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _shown(EditDialog) is not None)
    dialog: EditDialog = _shown(EditDialog)
    assert dialog.windowTitle() == "编辑供应商"
    assert dialog.heading.text() == "供应商 S-VERT"
    labels = {label.text() for label in dialog.form.findChildren(QLabel) if label.buddy()}
    assert {"代码：", "名称：", "国家或地区：", "供应商类型：", "月供货能力："} <= labels
    assert dialog.form.editor("monthly_capacity").unit.text() == "件/月"
    assert [b.text() for b in dialog.buttons.buttons() if b.isVisible()] == ["保存", "取消"]
    assert english_in(dialog) == {}

    name = dialog.form.editor("name").input
    name.clear()
    qtbot.keyClicks(name, "Aurelle Paris")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with Session(engine) as s:
        assert s.get(Supplier, vert_id).name == "Aurelle Paris"
    assert window.workspace.undo_stack.undoText() == "编辑供应商 S-VERT"  # type: ignore[union-attr]


def test_a_new_channel_form_reads_in_chinese(qtbot: QtBot, window: MainWindow) -> None:
    window.edit_actions.create("channel")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: _shown(EditDialog) is not None)
    dialog: EditDialog = _shown(EditDialog)
    assert dialog.windowTitle() == "新建渠道"
    assert dialog.form.editor("authorized_until").blank_box.text() == "长期有效"
    assert dialog.form.editor("tier").unit.text() == "层（距品牌方）"
    assert english_in(dialog) == {}
    dialog.reject()


def test_the_import_wizards_dry_run_lists_the_bad_rows_in_chinese(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "供应商.csv"
    bad.write_text(
        "code,name,country,kind,monthly_capacity,contact,notes\n"
        "S-NEW,New Harbour Trading,HK,trader,1000,,\n"
        "S-BAD,,HK,trader,lots,,\n",
        encoding="utf-8",
    )
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _shown(ImportWizard) is not None)
    wizard: ImportWizard = _shown(ImportWizard)
    assert wizard.windowTitle() == "导入文件"
    page = wizard.file_page
    assert page.title() == "选择要导入的文件"
    assert english_in(wizard) == {}
    page.set_path(bad)
    assert page.kind() == "suppliers"
    assert page.kind_note.text().startswith("从列名看，这是")
    wizard.next()
    preview = wizard.preview_page
    assert preview.message.text() == "共 7 列，显示前 2 行。下一步逐行预检。"
    assert preview.model.headerData(0, Qt.Orientation.Vertical) == "第 2 行"
    wizard.next()
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.result is not None, timeout=10_000)
    problems = check.result.problems
    lines = {p.line for p in problems}
    assert lines == {3}  # the header is line 1; the good row is line 2
    assert check.message.text().startswith(f"1 行中有 {len(problems)} 个问题。改好之前无法导入")
    headers = [check.model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["行号", "列", "原因"]
    copied = check.table.copy_selection()
    assert copied.splitlines()[0] == "行号\t列\t原因"
    assert copied.splitlines()[1].startswith("3\t")
    # The columns by the glossary's names, as the Chinese template writes them.
    columns = {check.model.index(r, 1).data() for r in range(check.model.rowCount())}
    assert columns == {"供应商名称", "月供货能力"}
    assert "供应商代码" in page.columns_note.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入"
    wizard.reject()


def test_the_plan_comes_when_planning_comes_forward(qtbot: QtBot, window: MainWindow) -> None:
    planning = window.screen("planning")
    with qtbot.waitSignal(planning.planned, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    (aurelle,) = planning.plan.allocation.brands  # type: ignore[attr-defined]
    assert aurelle.demand == 400
    assert window.sidebar.currentItem().text() == "需求分配"


def test_a_supplier_report_is_saved_and_said_in_chinese(
    qtbot: QtBot, window: MainWindow, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as s:
        vert_id = s.exec(select(Supplier.id).where(Supplier.code == "S-VERT")).one()[0]
    path = tmp_path / "S-VERT 评估.pdf"
    export_supplier_report(window.workspace, vert_id, window, path=path)  # type: ignore[arg-type]

    def box() -> QMessageBox | None:
        return window.findChild(QMessageBox, "report_saved")

    qtbot.waitUntil(lambda: box() is not None, timeout=20_000)
    saved = box()
    assert saved.windowTitle() == "报告已保存"
    assert re.fullmatch(r"S-VERT 的报告已保存为 S-VERT 评估\.pdf（共 \d+ 页，A4）。", saved.text())
    assert sorted(b.text() for b in saved.buttons()) == sorted(["打开 PDF", "关闭"])
    assert path.is_file()
    saved.close()


def test_the_export_rates_and_about_dialogs_read_in_chinese(
    qtbot: QtBot, window: MainWindow
) -> None:
    export = ExportDialog(window.workspace, window)  # type: ignore[arg-type]
    qtbot.addWidget(export)
    export.show()
    assert export.windowTitle() == "导出数据"
    assert english_in(export) == {}
    rates = RatesDialog(window.workspace, window)  # type: ignore[arg-type]
    qtbot.addWidget(rates)
    rates.on_date.setDate(rates.on_date.date().addDays(-29))  # 1 Jun 2026: the feed's day
    rates.show()
    assert rates.windowTitle() == "汇率"
    assert rates.model.headerData(2, Qt.Orientation.Horizontal) == "兑CNY汇率"
    kinds = {rates.model.index(r, 3).data() for r in range(rates.model.rowCount())}
    assert kinds <= {"手工汇率", "自动汇率"} or any(k.startswith("手工汇率（") for k in kinds)
    rates.currency_edit.setText("usd")
    assert rates.rate_unit.text() == "CNY（每 1 USD）"
    texts = english_in(rates, leave_out=(rates.banner,))
    assert texts == {}
    for dialog in (export, rates):
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1600 and hint.height() <= 1000


def test_the_rates_banner_says_how_old_the_rates_are_in_chinese(window: MainWindow) -> None:
    banner = window.rates_banner  # type: ignore[attr-defined]
    # The hand portfolio's feed rate is from 1 June 2026: on 3 December it is 185 days old.
    banner.today = lambda: dt.date(2026, 12, 3)
    banner.refresh()
    assert banner.isVisible()
    text = banner.label.text()
    assert text.startswith("汇率已有 185 天未更新（")
    assert text.endswith("，2026年6月1日）。更新之前，评分继续使用这些汇率。")
    assert (banner.update_button.text(), banner.dismiss_button.text()) == ("立即更新", "知道了")
    assert "（test feed，" in text  # the source, as the data names it
    assert english_words(text.replace("test feed", "")) == []
