"""Vertical or composite is derived from tier and authorization (docs/vocabulary.md)."""

from __future__ import annotations

import datetime as dt

from sourcing_app.domain.channels import (
    ChannelTerms,
    channel_structure_value,
    channel_type,
    explain_channel,
)
from sourcing_app.domain.enums import ChannelType

TODAY = dt.date(2026, 11, 27)


def test_the_brand_owner_itself_is_vertical() -> None:
    assert channel_type(ChannelTerms(0, "", None), TODAY) is ChannelType.VERTICAL


def test_authorized_distributor_is_vertical_through_its_last_valid_day() -> None:
    terms = ChannelTerms(1, "AUTH-7", TODAY)
    assert channel_type(terms, TODAY) is ChannelType.VERTICAL
    open_ended = ChannelTerms(1, "AUTH-7", None)
    assert channel_type(open_ended, TODAY) is ChannelType.VERTICAL


def test_tier_one_channel_whose_authorization_expired_yesterday_is_composite() -> None:
    terms = ChannelTerms(1, "AUTH-7", TODAY - dt.timedelta(days=1))
    kind = channel_type(terms, TODAY)
    assert kind is ChannelType.COMPOSITE
    assert channel_structure_value(kind, 1) == 0.7
    assert "expired on 26 Nov 2026" in explain_channel(terms, TODAY)


def test_tier_one_without_a_reference_is_composite() -> None:
    assert channel_type(ChannelTerms(1, "  ", None), TODAY) is ChannelType.COMPOSITE


def test_a_valid_authorization_two_hands_away_does_not_make_it_vertical() -> None:
    assert channel_type(ChannelTerms(2, "AUTH-9", None), TODAY) is ChannelType.COMPOSITE


def test_structure_values_by_tier() -> None:
    assert channel_structure_value(ChannelType.VERTICAL, 0) == 1.0
    assert channel_structure_value(ChannelType.COMPOSITE, 2) == 0.7
    assert channel_structure_value(ChannelType.COMPOSITE, 3) == 0.5
    assert channel_structure_value(ChannelType.COMPOSITE, 4) == 0.3
    assert channel_structure_value(ChannelType.COMPOSITE, 6) == 0.3
