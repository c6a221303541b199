"""How a risk flag looks wherever it is listed: its colour, its mark, and which comes first.

A suspected counterfeit is the loudest flag of the desk (docs/standings-and-flags.md):
it is listed before every other flag, and before all of them when the supplier
buys through a composite channel, where grey-market fakes come from.
"""

from __future__ import annotations

from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.flags import FlagCode, flag_label

FLAG_RED = "#b3261e"
COUNTERFEIT_RED = "#8b0000"
COUNTERFEIT_BACKGROUND = "#fde0e0"
FLAG_COLOURS: dict[FlagCode, str] = {
    FlagCode.COUNTERFEIT_SUSPECTED: COUNTERFEIT_RED,
    FlagCode.CUSTOMS_DELAY: "#a15c00",  # amber: goods waiting, not goods wrong
    FlagCode.RETURNS_HIGH: "#7b3fa0",  # after-sales
}
# A mark before the flag's name; the name itself says what it is in words.
FLAG_MARKS: dict[FlagCode, str] = {
    FlagCode.COUNTERFEIT_SUSPECTED: "⚠",
    FlagCode.CUSTOMS_DELAY: "◷",
    FlagCode.RETURNS_HIGH: "↩",
}


def flag_colour(code: FlagCode) -> str:
    return FLAG_COLOURS.get(code, FLAG_RED)


def flag_title(code: FlagCode) -> str:
    """The flag's name with its mark, in the reader's language: '⚠ Suspected counterfeit'."""
    mark = FLAG_MARKS.get(code)
    return f"{mark} {flag_label(code)}" if mark else flag_label(code)


def has_composite_channel(score: SupplierScore) -> bool:
    return ChannelType.COMPOSITE in score.channel_types


def loudness(code: FlagCode, composite: bool) -> int:
    """0 for a suspected counterfeit from a supplier with a composite channel, 1 for
    any other suspected counterfeit, 2 for every other flag: sort by it first."""
    if code is FlagCode.COUNTERFEIT_SUSPECTED:
        return 0 if composite else 1
    return 2
