"""The PDF reports in Chinese: the glossary's words, the same figures as in English, a CJK font."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.errors import CannotFinish
from sourcing_app.reports import write_brand_report, write_supplier_report
from tests.services.hand_portfolio import expected
from tests.services.hand_portfolio_db import load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)
MADE_ON = dt.date(2026, 7, 1)
NO_SUCH_FONTS = ("No Such CJK Font SC", "Neither This One")


def pdf_text(path: Path) -> str:
    words = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(words.split())


def figures(words: str) -> list[str]:
    """Every number with decimals or a percent sign: money, scores, rates, shares."""
    return sorted(re.findall(r"\d[\d,]*(?:\.\d+%?|%)", words))


def pages_as_images(path: Path, folder: Path) -> list[QImage]:
    stem = folder / path.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(stem)], check=True)
    return [QImage(str(p)) for p in sorted(folder.glob(f"{path.stem}-*.png"))]


def assert_black_and_white(image: QImage) -> None:
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            assert QColor(image.pixel(x, y)).hsvSaturation() < 25, (x, y)


@pytest.fixture
def hand(engine: Engine, tmp_path: Path, qapp: object) -> Engine:
    load_hand_portfolio(engine, tmp_path)
    return engine


def test_a_chinese_supplier_report_reads_in_the_glossarys_words(
    hand: Engine, tmp_path: Path
) -> None:
    english = tmp_path / "s-vert-en.pdf"
    write_supplier_report(hand, "S-VERT", english, AS_OF, made_on=MADE_ON)
    i18n.install(i18n.CHINESE)
    chinese = tmp_path / "s-vert-zh.pdf"
    pages = write_supplier_report(hand, "S-VERT", chinese, AS_OF, made_on=MADE_ON)
    words = pdf_text(chinese)
    s_vert = expected()["S-VERT"]

    assert "供应商评估报告：S-VERT · Aurelle Paris SAS" in words
    assert "品牌方，FR" in words
    assert (
        "评估日期 2026年6月30日，按2025年7月1日至2026年6月30日下单的采购明细计算（365 天）" in words
    )
    assert "评级 优选" in words
    assert f"货源综合得分 {s_vert['sourcing_score']:.1f} / 100" in words
    assert f"供应稳定性得分 {s_vert['stability_score']:.1f} / 100" in words
    assert f"计入到岸成本后毛利率 {s_vert['margin_pct'] * 100:.2f}%" in words
    assert "置信度 29%（2 条已到交货期的采购明细" in words
    # The standings' rule names all four, as the glossary writes them.
    assert "评级：优选 ≥ 75，合格 ≥ 55，观察 ≥ 35，其余为规避。" in words
    # The flag by its glossary name; the walk in yuan (¥, the home currency).
    assert "风险标记 原因 历史数据不足" in words
    assert "¥158.40" in words and "¥194.93" in words and "¥86.13" in words
    assert "THIN_HISTORY" not in words and "CNY 158.40" not in words
    assert "到货满足率 20% 99.0% 2" in words
    assert "由跨境货源工作台于2026年7月1日根据数据库" in words.replace("年 7月", "年7月")
    assert f"第 1 页，共 {pages} 页" in words and f"第 {pages} 页，共 {pages} 页" in words
    # No radical stands in for an ideograph (⻛ for 风): the text copies out as printed.
    assert not [c for c in words if 0x2E80 <= ord(c) <= 0x2FDF]
    # The same figures as the English report, number for number.
    assert figures(words) == figures(pdf_text(english))


def test_a_chinese_brand_report_sets_the_channels_side_by_side(
    hand: Engine, tmp_path: Path
) -> None:
    english = tmp_path / "aurelle-en.pdf"
    write_brand_report(hand, "Aurelle", english, AS_OF, made_on=MADE_ON)
    i18n.install(i18n.CHINESE)
    chinese = tmp_path / "aurelle-zh.pdf"
    # Page 1 the brand, its channels and their chart; page 2 the channels' score
    # trends side by side (docs/trend.md), as in English.
    assert write_brand_report(hand, "Aurelle", chinese, AS_OF, made_on=MADE_ON) == 2
    words = pdf_text(chinese)
    scores = expected()
    vert, comp = scores["S-VERT"], scores["S-COMP"]

    assert "品牌货源报告：Aurelle" in words
    assert "爆款品牌" in words
    assert "计划月需求 每月 400 件" in words
    assert "启用的渠道 2 个：垂直渠道 1 个，复合渠道 1 个" in words
    assert "这些供应商的月供货能力 每月 7,000 件" in words
    assert "供货覆盖率 100%" in words
    assert "单点依赖 否" in words
    assert (
        f"S-VERT Aurelle Paris SAS 垂直渠道 层级 0 优选 {vert['sourcing_score']:.1f} "
        f"{vert['margin_pct'] * 100:.2f}% ¥86.13"
    ) in words
    assert (
        f"S-COMP Golden Bridge Trading 复合渠道 层级 3 优选 {comp['sourcing_score']:.1f} "
        f"{comp['margin_pct'] * 100:.2f}% ¥91.55"
    ) in words
    assert "第 1 页，共 2 页" in words
    assert figures(words) == figures(pdf_text(english))


def test_both_languages_print_on_a4_in_black_and_white(hand: Engine, tmp_path: Path) -> None:
    paths = []
    for language in (i18n.ENGLISH, i18n.CHINESE):
        i18n.install(language)
        for name, write in (
            ("supplier", lambda p: write_supplier_report(hand, "S-COMP", p, AS_OF)),
            ("brand", lambda p: write_brand_report(hand, "Aurelle", p, AS_OF)),
        ):
            path = tmp_path / f"{name}-{language}.pdf"
            write(path)
            paths.append(path)
    for path in paths:
        images = pages_as_images(path, tmp_path)
        assert images, path
        for image in images:
            assert image.height() / image.width() == pytest.approx(297 / 210, rel=0.01)
            assert_black_and_white(image)


def test_without_a_chinese_font_the_report_is_refused_in_words(
    hand: Engine, tmp_path: Path
) -> None:
    i18n.install(i18n.CHINESE)
    path = tmp_path / "s-vert.pdf"
    with pytest.raises(CannotFinish) as refused:
        write_supplier_report(hand, "S-VERT", path, AS_OF, cjk_fonts=NO_SUCH_FONTS)
    message = str(refused.value)
    assert message.startswith("中文报告需要中文（CJK）字体，但本机一个也没有安装。")
    assert "fonts-noto-cjk" in message and "微软雅黑" in message and "苹方" in message
    assert "No Such CJK Font SC, Neither This One" in message
    with pytest.raises(CannotFinish, match="fonts-noto-cjk"):
        write_brand_report(hand, "Aurelle", path, AS_OF, cjk_fonts=NO_SUCH_FONTS)
    assert list(tmp_path.glob("*.pdf")) == []

    # An English report needs no CJK font at all.
    i18n.install(i18n.ENGLISH)
    assert write_supplier_report(hand, "S-VERT", path, AS_OF, cjk_fonts=NO_SUCH_FONTS) >= 1
