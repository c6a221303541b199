"""Chinese everywhere a person reads: the catalog is whole, and the trade's words are used.

The glossary's terms are written out here as the buyers' own words; a change
to one is a change a buyer would notice, so it is a test failure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sourcing_app import i18n
from sourcing_app.domain import formatting
from sourcing_app.domain.enums import ChannelType, Regime, ReturnReason, Standing, SupplierKind
from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, sub_score_label
from sourcing_app.domain.flags import FlagCode, flag_label
from sourcing_app.locale import catalog

GLOSSARY_FLAGS = {
    FlagCode.AUTH_EXPIRING: "授权即将到期",
    FlagCode.AUTH_EXPIRED: "授权已过期",
    FlagCode.THIN_HISTORY: "历史数据不足",
    FlagCode.PRICE_SPIKE: "价格异常上涨",
    FlagCode.FILL_DROP: "到货满足率下降",
    FlagCode.STALE: "长期未到货",
    FlagCode.QUOTE_EXPIRED: "报价已过期",
    FlagCode.NO_VALID_QUOTE: "无有效报价",
    FlagCode.NEGATIVE_MARGIN: "负毛利",
    FlagCode.OVER_CBEC_LIMIT: "超出跨境电商单次限值",
    FlagCode.CUSTOMS_DELAY: "清关延误",
    FlagCode.COUNTERFEIT_SUSPECTED: "疑似假货",
    FlagCode.RETURNS_HIGH: "售后退货率偏高",
    FlagCode.SINGLE_CHANNEL: "单一渠道",
    FlagCode.COMPOSITE_ONLY: "仅有复合渠道",
}
GLOSSARY_STANDINGS = {
    Standing.PREFERRED: "优选",
    Standing.APPROVED: "合格",
    Standing.WATCH: "观察",
    Standing.AVOID: "规避",
    Standing.UNRATED: "未评级",
}
GLOSSARY_SUB_SCORES = {
    "fill": "到货满足率",
    "on_time": "准时交付率",
    "lead_time": "交期稳定性",
    "quality": "质量（含售后）",
    "price": "价格稳定性",
    "channel": "渠道结构",
    "clearance": "清关时效",
}
GLOSSARY_KINDS = {
    SupplierKind.BRAND_OWNER: "品牌方",
    SupplierKind.AUTHORIZED_DISTRIBUTOR: "授权经销商",
    SupplierKind.WHOLESALER: "批发商",
    SupplierKind.TRADER: "贸易商",
    SupplierKind.BONDED_WAREHOUSE: "保税仓",
    SupplierKind.PLATFORM_SELLER: "平台卖家",
}
GLOSSARY_RETURN_REASONS = {
    ReturnReason.DAMAGED: "破损",
    ReturnReason.NOT_AS_DESCRIBED: "与描述不符",
    ReturnReason.SUSPECTED_COUNTERFEIT: "疑似假货",
    ReturnReason.EXPIRED: "过期",
    ReturnReason.LATE: "延迟送达",
    ReturnReason.OTHER: "其他",
}
GLOSSARY_REGIMES = {
    Regime.CBEC: "跨境电商零售进口",
    Regime.GENERAL: "一般贸易",
    Regime.POSTAL: "行邮（个人物品）",
}


@pytest.fixture
def chinese() -> None:
    i18n.install(i18n.CHINESE)


def test_the_catalog_has_a_chinese_text_for_every_marked_string() -> None:
    assert catalog.problems() == []


def test_every_flag_standing_sub_score_kind_and_regime_reads_in_the_glossarys_words(
    chinese: None,
) -> None:
    assert {code: flag_label(code) for code in FlagCode} == GLOSSARY_FLAGS
    assert {s: s.label for s in Standing} == GLOSSARY_STANDINGS
    assert {key: sub_score_label(key) for key in SUB_SCORE_KEYS} == GLOSSARY_SUB_SCORES
    assert {k: k.label for k in SupplierKind} == GLOSSARY_KINDS
    assert {r: r.label for r in Regime} == GLOSSARY_REGIMES
    assert {r: r.label for r in ReturnReason} == GLOSSARY_RETURN_REASONS
    assert sub_score_label("clearance") == "清关时效"
    assert (ChannelType.VERTICAL.label, ChannelType.COMPOSITE.label) == ("垂直渠道", "复合渠道")


def test_the_same_words_read_in_english_without_a_catalog() -> None:
    assert flag_label(FlagCode.STALE) == "No recent delivery"
    assert Standing.WATCH.label == "Watch"
    assert SupplierKind.BONDED_WAREHOUSE.label == "Bonded-warehouse operator"


def test_numbers_and_dates_read_the_chinese_way(chinese: None) -> None:
    assert formatting.money(1234.56, "CNY") == "¥1,234.56"
    assert formatting.money(12.5, "USD") == "USD 12.50"
    assert formatting.day(dt.date(2026, 12, 3)) == "2026年12月3日"
    assert formatting.cell_day(dt.date(2026, 12, 3)) == "2026-12-03"
    assert formatting.units(1200) == "1,200 件"
    assert formatting.days(12) == "12 天"
    assert formatting.percent(0.379) == "37.9%"


def test_a_new_string_without_its_chinese_text_fails_the_check(tmp_path: Path) -> None:
    package = tmp_path / "sourcing_app"
    package.mkdir()
    (package / "screen.py").write_text(
        "from sourcing_app.i18n import _\n\n"
        "TITLE = _('Suppliers scored today')\n"
        "TOTAL = _('{count} suppliers in the window').format(count=3)\n"
    )

    found = catalog.problems(root=package)

    assert any("Suppliers scored today" in line for line in found)
    assert any("{count} suppliers in the window" in line for line in found)


def test_a_chinese_text_that_drops_a_placeholder_fails_the_check(tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    for part in catalog.PARTS.glob("*.po"):
        (parts / part.name).write_bytes(part.read_bytes())
    (parts / "zz_broken.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "{count} suppliers in the window"\nmsgstr "窗口内的供应商"\n',
        encoding="utf-8",
    )
    package = tmp_path / "sourcing_app"
    package.mkdir()
    (package / "screen.py").write_text(
        "from sourcing_app.i18n import _\n\n"
        "TOTAL = _('{count} suppliers in the window').format(count=3)\n"
    )

    found = catalog.problems(root=package, parts=parts)

    [problem] = [line for line in found if "placeholders differ" in line]
    assert "['count'] in English, [] in '窗口内的供应商'" in problem


def test_a_chinese_environment_without_locale_files_still_reads_chinese() -> None:
    """LANG=zh_CN.UTF-8 on a server with no locale installed: read as text, no warning."""
    assert i18n.system_language({"LANG": "zh_CN.UTF-8"}) == i18n.CHINESE
    assert i18n.system_language({"LANGUAGE": "zh_CN:en", "LANG": "C"}) == i18n.CHINESE
    assert i18n.system_language({"LANG": "de_DE.UTF-8"}) == i18n.ENGLISH
    assert i18n.system_language({}) == i18n.ENGLISH
    assert i18n.choose_language("en", "zh_CN", {"LANG": "zh_CN.UTF-8"}) == i18n.ENGLISH
    assert i18n.choose_language(None, "zh_CN", {"LANG": "C"}) == i18n.CHINESE
