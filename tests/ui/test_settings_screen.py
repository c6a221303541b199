"""The settings screen: units a buyer reads, checks as they type, save audits and re-scores."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QMainWindow
from sqlalchemy import Engine

from sourcing_app import config, i18n
from sourcing_app.services.settings import load_settings, save_from_screen
from sourcing_app.ui.settings.language import restart_arguments
from sourcing_app.ui.settings.screen import SettingsScreen
from sourcing_app.ui.shell.edit_actions import EditActions
from sourcing_app.ui.shell.workspace import Workspace
from tests.services.hand_portfolio import expected
from tests.services.hand_portfolio_db import load_hand_portfolio
from tests.ui.test_edit_rescoring import NET, add_mist, landed

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def workspace(engine: Engine, tmp_path: Path) -> Workspace:
    load_hand_portfolio(engine, tmp_path)
    workspace = Workspace(engine, "test.sqlite")
    workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    return workspace


@pytest.fixture
def screen(qtbot, workspace: Workspace) -> SettingsScreen:
    screen = SettingsScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1500, 950)
    return screen


def test_weights_show_their_sum_and_their_shares(screen: SettingsScreen) -> None:
    assert screen.weight_sum.text().startswith("100;")
    screen._spin("weights.channel").setValue(50)
    assert screen.weight_sum.text().startswith("140;")
    note = screen.findChild(type(screen.weight_sum), "weights.channel.note")
    assert note is not None and note.text() == "= 35.7% of the stability score"  # 50 / 140


def test_bands_out_of_order_are_explained_and_block_saving(screen: SettingsScreen) -> None:
    screen._spin("bands.approved").setValue(80)
    assert screen.messages["bands.approved"].text() == (
        "⚠ Approved starts at 80, which must be below Preferred (75)"
    )
    assert not screen.save_button.isEnabled()
    screen._spin("bands.approved").setValue(60)
    assert screen.messages["bands.approved"].text() == ""
    assert screen.save_button.isEnabled()
    assert screen.avoid_label.text() == "below 35 points"
    screen._spin("bands.watch").setValue(40)
    assert screen.avoid_label.text() == "below 40 points"


def test_a_heavier_channel_weight_re_scores_the_suppliers_in_place(
    qtbot, screen: SettingsScreen, workspace: Workspace, engine: Engine
) -> None:
    before = workspace.score_for(2)
    assert before is not None and before.supplier_code == "S-COMP"
    assert before.stability_score == pytest.approx(expected()["S-COMP"]["stability_score"])
    screen._spin("weights.channel").setValue(50)

    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)

    # By hand: the shrunk sub-scores of the portfolio, weighted 20/20/15/15/10/50/10 over 140.
    subs = expected()["S-COMP"]
    weights = {
        "fill": 20,
        "on_time": 20,
        "lead_time": 15,
        "quality": 15,
        "price": 10,
        "channel": 50,
        "clearance": 10,
    }
    by_hand = 100 * sum(w * subs[f"sub.{k}"] for k, w in weights.items()) / 140
    after = workspace.score_for(2)
    assert after is not None
    assert after.stability_score == pytest.approx(by_hand)
    assert after.stability_score < before.stability_score  # tier 3 scores 0.5 on channel
    assert load_settings(engine).weights["channel"] == 50
    with engine.connect() as conn:
        who, changes = conn.exec_driver_sql(
            "SELECT who, changes FROM audit_entry WHERE entity = 'settings'"
        ).one()
    assert json.loads(changes)["fields"] == {"weights.channel": [10.0, 50.0]}


def test_the_clearance_target_and_customs_hold_are_saved_audited_and_re_scored(
    qtbot, screen: SettingsScreen, workspace: Workspace, engine: Engine
) -> None:
    target, hold = screen._int("clearance_target_days"), screen._int("customs_hold_days")
    assert (target.text(), hold.text()) == ("3 days", "10 days")  # the defaults
    target.setValue(5)
    hold.setValue(14)
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    stored = load_settings(engine)
    assert (stored.clearance_target_days, stored.customs_hold_days) == (5, 14)
    with engine.connect() as conn:
        changes = conn.exec_driver_sql(
            "SELECT changes FROM audit_entry WHERE entity = 'settings'"
        ).scalar_one()
    assert json.loads(changes)["fields"] == {
        "clearance_target_days": [3, 5],
        "customs_hold_days": [10, 14],
    }


def test_fees_are_percentages_and_money_in_the_home_currency(screen: SettingsScreen) -> None:
    assert screen._spin("costs.platform_commission").text() == "5.00%"
    assert screen._spin("costs.clearance_fee").suffix() == " CNY"
    assert screen._spin("costs.target_margin").value() == 35.0
    screen._spin("costs.platform_commission").setValue(60)
    screen._spin("costs.payment_fee").setValue(40)
    assert "must add up to less than 100%" in screen.messages["costs.payment_fee"].text()
    assert not screen.save_button.isEnabled()


def test_a_tax_rate_is_typed_in_percent_and_saved_as_a_fraction(
    qtbot, screen: SettingsScreen, engine: Engine
) -> None:
    model = screen.tax_model
    vat = model.index(0, 3)
    assert (model.index(0, 0).data(), vat.data()) == ("cosmetics", "13%")
    model.setData(model.index(0, 4), "30")
    assert model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == (
        "0.3 is not a postal-article tax tier; use 0.13, 0.20 or 0.50 (13%, 20%, 50%)"
    )
    assert not screen.save_button.isEnabled()
    model.setData(model.index(0, 4), "20")
    model.setData(vat, "9")
    assert screen.save_button.isEnabled()

    with qtbot.waitSignal(screen.workspace.scores_changed, timeout=20000):
        screen.save()

    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT vat, postal_rate FROM tax_category").one()
    assert (Decimal(str(row[0])), Decimal(str(row[1]))) == (Decimal("0.09"), Decimal("0.2"))


def test_settings_saved_by_someone_else_meanwhile_are_not_overwritten(
    screen: SettingsScreen, engine: Engine
) -> None:
    theirs = load_settings(engine)
    save_from_screen(
        engine, theirs.__class__(grace_days=5), "jun", opened=theirs, opened_user_name="", who="jun"
    )
    screen._int("grace_days").setValue(3)

    assert screen.save() is None

    assert "Someone else saved the settings after you opened them" in screen.banner.text()
    assert load_settings(engine).grace_days == 5


def test_the_tax_model_passes_the_model_tester(qtmodeltester, screen: SettingsScreen) -> None:
    qtmodeltester.check(screen.tax_model, force_py=True)


def test_ctrl_s_in_a_field_saves_and_re_scores(
    qtbot, screen: SettingsScreen, workspace: Workspace, engine: Engine
) -> None:
    spin = screen._spin("weights.channel")
    spin.setValue(30)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    spin.setFocus()
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        qtbot.keyClick(spin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert load_settings(engine).weights["channel"] == 30
    assert screen.save_button.toolTip().endswith("(Ctrl+S)")


# --- undo, and a tax rate re-scoring only its suppliers ------------------------------------


def _in_window(qtbot, screen: SettingsScreen) -> tuple[QMainWindow, EditActions]:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(screen)
    actions = EditActions(screen.workspace, window)
    window.resize(1500, 950)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, actions


def _settings_audit(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT changes FROM audit_entry WHERE entity = 'settings' ORDER BY id"
        )
        return [json.loads(r[0])["fields"] for r in rows]


def test_ctrl_z_undoes_a_settings_save_and_re_scores(
    qtbot, screen: SettingsScreen, workspace: Workspace, engine: Engine
) -> None:
    window, actions = _in_window(qtbot, screen)
    screen._spin("weights.channel").setValue(50)
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        screen.save()
    assert actions.undo.text() == "Undo Save settings"

    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # Back to the hand-worked scores of the original weights, on screen and in the database.
    assert load_settings(engine).weights["channel"] == 10
    assert screen._spin("weights.channel").value() == 10
    comp = workspace.score_for(2)
    assert comp is not None
    assert comp.stability_score == pytest.approx(expected()["S-COMP"]["stability_score"])
    # The undo is a change of its own in the audit trail.
    assert _settings_audit(engine) == [
        {"weights.channel": [10.0, 50.0]},
        {"weights.channel": [50.0, 10.0]},
    ]

    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_Z, redo)
    assert load_settings(engine).weights["channel"] == 50
    assert screen._spin("weights.channel").value() == 50
    assert len(_settings_audit(engine)) == 3


def test_undo_is_refused_in_words_when_someone_else_saved_settings_since(
    qtbot, screen: SettingsScreen, workspace: Workspace, engine: Engine
) -> None:
    _window, actions = _in_window(qtbot, screen)
    problems: list[str] = []
    actions.session.problem.connect(problems.append)
    screen._int("grace_days").setValue(3)
    screen.save()
    theirs = load_settings(engine)
    save_from_screen(
        engine, replace(theirs, grace_days=5), "", opened=theirs, opened_user_name="", who="jun"
    )

    actions.undo.trigger()

    assert load_settings(engine).grace_days == 5
    assert problems and problems[0].startswith("Save settings could not be undone or redone:")
    assert "Someone else saved the settings after you opened them" in problems[0]


@pytest.fixture
def mist_screen(qtbot, engine: Engine, tmp_path: Path) -> tuple[SettingsScreen, dict[str, int]]:
    load_hand_portfolio(engine, tmp_path)
    found = add_mist(engine)
    workspace = Workspace(engine, "test.sqlite")
    workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    screen = SettingsScreen(workspace)
    qtbot.addWidget(screen)
    return screen, found


def test_a_lower_vat_moves_only_the_suppliers_quoting_its_skus_and_undoes(
    qtbot, mist_screen: tuple[SettingsScreen, dict[str, int]], engine: Engine
) -> None:
    screen, found = mist_screen
    workspace = screen.workspace
    _window, actions = _in_window(qtbot, screen)
    before = {code: workspace.score_for(found[code]) for code in ("S-VERT", "S-COMP", "S-MIST")}
    started: list[str] = []
    workspace.task_started.connect(lambda _job, title: started.append(title))
    model = screen.tax_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == "cosmetics")

    model.setData(model.index(row, 3), "9")  # VAT 13% -> 9%
    with qtbot.waitSignal(workspace.scores_changed, timeout=20000):
        screen.save()

    # Margin by hand: net 299 × 0.94; landed V + 0.7 × V × (15% + 9%) / 0.85.
    for code, value in (("S-VERT", 22 * 7.20), ("S-COMP", 20 * 7.70)):
        score = workspace.score_for(found[code])
        assert score is not None
        assert score.margin_pct == pytest.approx((NET - landed(value, vat=0.09)) / NET)
        assert score.margin_pct > before[code].margin_pct
    assert workspace.score_for(found["S-MIST"]) is before["S-MIST"]  # fragrance: untouched
    assert started == []
    assert screen.banner.text() == "Saved."

    actions.undo.trigger()

    assert model.index(row, 3).data() == "13%"
    for code in ("S-VERT", "S-COMP"):
        score = workspace.score_for(found[code])
        assert score is not None
        assert score.margin_pct == pytest.approx(expected()[code]["margin_pct"])
    assert workspace.score_for(found["S-MIST"]) is before["S-MIST"]
    assert started == []
    with engine.connect() as conn:
        vats = [
            json.loads(r[0])["fields"]["vat"]
            for r in conn.exec_driver_sql(
                "SELECT changes FROM audit_entry WHERE entity = 'tax_category' "
                "AND action = 'edited' ORDER BY id"
            )
        ]
    assert vats == [["0.13", "0.09"], ["0.09", "0.13"]]


# --- in Chinese, and the language switch -------------------------------------------------


def _form_labels(screen: SettingsScreen) -> dict[str, str]:
    """Each setting's form label, by its key."""
    labels = {}
    for key, widget in screen.inputs.items():
        row = widget.parentWidget()
        for form in screen.findChildren(QFormLayout):
            label = form.labelForField(row)
            if label is not None:
                labels[key] = label.text()
    return labels


@pytest.fixture
def chinese_screen(qtbot, workspace: Workspace) -> SettingsScreen:
    i18n.install(i18n.CHINESE)
    screen = SettingsScreen(workspace)
    qtbot.addWidget(screen)
    screen.resize(1500, 950)
    return screen


def test_in_chinese_every_setting_has_the_glossarys_label(chinese_screen: SettingsScreen) -> None:
    labels = _form_labels(chinese_screen)
    assert labels["window_days"] == "评估窗口："
    assert labels["grace_days"] == "宽限天数："
    assert labels["costs.platform_commission"] == "平台佣金："
    assert labels["costs.payment_fee"] == "支付手续费："
    assert labels["costs.clearance_fee"] == "清关费："
    assert labels["costs.fulfilment_fee"] == "国内履约费："
    assert labels["costs.cbec_transaction_limit"] == "单次交易限值："
    assert labels["costs.cbec_annual_limit"] == "年度交易限值："
    assert labels["home_currency"] == "本位币："
    assert labels["weights.channel"] == "渠道结构："
    boxes = {box.title() for box in chinese_screen.findChildren(QGroupBox)}
    assert {"供应稳定性权重", "评估", "毛利与费用", "跨境电商零售进口", "语言 / Language"} <= boxes
    note = chinese_screen.findChild(QLabel, "weights.channel.note")
    assert note is not None and note.text().startswith("= 占供应稳定性得分的 ")
    assert chinese_screen.save_button.text() == "保存并重新评分"
    assert chinese_screen.tax_model.headerData(4, Qt.Orientation.Horizontal) == "行邮税"


def test_switching_the_language_saves_it_for_the_next_start_and_offers_a_restart(
    qtbot, chinese_screen: SettingsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    box = chinese_screen.language_box
    assert box.choice.currentText() == "中文"  # the language the desk reads in now
    restarts: list[bool] = []
    box.restart = lambda: restarts.append(True) or True
    box.choice.setCurrentIndex(box.choice.findData(i18n.ENGLISH))
    box.switch_button.click()

    assert config.saved_language() == i18n.ENGLISH
    assert config.preferences_path().is_relative_to(tmp_path / "data")
    assert json.loads(config.preferences_path().read_text(encoding="utf-8"))["language"] == "en"
    # Said in the language read now; the switch itself waits for the next start.
    assert box.message.text() == "语言已设为English，下次启动工作台时生效。"
    assert i18n.current_language() == i18n.CHINESE
    question = box.question
    assert question is not None and question.informativeText() == "现在重新启动工作台吗？"
    restart = next(b for b in question.buttons() if b.text() == "立即重启")
    restart.click()
    qtbot.waitUntil(lambda: restarts == [True])


def test_the_language_is_not_switched_while_settings_are_unsaved(
    chinese_screen: SettingsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    screen = chinese_screen
    box = screen.language_box
    box.restart = lambda: pytest.fail("no restart while settings are unsaved")
    screen._int("grace_days").setValue(screen._int("grace_days").value() + 1)
    box.choice.setCurrentIndex(box.choice.findData(i18n.ENGLISH))
    assert box.switch() is False
    assert config.saved_language() is None
    assert not config.preferences_path().exists()
    assert box.question is None
    assert box.message.text().startswith("切换语言前，请先保存或还原改过的设置")

    screen.revert_button.click()  # discarded: now it may switch
    assert box.switch() is True
    assert config.saved_language() == i18n.ENGLISH
    assert box.question is not None
    box.question.reject()


def test_restarting_drops_a_lang_option_that_would_override_the_choice() -> None:
    assert restart_arguments(["/venv/bin/sourcing-app", "--lang", "zh_CN", "--db", "x.sqlite"]) == [
        "/venv/bin/sourcing-app",
        "--db",
        "x.sqlite",
    ]
    assert restart_arguments(["-m", "sourcing_app", "--lang=en"]) == ["-m", "sourcing_app"]
