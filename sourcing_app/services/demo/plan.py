"""The demo portfolio as planned in memory, before any row is written.

The generator fills one `Plan` step by step from one `random.Random(seed)`;
`DemoSummary` is what `build_demo` reports back, `PlantedPattern` where each
deliberately planted pattern lives (docs/standings-and-flags.md).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.demo.catalogue import Catalogue
from sourcing_app.services.demo.supply import SupplyProfile

HOME_CURRENCY = "CNY"
RATE_SOURCE = "ECB demo"
# Two full evaluation windows (docs/stability.md: 365 days each), so a fill
# rate can be compared with the previous window's.
HISTORY_DAYS = 730
WINDOW_DAYS = 365
# docs/margin.md: a unit worth more than this is general trade, not CBEC.
CBEC_LIMIT_CNY = 5000.0


@dataclass(frozen=True)
class PlantedPattern:
    """Where one deliberately planted pattern lives, so a demo tour can point at it."""

    flag: str  # the flag code of docs/files-and-commands.md, or a descriptive key
    supplier_code: str | None
    brand: str | None
    detail: str


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote: counts, the history it spans, and where each pattern lies."""

    seed: int
    brands: int
    suppliers: int
    products: int
    channels: int
    vertical_channels: int
    quotes: int
    purchase_lines: int
    deliveries: int
    exchange_rates: int
    history_start: dt.date
    as_of: dt.date
    planted: tuple[PlantedPattern, ...] = field(default=())
    returns: int = 0

    def __str__(self) -> str:
        return (
            f"Demo portfolio: {self.brands:,} brands, {self.suppliers:,} suppliers, "
            f"{self.products:,} products, {self.purchase_lines:,} purchase lines, "
            f"{self.deliveries:,} deliveries, "
            f"history {self.history_start.isoformat()} to {self.as_of.isoformat()}."
        )

    def counts(self) -> dict[str, int]:
        return {
            "brands": self.brands,
            "suppliers": self.suppliers,
            "products": self.products,
            "channels": self.channels,
            "vertical_channels": self.vertical_channels,
            "quotes": self.quotes,
            "purchase_lines": self.purchase_lines,
            "deliveries": self.deliveries,
            "returns": self.returns,
            "exchange_rates": self.exchange_rates,
        }


@dataclass(slots=True)
class PlannedBrand:
    id: int
    name: str
    origin: str
    line: str  # a product line of resources/demo/products.csv
    hot: bool
    popularity: float
    product_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class PlannedProduct:
    id: int
    brand_id: int
    sku: str
    name: str
    tax_key: str
    retail: float
    weight: float
    pack: int


@dataclass(slots=True)
class PlannedSupplier:
    id: int
    code: str
    kind: SupplierKind
    country: str = ""
    currency: str = ""
    order_weight: float = 1.0
    reliability: float = 1.0  # scales the chance of every supply problem
    markup: float = 0.0  # share of retail this reseller adds on top of its tier's markup
    role: str = ""
    lead_days: int = 0
    channel_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class QuotedItem:
    """One SKU a channel sells, with the prices its purchase lines are drawn from."""

    product_id: int
    base_price: float  # in the supplier's currency, at as_of, before any spike
    min_qty: int
    break_qty: int  # a larger order gets the break price; 0 when there is no break
    break_price: float
    log_median_qty: float
    pack: int
    over_cbec: bool
    freight: float
    insurance: float


@dataclass(slots=True)
class PlannedChannel:
    id: int
    supplier: PlannedSupplier
    brand: PlannedBrand
    tier: int
    vertical: bool
    profile: SupplyProfile  # how it delivers
    recent_profile: SupplyProfile  # how it delivers in the current window
    authorization_ref: str = ""
    authorized_until: int | None = None  # day numbers
    contract_start: int | None = None
    contract_end: int | None = None
    exclusive: bool = False
    active: bool = True
    lead_days: int = 21
    incoterm: str = ""
    first_order_day: int = 0
    last_order_day: int = 0
    delivery_cutoff: int = 0
    spike_day: int | None = None
    spike_factor: float = 1.0
    quotes_lapse: bool = False
    quoted: list[QuotedItem] = field(default_factory=list)
    # After sale (`after_sale`): goods held at customs for 8 to 15 days, damaged
    # goods sent back again and again, a suspected fake planted on a long chain.
    slow_customs: bool = False
    damaged_returns: bool = False
    counterfeit_planted: bool = False
    returns_planted: bool = False  # either of the two above
    return_chance: float = 0.0  # that a delivered line sees an everyday return


@dataclass
class Plan:
    """The portfolio so far; every draw comes from `rng`, always in the same order."""

    rng: random.Random
    as_of: int
    history_start: int
    tax_ids: dict[str, int]
    catalogue: Catalogue
    brands: list[PlannedBrand] = field(default_factory=list)
    products: list[PlannedProduct] = field(default_factory=list)
    suppliers: list[PlannedSupplier] = field(default_factory=list)
    channels: list[PlannedChannel] = field(default_factory=list)
    rates: dict[str, list[float]] = field(default_factory=dict)
    first_rate_day: int = 0
    planted: list[PlantedPattern] = field(default_factory=list)
    # Customs and returns draw from their own stream (seeded from the same seed), so
    # adding them left every other draw, and so the standings' spread, as it was.
    after_sale_rng: random.Random = field(default_factory=lambda: random.Random(0))

    def product(self, product_id: int) -> PlannedProduct:
        return self.products[product_id - self.products[0].id]
