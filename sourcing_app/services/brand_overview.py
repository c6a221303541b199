"""Per-brand figures (docs/planning.md) for the Brands screen, planning and reports.

Built from a scoring run's SupplierScores plus two small reads: each brand's
channels, and the units ordered per channel in the window. Supplier capacity
is per supplier and shared by every brand it supplies; here each brand sees
the whole of its suppliers' capacity (what it could get if it came first).
Planning is what shares it out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, bindparam, text

from sourcing_app.db.types import DayDate
from sourcing_app.domain.channels import ChannelTerms, channel_type
from sourcing_app.domain.enums import ChannelType, Standing
from sourcing_app.domain.evaluation_types import MarginSummary, SupplierScore
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.landed_cost import LandedCostWalk
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.settings import load_settings

BRAND_FLAG_CODES = frozenset({FlagCode.SINGLE_CHANNEL, FlagCode.COMPOSITE_ONLY})


@dataclass(frozen=True)
class BrandChannel:
    """One supplier's channel for the brand, with its scores for this brand."""

    channel_id: int
    supplier_id: int
    supplier_code: str
    supplier_name: str
    channel_type: ChannelType
    tier: int
    active: bool
    authorized_until: dt.date | None
    monthly_capacity: int | None  # the supplier's, shared with its other brands
    units_in_window: int  # of this brand, ordered through this channel in the window
    standing: Standing
    sourcing_score: float | None
    stability_score: float | None
    fill: float | None  # the supplier's shrunk fill rate, 0..1
    margin_pct: float | None  # mean over the brand's SKUs it quotes; None without a valid quote
    unit_margin: Decimal | None  # mean home-currency margin per unit over those SKUs


@dataclass(frozen=True)
class BrandOverview:
    id: int
    name: str
    category: str
    origin_country: str
    hot_selling: bool
    planned_monthly_demand: int
    channels: tuple[BrandChannel, ...]  # active first, then by sourcing score
    flags: tuple[Flag, ...]

    @property
    def active_channels(self) -> tuple[BrandChannel, ...]:
        return tuple(c for c in self.channels if c.active)

    @property
    def vertical_count(self) -> int:
        return sum(c.channel_type is ChannelType.VERTICAL for c in self.active_channels)

    @property
    def composite_count(self) -> int:
        return sum(c.channel_type is ChannelType.COMPOSITE for c in self.active_channels)

    @property
    def capacity(self) -> int | None:
        """Monthly units the active channels' suppliers can ship; None if none states one."""
        known = [c.monthly_capacity for c in self.active_channels if c.monthly_capacity]
        return sum(known) if known else None

    @property
    def unknown_capacity(self) -> int:
        """Active channels whose supplier has no monthly capacity on record."""
        return sum(c.monthly_capacity is None for c in self.active_channels)

    @property
    def coverage(self) -> float | None:
        """Capacity over planned demand, capped at 1; None without demand or any capacity."""
        if self.planned_monthly_demand <= 0 or self.capacity is None:
            return None
        return min(1.0, self.capacity / self.planned_monthly_demand)

    @property
    def vertical_share_possible(self) -> float | None:
        """The share of demand the vertical channels' capacity could carry, 0..1."""
        if self.planned_monthly_demand <= 0:
            return None
        vertical = sum(
            c.monthly_capacity or 0
            for c in self.active_channels
            if c.channel_type is ChannelType.VERTICAL
        )
        return min(1.0, vertical / self.planned_monthly_demand)

    @property
    def best_margin_pct(self) -> float | None:
        values = [c.margin_pct for c in self.active_channels if c.margin_pct is not None]
        return max(values) if values else None

    @property
    def weighted_margin_pct(self) -> float | None:
        """Mean margin of the active channels, weighted by units ordered in the window."""
        return _weighted([(c.margin_pct, c.units_in_window) for c in self.active_channels])

    @property
    def weighted_stability(self) -> float | None:
        return _weighted([(c.stability_score, c.units_in_window) for c in self.active_channels])

    @property
    def hhi(self) -> float | None:
        """Concentration of the window's units across suppliers: Σ share², 0..1."""
        units = [c.units_in_window for c in self.channels if c.units_in_window > 0]
        total = sum(units)
        if total == 0:
            return None
        return sum((u / total) ** 2 for u in units)

    @property
    def single_point_of_failure(self) -> bool:
        return len(self.active_channels) == 1

    @property
    def at_risk(self) -> bool:
        """A hot-selling brand a buyer should look at today."""
        if not self.hot_selling:
            return False
        if self.single_point_of_failure or self.vertical_count == 0 or self.flags:
            return True
        return any(c.standing is Standing.AVOID for c in self.active_channels)


def _weighted(pairs: list[tuple[float | None, int]]) -> float | None:
    known = [(v, w) for v, w in pairs if v is not None]
    if not known:
        return None
    total = sum(w for _, w in known)
    if total == 0:  # nothing ordered: equal weights, as for a supplier's margin
        return sum(v for v, _ in known) / len(known)
    return sum(v * w for v, w in known) / total


def brand_overviews(
    engine: Engine,
    scores: Sequence[SupplierScore],
    as_of: dt.date,
    settings: ScoringSettings | None = None,
    *,
    include_archived: bool = False,
) -> list[BrandOverview]:
    """Every brand (not archived, unless asked) with its channels and figures, by name.

    Plain SQL rather than ORM objects: building 20,000 ORM channels took most
    of a plan's time over a million lines, and the dashboard's first figures
    need no ORM at all.
    """
    day = DayDate()
    with engine.connect() as conn:
        dialect = conn.dialect
        settings = settings or load_settings(conn)
        window_start = as_of - dt.timedelta(days=settings.window_days)
        archived = "" if include_archived else "WHERE archived = :f "
        brands = conn.execute(
            text(
                "SELECT id, name, category, origin_country, hot_selling, planned_monthly_demand "
                f"FROM brand {archived}ORDER BY name"
            ),
            {"f": False},
        ).all()
        channel_rows = conn.execute(
            text(
                "SELECT c.id, c.supplier_id, c.brand_id, c.tier, c.authorization_ref, "
                "c.authorized_until, c.active, s.code, s.name, s.monthly_capacity "
                "FROM channel c JOIN supplier s ON s.id = c.supplier_id"
            )
        ).all()
        # Most of the table is in the window: on SQLite a scan in storage order
        # beats walking the (channel, date) index, a random read per line (4x).
        hint = "NOT INDEXED" if dialect.name == "sqlite" else ""
        units = dict(
            conn.execute(
                text(
                    f"SELECT channel_id, SUM(ordered_qty) FROM purchase_line {hint} "
                    "WHERE order_date > :start AND order_date <= :as_of GROUP BY channel_id"
                ).bindparams(
                    bindparam("start", type_=DayDate()), bindparam("as_of", type_=DayDate())
                ),
                {"start": window_start, "as_of": as_of},
            ).all()
        )
        skus_by_brand: dict[int, set[str]] = defaultdict(set)
        for brand_id, sku in conn.execute(text("SELECT brand_id, sku FROM product")):
            skus_by_brand[brand_id].add(sku)
    by_supplier = {s.supplier_id: s for s in scores}
    channels_by_brand: dict[int, list[BrandChannel]] = defaultdict(list)
    for cid, sid, bid, tier, ref, until, active, code, name, capacity in channel_rows:
        score = by_supplier.get(sid)
        until_date = day.process_result_value(until, dialect)
        terms = ChannelTerms(int(tier), ref, until_date)
        margin_pct, unit_margin = brand_margins(score, skus_by_brand.get(bid, set()))
        channels_by_brand[bid].append(
            BrandChannel(
                cid,
                sid,
                code,
                name,
                channel_type(terms, as_of),
                int(tier),
                bool(active),
                until_date,
                capacity,
                int(units.get(cid) or 0),
                score.standing if score else Standing.UNRATED,
                score.sourcing_score if score else None,
                score.stability_score if score else None,
                score.sub_scores["fill"].value if score and "fill" in score.sub_scores else None,
                margin_pct,
                unit_margin,
            )
        )
    out = []
    for bid, name, category, origin, hot, demand in brands:
        channels = sorted(
            channels_by_brand.get(bid, []),
            key=lambda c: (not c.active, -(c.sourcing_score or -1.0), c.supplier_code),
        )
        out.append(
            BrandOverview(
                bid,
                name,
                category,
                origin,
                bool(hot),
                demand,
                tuple(channels),
                _brand_flags(name, channels, by_supplier),
            )
        )
    return out


def brand_margins(
    score: SupplierScore | None, skus: set[str]
) -> tuple[float | None, Decimal | None]:
    """A supplier's mean margin % and mean unit margin over the brand's SKUs it quotes."""
    walks = [
        w
        for w in (score.sku_margins if score else ())
        if isinstance(w, (LandedCostWalk, MarginSummary)) and w.sku in skus
    ]
    if not walks:
        return None, None
    pct = sum(float(w.margin_pct) for w in walks) / len(walks)
    unit = (sum((w.margin for w in walks), Decimal(0)) / len(walks)).quantize(Decimal("0.01"))
    return pct, unit


def _brand_flags(
    brand: str, channels: list[BrandChannel], by_supplier: dict[int, SupplierScore]
) -> tuple[Flag, ...]:
    """The brand-level flags scoring attached to the brand's suppliers, once each."""
    seen: dict[tuple[FlagCode, str], Flag] = {}
    for channel in channels:
        score = by_supplier.get(channel.supplier_id)
        for flag in score.flags if score else ():
            # The brand's name stands between spaces in the cause, in either language.
            if flag.code in BRAND_FLAG_CODES and f" {brand} " in flag.message:
                seen.setdefault((flag.code, flag.message), flag)
    return tuple(seen.values())
