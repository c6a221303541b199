"""Plain-text table cells measured in terminal columns, so Chinese lines up with English.

A terminal draws a CJK character (or a full-width sign) two columns wide and
an ASCII one one column wide; `str.ljust` counts characters, so a Chinese
header would push every column after it. These helpers count columns the way
`unicodedata.east_asian_width` says the terminal draws them ('W' and 'F' are
two wide; combining marks none).
"""

from __future__ import annotations

import re
import unicodedata


def width(text: str) -> int:
    """How many terminal columns `text` takes."""
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def left(text: str, columns: int) -> str:
    """`text` padded on the right to `columns` terminal columns (never cut)."""
    return text + " " * max(columns - width(text), 0)


def right(text: str, columns: int) -> str:
    """`text` padded on the left to `columns` terminal columns (never cut)."""
    return " " * max(columns - width(text), 0) + text


def clip(text: str, columns: int, mark: str = "…") -> str:
    """`text` cut to at most `columns` terminal columns, with `mark` where it was cut."""
    if width(text) <= columns:
        return text
    room = columns - width(mark)
    kept, used = [], 0
    for char in text:
        step = width(char)
        if used + step > room:
            break
        kept.append(char)
        used += step
    return "".join(kept) + mark


def widest(*texts: str) -> int:
    return max((width(t) for t in texts), default=0)


# One CJK character or full-width sign, a run of anything else but spaces, or spaces.
_TOKEN = re.compile(
    r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|\s+"
)
# Chinese punctuation that may not start a line; it stays on the line before.
_NO_LINE_START = set("，。、；：！？）》」』”’")
# ... and opening punctuation that may not end one; it moves to the next with its word.
_NO_LINE_END = set("（《「『“‘")


def wrap(text: str, columns: int) -> list[str]:
    """`text` in lines of at most `columns` terminal columns, for help texts in any language.

    `textwrap` counts characters and breaks only at spaces, so a Chinese
    sentence (no spaces, two columns a character) runs past the terminal's
    edge. Here a line may break between any two Chinese characters, or at a
    space, but never before closing punctuation such as '，' or '）', nor after '（'.
    """
    lines: list[str] = []
    line, used, space = "", 0, False
    for token in _TOKEN.findall(text):
        if token.isspace():
            space = True
            continue
        gap = 1 if space and line else 0
        step = width(token)
        if line and used + gap + step > columns and token not in _NO_LINE_START:
            carried = line[-1] if len(line) > 1 and line[-1] in _NO_LINE_END and not gap else ""
            lines.append(line[: len(line) - len(carried)])
            line, used = carried + token, width(carried) + step
        else:
            line += " " * gap + token
            used += gap + step
        space = False
    if line:
        lines.append(line)
    return lines
