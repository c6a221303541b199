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


class ReturnReason(StrEnum):
    """Why an end customer sent goods back after sale (docs/stability.md)."""

    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    SUSPECTED_COUNTERFEIT = "suspected_counterfeit"
    EXPIRED = "expired"
    LATE = "late"
    OTHER = "other"

    @property
    def label(self) -> str:
        # Translators: why an end customer sent goods back after sale.
        return pgettext("return reason", _RETURN_REASON_LABELS[self.value])

    @property
    def is_fault(self) -> bool:
        """A fault of the goods: such returns lower the quality sub-score."""
        return self in FAULT_REASONS


# Returns for these reasons count against quality; `late` and `other` are shown only.
FAULT_REASONS = frozenset(
    {
        ReturnReason.DAMAGED,
        ReturnReason.NOT_AS_DESCRIBED,
        ReturnReason.SUSPECTED_COUNTERFEIT,
        ReturnReason.EXPIRED,
    }
)


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
_RETURN_REASON_LABELS = {
    "damaged": "Damaged",
    "not_as_described": "Not as described",
    "suspected_counterfeit": "Suspected counterfeit",
    "expired": "Expired",
    "late": "Late",
    "other": "Other",
}
# The reasons, for the catalog (ReturnReason.label looks them up by value).
_RETURN_REASON_WORDS = (
    NP_("return reason", "Damaged"),
    NP_("return reason", "Not as described"),
    NP_("return reason", "Suspected counterfeit"),
    NP_("return reason", "Expired"),
    NP_("return reason", "Late"),
    NP_("return reason", "Other"),
)
# The standings, for the catalog (Standing.label looks them up by value).
_STANDING_WORDS = (
    NP_("standing", "Preferred"),
    NP_("standing", "Approved"),
    NP_("standing", "Watch"),
    NP_("standing", "Avoid"),
    NP_("standing", "Unrated"),
)
