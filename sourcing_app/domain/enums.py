"""The buyer's vocabulary as enumerations (docs/vocabulary.md)."""

from __future__ import annotations

from enum import StrEnum

from sourcing_app.i18n import N_, NP_, _, pgettext


class ChannelType(StrEnum):
    VERTICAL = "vertical"
    COMPOSITE = "composite"

    @property
    def label(self) -> str:
        return _(_CHANNEL_TYPE_LABELS[self.value])


class Regime(StrEnum):
    """Import regime of a purchase line or quote (docs/margin.md)."""

    CBEC = "cbec"
    GENERAL = "general"
    POSTAL = "postal"

    @property
    def label(self) -> str:
        return _(_REGIME_LABELS[self.value])


class SupplierKind(StrEnum):
    BRAND_OWNER = "brand_owner"
    AUTHORIZED_DISTRIBUTOR = "authorized_distributor"
    WHOLESALER = "wholesaler"
    TRADER = "trader"
    BONDED_WAREHOUSE = "bonded_warehouse"
    PLATFORM_SELLER = "platform_seller"

    @property
    def label(self) -> str:
        return _(_KIND_LABELS[self.value])

    @property
    def english_label(self) -> str:
        """The label as written in English, whatever the reader's language (for parsing)."""
        return _KIND_LABELS[self.value]


class Standing(StrEnum):
    PREFERRED = "Preferred"
    APPROVED = "Approved"
    WATCH = "Watch"
    AVOID = "Avoid"
    UNRATED = "Unrated"

    @property
    def label(self) -> str:
        """The standing in the reader's language; the value itself is the machine code."""
        # Translators: a supplier's standing (Preferred, Approved, Watch, Avoid, Unrated).
        return pgettext("standing", self.value)


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


# Words a person reads; marked here, translated where they are shown.
_CHANNEL_TYPE_LABELS = {"vertical": N_("Vertical"), "composite": N_("Composite")}
_REGIME_LABELS = {
    "cbec": N_("CBEC retail import"),
    "general": N_("General trade"),
    "postal": N_("Personal postal articles"),
}
_KIND_LABELS = {
    "brand_owner": N_("Brand owner"),
    "authorized_distributor": N_("Authorized distributor"),
    "wholesaler": N_("Wholesaler"),
    "trader": N_("Trader"),
    "bonded_warehouse": N_("Bonded-warehouse operator"),
    "platform_seller": N_("Platform seller"),
}
# The standings, for the catalog (Standing.label looks them up by value).
_STANDING_WORDS = (
    NP_("standing", "Preferred"),
    NP_("standing", "Approved"),
    NP_("standing", "Watch"),
    NP_("standing", "Avoid"),
    NP_("standing", "Unrated"),
)
