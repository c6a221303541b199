"""The seeded demo portfolio behind `sourcing-app demo`.

A buyer opening the app for the first time needs data that looks like their own
business and shows every judgement the app makes. So the demo is not uniform
noise: it plants the patterns buyers meet (docs/standings-and-flags.md) on purpose,
at fixed places for a given seed, and `DemoSummary.planted` says where.

Everything is drawn from one `random.Random(seed)`, and the only date is the
`as_of` argument, so the same arguments always give the same database. The bulk
tables are written with driver-level `executemany` in chunks
(docs/performance.md): a million purchase lines take seconds, and memory
stays flat.

The portfolio is a grey-market importer's: most suppliers are composite
channels, and each extra hand in a chain quotes dearer and delivers later,
shorter and noisier, while official channels are mostly, not always, steady.
At the default size and seed the standings spread about a quarter Preferred,
two fifths Approved, a quarter Watch and under a tenth Avoid
(tests/services/test_demo.py holds it there).

Brand, product and company names are invented. Tax rates are realistic Chinese
rates for each kind of goods, and exchange rates wander mildly around real CNY
levels.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from statistics import NormalDist
from typing import Any

from sqlalchemy import Connection, Engine, insert

from sourcing_app.db.models import AuditEntry, Setting
from sourcing_app.db.types import date_param, day_number, from_day_number
from sourcing_app.domain.enums import RateKind, Regime, SupplierKind

HOME_CURRENCY = "CNY"
RATE_SOURCE = "ECB demo"
# Two full evaluation windows (docs/stability.md: 365 days each), so a fill
# rate can be compared with the previous window's.
HISTORY_DAYS = 730
WINDOW_DAYS = 365
# docs/margin.md: a unit worth more than this is general trade, not CBEC.
CBEC_LIMIT_CNY = 5000.0
# Below this many suppliers there is no room for every planted role.
MIN_SUPPLIERS_FOR_PATTERNS = 12
CHUNK_LINES = 20_000

# --------------------------------------------------------------------------- catalogue

# key: (name, tariff, consumption tax, VAT, postal rate). Chinese rates as of
# the mid-2020s: ordinary cosmetics carry no consumption tax since 2016, premium
# cosmetics 15%; postal-article tiers are 13%, 20% and 50%.
TAX_CATEGORIES: dict[str, tuple[str, float, float, float, float]] = {
    "cosmetics": ("Cosmetics", 0.03, 0.00, 0.13, 0.20),
    "premium": ("Premium cosmetics", 0.05, 0.15, 0.13, 0.50),
    "formula": ("Infant formula", 0.00, 0.00, 0.13, 0.13),
    "supplements": ("Health supplements", 0.05, 0.00, 0.13, 0.13),
    "accessories": ("Electronics accessories", 0.05, 0.00, 0.13, 0.20),
    "audio": ("Audio devices", 0.00, 0.00, 0.13, 0.13),
    "apparel": ("Apparel", 0.07, 0.00, 0.13, 0.20),
    "bags": ("Bags & leather goods", 0.06, 0.00, 0.13, 0.20),
    "luxury": ("Luxury leather goods", 0.10, 0.00, 0.13, 0.50),
}

# What a tier-0 channel pays for a unit, as a share of its retail price,
# including freight and insurance. Every hand in a chain adds its markup
# (MARKUP_PER_TIER, in points of retail), and each reseller its own appetite on
# top (`_Supplier.markup`). Leaving the official channel costs the most: a grey
# wholesaler buys at a distributor's list price and adds its own cut. Typical
# margins at the default fees: official channels 40-50%, tier 2 about 26%,
# tier 3 about 19%, tier 4 about 16%, and five-hand chains priced up to what
# the buyer can bear, 5-7% (see _squeezed). MAX_LANDED_SHARE keeps every draw
# profitable, even after a 5% currency move: only the planted quote loses money.
COST_SHARE_AT_SOURCE = {
    "cosmetics": 0.46,
    "premium": 0.38,
    "formula": 0.48,
    "supplements": 0.44,
    "accessories": 0.46,
    "audio": 0.48,
    "apparel": 0.46,
    "bags": 0.46,
    "luxury": 0.38,
}
MARKUP_PER_TIER = (0.0, 0.05, 0.17, 0.235, 0.265, 0.40)
# Retail less the default platform commission (5%) and payment fee (1%).
NET_REVENUE_SHARE = 0.94
# The dearest a quote gets: landed cost at this share of net revenue (a 5% margin).
MAX_LANDED_SHARE = 0.95
# Within this band below that ceiling, a chain's markup bends (see _squeezed).
SQUEEZE_BAND = 0.04

# (template code, name, tax key, retail low, retail high, unit weight kg, pack size)
ProductTemplate = tuple[str, str, str, float, float, float, int]
PRODUCT_LINES: dict[str, list[ProductTemplate]] = {
    "cosmetics": [
        ("TNR150", "Hydrating Toner 150ml", "cosmetics", 160, 320, 0.22, 12),
        ("SPF50", "UV Protect Sunscreen SPF50+ 50ml", "cosmetics", 150, 280, 0.08, 12),
        ("CLF120", "Gentle Cleansing Foam 120g", "cosmetics", 90, 180, 0.15, 12),
        ("MSK10", "Sheet Mask Set x10", "cosmetics", 110, 220, 0.30, 12),
        ("CRM50", "Moisture Barrier Cream 50g", "cosmetics", 220, 420, 0.12, 12),
    ],
    "premium": [
        ("SRM30", "Revitalising Serum 30ml", "premium", 780, 1580, 0.10, 6),
        ("NRC50", "Night Repair Cream 50ml", "premium", 880, 1680, 0.15, 6),
        ("EYE15", "Eye Contour Cream 15ml", "premium", 560, 980, 0.06, 6),
        ("ESS150", "Essence Lotion 150ml", "premium", 620, 1180, 0.25, 6),
        ("OIL200", "Cleansing Oil 200ml", "cosmetics", 260, 420, 0.25, 12),
    ],
    "formula": [
        ("S1-900", "Stage 1 Infant Formula 900g", "formula", 268, 428, 1.10, 6),
        ("S2-900", "Stage 2 Follow-on Formula 900g", "formula", 258, 408, 1.10, 6),
        ("S3-800", "Stage 3 Toddler Milk 800g", "formula", 228, 368, 1.00, 6),
        ("S4-800", "Stage 4 Kids Milk 800g", "formula", 198, 318, 1.00, 6),
    ],
    "supplements": [
        ("FO200", "Fish Oil 1000mg x200", "supplements", 168, 298, 0.35, 12),
        ("MV120", "Multivitamin Daily x120", "supplements", 158, 268, 0.20, 12),
        ("PRO30", "Probiotic 50B x30", "supplements", 228, 398, 0.08, 12),
        ("COL300", "Marine Collagen Powder 300g", "supplements", 268, 458, 0.40, 6),
        ("VD240", "Vitamin D3 1000IU x240", "supplements", 98, 178, 0.12, 12),
    ],
    "electronics": [
        ("TWS", "True Wireless Earbuds", "audio", 699, 1499, 0.12, 10),
        ("GAN65", "65W GaN Charger", "accessories", 229, 399, 0.15, 10),
        ("PB20K", "Power Bank 20000mAh", "accessories", 269, 499, 0.45, 10),
        ("USBC2M", "Braided USB-C Cable 2m", "accessories", 79, 159, 0.08, 10),
        ("ANC", "Noise-Cancelling Headphones", "audio", 1299, 2699, 0.30, 5),
    ],
    "fashion": [
        ("TOTE", "Leather Tote Bag", "bags", 1880, 3880, 0.90, 1),
        ("SCARF", "Silk Twill Scarf", "apparel", 880, 1680, 0.10, 1),
        ("WALLET", "Leather Card Wallet", "bags", 680, 1380, 0.10, 1),
        ("BEANIE", "Cashmere Beanie", "apparel", 780, 1280, 0.12, 1),
        ("WKND", "Canvas Weekender Bag", "bags", 1280, 2380, 1.20, 1),
    ],
}
# The one unit over the CBEC single-transaction limit (docs/margin.md).
LUXURY_BAG: ProductTemplate = (
    "SIGBAG",
    "Signature Top-Handle Bag",
    "luxury",
    16800,
    16800,
    1.10,
    1,
)

CATEGORY_LABEL = {
    "cosmetics": "Skincare & cosmetics",
    "premium": "Skincare & cosmetics",
    "formula": "Infant formula",
    "supplements": "Health supplements",
    "electronics": "Electronics accessories",
    "fashion": "Fashion & bags",
}

# (name, origin, product line, hot-selling). About 30% are hot-selling.
BASE_BRANDS: tuple[tuple[str, str, str, bool], ...] = (
    ("Hanabi Skin", "JP", "cosmetics", True),
    ("Mizuho Botanics", "JP", "cosmetics", False),
    ("Yukiguni Lab", "JP", "cosmetics", True),
    ("Seoul Dewdrop", "KR", "cosmetics", True),
    ("Jeju Mossgarden", "KR", "cosmetics", True),
    ("Dalbit Beauty", "KR", "cosmetics", False),
    ("Maison Lumière", "FR", "premium", True),
    ("Belle Rive Paris", "FR", "premium", False),
    ("Alpenrein Swiss Care", "CH", "premium", False),
    ("Nordhaven Derm", "DE", "cosmetics", False),
    ("Villa Serena Skincare", "IT", "premium", False),
    ("Coral Coast Skin", "AU", "cosmetics", False),
    ("Aoraki Baby", "NZ", "formula", True),
    ("Kiwi Meadow Nutrition", "NZ", "formula", True),
    ("Southern Cross Infant", "AU", "formula", True),
    ("Bavaria Kinder", "DE", "formula", False),
    ("Alpine Cradle", "CH", "formula", False),
    ("Lowland Dairy Baby", "NL", "formula", False),
    ("Outback Vitality", "AU", "supplements", True),
    ("Tasman Wellness", "NZ", "supplements", False),
    ("Pacific Crest Vitamins", "US", "supplements", True),
    ("Ironwood Nutrition", "US", "supplements", False),
    ("Vitaberg", "DE", "supplements", False),
    ("Kōyō Health", "JP", "supplements", False),
    ("Highland Pure", "GB", "supplements", False),
    ("Barrier Reef Marine", "AU", "supplements", False),
    ("Voltlane", "US", "electronics", True),
    ("Kōden Audio", "JP", "electronics", False),
    ("Hanbit Mobile", "KR", "electronics", False),
    ("Brightwell Tech", "GB", "electronics", False),
    ("Stromkraft", "DE", "electronics", False),
    ("Lumen Loop", "US", "electronics", False),
    ("Nami Sound", "KR", "electronics", False),
    ("Casa Verdani", "IT", "fashion", True),
    ("Milano Ferro", "IT", "fashion", False),
    ("Atelier Sauvage", "FR", "fashion", False),
    ("Thornbury & Co.", "GB", "fashion", False),
    ("Bondi Threads", "AU", "fashion", False),
    ("Helvetia Leder", "CH", "fashion", False),
    ("Brooklyn Canvas", "US", "fashion", False),
)
# A hot NZ formula brand that reaches China only through its exclusive importer.
SINGLE_CHANNEL_BRAND = "Aoraki Baby"
# A hot Korean brand with no official China distribution: grey channels only.
COMPOSITE_ONLY_BRAND = "Jeju Mossgarden"
LUXURY_BRAND = "Casa Verdani"
# Sub-lines used to grow the brand list when many suppliers need more brands.
SUB_LINES = ("Kids", "Homme", "Pure", "Pro", "Select", "Studio", "Sport", "Travel", "Organics")

COUNTRY_CURRENCY = {
    "JP": "JPY",
    "KR": "KRW",
    "FR": "EUR",
    "DE": "EUR",
    "IT": "EUR",
    "NL": "EUR",
    "AU": "AUD",
    "NZ": "NZD",
    "US": "USD",
    "GB": "GBP",
    "CH": "CHF",
    "HK": "HKD",
    "CN": "CNY",
}
# CNY per unit, near mid-2020s levels; the demo feed wanders around these.
BASE_RATES = {
    "USD": 7.10,
    "EUR": 7.75,
    "JPY": 0.0475,
    "KRW": 0.00520,
    "AUD": 4.70,
    "NZD": 4.30,
    "GBP": 9.05,
    "CHF": 8.05,
    "HKD": 0.910,
    "CNY": 1.0,
}
WEEKLY_RATE_VOLATILITY = {"USD": 0.003, "HKD": 0.003, "CNY": 0.0}
DEFAULT_WEEKLY_VOLATILITY = 0.007
# The Hong Kong dollar is pegged to the US dollar; its CNY rate follows USD.
HKD_PER_USD = 7.80

FOREIGN_COUNTRIES = ("JP", "KR", "FR", "DE", "IT", "AU", "NZ", "US", "GB", "CH")

KIND_SHARE: dict[SupplierKind, float] = {
    SupplierKind.BRAND_OWNER: 0.04,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 0.12,
    SupplierKind.WHOLESALER: 0.20,
    SupplierKind.TRADER: 0.30,
    SupplierKind.BONDED_WAREHOUSE: 0.12,
    SupplierKind.PLATFORM_SELLER: 0.22,
}
# Enough of each kind to carry every planted role.
KIND_MINIMUM: dict[SupplierKind, int] = {
    SupplierKind.BRAND_OWNER: 1,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 3,
    SupplierKind.WHOLESALER: 2,
    SupplierKind.TRADER: 3,
    SupplierKind.BONDED_WAREHOUSE: 1,
    SupplierKind.PLATFORM_SELLER: 2,
}
# How often a supplier of each kind is ordered from, relative to each other. Small
# resellers still get a few dozen lines a year, enough for their real behaviour to
# outweigh the portfolio prior that scores are shrunk toward (docs/stability.md).
KIND_ORDER_WEIGHT: dict[SupplierKind, float] = {
    SupplierKind.BRAND_OWNER: 5.0,
    SupplierKind.AUTHORIZED_DISTRIBUTOR: 3.5,
    SupplierKind.WHOLESALER: 2.2,
    SupplierKind.TRADER: 1.5,
    SupplierKind.BONDED_WAREHOUSE: 2.5,
    SupplierKind.PLATFORM_SELLER: 1.2,
}
CHRONIC_TROUBLE_KINDS = (
    SupplierKind.TRADER,
    SupplierKind.PLATFORM_SELLER,
    SupplierKind.BONDED_WAREHOUSE,
)
CHRONIC_TROUBLE_SHARE = 0.25
CHRONIC_EXTRA_MARKUP = 0.02
# Official channels are mostly steady, but not all: this share of authorized
# distributors deliver noticeably short and late.
STRETCHED_SHARE = 0.25
# The planted price rise (docs/standings-and-flags.md flags a rise of more than 10% over
# 90 days): half of those 90 days are at the new price, so it must be well over 20%.
SPIKE_DAYS_BEFORE = 45
SPIKE_FACTOR = 1.25
# Median units per purchase line, and the smallest quoted quantity.
KIND_ORDER_QTY: dict[SupplierKind, tuple[int, int]] = {
    SupplierKind.BRAND_OWNER: (1200, 240),
    SupplierKind.AUTHORIZED_DISTRIBUTOR: (600, 120),
    SupplierKind.WHOLESALER: (240, 24),
    SupplierKind.TRADER: (72, 6),
    SupplierKind.BONDED_WAREHOUSE: (360, 12),
    SupplierKind.PLATFORM_SELLER: (24, 1),
}
# Monthly capacity range in units (low, high, rounding step).
KIND_CAPACITY: dict[SupplierKind, tuple[int, int, int]] = {
    SupplierKind.BRAND_OWNER: (30_000, 120_000, 1000),
    SupplierKind.AUTHORIZED_DISTRIBUTOR: (8_000, 40_000, 1000),
    SupplierKind.WHOLESALER: (2_000, 15_000, 500),
    SupplierKind.TRADER: (300, 3_000, 100),
    SupplierKind.BONDED_WAREHOUSE: (5_000, 30_000, 1000),
    SupplierKind.PLATFORM_SELLER: (200, 2_000, 100),
}

CN_CITIES = (
    "Shenzhen", "Guangzhou", "Hangzhou", "Ningbo", "Xiamen", "Yiwu", "Shanghai", "Zhengzhou",
    "Tianjin", "Qingdao", "Dongguan", "Suzhou", "Chengdu", "Chongqing", "Fuzhou"
)  # fmt: skip
BONDED_CITIES = ("Hangzhou", "Ningbo", "Zhengzhou", "Guangzhou", "Tianjin", "Chongqing", "Qianhai")
CN_WORDS = (
    "Haoyun", "Jinfeng", "Ruixiang", "Hengtai", "Xinda", "Baijia", "Huamei", "Yuanhang", "Tianrun",
    "Longsheng", "Mingyuan", "Fuxing", "Kaida", "Shengshi", "Zhongxin", "Jiahe", "Hongyu",
    "Xinghai", "Ruifeng", "Yongtai", "Dingsheng", "Huaxin", "Boyuan", "Anda", "Lianfa", "Jiuzhou",
    "Haitong", "Wanjia", "Chuangyi", "Lixin"
)  # fmt: skip
CN_SUFFIXES = (
    "Trading Co., Ltd.", "Import & Export Co., Ltd.", "Supply Chain Co., Ltd.",
    "International Trade Co., Ltd.", "Commerce Co., Ltd.", "E-commerce Co., Ltd."
)  # fmt: skip
BONDED_SUFFIXES = ("Bonded Logistics Co., Ltd.", "Cross-border Warehousing Co., Ltd.")
PLATFORM_SUFFIXES = ("Global Flagship Store", "Overseas Direct Store", "Cross-border Shop")
HK_SUFFIXES = ("(HK) Trading Ltd.", "International (HK) Co., Ltd.", "Pacific (HK) Ltd.")
# Per country: company name stems and legal forms.
FOREIGN_COMPANIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "JP": (
        ("Tanaka", "Kansai", "Sakurai", "Hokuto", "Marunaka", "Nishikawa", "Aozora"),
        ("Shoji Co., Ltd.", "Boeki K.K."),
    ),
    "KR": (
        ("Hanul", "Daehan", "Mirae", "Saebyeok", "Nuri", "Hangang", "Gaon"),
        ("Trading Co., Ltd.", "Global Inc."),
    ),
    "FR": (("Rivière", "Delacroix", "Beaumont", "Lemaire", "Fontaine"), ("Distribution SARL",)),
    "DE": (("Keller", "Brandt", "Hoffmann", "Lindner", "Vogel"), ("Handels GmbH", "Export GmbH")),
    "IT": (("Rossi", "Bianchi", "Ferraro", "Galli", "Moretti"), ("Distribuzione S.r.l.",)),
    "NL": (("Van Dijk", "De Haan", "Visser"), ("Trading B.V.",)),
    "GB": (("Ashford", "Whitmore", "Pembroke", "Hartley"), ("Trading Ltd", "Wholesale Ltd")),
    "AU": (
        ("Kookaburra", "Southern Star", "Harbourside", "Wattle", "Murray"),
        ("Wholesale Pty Ltd", "Exports Pty Ltd"),
    ),
    "NZ": (("Kauri", "Tui", "Rimu", "Kea", "Manuka Valley"), ("Exports Ltd", "Trading Ltd")),
    "US": (
        ("Bayview", "Lakeshore", "Redwood", "Summit", "Granite"),
        ("Distribution LLC", "Supply Inc."),
    ),
    "CH": (("Saentis", "Matterhof", "Engadin", "Rigi"), ("Handels AG",)),
}
OWNER_LEGAL_FORM = {
    "JP": "Co., Ltd.", "KR": "Co., Ltd.", "FR": "SAS", "DE": "GmbH", "IT": "S.p.A.", "NL": "B.V.",
    "GB": "Ltd", "AU": "Pty Ltd", "NZ": "Ltd", "US": "Inc.", "CH": "AG"
}  # fmt: skip
CONTACT_NAMES = {
    "CN": ("Wang Lei", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jing", "Zhao Min", "Huang Tao"),
    "HK": ("Chan Ka-wai", "Wong Siu-ming", "Leung Mei", "Cheung Ho"),
    "JP": ("Sato Yuki", "Suzuki Ken", "Takahashi Mai", "Ito Daisuke"),
    "KR": ("Kim Min-jun", "Lee Seo-yeon", "Park Ji-hoon", "Choi Yuna"),
    "FR": ("Camille Martin", "Julien Bernard", "Claire Dubois"),
    "DE": ("Lukas Schmidt", "Anna Weber", "Jonas Fischer"),
    "IT": ("Giulia Romano", "Marco Ricci", "Luca Greco"),
    "NL": ("Daan de Vries", "Sanne Bakker"),
    "GB": ("Oliver Hughes", "Emily Clarke", "Harry Patel"),
    "AU": ("Jack Wilson", "Chloe Taylor", "Mia Nguyen"),
    "NZ": ("Liam Walker", "Aroha Ngata", "Ella Thompson"),
    "US": ("Michael Brooks", "Sarah Mitchell", "David Kim"),
    "CH": ("Luca Meier", "Sophie Keller", "Noah Huber"),
}
KIND_NOTES: dict[SupplierKind, tuple[str, ...]] = {
    SupplierKind.BRAND_OWNER: ("Direct supply agreement; annual volume commitment.",),
    SupplierKind.AUTHORIZED_DISTRIBUTOR: ("Letter of authorization on file; renew before expiry.",),
    SupplierKind.WHOLESALER: ("Payment 30% deposit, balance before shipment.",),
    SupplierKind.TRADER: ("Sources through overseas wholesalers; ask for batch codes.",),
    SupplierKind.BONDED_WAREHOUSE: ("Stock held in a bonded zone; ships within 48 h of order.",),
    SupplierKind.PLATFORM_SELLER: ("Marketplace storefront; small lots only.",),
}

# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class PlantedPattern:
    """Where one deliberately planted pattern lives, so a demo tour can point at it."""

    flag: str  # the flag code of docs/files-and-commands.md, or a descriptive key
    supplier_code: str | None
    brand: str | None
    detail: str


@dataclass(frozen=True)
class DemoSummary:
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
            "exchange_rates": self.exchange_rates,
        }


# --------------------------------------------------------------------------- plan


@dataclass(slots=True)
class _Brand:
    id: int
    name: str
    origin: str
    line: str  # key of PRODUCT_LINES
    hot: bool
    popularity: float
    product_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Product:
    id: int
    brand_id: int
    sku: str
    name: str
    tax_key: str
    retail: float
    weight: float
    pack: int


@dataclass(slots=True)
class _Supplier:
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


@dataclass(frozen=True, slots=True)
class _SupplyProfile:
    """How a channel delivers. Multi-hop chains are late, short and noisy; vertical ones are not."""

    lead_cv: float  # spread of actual lead time around its mean
    lead_bias: int  # days the mean actual lead time sits after the quoted lead time
    p_late: float
    late_days: tuple[int, int]
    p_short: float
    short_share: tuple[float, float]
    p_over: float
    p_never: float
    p_reject: float
    reject_share: tuple[float, float]
    p_split: float
    split_gap: tuple[int, int]  # days between the two parts of a split delivery
    clearance: tuple[int, int]
    price_sd: float


@dataclass(slots=True)
class _Quoted:
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
class _Channel:
    id: int
    supplier: _Supplier
    brand: _Brand
    tier: int
    vertical: bool
    profile: _SupplyProfile  # how it delivers
    recent_profile: _SupplyProfile  # how it delivers in the current window
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
    quoted: list[_Quoted] = field(default_factory=list)


def _profile_for(
    tier: int, vertical: bool, kind: SupplierKind, reliability: float
) -> _SupplyProfile:
    """Supply behaviour by channel structure: every extra hand adds delay, shortfall and fakes.

    `reliability` scales how often things go wrong, and how much actual lead times
    wander: a well-run trader is not a badly run one.
    """
    r = reliability
    if vertical:
        return _SupplyProfile(
            lead_cv=0.05 * r,
            lead_bias=-2,
            p_late=0.04 * r,
            late_days=(1, 4),
            p_short=0.03 * r,
            short_share=(0.02, 0.10),
            p_over=0.0,
            p_never=0.0,
            p_reject=0.02 * r,
            reject_share=(0.005, 0.02),
            p_split=0.04,
            split_gap=(3, 7),
            clearance=(1, 3),
            price_sd=0.004,
        )
    if tier <= 2:
        bonded = kind is SupplierKind.BONDED_WAREHOUSE
        return _SupplyProfile(
            lead_cv=0.15 * r,
            lead_bias=-2,
            p_late=0.20 * r,
            late_days=(2, 12),
            p_short=0.12 * r,
            short_share=(0.05, 0.25),
            p_over=0.01,
            p_never=0.01 * r,
            p_reject=0.06 * r,
            reject_share=(0.01, 0.05),
            p_split=0.10,
            split_gap=(4, 14),
            clearance=(0, 2) if bonded else (2, 6),  # bonded stock is cleared on release
            price_sd=0.012,
        )
    if tier == 3:
        return _SupplyProfile(
            lead_cv=0.20 * r,
            lead_bias=-1,
            p_late=0.24 * r,
            late_days=(3, 18),
            p_short=0.18 * r,
            short_share=(0.10, 0.40),
            p_over=0.01,
            p_never=0.012 * r,
            p_reject=0.12 * r,
            reject_share=(0.01, 0.15),
            p_split=0.15,
            split_gap=(5, 20),
            clearance=(3, 9),
            price_sd=0.02,
        )
    if tier == 4:
        return _SupplyProfile(
            lead_cv=0.25 * r,
            lead_bias=0,
            p_late=0.32 * r,
            late_days=(4, 28),
            p_short=0.26 * r,
            short_share=(0.10, 0.55),
            p_over=0.01,
            p_never=0.02 * r,
            p_reject=0.20 * r,
            reject_share=(0.02, 0.25),  # counterfeit or damaged batches
            p_split=0.18,
            split_gap=(5, 25),
            clearance=(3, 12),
            price_sd=0.025,
        )
    return _SupplyProfile(
        lead_cv=0.35 * r,
        lead_bias=2,
        p_late=0.45 * r,
        late_days=(5, 40),
        p_short=0.42 * r,
        short_share=(0.20, 0.70),
        p_over=0.01,
        p_never=0.045 * r,
        p_reject=0.28 * r,
        reject_share=(0.03, 0.35),  # five hands from the source: fakes and damage
        p_split=0.22,
        split_gap=(5, 30),
        clearance=(4, 14),
        price_sd=0.035,
    )


# The planted fill-rate drop: the supplier delivered almost everything last
# year and started shipping short in the current window (docs/standings-and-flags.md).
FILL_DROP_PREVIOUS_PROFILE = _SupplyProfile(
    lead_cv=0.10,
    lead_bias=-2,
    p_late=0.08,
    late_days=(2, 6),
    p_short=0.02,
    short_share=(0.02, 0.08),
    p_over=0.0,
    p_never=0.0,
    p_reject=0.02,
    reject_share=(0.01, 0.02),
    p_split=0.08,
    split_gap=(4, 10),
    clearance=(2, 6),
    price_sd=0.010,
)
FILL_DROP_PROFILE = _SupplyProfile(
    lead_cv=0.12,
    lead_bias=-2,
    p_late=0.12,
    late_days=(2, 10),
    p_short=0.55,
    short_share=(0.20, 0.60),
    p_over=0.0,
    p_never=0.10,
    p_reject=0.05,
    reject_share=(0.01, 0.04),
    p_split=0.10,
    split_gap=(4, 14),
    clearance=(2, 6),
    price_sd=0.012,
)


@dataclass
class _Plan:
    rng: random.Random
    as_of: int
    history_start: int
    tax_ids: dict[str, int]
    brands: list[_Brand] = field(default_factory=list)
    products: list[_Product] = field(default_factory=list)
    suppliers: list[_Supplier] = field(default_factory=list)
    channels: list[_Channel] = field(default_factory=list)
    rates: dict[str, list[float]] = field(default_factory=dict)
    first_rate_day: int = 0
    planted: list[PlantedPattern] = field(default_factory=list)

    def product(self, product_id: int) -> _Product:
        return self.products[product_id - self.products[0].id]


# --------------------------------------------------------------------------- entry point


def build_demo(
    engine: Engine,
    *,
    suppliers: int = 200,
    lines: int = 30_000,
    seed: int = 20261127,
    as_of: dt.date,
) -> DemoSummary:
    """Fill an empty database with a seeded, realistic demo portfolio ending on `as_of`.

    The same arguments always give the same data. A database that already holds
    suppliers (or any other portfolio rows) is refused with ValueError and left
    untouched, so a demo never mixes into a buyer's data. Everything is written
    in one transaction: a failure leaves nothing behind.
    """
    if suppliers < 1:
        raise ValueError(f"the demo needs at least 1 supplier, not {suppliers}")
    if lines < 0:
        raise ValueError(f"the number of purchase lines cannot be negative ({lines})")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    dialect = engine.dialect.name
    rng = random.Random(seed)

    with engine.begin() as conn:
        _refuse_unless_empty(conn)
        tax_ids, new_tax = _tax_category_ids(conn)
        plan = _Plan(
            rng=rng,
            as_of=day_number(as_of),
            history_start=day_number(as_of) - (HISTORY_DAYS - 1),
            tax_ids=tax_ids,
        )
        n_brands = max(len(BASE_BRANDS), suppliers // 50)
        _plan_brands(plan, n_brands)
        _plan_suppliers(plan, suppliers)
        _plan_channels(plan)
        _plan_quotes(plan)
        _plan_rates(plan)
        _record_planted(plan)

        writer = _Writer(conn, dialect)
        writer.tax_categories(new_tax, tax_ids)
        writer.brands(plan)
        writer.products(plan)
        writer.suppliers(plan)
        writer.channels(plan)
        n_quotes = writer.quotes(plan)
        n_rates = writer.rates(plan)
        n_lines = n_deliveries = 0
        for line_rows, delivery_rows in _purchase_history(plan, lines, writer):
            writer.purchase_lines(line_rows)
            writer.deliveries(delivery_rows)
            n_lines += len(line_rows)
            n_deliveries += len(delivery_rows)
        writer.fix_sequences(
            ["brand", "product", "supplier", "channel", "purchase_line"]
            + (["tax_category"] if new_tax else [])
        )

        summary = DemoSummary(
            seed=seed,
            brands=len(plan.brands),
            suppliers=len(plan.suppliers),
            products=len(plan.products),
            channels=len(plan.channels),
            vertical_channels=sum(1 for c in plan.channels if _is_vertical(c, plan.as_of)),
            quotes=n_quotes,
            purchase_lines=n_lines,
            deliveries=n_deliveries,
            exchange_rates=n_rates,
            history_start=from_day_number(plan.history_start),
            as_of=as_of,
            planted=tuple(plan.planted),
        )
        _write_home_currency(conn)
        _write_audit(conn, summary)
    return summary


def _is_vertical(channel: _Channel, as_of: int) -> bool:
    """docs/vocabulary.md: tier 0, or tier 1 with an authorization still valid on as_of."""
    if channel.tier == 0:
        return True
    until = channel.authorized_until
    return (
        channel.tier == 1 and bool(channel.authorization_ref) and (until is None or until >= as_of)
    )


# --------------------------------------------------------------------------- guards


# table, one row, several rows
PORTFOLIO_TABLES = (
    ("supplier", "supplier", "suppliers"),
    ("brand", "brand", "brands"),
    ("product", "product", "products"),
    ("channel", "channel", "channels"),
    ("quote", "quote", "quotes"),
    ("purchase_line", "purchase line", "purchase lines"),
    ("delivery", "delivery", "deliveries"),
)


def _refuse_unless_empty(conn: Connection) -> None:
    for table, one, many in PORTFOLIO_TABLES:
        count = conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one()
        if count:
            raise ValueError(
                f"this database already holds {count:,} {one if count == 1 else many}; "
                "the demo portfolio is only "
                "written to an empty database so that it never mixes with a buyer's data. "
                "Open a new database (for example with --demo) to explore the demo"
            )
    row = conn.exec_driver_sql("SELECT value FROM setting WHERE key = 'home_currency'").first()
    if row is not None:
        try:
            home = json.loads(row[0])
        except ValueError:
            home = row[0]
        if home != HOME_CURRENCY:
            raise ValueError(
                f"this database's home currency is {home}, but the demo portfolio is priced "
                f"in {HOME_CURRENCY}; open a new database to explore the demo"
            )


def _tax_category_ids(conn: Connection) -> tuple[dict[str, int], list[str]]:
    """Reuse tax categories the database already has by name; number the missing ones."""
    existing = {
        name: int(id_)
        for id_, name in conn.exec_driver_sql("SELECT id, name FROM tax_category").all()
    }
    next_id = max(existing.values(), default=0) + 1
    ids: dict[str, int] = {}
    new: list[str] = []
    for key, (name, *_rates) in TAX_CATEGORIES.items():
        if name in existing:
            ids[key] = existing[name]
        else:
            ids[key] = next_id
            next_id += 1
            new.append(key)
    return ids, new


# --------------------------------------------------------------------------- catalogue plan


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _retail_price(rng: random.Random, low: float, high: float) -> float:
    """A shelf price with the usual Chinese retail ending (…8)."""
    if low == high:
        return float(low)
    raw = rng.uniform(low, high)
    if raw >= 1000:
        return float(int(raw / 100) * 100 + 80)
    return float(int(raw / 10) * 10 + 8)


def _plan_brands(plan: _Plan, n_brands: int) -> None:
    rng = plan.rng
    product_id = 1
    for index in range(n_brands):
        base_name, origin, line, hot = BASE_BRANDS[index % len(BASE_BRANDS)]
        generation = index // len(BASE_BRANDS)
        if generation == 0:
            name = base_name
        elif generation <= len(SUB_LINES):
            name = f"{base_name} {SUB_LINES[generation - 1]}"
            hot = rng.random() < 0.3
        else:
            name = f"{base_name} Series {generation}"
            hot = rng.random() < 0.3
        popularity = (3.0 if hot else 1.0) * rng.lognormvariate(0.0, 0.3)
        brand = _Brand(index + 1, name, origin, line, hot, popularity)
        plan.brands.append(brand)

        templates = PRODUCT_LINES[line]
        count = rng.choices((2, 3, 4), weights=(25, 50, 25))[0]
        chosen = rng.sample(templates, count)
        if name == LUXURY_BRAND:
            chosen = [LUXURY_BAG, *chosen[:2]]
        initials = "".join(w[0] for w in _ascii(base_name).split() if w[0].isalpha())[:3].upper()
        for code, title, tax_key, low, high, weight, pack in chosen:
            plan.products.append(
                _Product(
                    id=product_id,
                    brand_id=brand.id,
                    sku=f"{initials}{brand.id:03d}-{code}",
                    name=f"{name} {title}",
                    tax_key=tax_key,
                    retail=_retail_price(rng, low, high),
                    weight=weight,
                    pack=pack,
                )
            )
            brand.product_ids.append(product_id)
            product_id += 1


def _kind_counts(n: int, n_brands: int) -> dict[SupplierKind, int]:
    """Supplier kinds in realistic shares, with room for every planted role."""
    shares = dict(KIND_SHARE)
    raw = {kind: share * n for kind, share in shares.items()}
    counts = {kind: int(value) for kind, value in raw.items()}
    for kind in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True):
        if sum(counts.values()) >= n:
            break
        counts[kind] += 1
    # A brand has one owner at most; keep owners to a quarter of the brands.
    owner_cap = max(1, n_brands // 4)
    if counts[SupplierKind.BRAND_OWNER] > owner_cap:
        counts[SupplierKind.WHOLESALER] += counts[SupplierKind.BRAND_OWNER] - owner_cap
        counts[SupplierKind.BRAND_OWNER] = owner_cap
    if n >= MIN_SUPPLIERS_FOR_PATTERNS:
        for kind, minimum in KIND_MINIMUM.items():
            while counts[kind] < minimum:
                donor = max(counts, key=lambda k: counts[k] - KIND_MINIMUM[k])
                counts[donor] -= 1
                counts[kind] += 1
    return counts


def _plan_suppliers(plan: _Plan, n: int) -> None:
    rng = plan.rng
    counts = _kind_counts(n, len(plan.brands))
    kinds = [kind for kind in KIND_SHARE for _ in range(counts[kind])]
    rng.shuffle(kinds)
    for index, kind in enumerate(kinds):
        supplier = _Supplier(id=index + 1, code=f"SUP-{index + 1:04d}", kind=kind)
        supplier.order_weight = KIND_ORDER_WEIGHT[kind] * rng.lognormvariate(0.0, 0.45)
        # Some suppliers of every kind are simply better run than others, and a
        # good share of grey resellers are chronically unreliable.
        supplier.reliability = rng.lognormvariate(0.0, 0.3)
        chronic = kind in CHRONIC_TROUBLE_KINDS and rng.random() < CHRONIC_TROUBLE_SHARE
        if chronic:
            supplier.reliability *= rng.uniform(2.0, 3.0)
        elif kind is SupplierKind.AUTHORIZED_DISTRIBUTOR and rng.random() < STRETCHED_SHARE:
            # An official importer stretched thin: short allocations, slow clearance.
            supplier.reliability *= rng.uniform(2.5, 4.0)
        if kind not in (SupplierKind.BRAND_OWNER, SupplierKind.AUTHORIZED_DISTRIBUTOR):
            # How much a reseller adds on top of the usual markup of its place in the
            # chain. The worst run buy small lots at a time, and pay for it.
            typical = CHRONIC_EXTRA_MARKUP if chronic else 0.0
            supplier.markup = max(-0.04, min(0.06, rng.gauss(typical, 0.03)))
        plan.suppliers.append(supplier)
    if n < MIN_SUPPLIERS_FOR_PATTERNS:
        return

    def take(kind: SupplierKind) -> _Supplier | None:
        free = [s for s in plan.suppliers if s.kind is kind and not s.role]
        return rng.choice(free) if free else None

    roles = (
        ("single", SupplierKind.AUTHORIZED_DISTRIBUTOR),
        ("expiring", SupplierKind.AUTHORIZED_DISTRIBUTOR),
        ("expired", SupplierKind.AUTHORIZED_DISTRIBUTOR),
        ("spike", SupplierKind.WHOLESALER),
        ("fill_drop", SupplierKind.WHOLESALER),
        ("stale", SupplierKind.TRADER),
        ("loss", SupplierKind.TRADER),
        ("thin", SupplierKind.PLATFORM_SELLER),
    )
    for role, kind in roles:
        chosen = take(kind)
        if chosen is not None:
            chosen.role = role
    for supplier in plan.suppliers:
        # The planted price spike and fill drop need enough lines to show.
        if supplier.role in ("spike", "fill_drop"):
            supplier.order_weight = max(supplier.order_weight, 2.5) * 2


class _BrandPicker:
    """Weighted choice of brands, hot-selling ones more often, without repeats per supplier."""

    def __init__(self, rng: random.Random, brands: Sequence[_Brand], excluded: set[int]) -> None:
        self.rng = rng
        self.brands = [b for b in brands if b.id not in excluded]
        self.cum: list[float] = []
        total = 0.0
        for brand in self.brands:
            total += brand.popularity
            self.cum.append(total)
        self.by_origin: dict[str, list[_Brand]] = {}
        for brand in self.brands:
            self.by_origin.setdefault(brand.origin, []).append(brand)

    def pick(self, taken: Sequence[_Brand], origin: str = "") -> _Brand | None:
        if not self.brands:
            return None
        local = self.by_origin.get(origin, [])
        for _attempt in range(30):
            # Foreign suppliers mostly sell brands from their own country.
            if local and self.rng.random() < 0.5:
                brand = self.rng.choice(local)
            else:
                point = self.rng.random() * self.cum[-1]
                brand = self.brands[min(bisect.bisect_right(self.cum, point), len(self.brands) - 1)]
            if brand not in taken:
                return brand
        return next((b for b in self.brands if b not in taken), None)


def _supplier_country(rng: random.Random, kind: SupplierKind, origin: str) -> str:
    if kind is SupplierKind.BRAND_OWNER:
        return origin
    if kind is SupplierKind.BONDED_WAREHOUSE:
        return "CN"
    roll = rng.random()
    if kind is SupplierKind.AUTHORIZED_DISTRIBUTOR:
        return origin if roll < 0.45 else ("HK" if roll < 0.70 else "CN")
    if kind is SupplierKind.PLATFORM_SELLER:
        return "CN" if roll < 0.7 else "HK"
    foreign_share = 0.30 if kind is SupplierKind.WHOLESALER else 0.20
    if roll < foreign_share:
        return rng.choice(FOREIGN_COUNTRIES)
    return "HK" if roll < foreign_share + 0.22 else "CN"


def _supplier_currency(rng: random.Random, country: str) -> str:
    # Chinese and Hong Kong traders often invoice in US dollars.
    if country == "CN":
        return "USD" if rng.random() < 0.15 else "CNY"
    if country == "HK":
        return "USD" if rng.random() < 0.30 else "HKD"
    return COUNTRY_CURRENCY[country]


def _composite_tier(rng: random.Random, kind: SupplierKind) -> int:
    tiers, weights = {
        SupplierKind.AUTHORIZED_DISTRIBUTOR: ((1, 2), (35, 65)),
        SupplierKind.WHOLESALER: ((2, 3), (45, 55)),
        SupplierKind.BONDED_WAREHOUSE: ((2, 3, 4), (25, 45, 30)),
        SupplierKind.TRADER: ((3, 4, 5), (40, 35, 25)),
        SupplierKind.PLATFORM_SELLER: ((3, 4, 5), (30, 40, 30)),
    }[kind]
    return rng.choices(tiers, weights=weights)[0]


def _plan_channels(plan: _Plan) -> None:
    rng = plan.rng
    by_name = {b.name: b for b in plan.brands}
    single = by_name[SINGLE_CHANNEL_BRAND]
    composite_only = by_name[COMPOSITE_ONLY_BRAND]
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    reserved = {single.id} if patterns else set()
    vertical_picker = _BrandPicker(rng, plan.brands, reserved | {composite_only.id})
    composite_picker = _BrandPicker(rng, plan.brands, reserved)
    owned: set[int] = set()
    vertical_per_brand: dict[int, int] = {}
    channel_of: dict[tuple[int, int], _Channel] = {}

    def add(supplier: _Supplier, brand: _Brand, tier: int, authorized: bool) -> _Channel:
        vertical = tier == 0 or authorized
        profile = _profile_for(tier, vertical, supplier.kind, supplier.reliability)
        channel = _Channel(
            id=len(plan.channels) + 1,
            supplier=supplier,
            brand=brand,
            tier=tier,
            vertical=vertical,
            profile=profile,
            recent_profile=profile,
        )
        plan.channels.append(channel)
        supplier.channel_ids.append(channel.id)
        channel_of[(supplier.id, brand.id)] = channel
        if vertical:
            vertical_per_brand[brand.id] = vertical_per_brand.get(brand.id, 0) + 1
        return channel

    def taken(supplier: _Supplier) -> list[_Brand]:
        return [plan.channels[i - 1].brand for i in supplier.channel_ids]

    def hot_without_vertical(candidates: Sequence[_Brand]) -> list[_Brand]:
        return [b for b in candidates if b.hot and not vertical_per_brand.get(b.id)]

    premium_brands = [b for b in plan.brands[: len(BASE_BRANDS)] if b.line == "premium"]
    for supplier in plan.suppliers:
        kind = supplier.kind
        k = rng.choices((1, 2, 3), weights=(35, 40, 25))[0]
        if kind is SupplierKind.BRAND_OWNER:
            # Owners and official distributors go where demand is: hot brands get a
            # vertical channel first, so composite-only stays the planted exception.
            free = [b for b in vertical_picker.brands if b.id not in owned]
            if not free:
                continue
            owner_brand = rng.choice(hot_without_vertical(free) or free)
            owned.add(owner_brand.id)
            supplier.country = owner_brand.origin
            supplier.currency = COUNTRY_CURRENCY[owner_brand.origin]
            add(supplier, owner_brand, 0, False)
            continue
        if kind is SupplierKind.AUTHORIZED_DISTRIBUTOR:
            k = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            uncovered = hot_without_vertical(vertical_picker.brands)
            if supplier.role == "single":
                first: _Brand | None = single
            elif uncovered:
                first = rng.choice(uncovered)
            else:
                first = vertical_picker.pick([])
            if first is None:
                continue
            supplier.country = _supplier_country(rng, kind, first.origin)
            supplier.currency = _supplier_currency(rng, supplier.country)
            # A brand grants few written authorizations (docs/vocabulary.md).
            if supplier.role or vertical_per_brand.get(first.id, 0) < 3:
                add(supplier, first, 1, True)
            else:
                add(supplier, first, _composite_tier(rng, kind), False)
            for _ in range(k - 1):
                more = vertical_picker.pick(taken(supplier), supplier.country)
                if more is None:
                    break
                # A distributor holds written authorization for some brands only.
                if rng.random() < 0.4 and vertical_per_brand.get(more.id, 0) < 3:
                    add(supplier, more, 1, True)
                else:
                    add(supplier, more, _composite_tier(rng, kind), False)
            continue
        supplier.country = _supplier_country(rng, kind, "")
        supplier.currency = _supplier_currency(rng, supplier.country)
        if supplier.role in ("stale", "loss", "thin"):
            k = 1
        if supplier.role == "loss" and premium_brands:
            # A grey-market trader reselling a premium serum at nearly retail.
            add(supplier, rng.choice(premium_brands), 4, False)
            continue
        for _ in range(k):
            brand = composite_picker.pick(taken(supplier), supplier.country)
            if brand is None:
                break
            tier = 2 if supplier.role in ("spike", "fill_drop") else _composite_tier(rng, kind)
            add(supplier, brand, tier, False)

    if patterns:
        _ensure_composite_channels(plan, composite_only, 3, add, channel_of)
    uncovered = [b for b in plan.brands if not any(c.brand is b for c in plan.channels)]
    for brand in uncovered:
        if brand is single and patterns:
            continue
        _ensure_composite_channels(plan, brand, 1, add, channel_of)

    for supplier in plan.suppliers:
        if not supplier.country:
            # Only in a tiny demo: a supplier that found no brand left to sell.
            supplier.country, supplier.currency = "CN", HOME_CURRENCY
    _plan_channel_terms(plan, single, composite_only)


def _ensure_composite_channels(
    plan: _Plan,
    brand: _Brand,
    wanted: int,
    add: Callable[[_Supplier, _Brand, int, bool], _Channel],
    channel_of: dict[tuple[int, int], _Channel],
) -> None:
    have = sum(1 for c in plan.channels if c.brand is brand)
    candidates = [
        s
        for s in plan.suppliers
        if not s.role
        and s.kind not in (SupplierKind.BRAND_OWNER, SupplierKind.AUTHORIZED_DISTRIBUTOR)
        and len(s.channel_ids) < 3
        and (s.id, brand.id) not in channel_of
    ]
    plan.rng.shuffle(candidates)
    for supplier in candidates[: max(0, wanted - have)]:
        add(supplier, brand, _composite_tier(plan.rng, supplier.kind), False)


def _plan_channel_terms(plan: _Plan, single: _Brand, composite_only: _Brand) -> None:
    """Contracts, authorizations, lead times and supply behaviour of every channel."""
    rng = plan.rng
    as_of, start = plan.as_of, plan.history_start
    per_brand: dict[int, int] = {}
    for channel in plan.channels:
        per_brand[channel.brand.id] = per_brand.get(channel.brand.id, 0) + 1
    auth_numbers: dict[int, int] = {}
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    planted_role_seen: set[str] = set()

    for channel in plan.channels:
        supplier, brand = channel.supplier, channel.brand
        channel.first_order_day = start
        channel.last_order_day = as_of
        channel.delivery_cutoff = as_of
        kind = supplier.kind
        role = supplier.role
        first_of_role = role and role not in planted_role_seen
        planted_role_seen.add(role)

        if channel.vertical:
            channel.contract_start = start - rng.randint(30, 700)
            if channel.tier == 1:
                number = auth_numbers[brand.id] = auth_numbers.get(brand.id, 0) + 1
                year = from_day_number(channel.contract_start).year
                initials = "".join(w[0] for w in _ascii(brand.name).split() if w[0].isalpha())
                channel.authorization_ref = f"LOA-{initials[:3].upper()}-{year}-{number:03d}"
                channel.authorized_until = as_of + rng.randint(120, 720)
                if first_of_role and role == "expiring":
                    channel.authorized_until = as_of + 38
                elif first_of_role and role == "expired":
                    channel.authorized_until = as_of - 5
                elif first_of_role and role == "single":
                    channel.exclusive = True
                    channel.authorized_until = as_of + rng.randint(400, 700)
                if rng.random() < 0.5 or role == "expiring":
                    channel.contract_end = channel.authorized_until
        elif patterns and not role and brand is not single and brand is not composite_only:
            roll = rng.random()
            # Keep every supplier active somewhere: a wholly dormant supplier would
            # blur the one planted stale supplier.
            keeps_another = sum(plan.channels[i - 1].active for i in supplier.channel_ids) >= 2
            if roll < 0.06 and per_brand[brand.id] >= 3 and keeps_another:
                # A channel the buyer stopped using: no orders after its contract ended.
                channel.active = False
                channel.contract_start = start - rng.randint(30, 400)
                channel.contract_end = as_of - rng.randint(120, 500)
                channel.last_order_day = channel.contract_end
                per_brand[brand.id] -= 1
            elif roll < 0.14:
                # A channel opened during the history: orders start then.
                channel.contract_start = start + rng.randint(60, 560)
                channel.first_order_day = channel.contract_start
            elif roll < 0.18 and brand.name != LUXURY_BRAND:
                channel.quotes_lapse = True

        if role == "thin":
            channel.contract_start = as_of - 80
            channel.first_order_day = as_of - 80
        elif role == "stale":
            # Orders stopped; the last two lines were never delivered.
            channel.last_order_day = as_of - 250
            channel.delivery_cutoff = as_of - 200
        elif role == "spike":
            channel.spike_day = as_of - SPIKE_DAYS_BEFORE
            channel.spike_factor = SPIKE_FACTOR

        foreign = supplier.country not in ("CN", "HK")
        if not supplier.lead_days:
            # Lead time belongs to the supplier's route more than to the brand.
            if kind is SupplierKind.BONDED_WAREHOUSE:
                supplier.lead_days = rng.randint(5, 12)  # the stock is already in China
            elif kind is SupplierKind.PLATFORM_SELLER:
                supplier.lead_days = rng.randint(7, 20)
            elif channel.vertical:
                supplier.lead_days = rng.randint(14, 28)
            elif channel.tier <= 2:
                supplier.lead_days = rng.randint(18, 35)
            elif channel.tier == 3:
                supplier.lead_days = rng.randint(21, 40)
            else:
                supplier.lead_days = rng.randint(25, 50)
            channel.lead_days = supplier.lead_days
        else:
            channel.lead_days = supplier.lead_days + rng.randint(-1, 1)
        if foreign:
            channel.incoterm = rng.choices(("FOB", "EXW", "CIF", "FCA"), (45, 20, 20, 15))[0]
        elif supplier.country == "HK":
            channel.incoterm = rng.choice(("FOB", "CIF"))
        else:
            channel.incoterm = "DAP"

        if role == "fill_drop":
            channel.profile = FILL_DROP_PREVIOUS_PROFILE
            channel.recent_profile = FILL_DROP_PROFILE


# --------------------------------------------------------------------------- quotes


def _round_price(value: float, currency: str) -> float:
    if currency == "KRW":
        return float(round(value, -1))
    if currency == "JPY":
        return float(round(value))
    return round(value, 2)


def _max_cost_share(product: _Product) -> float:
    """The dearest a reseller can quote, as a share of retail, and still leave the buyer a margin.

    Landed cost stays at or below MAX_LANDED_SHARE of net revenue (docs/margin.md,
    default fees), so even a 5% currency move leaves every ordinary quote profitable.
    """
    _name, tariff, consumption, vat, _postal = TAX_CATEGORIES[product.tax_key]
    if product.retail * COST_SHARE_AT_SOURCE[product.tax_key] > CBEC_LIMIT_CNY:
        taxed = (1 + tariff) * (1 + vat) / (1 - consumption)  # general trade
    else:
        taxed = 1 + 0.7 * (consumption + vat) / (1 - consumption)  # CBEC retail import
    return MAX_LANDED_SHARE * NET_REVENUE_SHARE / taxed


def _squeezed(share: float, ceiling: float) -> float:
    """Near the buyer's ceiling the hands of a long chain squeeze their own cut to stay sellable.

    Up to SQUEEZE_BAND below the ceiling a share is what the chain asks; above
    that it bends toward the ceiling without reaching it.
    """
    knee = ceiling - SQUEEZE_BAND
    if share <= knee:
        return share
    return knee + SQUEEZE_BAND * -math.expm1(-(share - knee) / SQUEEZE_BAND)


def _plan_quotes(plan: _Plan) -> None:
    rng = plan.rng
    luxury_first = next(
        (c for c in plan.channels if c.brand.name == LUXURY_BRAND and c.active), None
    )
    for channel in plan.channels:
        supplier = channel.supplier
        kind = supplier.kind
        brand = channel.brand
        if channel.vertical:
            product_ids = list(brand.product_ids)  # official channels list the whole range
        else:
            count = rng.randint(1, len(brand.product_ids))
            product_ids = sorted(rng.sample(brand.product_ids, count))
            over_limit = [p for p in product_ids if plan.product(p).tax_key == "luxury"]
            if over_limit and len(product_ids) > 1 and rng.random() < 0.6:
                # Few resellers stock a CNY 17,000 bag.
                product_ids = [p for p in product_ids if p not in over_limit]
        if supplier.role == "loss":
            premium = [p for p in brand.product_ids if plan.product(p).tax_key == "premium"]
            product_ids = premium or product_ids
        if brand.name == LUXURY_BRAND and channel is luxury_first:
            # At least one channel sells the signature bag, whatever the draw.
            product_ids = sorted({brand.product_ids[0], *product_ids})

        currency = supplier.currency
        fx = BASE_RATES[currency]
        channel_share = MARKUP_PER_TIER[min(channel.tier, 5)]
        channel_share += max(-0.04, min(0.04, rng.gauss(0, 0.02)))
        if not channel.vertical:
            channel_share += supplier.markup
        median_qty, min_qty_base = KIND_ORDER_QTY[kind]
        for product_id in product_ids:
            product = plan.product(product_id)
            if supplier.role == "loss":
                # Priced so that landed cost exceeds net revenue (docs/margin.md).
                share = rng.uniform(0.84, 0.90)
            else:
                share = COST_SHARE_AT_SOURCE[product.tax_key] + channel_share
                share += rng.uniform(-0.015, 0.015)
                # The risen price list of the planted spike must still leave a margin too.
                factor = channel.spike_factor
                share = _squeezed(share * factor, _max_cost_share(product)) / factor
            customs_value = share * product.retail  # CNY, freight and insurance included
            if channel.incoterm in ("CIF", "DAP"):
                freight_cny = insurance_cny = 0.0
            else:
                per_kg = 8.0 if supplier.country == "HK" else 38.0
                if channel.incoterm == "EXW":
                    per_kg *= 1.15
                freight_cny = product.weight * per_kg + 1.5
                insurance_cny = 0.003 * customs_value
            price = (customs_value - freight_cny - insurance_cny) / fx
            freight = _round_price(freight_cny / fx, currency)
            insurance = _round_price(insurance_cny / fx, currency)
            base_price = _round_price(price, currency)
            over_cbec = customs_value > CBEC_LIMIT_CNY
            pack = product.pack
            if over_cbec:
                qty_median, min_qty = 3.0, 1
            else:
                factor = 0.25 if product.pack == 1 else 1.0
                qty_median = max(1.0, median_qty * factor)
                min_qty = max(pack, int(min_qty_base * factor) // pack * pack)  # whole cases
                if kind is SupplierKind.PLATFORM_SELLER:
                    min_qty = 1
            break_qty, break_price = 0, 0.0
            bulk_kind = kind not in (SupplierKind.TRADER, SupplierKind.PLATFORM_SELLER)
            if not over_cbec and rng.random() < (0.5 if bulk_kind else 0.2):
                break_qty = min_qty * rng.choice((5, 10)) if min_qty > 1 else rng.choice((12, 24))
                break_price = _round_price(base_price * (1 - rng.uniform(0.03, 0.08)), currency)
            channel.quoted.append(
                _Quoted(
                    product_id=product_id,
                    base_price=base_price,
                    min_qty=min_qty,
                    break_qty=break_qty,
                    break_price=break_price,
                    log_median_qty=math.log(qty_median),
                    pack=pack,
                    over_cbec=over_cbec,
                    freight=freight,
                    insurance=insurance,
                )
            )


def _record_planted(plan: _Plan) -> None:
    """Name where each pattern was planted, in the words of docs/standings-and-flags.md."""
    channels = plan.channels

    def first(test: Callable[[_Channel], bool]) -> _Channel | None:
        return next((c for c in channels if test(c)), None)

    def by_role(role: str) -> Callable[[_Channel], bool]:
        return lambda c: c.supplier.role == role

    def until(c: _Channel) -> str:
        return "" if c.authorized_until is None else str(from_day_number(c.authorized_until))

    as_of = from_day_number(plan.as_of)
    patterns = len(plan.suppliers) >= MIN_SUPPLIERS_FOR_PATTERNS
    table: list[tuple[str, Callable[[_Channel], bool], Callable[[_Channel], str]]] = [
        (
            "STEADY_VERTICAL",
            lambda c: c.tier == 0,
            lambda c: "brand owner: in full, on time, steady",
        ),
        (
            "NOISY_COMPOSITE",
            lambda c: c.tier >= 4 and not c.supplier.role,
            lambda c: f"tier-{c.tier} chain: short, late, variable lead times, rejects",
        ),
        (
            "PRICE_SPIKE",
            by_role("spike"),
            lambda c: (
                f"prices up {SPIKE_FACTOR - 1:.0%} from {SPIKE_DAYS_BEFORE} days before as_of"
            ),
        ),
        (
            "AUTH_EXPIRING",
            by_role("expiring"),
            lambda c: f"authorization {c.authorization_ref} ends {until(c)}",
        ),
        (
            "AUTH_EXPIRED",
            by_role("expired"),
            lambda c: f"authorization {c.authorization_ref} ended {until(c)}",
        ),
        (
            "NEGATIVE_MARGIN",
            by_role("loss"),
            lambda c: "premium cosmetics quoted near retail: landed cost above net revenue",
        ),
        (
            "SINGLE_CHANNEL",
            by_role("single"),
            lambda c: "hot-selling brand, one exclusive importer",
        ),
        (
            "COMPOSITE_ONLY",
            lambda c: patterns and c.brand.name == COMPOSITE_ONLY_BRAND,
            lambda c: "hot-selling brand with composite channels only",
        ),
        (
            "OVER_CBEC_LIMIT",
            lambda c: c.active and not c.quotes_lapse and any(q.over_cbec for q in c.quoted),
            lambda c: f"unit value over CNY {CBEC_LIMIT_CNY:,.0f}: general trade",
        ),
        ("FILL_DROP", by_role("fill_drop"), lambda c: "fill rate fell in the current window"),
        ("STALE", by_role("stale"), lambda c: "nothing delivered for more than 180 days"),
        ("THIN_HISTORY", by_role("thin"), lambda c: "new supplier with 3 purchase lines"),
        ("QUOTE_EXPIRED", lambda c: c.quotes_lapse, lambda c: f"quotes lapsed before {as_of}"),
    ]
    for flag, test, detail in table:
        channel = first(test)
        if channel is not None:
            supplier = None if flag == "COMPOSITE_ONLY" else channel.supplier.code
            plan.planted.append(PlantedPattern(flag, supplier, channel.brand.name, detail(channel)))


# --------------------------------------------------------------------------- exchange rates


def _plan_rates(plan: _Plan) -> None:
    """A weekly demo feed ending on as_of: a mild random walk pulled back to realistic levels."""
    rng = plan.rng
    weeks = math.ceil((plan.as_of - plan.history_start) / 7)
    plan.first_rate_day = plan.as_of - 7 * weeks
    used = {s.currency for s in plan.suppliers if s.currency}
    if "HKD" in used:
        used.add("USD")  # HKD follows the US dollar through its peg
    for currency in BASE_RATES:
        if currency not in used or currency == "HKD":
            continue
        base = math.log(BASE_RATES[currency])
        sigma = WEEKLY_RATE_VOLATILITY.get(currency, DEFAULT_WEEKLY_VOLATILITY)
        level = base + rng.gauss(0, 2 * sigma)
        series: list[float] = []
        for _week in range(weeks + 1):
            series.append(float(f"{math.exp(level):.6g}"))
            level += 0.06 * (base - level) + rng.gauss(0, sigma)
        plan.rates[currency] = series
    if "HKD" in used:
        plan.rates["HKD"] = [
            float(f"{usd / HKD_PER_USD * (1 + rng.uniform(-0.001, 0.001)):.6g}")
            for usd in plan.rates["USD"]
        ]
    plan.rates = {c: plan.rates[c] for c in sorted(plan.rates)}


# --------------------------------------------------------------------------- purchase history


def _order_day_weight(day: dt.date, years_in: float) -> float:
    """Buying follows the calendar: working days, stocking before big sales, a quiet New Year."""
    weight = (1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.15)[day.weekday()]
    month_day = (day.month, day.day)
    if (10, 1) <= month_day <= (11, 5):
        weight *= 1.5  # stocking for Singles' Day, 11 November
    elif (5, 1) <= month_day <= (6, 5):
        weight *= 1.35  # stocking for the 618 festival
    elif (1, 20) <= month_day <= (2, 20):
        weight *= 0.55  # around Chinese New Year
    return weight * (1 + 0.12 * years_in)  # the business grows


def _lines_per_day(plan: _Plan, total: int) -> list[int]:
    days = range(plan.history_start, plan.as_of + 1)
    weights = [_order_day_weight(from_day_number(d), (d - plan.history_start) / 365) for d in days]
    grand = sum(weights)
    counts: list[int] = []
    running = 0.0
    assigned = 0
    for weight in weights:
        running += weight
        upto = round(running / grand * total)
        counts.append(upto - assigned)
        assigned = upto
    counts[-1] += total - assigned
    return counts


def _planted_lines(plan: _Plan, budget: int) -> dict[int, list[_Channel]]:
    """Lines placed by hand so that thin, stale and spiking suppliers show on any seed."""
    as_of = plan.as_of
    wanted: list[tuple[str, tuple[int, ...]]] = [
        ("thin", (70, 55, 41)),
        # Delivered long ago, inside the window; then two orders that never came.
        ("stale", (320, 290, 170, 125)),
        # Before the 90 days the price-spike flag looks at, then either side of the rise.
        ("spike", (170, 140, 115, 95, 80, 60, 40, 30, 20, 10)),
    ]
    planted: dict[int, list[_Channel]] = {}
    for role, days_back in wanted:
        channel = next((c for c in plan.channels if c.supplier.role == role), None)
        if channel is None:
            continue
        for back in days_back:
            if budget <= 0:
                return planted
            planted.setdefault(as_of - back, []).append(channel)
            budget -= 1
    return planted


# Standard normal quantiles: one uniform draw and a lookup replaces the much
# slower random.gauss in the million-line loop.
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))


def _purchase_history(
    plan: _Plan, n_lines: int, writer: _Writer
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Purchase lines in order-date order (PO-000001 is the oldest) and deliveries, in chunks."""
    rnd = plan.rng.random
    normal = _NORMAL
    as_of = plan.as_of
    window_start = as_of - WINDOW_DAYS
    planted = _planted_lines(plan, n_lines)
    n_pool = n_lines - sum(len(v) for v in planted.values())
    pick_channel = _channel_picker(plan)
    per_day = _lines_per_day(plan, n_pool) if n_pool > 0 else []

    date_value = writer.date_value
    money = writer.money
    fx_value = writer.fx_value
    first_rate_day = plan.first_rate_day
    rates = plan.rates
    cbec, general, postal = Regime.CBEC.value, Regime.GENERAL.value, Regime.POSTAL.value
    owner_kind = SupplierKind.BRAND_OWNER
    distributor_kind = SupplierKind.AUTHORIZED_DISTRIBUTOR
    small_lot_kinds = (SupplierKind.TRADER, SupplierKind.PLATFORM_SELLER)

    line_rows: list[tuple[Any, ...]] = []
    delivery_rows: list[tuple[Any, ...]] = []
    line_id = 0
    for offset in range(as_of - plan.history_start + 1):
        day = plan.history_start + offset
        todays = [pick_channel(day) for _ in range(per_day[offset] if per_day else 0)]
        todays.extend(planted.get(day, ()))
        for channel in todays:
            line_id += 1
            kind = channel.supplier.kind
            currency = channel.supplier.currency
            item = channel.quoted[int(rnd() * len(channel.quoted))]
            qty = int(math.exp(item.log_median_qty + 0.6 * normal[int(rnd() * 4096)]) + 0.5)
            if item.pack > 1 and qty >= item.pack:
                qty = qty // item.pack * item.pack
            if qty < item.min_qty:
                qty = item.min_qty

            price = item.base_price
            if item.break_qty and qty >= item.break_qty:
                price = item.break_price
            # Prices creep up about 2.5% a year; each line scatters around the list price.
            price *= 1.0 - 0.025 * (as_of - day) / 365
            profile = channel.recent_profile if day > window_start else channel.profile
            scatter = profile.price_sd * normal[int(rnd() * 4096)]
            price *= 1.0 + max(-2 * profile.price_sd, min(2 * profile.price_sd, scatter))
            if channel.spike_day is not None and day >= channel.spike_day:
                price *= channel.spike_factor
            price = _round_price(price, currency)

            if item.over_cbec:
                regime = general
            elif kind is owner_kind and rnd() < 0.3:
                regime = general  # bulk B2B shipments go through general trade
            elif kind is distributor_kind and rnd() < 0.1:
                regime = general
            elif kind in small_lot_kinds and qty <= 24 and rnd() < 0.25:
                regime = postal  # small parcels sent as personal articles
            else:
                regime = cbec
            line_rows.append(
                (
                    line_id,
                    f"PO-{line_id:06d}",
                    channel.id,
                    item.product_id,
                    date_value(day),
                    date_value(day + channel.lead_days),
                    qty,
                    money(price),
                    currency,
                    fx_value(rates[currency][(day - first_rate_day) // 7]),
                    regime,
                    1,
                )
            )
            for arrival_day, delivered, rejected, clearance in _arrivals(
                rnd, profile, day, channel.lead_days, qty
            ):
                # Nothing dated after as_of has happened yet; a stale supplier stopped earlier.
                if arrival_day <= channel.delivery_cutoff:
                    delivery_rows.append(
                        (line_id, date_value(arrival_day), delivered, rejected, clearance)
                    )

        if len(line_rows) >= CHUNK_LINES:
            yield line_rows, delivery_rows
            line_rows, delivery_rows = [], []
    if line_rows:
        yield line_rows, delivery_rows


def _channel_picker(plan: _Plan) -> Callable[[int], _Channel]:
    """Choose the channel of a new line: bigger suppliers and hot brands get more orders."""
    rnd = plan.rng.random
    pool = [c for c in plan.channels if c.supplier.role != "thin" and c.quoted]
    brand_weight: dict[int, float] = {}
    for channel in pool:
        sid = channel.supplier.id
        brand_weight[sid] = brand_weight.get(sid, 0.0) + channel.brand.popularity
    cum: list[float] = []
    total = 0.0
    for channel in pool:
        share = channel.brand.popularity / brand_weight[channel.supplier.id]
        total += channel.supplier.order_weight * share
        cum.append(total)
    last = len(pool) - 1

    def pick(day: int) -> _Channel:
        if not pool:
            raise ValueError("the demo has no supplier channel to place purchase lines on")
        for _attempt in range(40):
            channel = pool[min(bisect.bisect_right(cum, rnd() * total), last)]
            if channel.first_order_day <= day <= channel.last_order_day:
                return channel
        return next(
            (c for c in pool if c.first_order_day <= day <= c.last_order_day),
            pool[0],
        )

    return pick


def _arrivals(
    rnd: Callable[[], float], profile: _SupplyProfile, day: int, lead_days: int, qty: int
) -> list[tuple[int, int, int, int]]:
    """What actually arrived for one line: (day, delivered, rejected, clearance days) parts."""
    if rnd() < profile.p_never:
        return []
    lead = lead_days + profile.lead_bias
    lead = int(round(lead * (1.0 + profile.lead_cv * _NORMAL[int(rnd() * 4096)])))
    if rnd() < profile.p_late:
        low, high = profile.late_days
        lead += low + int(rnd() * (high - low + 1))
    lead = max(1, lead)
    delivered = qty
    if rnd() < profile.p_short:
        low_s, high_s = profile.short_share
        delivered = max(1, qty - max(1, int(qty * (low_s + rnd() * (high_s - low_s)))))
    elif rnd() < profile.p_over:
        delivered = qty + max(1, int(qty * 0.03))
    rejected = 0
    if rnd() < profile.p_reject:
        low_r, high_r = profile.reject_share
        rejected = min(delivered, max(1, int(delivered * (low_r + rnd() * (high_r - low_r)))))
    low_c, high_c = profile.clearance
    clearance = min(lead, low_c + int(rnd() * (high_c - low_c + 1)))
    first_day = day + lead
    if delivered < 2 or rnd() >= profile.p_split:
        return [(first_day, delivered, rejected, clearance)]
    # Split: most of the goods first, the balance on a later date.
    part = max(1, int(delivered * (0.5 + rnd() * 0.3)))
    part_rejected = rejected * part // delivered
    low_g, high_g = profile.split_gap
    second_day = first_day + low_g + int(rnd() * (high_g - low_g + 1))
    return [
        (first_day, part, part_rejected, clearance),
        (second_day, delivered - part, rejected - part_rejected, clearance),
    ]


# --------------------------------------------------------------------------- writing


LINE_COLUMNS = (
    "id, line_ref, channel_id, product_id, order_date, promised_date, ordered_qty, unit_price, "
    "currency, fx_rate, regime, version"
)
DELIVERY_COLUMNS = "line_id, delivered_date, delivered_qty, rejected_qty, clearance_days"


class _Writer:
    """Driver-level executemany in the placeholder and value forms each dialect wants."""

    def __init__(self, conn: Connection, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect
        self.mark = "%s" if dialect == "postgresql" else "?"
        self.date_value: Callable[[int], Any] = lru_cache(maxsize=None)(
            lambda day: date_param(dialect, from_day_number(day))
        )
        if dialect == "sqlite":
            # The SQLite driver has no Decimal; NUMERIC columns store the float.
            self.money: Callable[[float], Any] = lambda value: round(value, 4)
            self.fx_value: Callable[[float], Any] = lambda value: value
        else:
            self.money = lambda value: Decimal(f"{value:.4f}")
            self.fx_value = lambda value: Decimal(repr(value))

    def optional_date(self, day: int | None) -> Any:
        return None if day is None else self.date_value(day)

    def insert(
        self, table: str, columns: str, rows: list[tuple[Any, ...]], *, skip_existing: bool = False
    ) -> None:
        if not rows:
            return
        marks = ", ".join([self.mark] * (columns.count(",") + 1))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        if skip_existing:
            sql += " ON CONFLICT DO NOTHING"
        self.conn.exec_driver_sql(sql, rows)

    def insert_records(self, table: str, records: list[dict[str, Any]]) -> None:
        """Small tables: one dict per row keeps every value next to its column name."""
        if records:
            columns = list(records[0])
            rows = [tuple(record[c] for c in columns) for record in records]
            self.insert(table, ", ".join(columns), rows)

    def tax_categories(self, new: list[str], ids: dict[str, int]) -> None:
        rate = self.money if self.dialect == "sqlite" else (lambda v: Decimal(str(v)))
        records = []
        for key in new:
            name, tariff, consumption, vat, postal = TAX_CATEGORIES[key]
            records.append(
                {
                    "id": ids[key],
                    "name": name,
                    "tariff": rate(tariff),
                    "consumption_tax": rate(consumption),
                    "vat": rate(vat),
                    "postal_rate": rate(postal),
                    "version": 1,
                }
            )
        self.insert_records("tax_category", records)

    def brands(self, plan: _Plan) -> None:
        rng = plan.rng
        records = []
        for brand in plan.brands:
            prices = sorted(plan.product(p).retail for p in brand.product_ids)
            demand = rng.randint(6, 30) * 500 if brand.hot else rng.randint(3, 25) * 100
            if brand.line == "fashion":
                demand //= 4  # bags and scarves sell in far smaller numbers
            records.append(
                {
                    "id": brand.id,
                    "name": brand.name,
                    "origin_country": brand.origin,
                    "category": CATEGORY_LABEL[brand.line],
                    "hot_selling": brand.hot,
                    "planned_monthly_demand": demand,
                    "target_retail_price": self.money(prices[len(prices) // 2]),
                    "archived": False,
                    "version": 1,
                }
            )
        self.insert_records("brand", records)

    def products(self, plan: _Plan) -> None:
        records = [
            {
                "id": p.id,
                "sku": p.sku,
                "brand_id": p.brand_id,
                "name": p.name,
                "tax_category_id": plan.tax_ids[p.tax_key],
                "retail_price": self.money(p.retail),
                "unit_weight_kg": self.money(p.weight),
                "archived": False,
                "version": 1,
            }
            for p in plan.products
        ]
        self.insert_records("product", records)

    def suppliers(self, plan: _Plan) -> None:
        rng = plan.rng
        names: set[str] = set()
        records = []
        for supplier in plan.suppliers:
            first = plan.channels[supplier.channel_ids[0] - 1] if supplier.channel_ids else None
            name = _company_name(rng, supplier, first.brand if first else None, names)
            names.add(name)
            person = rng.choice(CONTACT_NAMES.get(supplier.country, CONTACT_NAMES["CN"]))
            words = ["".join(ch for ch in w if ch.isalnum()) for w in _ascii(name).lower().split()]
            domain = "-".join([w for w in words if w][:2])
            local = ".".join(_ascii(person).lower().replace("-", "").split())
            low, high, step = KIND_CAPACITY[supplier.kind]
            records.append(
                {
                    "id": supplier.id,
                    "code": supplier.code,
                    "name": name,
                    "country": supplier.country,
                    "kind": supplier.kind.value,
                    # Fictional addresses on the reserved .example domain.
                    "contact": f"{person} <{local}@{domain}.example>",
                    "notes": rng.choice(KIND_NOTES[supplier.kind]) if rng.random() < 0.25 else "",
                    "monthly_capacity": rng.randint(low // step, high // step) * step,
                    "archived": False,
                    "version": 1,
                }
            )
        self.insert_records("supplier", records)

    def channels(self, plan: _Plan) -> None:
        d = self.optional_date
        records = [
            {
                "id": c.id,
                "supplier_id": c.supplier.id,
                "brand_id": c.brand.id,
                "tier": c.tier,
                "authorization_ref": c.authorization_ref,
                "authorized_until": d(c.authorized_until),
                "contract_start": d(c.contract_start),
                "contract_end": d(c.contract_end),
                "exclusive": c.exclusive,
                "active": c.active,
                "version": 1,
            }
            for c in plan.channels
        ]
        self.insert_records("channel", records)

    def quotes(self, plan: _Plan) -> int:
        rng = plan.rng
        as_of = plan.as_of
        records: list[dict[str, Any]] = []
        for channel in plan.channels:
            if not channel.active and channel.contract_end is not None:
                valid_to: int | None = channel.contract_end
                valid_from = channel.contract_end - rng.randint(100, 300)
            elif channel.quotes_lapse:
                valid_to = as_of - rng.randint(5, 60)
                valid_from = valid_to - rng.randint(90, 270)
            else:
                valid_from = max(as_of - rng.randint(20, 200), channel.first_order_day)
                valid_to = as_of + rng.randint(30, 240) if rng.random() < 0.7 else None
            # A price rise is a new price list; the old one stays on file, expired.
            price_lists: list[tuple[int, int | None, float]] = [(valid_from, valid_to, 1.0)]
            if channel.spike_day is not None:
                old_from = as_of - rng.randint(200, 400)
                price_lists = [
                    (old_from, channel.spike_day - 1, 1.0),
                    (channel.spike_day, valid_to, channel.spike_factor),
                ]
            for item in channel.quoted:
                breaks = [(item.min_qty, item.base_price)]
                if item.break_qty:
                    breaks.append((item.break_qty, item.break_price))
                for list_from, list_to, factor in price_lists:
                    for min_qty, price in breaks:
                        quote = self._quote(channel, item, min_qty, price * factor)
                        quote["valid_from"] = self.date_value(list_from)
                        quote["valid_to"] = self.optional_date(list_to)
                        records.append(quote)
        self.insert_records("quote", records)
        return len(records)

    def _quote(
        self, channel: _Channel, item: _Quoted, min_qty: int, price: float
    ) -> dict[str, Any]:
        currency = channel.supplier.currency
        return {
            "channel_id": channel.id,
            "product_id": item.product_id,
            "unit_price": self.money(_round_price(price, currency)),
            "currency": currency,
            "incoterm": channel.incoterm,
            "min_qty": min_qty,
            "lead_time_days": channel.lead_days,
            "freight_per_unit": self.money(item.freight),
            "insurance_per_unit": self.money(item.insurance),
            "version": 1,
        }

    def rates(self, plan: _Plan) -> int:
        rows = [
            (
                currency,
                self.date_value(plan.first_rate_day + 7 * week),
                self.fx_value(rate),
                RateKind.FEED.value,
                RATE_SOURCE,
            )
            for currency, series in plan.rates.items()
            for week, rate in enumerate(series)
        ]
        # Rates the real feed already stored for the same days are kept as they are.
        self.insert(
            "exchange_rate",
            "currency, rate_date, rate_to_home, kind, source",
            rows,
            skip_existing=True,
        )
        return len(rows)

    def purchase_lines(self, rows: list[tuple[Any, ...]]) -> None:
        self.insert("purchase_line", LINE_COLUMNS, rows)

    def deliveries(self, rows: list[tuple[Any, ...]]) -> None:
        self.insert("delivery", DELIVERY_COLUMNS, rows)

    def fix_sequences(self, tables: Sequence[str]) -> None:
        """PostgreSQL sequences do not see explicit ids; move them past the demo's rows."""
        if self.dialect != "postgresql":
            return
        for table in tables:
            self.conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} "
                "HAVING COUNT(*) > 0"
            )


def _company_name(
    rng: random.Random, supplier: _Supplier, brand: _Brand | None, taken: set[str]
) -> str:
    kind, country = supplier.kind, supplier.country
    name = ""
    for _attempt in range(8):
        if kind is SupplierKind.BRAND_OWNER and brand is not None:
            name = f"{brand.name} {OWNER_LEGAL_FORM.get(country, 'Ltd')}"
        elif kind is SupplierKind.BONDED_WAREHOUSE:
            name = (
                f"{rng.choice(BONDED_CITIES)} {rng.choice(CN_WORDS)} {rng.choice(BONDED_SUFFIXES)}"
            )
        elif kind is SupplierKind.PLATFORM_SELLER:
            name = f"{rng.choice(CN_WORDS)} {rng.choice(PLATFORM_SUFFIXES)}"
        elif country == "CN":
            name = f"{rng.choice(CN_CITIES)} {rng.choice(CN_WORDS)} {rng.choice(CN_SUFFIXES)}"
        elif country == "HK":
            name = f"{rng.choice(CN_WORDS)} {rng.choice(HK_SUFFIXES)}"
        else:
            stems, forms = FOREIGN_COMPANIES[country]
            name = f"{rng.choice(stems)} {rng.choice(forms)}"
        if name not in taken:
            return name
    # Many suppliers share a handful of stems; a branch number keeps names apart.
    branch = 2
    while f"{name} (Branch {branch})" in taken:
        branch += 1
    return f"{name} (Branch {branch})"


def _write_home_currency(conn: Connection) -> None:
    present = conn.exec_driver_sql("SELECT 1 FROM setting WHERE key = 'home_currency'").first()
    if present is None:
        conn.execute(
            insert(Setting), [{"key": "home_currency", "value": json.dumps(HOME_CURRENCY)}]
        )


def _write_audit(conn: Connection, summary: DemoSummary) -> None:
    changes = {
        **summary.counts(),
        "seed": summary.seed,
        "history_start": summary.history_start.isoformat(),
        "as_of": summary.as_of.isoformat(),
    }
    conn.execute(
        insert(AuditEntry),
        [
            {
                # The demo's own date, never the wall clock, so it is reproducible.
                "at": dt.datetime.combine(summary.as_of, dt.time(), tzinfo=dt.UTC),
                "who": "demo",
                "entity": "portfolio",
                "entity_key": f"seed {summary.seed}",
                "action": "demo",
                "changes": json.dumps(changes, sort_keys=True),
            }
        ],
    )
