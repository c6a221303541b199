"""No text a person reads is handed to Qt unmarked: a new English-only string fails here.

The catalog test catches a marked string without its Chinese text; this one
catches the string nobody marked. It reads the desktop's and the reports'
source and flags a literal (or an f-string, which glues words in English
order) passed straight to a Qt call that shows text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sourcing_app"
# Qt calls whose text argument a person reads.
SHOWS_TEXT = {
    "setText",
    "setToolTip",
    "setWindowTitle",
    "setPlaceholderText",
    "setStatusTip",
    "setTitle",
    "setSubTitle",
    "setLabelText",
    "setInformativeText",
    "setDetailedText",
    "showMessage",
    "setTabText",
    "addTab",
    "addItem",
    "setHorizontalHeaderLabels",
    "setSuffix",
    "setPrefix",
    "setSpecialValueText",
    "setButtonText",
    "setWhatsThis",
    "setAccessibleName",
    "addAction",
    "addMenu",
    "setAxisTitle",
    "setTitleText",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolButton",
    "QMenu",
}


_MARKUP = re.compile(r"<[^<>]*>|&\w+;|<[^<>]*$|^[^<>]*>")


# Not words: a currency or country code, a file path given as an example.
_NOT_WORDS = re.compile(r"^[A-Z]{2,5}$|[/\\]")


def _has_words(text: str) -> bool:
    """Letters left once HTML tags and entities are taken out."""
    if _NOT_WORDS.search(text):
        return False
    return any(ch.isalpha() for ch in _MARKUP.sub("", text))


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _has_words(node.value)
    return isinstance(node, ast.JoinedStr) and any(
        isinstance(v, ast.Constant) and _has_words(str(v.value)) for v in node.values
    )


def _unmarked(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if name not in SHOWS_TEXT:
            continue
        # The text is the first argument, or the second after the tab's widget.
        position = 1 if name in ("addTab", "setTabText") else 0
        if len(node.args) > position and _is_text(node.args[position]):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {name}(…)")
    return found


def test_every_text_shown_by_the_desktop_and_the_reports_is_marked_for_translation() -> None:
    found = []
    for folder in ("ui", "reports"):
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            found += _unmarked(path)
    assert found == []


def test_the_guard_names_a_bare_text_and_lets_marked_ones_pass(tmp_path: Path) -> None:
    screen = tmp_path / "screen.py"
    screen.write_text(
        "label.setText('Suppliers scored')\n"
        "button = QPushButton(f'Save {count} lines')\n"
        "label.setText(_('Suppliers scored'))\n"
        "edit.setPlaceholderText('USD')\n"
        "tabs.addTab(page, 'Quotes')\n"
        "label.setText('<b>' + _('Total') + '</b>')\n"
    )
    lines = [line.split(": ", 1)[1] for line in _unmarked(screen, root=tmp_path)]
    assert lines == ["setText(…)", "QPushButton(…)", "addTab(…)"]


_TRANSLATING = {"_", "N_", "ngettext", "pgettext"}


def _marked_inside_f_strings(path: Path) -> list[str]:
    """Texts marked for translation inside an f-string's braces: the catalogue's
    extractor does not look there, so they never get their Chinese text."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.JoinedStr):
            for part in node.values:
                for inner in ast.walk(part):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in _TRANSLATING
                    ):
                        found.append(f"{path.name}:{inner.lineno}")
    return found


def test_no_text_is_marked_inside_an_f_string() -> None:
    # "No open risk flags." was written so, and showed in English on the Chinese desk.
    paths = sorted(PACKAGE.rglob("*.py"))
    found = [hit for path in paths for hit in _marked_inside_f_strings(path)]
    assert found == []


def test_the_f_string_guard_finds_a_marked_text_in_braces(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('shown = f"<b>{_(\'Risk flags\')}</b>"\nfine = _("Risk flags")\n')
    assert len(_marked_inside_f_strings(sample)) == 1
