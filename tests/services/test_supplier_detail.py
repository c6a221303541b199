"""What the detail pane and the reports read beside the scores, on the hand portfolio."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select, update
from sqlmodel import Session

from sourcing_app.db.models import Brand, Channel, Supplier
from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.flags import FlagCode
from sourcing_app.services.brand_overview import brand_overviews
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.supplier_detail import load_supplier_detail
from tests.services.test_scoring_service import AS_OF, build_hand_portfolio


@pytest.fixture
def hand(engine: Engine) -> Engine:
    build_hand_portfolio(engine)
    return engine


def _supplier_id(engine: Engine, code: str) -> int:
    with Session(engine) as s:
        return s.exec(select(Supplier.id).where(Supplier.code == code)).one()[0]


def test_the_window_history_of_the_brand_owner(hand: Engine) -> None:
    detail = load_supplier_detail(hand, _supplier_id(hand, "S-VERT"), AS_OF)
    # Window (2025-06-30, 2026-06-30]: L0, ordered on 2025-06-30, is just outside.
    assert detail.window_start == dt.date(2025, 7, 1)
    assert [(p.line_ref, p.unit_price_home) for p in detail.prices] == [
        ("L1", D("140.0000")),  # USD 20 × 7.0 frozen on the line
        ("L2", D("147.0000")),  # USD 21 × 7.0
        ("L3", D("147.0000")),
    ]
    # L1: ordered 01-10, delivered 02-09, promised 02-10 → 30 days, on time.
    # L2: ordered 03-01, delivered 04-05, promised 04-01 → 35 days, 4 days late.
    assert [(p.line_ref, p.lead_days, p.late_days) for p in detail.lead_times] == [
        ("L1", 30, 0),
        ("L2", 35, 4),
    ]
    (channel,) = detail.channels
    assert (channel.brand_name, channel.channel_type) == ("Aurelle", ChannelType.VERTICAL)
    (quote,) = detail.quotes
    assert (quote.sku, quote.unit_price, quote.currency, quote.valid_on_as_of) == (
        "AUR-SERUM",
        D("20.0000"),
        "USD",
        True,
    )


def test_an_authorization_about_to_end_is_called_out(hand: Engine) -> None:
    with Session(hand) as s:
        s.exec(
            update(Channel)
            .where(Channel.tier == 3)
            .values(tier=1, authorization_ref="AUTH-7", authorized_until=dt.date(2026, 7, 30))
        )
        s.commit()
    detail = load_supplier_detail(hand, _supplier_id(hand, "S-COMP"), AS_OF)
    (channel,) = detail.channels
    assert channel.channel_type is ChannelType.VERTICAL
    assert channel.days_left == 30
    assert channel.expiry_warning == "expires in 30 days"
    later = load_supplier_detail(hand, _supplier_id(hand, "S-COMP"), dt.date(2026, 8, 4))
    assert later.channels[0].channel_type is ChannelType.COMPOSITE
    assert later.channels[0].expiry_warning == "expired 5 days ago"


def test_an_unknown_supplier_is_a_key_error(hand: Engine) -> None:
    with pytest.raises(KeyError):
        load_supplier_detail(hand, 999, AS_OF)


def test_the_brand_overview_adds_up_its_channels(hand: Engine) -> None:
    with Session(hand) as s:
        s.exec(update(Supplier).where(Supplier.code == "S-VERT").values(monthly_capacity=300))
        s.exec(update(Supplier).where(Supplier.code == "S-COMP").values(monthly_capacity=200))
        s.commit()
    scores = ScoringService(hand).score_all(AS_OF)
    (aurelle,) = brand_overviews(hand, scores, AS_OF)
    assert (aurelle.name, aurelle.hot_selling, aurelle.planned_monthly_demand) == (
        "Aurelle",
        True,
        400,
    )
    assert (aurelle.vertical_count, aurelle.composite_count) == (1, 1)
    # Units in the window: S-VERT 100 + 100 + 50 = 250, S-COMP 100 + 100 = 200.
    assert [(c.supplier_code, c.units_in_window) for c in aurelle.channels] == [
        ("S-VERT", 250),
        ("S-COMP", 200),
    ]
    assert aurelle.hhi == pytest.approx((250 / 450) ** 2 + (200 / 450) ** 2)  # 0.5062
    assert aurelle.capacity == 500
    assert aurelle.coverage == 1.0  # 500 units a month for a demand of 400
    assert aurelle.vertical_share_possible == pytest.approx(300 / 400)
    by_code = {s.supplier_code: s for s in scores}
    vert = aurelle.channels[0]
    assert vert.margin_pct == pytest.approx(by_code["S-VERT"].margin_pct)
    assert vert.standing is by_code["S-VERT"].standing
    weighted = (by_code["S-VERT"].margin_pct * 250 + by_code["S-COMP"].margin_pct * 200) / 450
    assert aurelle.weighted_margin_pct == pytest.approx(weighted)
    assert not aurelle.single_point_of_failure


def test_a_hot_brand_left_with_one_channel_is_at_risk(hand: Engine) -> None:
    with Session(hand) as s:
        s.exec(update(Channel).where(Channel.tier == 3).values(active=False))
        s.commit()
    scores = ScoringService(hand).score_all(AS_OF)
    (aurelle,) = brand_overviews(hand, scores, AS_OF)
    assert aurelle.single_point_of_failure
    assert [f.code for f in aurelle.flags] == [FlagCode.SINGLE_CHANNEL]
    assert aurelle.at_risk
    with Session(hand) as s:
        s.exec(update(Brand).values(archived=True))
        s.commit()
    assert brand_overviews(hand, scores, AS_OF) == []
    # A report on an archived brand still finds it.
    (archived,) = brand_overviews(hand, scores, AS_OF, include_archived=True)
    assert archived.name == "Aurelle"


def test_the_detail_and_the_brand_flags_read_in_chinese(hand: Engine) -> None:
    from sourcing_app import i18n

    i18n.install(i18n.CHINESE)
    with Session(hand) as s:
        s.exec(
            update(Channel)
            .where(Channel.tier == 3)
            .values(tier=1, authorization_ref="AUTH-7", authorized_until=dt.date(2026, 7, 30))
        )
        s.commit()
    (channel,) = load_supplier_detail(hand, _supplier_id(hand, "S-COMP"), AS_OF).channels
    assert channel.expiry_warning == "还有 30 天到期"
    assert channel.why == "垂直渠道：授权经销商（AUTH-7，授权有效期至 2026年7月30日）"

    with Session(hand) as s:
        s.exec(update(Channel).where(Channel.tier == 1).values(active=False))
        s.commit()
    scores = ScoringService(hand).score_all(AS_OF)
    (aurelle,) = brand_overviews(hand, scores, AS_OF)
    # The brand's flag is still found in Chinese words, and reads in them.
    assert [f.message for f in aurelle.flags] == [
        "爆款品牌 Aurelle 只有一个启用的渠道：一旦失去就会断货"
    ]
