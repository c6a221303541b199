"""The what-if form's policy changes: a category picker, an amount in the home currency, days."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from sourcing_app import i18n
from sourcing_app.domain.scenarios import Scenario
from sourcing_app.errors import BadInput
from sourcing_app.services.scenarios import ScenarioChoices
from sourcing_app.ui.planning.what_if import ScenarioForm

CHOICES = ScenarioChoices(("Apparel", "Skincare"), ("USD",), ("S-1",), "CNY")


@pytest.fixture
def form(qtbot: QtBot) -> ScenarioForm:
    widget = ScenarioForm()
    qtbot.addWidget(widget)
    widget.set_choices(CHOICES)
    return widget


def test_the_three_policy_changes_are_written_as_the_command_line_writes_them(
    form: ScenarioForm,
) -> None:
    items = [form.withdraw_category.itemText(i) for i in range(form.withdraw_category.count())]
    assert items == ["Apparel", "Skincare"]  # the tax categories of the data
    assert form.limit_amount.suffix() == " CNY"
    form.withdraw_category.setCurrentText("Skincare")
    form.withdraw_box.setChecked(True)
    form.limit_amount.setValue(3000)  # touching a change's field ticks its box
    form.clearance_days.setValue(3)
    assert form.limit_box.isChecked() and form.clearance_box.isChecked()
    assert form.clearance_days.text() == "+3 days"
    scenario = form.scenario()
    assert scenario.texts == ["cbec-withdrawn:Skincare", "cbec-limit:3000", "clearance:+3"]

    form.fill(Scenario.from_texts("Old limit", ["cbec-limit:2000", "clearance:+1", "freight:+5%"]))
    assert not form.withdraw_box.isChecked()
    assert (form.limit_box.isChecked(), form.limit_amount.value()) == (True, 2000)
    assert (form.clearance_box.isChecked(), form.clearance_days.text()) == (True, "+1 day")
    assert form.scenario().texts == ["cbec-limit:2000", "clearance:+1", "freight:+5%"]


def test_a_whole_and_a_one_category_withdrawal_together_are_refused(form: ScenarioForm) -> None:
    form.cbec_box.setChecked(True)
    form.withdraw_box.setChecked(True)
    with pytest.raises(BadInput, match="already takes every category off CBEC"):
        form.scenario()


def test_the_limit_reads_as_money_in_chinese(qtbot: QtBot) -> None:
    i18n.install("zh_CN")
    widget = ScenarioForm()
    qtbot.addWidget(widget)
    widget.set_choices(CHOICES)
    assert (widget.limit_amount.prefix(), widget.limit_amount.suffix()) == ("¥", "")
    assert widget.limit_box.text() == "单次交易限值："
    assert widget.clearance_days.text() == "+2 天"
