"""Plain-text cells measured in terminal columns: a CJK character is two wide."""

from __future__ import annotations

from sourcing_app.services import text_cells


def test_width_counts_chinese_twice() -> None:
    assert text_cells.width("SUP-0001") == 8
    assert text_cells.width("货源综合得分") == 12
    assert text_cells.width("优选（12.5%）") == 4 + 2 + 5 + 2  # full-width brackets too


def test_padding_and_clipping_by_columns() -> None:
    assert text_cells.left("评级", 9) == "评级     "  # 4 + 5 = 9 columns
    assert text_cells.right("观察", 6) == "  观察"
    assert text_cells.left("too long", 3) == "too long"  # never cut by padding
    assert text_cells.clip("Tianjin Xinda Bonded Logistics Co", 32) == (
        "Tianjin Xinda Bonded Logistics …"
    )
    assert text_cells.clip("天津鑫达保税物流有限公司", 9) == "天津鑫达…"  # 8 + 1 columns
    assert text_cells.clip("Aurelle", 28, mark="") == "Aurelle"


def test_wrap_breaks_chinese_anywhere_but_before_closing_punctuation() -> None:
    lines = text_cells.wrap("数据库地址或 SQLite 文件路径（默认：今天）", 16)
    assert lines == ["数据库地址或", "SQLite 文件路径", "（默认：今天）"]
    assert all(text_cells.width(line) <= 16 for line in lines)
    # '（' moves to the next line with the word it opens.
    assert text_cells.wrap("一二三四五（六）", 12) == ["一二三四五", "（六）"]
    # '，' stays on the line it closes, even one column over.
    assert text_cells.wrap("一二三四，五六", 8) == ["一二三四，", "五六"]
    # English wraps at spaces only.
    assert text_cells.wrap("score every supplier now", 12) == ["score every", "supplier now"]
