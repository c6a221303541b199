"""The font a report is set in, and Chinese text that copies out of the PDF as typed.

English reports keep DejaVu Sans. A Chinese one needs a font with the CJK
glyphs: the first of `CJK_FONTS` that is installed; with none, the report is
refused in words naming what to install, never printed as rows of empty boxes.

Qt's PDF writer maps each glyph back to the lowest code point the font draws
with it, and CJK fonts draw the radicals (U+2E80–U+2FDF) with the ideographs'
glyphs: 风险 would copy out, and be searched for, as ⻛险. `fix_copied_text`
points those glyphs back at the ideographs.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from sourcing_app import i18n
from sourcing_app.i18n import _

FONT_FAMILY = "DejaVu Sans"
# Fonts with the Simplified Chinese glyphs, best first: Linux (fonts-noto-cjk, or
# Adobe's Source Han Sans), Windows, macOS; names as Qt's font database lists them.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "Microsoft YaHei",
    "PingFang SC",
)
_RADICALS = range(0x2E80, 0x2FE0)
_IDEOGRAPHS = range(0x4E00, 0xA000)


def report_font(cjk_fonts: tuple[str, ...] = CJK_FONTS) -> str | None:
    """The family a report is set in, or None when it needs a Chinese one and none is installed.

    Needs a QGuiApplication (`pdf.ensure_gui`).
    """
    if not i18n.is_chinese():
        return FONT_FAMILY
    installed = set(QFontDatabase.families())
    return next((family for family in cjk_fonts if family in installed), None)


def missing_font_message(cjk_fonts: tuple[str, ...] = CJK_FONTS) -> str:
    return _(
        "a Chinese report needs a Chinese (CJK) font, and none is installed. Install one: "
        "fonts-noto-cjk on Debian or Ubuntu (sudo apt-get install fonts-noto-cjk), "
        "Microsoft YaHei on Windows, PingFang SC on macOS. Looked for: {fonts}."
    ).format(fonts=", ".join(cjk_fonts))


@cache
def _radical_to_ideograph(family: str) -> dict[bytes, bytes]:
    """Radical → the ideograph the font draws with the same glyph, as 4-digit hex."""
    raw = QRawFont.fromFont(QFont(family))
    ideographs = "".join(map(chr, _IDEOGRAPHS))
    by_glyph: dict[int, str] = {}
    for char, glyph in zip(ideographs, raw.glyphIndexesForString(ideographs), strict=True):
        if glyph:
            by_glyph.setdefault(glyph, char)
    radicals = "".join(map(chr, _RADICALS))
    return {
        f"{ord(radical):04X}".encode(): f"{ord(by_glyph[glyph]):04X}".encode()
        for radical, glyph in zip(radicals, raw.glyphIndexesForString(radicals), strict=True)
        if glyph in by_glyph
    }


_SECTION = re.compile(rb"(beginbf(?:char|range)\n)(.*?)(endbf(?:char|range))", re.S)
_CODE = re.compile(rb"<([0-9A-Fa-f]{4})>")


def fix_copied_text(pdf: Path, family: str) -> None:
    """Rewrite the PDF's glyph-to-text maps so radicals read as their ideographs.

    Each code keeps its four hex digits, so the file keeps its length and its
    cross-reference table stays true. Only the text a glyph stands for changes.
    """
    table = _radical_to_ideograph(family)
    if not table:
        return

    def text_code(match: re.Match[bytes]) -> bytes:
        return b"<" + table.get(match.group(1).upper(), match.group(1)) + b">"

    def line(entry: bytes) -> bytes:
        # "<glyph> <text>", "<first> <last> [<text> …]", or "<glyph> <glyph> <text>":
        # only the text codes change, never the glyph numbers.
        if b"[" in entry:
            head, _bracket, tail = entry.partition(b"[")
            return head + b"[" + _CODE.sub(text_code, tail)
        codes = entry.split()
        if len(codes) == 2 or (len(codes) == 3 and codes[0] == codes[1]):
            return b" ".join([*codes[:-1], _CODE.sub(text_code, codes[-1])])
        return entry

    def section(match: re.Match[bytes]) -> bytes:
        body = b"\n".join(line(entry) for entry in match.group(2).split(b"\n"))
        return match.group(1) + body + match.group(3)

    data = pdf.read_bytes()
    fixed = _SECTION.sub(section, data)
    if fixed != data and len(fixed) == len(data):
        pdf.write_bytes(fixed)
