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


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code.value, "message": self.message}
