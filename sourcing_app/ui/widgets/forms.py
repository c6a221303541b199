"""Forms that check each field as the buyer types or leaves it (docs/bad-input.md).

A form is a list of `FormField`s laid out in an aligned QFormLayout. Checking
is not done here: the form hands its values to a `check` function (the editing
service's, the same rules as the importer) and marks what comes back: a red
border on the field and the reason in words under it. `validity_changed`
tells the dialog to keep Save disabled while anything is wrong.

A field is only marked once the buyer has touched it (or tried to save), so a
new, empty form does not open covered in red; Save stays disabled all the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Any

from PySide6.QtCore import QDate, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sourcing_app import i18n
from sourcing_app.i18n import _

# How long after the last keystroke the values are checked: quick enough to
# feel live, slow enough not to query the database on every key.
CHECK_DELAY_MS = 180
INVALID_STYLE = "border: 1px solid #c62828; border-radius: 3px; background: #fff6f6;"
PROBLEM_STYLE = "color: #b71c1c;"
DATE_FORMAT = "d MMM yyyy"
DATE_FORMAT_ZH = "yyyy-MM-dd"


def date_format() -> str:
    """How a date field shows its date: '3 Dec 2026'; in Chinese '2026-12-03' (as in tables)."""
    return DATE_FORMAT_ZH if i18n.is_chinese() else DATE_FORMAT


class FieldKind(Enum):
    TEXT = auto()
    LONG_TEXT = auto()
    CHOICE = auto()  # a fixed list; the value is the item's data
    TYPED_CHOICE = auto()  # a list to pick from or type into (currency, country); value is text
    DATE = auto()
    OPTIONAL_DATE = auto()  # a date that may be blank
    NUMBER = auto()  # whole numbers and decimals, typed as text and checked by the service
    MONEY = auto()  # a NUMBER shown with its currency
    CHECK = auto()


@dataclass
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    choices: Sequence[tuple[Any, str]] = ()
    # Every text below is shown as given: the form's builder translates it.
    suffix: str = ""  # the unit shown after the value: "units/month", "days", "CNY"
    currency_field: str = ""  # MONEY: the field holding its currency, shown as the unit
    unit_template: str = "{currency}"  # how that currency is shown: "CNY per {currency}"
    # An exchange rate to this (home) currency: when the currency field names it,
    # the rate is 1, shown fixed with `home_note` instead of "CNY per CNY".
    home_currency: str = ""
    home_note: str = ""
    placeholder: str = ""
    hint: str = ""  # a tooltip saying what the field means
    blank_label: str = ""  # OPTIONAL_DATE: what an unset date means ("none" when blank)
    extras: dict[str, Any] = field(default_factory=dict)


def qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class FieldEditor(QWidget):
    """One field: its input, its unit, and the reason it is wrong (hidden while it is not)."""

    edited = Signal(str)  # field name: the value changed
    left = Signal(str)  # field name: focus moved on

    def __init__(self, spec: FormField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.touched = False
        self.choice_values: list[Any] = []  # a list's values, by item row
        self._before_fixed = ""  # what was typed before `fix` showed the only value
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        line = QHBoxLayout()
        line.setSpacing(6)
        column.addLayout(line)
        self.input = self._make_input()
        self.input.setObjectName(f"field_{spec.name}")
        if spec.hint:
            self.input.setToolTip(spec.hint)
        self.blank_box: QCheckBox | None = None
        if spec.kind is FieldKind.OPTIONAL_DATE:
            # Translators: a date field left blank (no contract start, say).
            self.blank_box = QCheckBox(spec.blank_label or _("none"), self)
            self.blank_box.setObjectName(f"blank_{spec.name}")
            self.blank_box.toggled.connect(self._blank_toggled)
        line.addWidget(self.input, 1 if spec.kind in _WIDE else 0)
        if self.blank_box is not None:
            line.addWidget(self.blank_box)
        self.unit = QLabel(spec.suffix, self)
        self.unit.setVisible(bool(spec.suffix) or spec.kind is FieldKind.MONEY)
        line.addWidget(self.unit)
        if spec.kind not in _WIDE:
            line.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName(f"problem_{spec.name}")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.setVisible(False)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        column.addWidget(self.message)
        self._plain_style = self.input.styleSheet()

    # --- building -------------------------------------------------------------------

    def _make_input(self) -> QWidget:
        spec = self.spec
        kind = spec.kind
        if kind is FieldKind.LONG_TEXT:
            box = QPlainTextEdit(self)
            box.setFixedHeight(self.fontMetrics().height() * 4 + 12)
            box.setTabChangesFocus(True)
            box.textChanged.connect(self._changed)
            return box
        if kind in (FieldKind.CHOICE, FieldKind.TYPED_CHOICE):
            combo = QComboBox(self)
            many = len(spec.choices) > 12
            if kind is FieldKind.TYPED_CHOICE or many:
                # Editable before the items go in: afterwards it costs 90 ms per 10,000.
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                completer = combo.completer()
                if completer is not None:
                    completer.setFilterMode(Qt.MatchFlag.MatchContains)
                    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                line = combo.lineEdit()
                if line is not None:
                    line.textEdited.connect(self._changed)
                    line.editingFinished.connect(self._left)
            self.choice_values = fill_combo(combo, spec.choices)
            _show_start(combo)
            combo.currentIndexChanged.connect(self._changed)
            combo.setMinimumContentsLength(6 if kind is FieldKind.TYPED_CHOICE else 28)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            return combo
        if kind in (FieldKind.DATE, FieldKind.OPTIONAL_DATE):
            edit = QDateEdit(self)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format())
            edit.setDate(QDate.currentDate())
            edit.dateChanged.connect(self._changed)
            edit.editingFinished.connect(self._left)
            edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("00 Sep 0000") + 48)
            return edit
        if kind is FieldKind.CHECK:
            box = QCheckBox(self)
            box.toggled.connect(self._changed)
            return box
        line_edit = QLineEdit(self)
        line_edit.setPlaceholderText(spec.placeholder)
        line_edit.textEdited.connect(self._changed)
        line_edit.editingFinished.connect(self._left)
        if kind in (FieldKind.NUMBER, FieldKind.MONEY):
            line_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            line_edit.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 16 + 16)
        return line_edit

    # --- the value --------------------------------------------------------------------

    def value(self) -> Any:
        w = self.input
        kind = self.spec.kind
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QComboBox):
            if kind is FieldKind.TYPED_CHOICE:
                return w.currentText().strip()
            if w.isEditable() and w.currentText() != w.itemText(w.currentIndex()):
                return None  # typed text that names nothing in the list
            index = w.currentIndex()
            return self.choice_values[index] if 0 <= index < len(self.choice_values) else None
        if isinstance(w, QDateEdit):
            if self.blank_box is not None and self.blank_box.isChecked():
                return None
            return pydate(w.date())
        if isinstance(w, QCheckBox):
            return w.isChecked()
        assert isinstance(w, QLineEdit)
        text = w.text().strip()
        if kind in (FieldKind.NUMBER, FieldKind.MONEY) and _GROUPED.fullmatch(text):
            return text.replace(",", "")  # "12,500" as shown; "18,50" is left for the check
        return text

    def set_value(self, value: Any) -> None:
        w = self.input
        kind = self.spec.kind
        blockers = [QSignalBlocker(w)]
        if self.blank_box is not None:
            blockers.append(QSignalBlocker(self.blank_box))
        if isinstance(w, QPlainTextEdit):
            w.setPlainText("" if value is None else str(value))
        elif isinstance(w, QComboBox):
            index = _index_of(self.choice_values, value)
            if index < 0 and value is not None and kind is FieldKind.CHOICE:
                # A row kept pointing at something archived since: still shown, by id.
                w.addItem(_("#{id} (archived)").format(id=value))
                self.choice_values.append(value)
                index = w.count() - 1
            if index >= 0:
                w.setCurrentIndex(index)
            elif w.isEditable():
                w.setEditText(_text(value))
            _show_start(w)
        elif isinstance(w, QDateEdit):
            if value is None:
                if self.blank_box is not None:
                    self.blank_box.setChecked(True)
                    w.setEnabled(False)
            else:
                if self.blank_box is not None:
                    self.blank_box.setChecked(False)
                    w.setEnabled(True)
                w.setDate(qdate(value))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        else:
            assert isinstance(w, QLineEdit)
            self._release(w)  # a value put in stands; the form fixes it again if need be
            shown = _text(value)
            if kind in (FieldKind.NUMBER, FieldKind.MONEY):
                shown = grouped(shown)
            w.setText(shown)
            w.setCursorPosition(0)
        del blockers

    def set_choices(self, choices: Sequence[tuple[Any, str]]) -> None:
        """New items for a list (SKUs of the chosen supplier, say), keeping the pick if listed."""
        combo = self.input
        assert isinstance(combo, QComboBox)
        keep = self.value()
        with QSignalBlocker(combo):
            combo.clear()
            self.choice_values = fill_combo(combo, choices)
            index = _index_of(self.choice_values, keep) if keep is not None else -1
            combo.setCurrentIndex(index if index >= 0 else (0 if choices else -1))
        _show_start(combo)
        self._changed()

    def set_unit(self, unit: str) -> None:
        self.unit.setText(unit)
        self.unit.setVisible(bool(unit))

    def fix(self, value: str, note: str) -> None:
        """Show `value` as the only one possible, read-only, with `note` saying why."""
        line = self.input
        assert isinstance(line, QLineEdit)
        if not line.isReadOnly():
            self._before_fixed = line.text()
        with QSignalBlocker(line):
            line.setText(value)
        line.setReadOnly(True)
        line.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_unit(note)

    def unfix(self) -> None:
        """Editable again, with what was typed before it was fixed."""
        line = self.input
        assert isinstance(line, QLineEdit)
        if line.isReadOnly():
            with QSignalBlocker(line):
                line.setText(self._before_fixed)
            self._release(line)

    def _release(self, line: QLineEdit) -> None:
        line.setReadOnly(False)
        line.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    @property
    def fixed(self) -> bool:
        return isinstance(self.input, QLineEdit) and self.input.isReadOnly()

    # --- problems ----------------------------------------------------------------------

    def set_problem(self, problem: str | None) -> None:
        shown = bool(problem) and self.touched
        self.message.setText(_("⚠ {problem}").format(problem=problem) if shown else "")
        self.message.setVisible(shown)
        self.input.setStyleSheet(self._plain_style + INVALID_STYLE if shown else self._plain_style)
        self.input.setProperty("invalid", shown)
        self.input.setToolTip(problem if shown and problem else self.spec.hint)

    @property
    def problem(self) -> str:
        return self.message.text().removeprefix("⚠ ").removeprefix("⚠")

    # --- signals -----------------------------------------------------------------------

    def _changed(self, *_args: object) -> None:
        self.touched = True
        self.edited.emit(self.spec.name)

    def _left(self) -> None:
        self.touched = True
        self.left.emit(self.spec.name)

    def _blank_toggled(self, blank: bool) -> None:
        self.input.setEnabled(not blank)
        self._changed()


_WIDE = (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.CHOICE)


def _show_start(combo: QComboBox) -> None:
    """A long typed-in item reads from its start ("AB013-S2-900 · …"), not its cut-off end."""
    line = combo.lineEdit()
    if line is not None:
        line.setCursorPosition(0)


def fill_combo(combo: QComboBox, choices: Sequence[tuple[Any, str]]) -> list[Any]:
    """Add the items in one call and return their values by row.

    One `addItems` instead of an `addItem` with data per item: 10,000
    suppliers go in in a few milliseconds instead of a tenth of a second.
    """
    combo.addItems([words for _value, words in choices])
    return [value for value, _words in choices]


def _index_of(values: list[Any], value: Any) -> int:
    try:
        return values.index(value)
    except ValueError:
        pass
    # Decimals and enums from the database against the list's plain values.
    wanted = _text(value)
    return next((i for i, v in enumerate(values) if _text(v) == wanted), -1)


# Thousands in threes, as the app shows them: "12,500", "1,234.50" (never "18,50").
_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN_NUMBER = re.compile(r"(-?)(\d+)(\.\d+)?")


def grouped(text: str) -> str:
    """A plain number with thousands separators ("87000" → "87,000"); other text as it is."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None:
        return text
    sign, whole, decimals = match.groups()
    return f"{sign}{int(whole):,}{decimals or ''}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if hasattr(value, "normalize"):  # Decimal: 18.5000 from the database shows as 18.50
        quantized = value.quantize(1) if value == value.to_integral() else value.normalize()
        text = format(quantized, "f")
        if "." in text and len(text.split(".")[1]) == 1:
            text += "0"
        return text
    return str(value)


class EntityForm(QWidget):
    """The fields of one record in an aligned form, checked as the buyer works."""

    validity_changed = Signal(bool)  # True when everything can be saved
    values_changed = Signal(str)  # the field just changed

    def __init__(
        self,
        fields: Sequence[FormField],
        check: Callable[[dict[str, Any]], Mapping[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._check = check
        self.problems: dict[str, str] = {}
        self.editors: dict[str, FieldEditor] = {}
        layout = QFormLayout(self)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.setVerticalSpacing(8)
        layout.setHorizontalSpacing(12)
        for spec in fields:
            editor = FieldEditor(spec, self)
            editor.edited.connect(self._edited)
            editor.left.connect(self._left)
            label = QLabel(_("{label}:").format(label=spec.label), self)
            label.setBuddy(editor.input)
            # Line the label up with the input, not with the message under it.
            if spec.kind is not FieldKind.LONG_TEXT:
                label.setMinimumHeight(editor.input.sizeHint().height())
            vertical = (
                Qt.AlignmentFlag.AlignTop
                if spec.kind is FieldKind.LONG_TEXT
                else Qt.AlignmentFlag.AlignVCenter
            )
            label.setAlignment(Qt.AlignmentFlag.AlignRight | vertical)
            layout.addRow(label, editor)
            self.editors[spec.name] = editor
        for spec in fields:
            if spec.currency_field:
                self._follow_currency(spec.name, spec.currency_field)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.validate)
        self._valid = False

    # --- values ------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            editor = self.editors.get(name)
            if editor is not None:
                editor.set_value(value)
        for editor in self.editors.values():
            if editor.spec.currency_field:
                self._show_currency(editor.spec.name, editor.spec.currency_field)

    def editor(self, name: str) -> FieldEditor:
        return self.editors[name]

    # --- checking ----------------------------------------------------------------------

    def validate(self) -> bool:
        """Check every field now; mark the touched ones. True when Save may go ahead."""
        self._timer.stop()
        self.show_problems(self._check(self.values()))
        return not self.problems

    def show_problems(self, problems: Mapping[str, str], *, everywhere: bool = False) -> None:
        self.problems = dict(problems)
        for name, editor in self.editors.items():
            if everywhere:
                editor.touched = True
            editor.set_problem(self.problems.get(name))
        valid = not self.problems
        if valid != self._valid:
            self._valid = valid
        self.validity_changed.emit(valid)

    @property
    def valid(self) -> bool:
        return self._valid

    def untouched_problems(self) -> list[str]:
        """Labels of fields that block saving but are not marked yet (blank required ones)."""
        return [
            self.editors[name].spec.label
            for name in self.problems
            if name in self.editors and not self.editors[name].touched
        ]

    def _edited(self, name: str) -> None:
        self.values_changed.emit(name)
        self._timer.start()

    def _left(self, name: str) -> None:
        if self._timer.isActive():
            self.validate()

    # --- money shown with its currency --------------------------------------------------

    def _follow_currency(self, money: str, currency: str) -> None:
        source = self.editors.get(currency)
        if source is None:
            return
        source.edited.connect(lambda _name: self._show_currency(money, currency))
        self._show_currency(money, currency)

    def _show_currency(self, money: str, currency: str) -> None:
        source = self.editors.get(currency)
        if source is not None:
            code = str(source.value() or "").upper() or "?"
            editor = self.editors[money]
            if editor.spec.home_currency and code == editor.spec.home_currency:
                editor.fix("1", editor.spec.home_note)
                return
            editor.unfix()
            editor.set_unit(editor.spec.unit_template.format(currency=code))
