"""Risk flags with their cause in words (docs/standings-and-flags.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sourcing_app.i18n import N_, _


class FlagCode(StrEnum):
    AUTH_EXPIRING = "AUTH_EXPIRING"
    AUTH_EXPIRED = "AUTH_EXPIRED"
    THIN_HISTORY = "THIN_HISTORY"
    PRICE_SPIKE = "PRICE_SPIKE"
    FILL_DROP = "FILL_DROP"
    STALE = "STALE"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    NO_VALID_QUOTE = "NO_VALID_QUOTE"
    NEGATIVE_MARGIN = "NEGATIVE_MARGIN"
    OVER_CBEC_LIMIT = "OVER_CBEC_LIMIT"
    CUSTOMS_DELAY = "CUSTOMS_DELAY"
    COUNTERFEIT_SUSPECTED = "COUNTERFEIT_SUSPECTED"
    RETURNS_HIGH = "RETURNS_HIGH"
    SINGLE_CHANNEL = "SINGLE_CHANNEL"
    COMPOSITE_ONLY = "COMPOSITE_ONLY"


# A flag in a table cell or a list; its message says the cause in full.
FLAG_LABELS: dict[FlagCode, str] = {
    FlagCode.AUTH_EXPIRING: N_("Authorization expiring"),
    FlagCode.AUTH_EXPIRED: N_("Authorization expired"),
    FlagCode.THIN_HISTORY: N_("Thin history"),
    FlagCode.PRICE_SPIKE: N_("Price spike"),
    FlagCode.FILL_DROP: N_("Fill rate fell"),
    FlagCode.STALE: N_("No recent delivery"),
    FlagCode.QUOTE_EXPIRED: N_("Quote expired"),
    FlagCode.NO_VALID_QUOTE: N_("No valid quote"),
    FlagCode.NEGATIVE_MARGIN: N_("Negative margin"),
    FlagCode.OVER_CBEC_LIMIT: N_("Over CBEC limit"),
    FlagCode.CUSTOMS_DELAY: N_("Customs delay"),
    FlagCode.COUNTERFEIT_SUSPECTED: N_("Suspected counterfeit"),
    FlagCode.RETURNS_HIGH: N_("High returns after sale"),
    FlagCode.SINGLE_CHANNEL: N_("Single channel"),
    FlagCode.COMPOSITE_ONLY: N_("Composite channels only"),
}


def flag_label(code: FlagCode) -> str:
    """A flag's name in the reader's language: 'Authorization expiring', '授权即将到期'."""
    return _(FLAG_LABELS.get(code, code.value))


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}
