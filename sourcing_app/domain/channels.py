"""Channel classification (docs/vocabulary.md) and channel-structure value (section 4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.formatting import day
from sourcing_app.i18n import _, ngettext


@dataclass(frozen=True)
class ChannelTerms:
    tier: int
    authorization_ref: str | None
    authorized_until: dt.date | None


def has_valid_authorization(terms: ChannelTerms, as_of: dt.date) -> bool:
    """A reference is present, and the valid-until date is blank or not before `as_of`."""
    if not (terms.authorization_ref or "").strip():
        return False
    return terms.authorized_until is None or terms.authorized_until >= as_of


def channel_type(terms: ChannelTerms, as_of: dt.date) -> ChannelType:
    """VERTICAL for the brand owner itself, or one hand away with a valid authorization."""
    if terms.tier == 0:
        return ChannelType.VERTICAL
    if terms.tier == 1 and has_valid_authorization(terms, as_of):
        return ChannelType.VERTICAL
    return ChannelType.COMPOSITE


def channel_structure_value(kind: ChannelType, tier: int) -> float:
    """Vertical 1.0; composite tier ≤ 2: 0.7; tier 3: 0.5; tier 4 or more: 0.3."""
    if kind is ChannelType.VERTICAL:
        return 1.0
    if tier <= 2:
        return 0.7
    if tier == 3:
        return 0.5
    return 0.3


def explain_channel(terms: ChannelTerms, as_of: dt.date) -> str:
    """Why the channel is vertical or composite, in a buyer's words."""
    kind = channel_type(terms, as_of)
    if terms.tier == 0:
        return _("vertical: bought from the brand owner itself")
    ref = (terms.authorization_ref or "").strip()
    if terms.tier == 1 and kind is ChannelType.VERTICAL:
        if terms.authorized_until:
            return _("vertical: authorized distributor ({ref}, valid until {until})").format(
                ref=ref, until=day(terms.authorized_until)
            )
        return _("vertical: authorized distributor ({ref}, with no end date)").format(ref=ref)
    if terms.tier == 1 and ref and terms.authorized_until and terms.authorized_until < as_of:
        return _(
            "composite: authorization {ref} expired on {until}, so this tier-1 channel no "
            "longer counts as vertical"
        ).format(ref=ref, until=day(terms.authorized_until))
    return ngettext(
        "composite: {n} hand between the brand owner and us",
        "composite: {n} hands between the brand owner and us",
        terms.tier,
    ).format(n=terms.tier)
