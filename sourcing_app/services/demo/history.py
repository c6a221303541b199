"""The purchase history: two years of purchase lines and what arrived for each.

Lines follow the buying calendar and favour bigger suppliers and hot brands.
They are drawn in order-date order and handed to the bulk writer in chunks
(docs/performance.md), so a million lines take seconds and memory stays flat.
The hot loop uses `rng.random` and a table of normal quantiles only.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Iterator
from typing import Any

from sourcing_app.db.types import from_day_number
from sourcing_app.domain.enums import Regime, SupplierKind
from sourcing_app.services.demo.after_sale import AfterSale
from sourcing_app.services.demo.bulk import BulkWriter
from sourcing_app.services.demo.patterns import planted_lines
from sourcing_app.services.demo.plan import WINDOW_DAYS, Plan, PlannedChannel
from sourcing_app.services.demo.prices import round_price
from sourcing_app.services.demo.supply import NORMAL, arrivals

# Lines handed to the writer at a time: memory stays flat at a million lines.
CHUNK_LINES = 20_000


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


def _lines_per_day(plan: Plan, total: int) -> list[int]:
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


Rows = list[tuple[Any, ...]]


def purchase_history(
    plan: Plan, n_lines: int, writer: BulkWriter
) -> Iterator[tuple[Rows, Rows, Rows]]:
    """Purchase lines in order-date order (PO-000001 is the oldest), their deliveries and
    returns after sale, in chunks."""
    rnd = plan.rng.random
    normal = NORMAL
    as_of = plan.as_of
    window_start = as_of - WINDOW_DAYS
    planted = planted_lines(plan, n_lines)
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

    after_sale = AfterSale(plan)
    side = after_sale.rnd
    line_rows: Rows = []
    delivery_rows: Rows = []
    return_rows: Rows = []
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
            price = round_price(price, currency)

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
            parts = []
            for arrival_day, delivered, rejected, clearance in arrivals(
                rnd, profile, day, channel.lead_days, qty
            ):
                # Nothing dated after as_of has happened yet; a stale supplier stopped earlier.
                if arrival_day <= channel.delivery_cutoff:
                    if channel.slow_customs:
                        clearance = after_sale.clearance(clearance, arrival_day - day)
                    delivery_rows.append(
                        (line_id, date_value(arrival_day), delivered, rejected, clearance)
                    )
                    parts.append((arrival_day, delivered - rejected))
            # One draw tells most lines they see no return (after_sale.py).
            ordinary = bool(parts) and side() < channel.return_chance
            if ordinary or (parts and channel.returns_planted):
                for returned in after_sale.returns(channel, line_id, day, parts, ordinary):
                    return_line, return_day, units, reason = returned
                    return_rows.append((return_line, date_value(return_day), units, reason, 1))

        if len(line_rows) >= CHUNK_LINES:
            yield line_rows, delivery_rows, return_rows
            line_rows, delivery_rows, return_rows = [], [], []
    if line_rows:
        yield line_rows, delivery_rows, return_rows


def _channel_picker(plan: Plan) -> Callable[[int], PlannedChannel]:
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

    def pick(day: int) -> PlannedChannel:
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
