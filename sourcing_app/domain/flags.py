"""Risk flags with their cause in words (docs/standings-and-flags.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    SINGLE_CHANNEL = "SINGLE_CHANNEL"
    COMPOSITE_ONLY = "COMPOSITE_ONLY"


# A flag in a table cell or a list; its message says the cause in full.
FLAG_LABELS: dict[FlagCode, str] = {
    FlagCode.AUTH_EXPIRING: "Authorization expiring",
    FlagCode.AUTH_EXPIRED: "Authorization expired",
    FlagCode.THIN_HISTORY: "Thin history",
    FlagCode.PRICE_SPIKE: "Price spike",
    FlagCode.FILL_DROP: "Fill rate fell",
    FlagCode.STALE: "No recent delivery",
    FlagCode.QUOTE_EXPIRED: "Quote expired",
    FlagCode.NO_VALID_QUOTE: "No valid quote",
    FlagCode.NEGATIVE_MARGIN: "Negative margin",
    FlagCode.OVER_CBEC_LIMIT: "Over CBEC limit",
    FlagCode.SINGLE_CHANNEL: "Single channel",
    FlagCode.COMPOSITE_ONLY: "Composite channels only",
}


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}
