"""The buyer's vocabulary as enumerations (docs/vocabulary.md)."""

from __future__ import annotations

from enum import StrEnum


class ChannelType(StrEnum):
    VERTICAL = "vertical"
    COMPOSITE = "composite"


class Regime(StrEnum):
    """Import regime of a purchase line or quote (docs/margin.md)."""

    CBEC = "cbec"
    GENERAL = "general"
    POSTAL = "postal"


class SupplierKind(StrEnum):
    BRAND_OWNER = "brand_owner"
    AUTHORIZED_DISTRIBUTOR = "authorized_distributor"
    WHOLESALER = "wholesaler"
    TRADER = "trader"
    BONDED_WAREHOUSE = "bonded_warehouse"
    PLATFORM_SELLER = "platform_seller"

    @property
    def label(self) -> str:
        return {
            "brand_owner": "Brand owner",
            "authorized_distributor": "Authorized distributor",
            "wholesaler": "Wholesaler",
            "trader": "Trader",
            "bonded_warehouse": "Bonded-warehouse operator",
            "platform_seller": "Platform seller",
        }[self.value]


class Standing(StrEnum):
    PREFERRED = "Preferred"
    APPROVED = "Approved"
    WATCH = "Watch"
    AVOID = "Avoid"
    UNRATED = "Unrated"


# Ascending standing puts the best suppliers first, and Unrated after Avoid.
STANDING_RANK = {
    Standing.PREFERRED: 0,
    Standing.APPROVED: 1,
    Standing.WATCH: 2,
    Standing.AVOID: 3,
    Standing.UNRATED: 4,
}

# One palette for chips, chart points and badges everywhere.
STANDING_HEX = {
    Standing.PREFERRED: "#1b7f3b",
    Standing.APPROVED: "#4f8fcc",
    Standing.WATCH: "#d08a00",
    Standing.AVOID: "#b3261e",
    Standing.UNRATED: "#8a8f98",
}


class RateKind(StrEnum):
    """Where an exchange rate came from. A manual rate wins over the feed for its date."""

    MANUAL = "manual"
    FEED = "feed"
