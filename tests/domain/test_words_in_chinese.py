"""What a Chinese buyer reads from the domain: flag causes, sub-score inputs, the
landed-cost walk, planning reasons and scenario changes, in the glossary's words
(GLOSSARY-zh.md), with dates as 2026年8月14日 and money as ¥…; and the same
figures whatever the language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal as D

import pytest

from sourcing_app import i18n
from sourcing_app.domain.allocation import (
    BrandDemand,
    ChannelOption,
    PlanningSettings,
    allocate_brand,
    allocate_portfolio,
)
from sourcing_app.domain.channels import ChannelTerms, explain_channel
from sourcing_app.domain.enums import ChannelType, Regime, Standing
from sourcing_app.domain.evaluation import ChannelFacts, SkuMargin, SupplierFacts, evaluate
from sourcing_app.domain.flags import FlagCode
from sourcing_app.domain.landed_cost import TaxRates, landed_cost_walk
from sourcing_app.domain.scenarios import Scenario, parse_change
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import (
    ChannelShare,
    PriceMoments,
    StabilityEvidence,
    fill_rate,
    portfolio_priors,
    raw_measures,
)
from sourcing_app.errors import BadInput

AS_OF = dt.date(2026, 6, 30)
COSTS = ScoringSettings().costs


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.install(i18n.CHINESE)
    yield
    i18n.install(i18n.ENGLISH)


def _walk(sku: str, price: str, *, retail: str = "200") -> SkuMargin:
    walk = landed_cost_walk(
        sku=sku,
        product_name="Cream",
        unit_price=D(price),
        freight=D("0"),
        insurance=D("0"),
        currency="CNY",
        fx=D("1"),
        rates=TaxRates(),
        retail_price=D(retail),
        costs=COSTS,
    )
    return SkuMargin(walk, 10)


def _facts() -> SupplierFacts:
    """A tier-1 distributor whose authorization runs out on 14 Aug 2026 (45 days after
    AS_OF), last delivered on 1 Dec 2025 (211 days before), with one SKU sold at a loss
    and one over the CBEC single-transaction limit."""
    expiring = ChannelFacts("Aurelle", ChannelTerms(1, "AUTH-7", dt.date(2026, 8, 14)), True, 0)
    evidence = StabilityEvidence(
        due_lines=12,
        ordered_due=1200,
        accepted_capped=1080,
        on_time_capped=960,
        deliveries=12,
        lead_sum=240,
        lead_sq_sum=12 * 20**2 + 48,
        delivered_qty=1100,
        rejected_qty=20,
        price_moments=(PriceMoments("LOSS-1", 12, 3000.0, 12 * 250.0**2 + 1200),),
        channels=(ChannelShare("Aurelle", ChannelType.VERTICAL, 1, 1.0, 1200),),
    )
    return SupplierFacts(
        supplier_id=7,
        code="S-DIST",
        name="Lumiere",
        country="FR",
        kind="authorized_distributor",
        channels=(expiring,),
        evidence=evidence,
        # CNY 250 under CBEC with VAT 13%: 250 + 0.7 × 250 × 0.13 = 272.75 landed,
        # against 200 × (1 − 0.05 − 0.01) = 188.00 net revenue.
        # CNY 5,200 is over the CNY 5,000 limit: taxed as general trade.
        sku_margins=(_walk("LOSS-1", "250"), _walk("BIG-1", "5200", retail="9000")),
        last_delivery=dt.date(2025, 12, 1),
        first_order=dt.date(2025, 9, 1),
    )


def _score() -> object:
    facts = _facts()
    raw = raw_measures(facts.evidence, grace_days=2, home_currency="CNY")
    priors = portfolio_priors([raw])
    return evaluate(facts, raw, priors, ScoringSettings(), AS_OF)


def test_flag_causes_read_in_chinese_with_chinese_dates_and_yuan(chinese: None) -> None:
    score = _score()
    messages = {f.code: f.message for f in score.flags}
    assert messages[FlagCode.AUTH_EXPIRING] == (
        "Aurelle 的品牌授权 AUTH-7 将于 2026年8月14日 到期（还剩 45 天）；"
        "到期后这个一级渠道算复合渠道"
    )
    assert messages[FlagCode.STALE] == "已有 211 天没有到货（最近一次在 2025年12月1日）"
    assert messages[FlagCode.NEGATIVE_MARGIN] == (
        "LOSS-1：毛利率 -45.1%，到岸成本 ¥272.75 高于净收入 ¥188.00"
    )
    # 5,200 + duty 0 + VAT 13% of 5,200 = 676: general trade.
    assert messages[FlagCode.OVER_CBEC_LIMIT] == (
        "BIG-1：完税价格 ¥5,200.00 超出跨境电商单次交易限值 ¥5,000，按一般贸易计税"
    )
    # The codes never change with the language.
    assert {f.code.value for f in score.flags} == {
        "AUTH_EXPIRING",
        "STALE",
        "NEGATIVE_MARGIN",
        "OVER_CBEC_LIMIT",
    }


def test_the_same_supplier_reads_the_same_causes_in_english() -> None:
    messages = {f.code: f.message for f in _score().flags}
    assert messages[FlagCode.AUTH_EXPIRING] == (
        "authorization AUTH-7 for Aurelle expires on 14 Aug 2026 (45 days left); "
        "the tier-1 channel then counts as composite"
    )
    assert messages[FlagCode.STALE] == "no delivery for 211 days (last on 1 Dec 2025)"


def test_a_supplier_that_never_delivered_says_since_when_in_chinese(chinese: None) -> None:
    facts = replace(_facts(), last_delivery=None)
    raw = raw_measures(facts.evidence, grace_days=2, home_currency="CNY")
    score = evaluate(facts, raw, portfolio_priors([raw]), ScoringSettings(), AS_OF)
    stale = next(f.message for f in score.flags if f.code is FlagCode.STALE)
    assert stale == "自评估窗口内首次下单（2025年9月1日）以来 302 天没有到货"


def test_scores_are_the_same_figures_in_both_languages() -> None:
    english = _score()
    i18n.install(i18n.CHINESE)
    try:
        chinese = _score()
    finally:
        i18n.install(i18n.ENGLISH)
    for field in (
        "sourcing_score",
        "margin_score",
        "margin_pct",
        "stability_score",
        "confidence",
        "due_lines",
        "standing",
        "spend",
    ):
        assert getattr(chinese, field) == getattr(english, field), field
    for key, sub in english.sub_scores.items():
        other = chinese.sub_scores[key]
        assert (other.value, other.raw, other.n, other.weight) == (
            sub.value,
            sub.raw,
            sub.n,
            sub.weight,
        )
    assert [f.code for f in chinese.flags] == [f.code for f in english.flags]
    assert [w.steps()[i][1] for w in chinese.sku_margins for i in range(3)] == [
        w.steps()[i][1] for w in english.sku_margins for i in range(3)
    ]


def test_sub_score_inputs_read_in_chinese(chinese: None) -> None:
    e = StabilityEvidence(due_lines=10, ordered_due=1000, accepted_capped=920)
    assert fill_rate(e).explanation == "到货满足率 92%：10 条采购明细共订 1,000 件，合格到货 920 件"
    score = _score()
    assert score.sub_scores["channel"].explanation == "Aurelle 垂直渠道（1.0，占采购量 100%）"
    assert score.sub_scores["quality"].explanation.startswith("质量 98.2%：共 12 次到货，")


def test_the_channel_reason_reads_in_chinese(chinese: None) -> None:
    lapsed = ChannelTerms(1, "AUTH-7", dt.date(2026, 6, 1))
    assert explain_channel(lapsed, AS_OF) == (
        "复合渠道：品牌授权 AUTH-7 已于 2026年6月1日 到期，这个一级渠道不再算垂直渠道"
    )
    assert explain_channel(ChannelTerms(0, "", None), AS_OF) == "垂直渠道：直接向品牌方采购"
    assert explain_channel(ChannelTerms(3, "", None), AS_OF) == "复合渠道：和品牌方之间隔了 3 层"


def test_the_landed_cost_walk_names_its_steps_in_chinese_with_yuan(chinese: None) -> None:
    walk = landed_cost_walk(
        sku="SER-01",
        product_name="Serum",
        unit_price=D("20"),
        freight=D("1.5"),
        insurance=D("0.5"),
        currency="USD",
        fx=D("7.1"),
        rates=TaxRates(consumption_tax=D("0.15")),
        retail_price=D("299"),
        costs=COSTS,
    )
    steps = walk.steps()
    assert [label for label, _amount, _how in steps] == [
        "完税价格 V",
        "消费税（跨境电商）",
        "增值税（跨境电商）",
        "清关费",
        "国内履约费",
        "到岸成本",
        "净收入",
        "毛利",
    ]
    how = dict((label, note) for label, _amount, note in steps)
    # Money to the cent, the rate as given: (20 + 1.5 + 0.5) × 7.1 = 156.20.
    assert how["完税价格 V"] == "（20.00 + 运费 1.50 + 保险费 0.50）USD × 7.1 CNY/USD"
    assert how["净收入"] == "零售价 ¥299.00 × (1 − 平台佣金率 − 支付手续费率)"
    assert how["毛利"] == "净收入 − 到岸成本"
    assert walk.describe().startswith("SER-01 Serum：进口模式 跨境电商")
    assert walk.regime is Regime.CBEC


def _option(code: str, margin: str, capacity: int = 10_000) -> ChannelOption:
    sid = int(code.split("-")[-1])
    return ChannelOption(sid, code, code, False, Standing.APPROVED, D(margin), 1.0, capacity)


def test_an_allocation_reason_reads_in_chinese_and_files_keep_english(chinese: None) -> None:
    # Aoraki Baby (hot) books all 500 units S-2 makes; Bavaria Kinder then needs 1,000:
    # S-1 takes it all, past its 60% cap, since no other channel has room.
    s2 = _option("S-2", "40", capacity=500)
    hot = BrandDemand(2, "Aoraki Baby", True, 500, (s2,))
    cold = BrandDemand(1, "Bavaria Kinder", False, 1000, (_option("S-1", "50"), s2))
    settings = PlanningSettings(min_vertical_share=0.0)
    plan = allocate_portfolio([cold, hot], settings).by_name()["Bavaria Kinder"]
    s1, idle = plan.lines
    assert s1.reason == (
        "单件预计毛利最高（每件 ¥50.00 × 预计到货满足率 100%）；"
        "不受单一供应商份额上限约束：其他合格渠道都已没有余量"
    )
    assert idle.reason == "没有余量：每月 500 件已全部分给 Aoraki Baby（500）"
    # JSON and CSV write the English words whatever the language.
    assert s1.file_reason == (
        "best expected margin per unit (CNY 50.00 a unit × 100% expected fill); "
        "share cap lifted: no other eligible channel has capacity left"
    )
    assert (
        idle.file_reason == "no capacity left: all 500 units a month booked for Aoraki Baby (500)"
    )


def test_a_shortfall_and_an_exclusion_read_in_chinese(chinese: None) -> None:
    avoid = replace(_option("S-2", "80"), standing=Standing.AVOID)
    plan = allocate_brand(
        BrandDemand(1, "Aurelle", True, 1000, (_option("S-1", "30", capacity=300), avoid)),
        PlanningSettings(min_vertical_share=0.0),
    )
    reasons = {line.supplier_code: line.reason for line in plan.lines}
    assert reasons["S-2"] == "未参与：评级为规避（最低要求观察）"
    assert plan.shortfall == (
        "缺口 700 件：所有合格渠道都已到上限：已满产：S-1；1 个渠道未参与（评级为规避）"
    )
    assert plan.file_shortfall == (
        "short by 700 units: every eligible channel is at capacity: S-1; "
        "1 channel(s) excluded (standing Avoid)"
    )


def test_plans_are_the_same_figures_in_both_languages() -> None:
    options = (_option("S-1", "50", 400), _option("S-2", "40"), _option("S-3", "-5"))
    demand = BrandDemand(1, "Aurelle", True, 1200, options)
    english = allocate_brand(demand, PlanningSettings())
    i18n.install(i18n.CHINESE)
    try:
        chinese = allocate_brand(demand, PlanningSettings())
    finally:
        i18n.install(i18n.ENGLISH)

    def figures(plan: object) -> list[tuple[object, ...]]:
        return [
            (ln.supplier_code, ln.units, ln.unit_margin, ln.status, ln.limit, ln.file_reason)
            for ln in plan.lines  # type: ignore[attr-defined]
        ]

    assert figures(chinese) == figures(english)
    assert chinese.expected_margin == english.expected_margin
    assert chinese.file_shortfall == english.file_shortfall


def test_scenario_changes_and_their_mistakes_read_in_chinese(chinese: None) -> None:
    scenario = Scenario("无跨境", (parse_change("cbec-withdrawn"), parse_change("freight:+20%")))
    assert scenario.describe() == (
        "取消跨境电商税收优惠：跨境电商采购按一般贸易计税；单件运费上涨 20%"
    )
    with pytest.raises(BadInput) as refused:
        parse_change("vat:cosmetics:13")
    assert str(refused.value) == (
        "“vat:cosmetics:13”：13 会被当成 1300%；税率请写成小数（0.10）或带百分号（10%）"
    )
    # The written form of a change is a code: it stays as typed.
    assert scenario.texts == ["cbec-withdrawn", "freight:+20%"]
