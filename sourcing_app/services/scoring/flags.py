"""The flags a run raises from the channel tables: a hot-selling brand's supply."""

from __future__ import annotations

import datetime as dt

from sourcing_app.domain.channels import channel_type
from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.i18n import _
from sourcing_app.services.scoring.reference import Reference


def hot_brand_flags(reference: Reference, brand_id: int, as_of: dt.date) -> tuple[Flag, ...]:
    """SINGLE_CHANNEL and COMPOSITE_ONLY for a hot-selling brand (docs/standings-and-flags.md)."""
    name, hot = reference.brands[brand_id]
    if not hot:
        return ()
    kinds = [
        channel_type(terms, as_of)
        for cid in reference.channels_by_brand.get(brand_id, ())
        for _sid, _bid, _name, terms, active in (reference.channels[cid],)
        if active
    ]
    if not kinds:
        return ()
    flags: list[Flag] = []
    if len(kinds) == 1:
        flags.append(
            Flag(
                FlagCode.SINGLE_CHANNEL,
                _(
                    "hot-selling brand {brand} has a single active channel: losing it stops supply"
                ).format(brand=name),
            )
        )
    if ChannelType.VERTICAL not in kinds:
        flags.append(
            Flag(
                FlagCode.COMPOSITE_ONLY,
                _("hot-selling brand {brand} is bought through composite channels only").format(
                    brand=name
                ),
            )
        )
    return tuple(flags)
