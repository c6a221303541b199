"""Each supplier's sums at every point, built from the bucketed groups (no line is seen here).

A group counts at a run of consecutive points (`PointCuts.points_of`), so it is
added once where the run starts and taken off where it ends; a running total
over the points then gives each point's sums. The counts and units are
integers, so this is exact; prices are floats, added the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sourcing_app.services.history.cuts import PointCuts
from sourcing_app.services.scoring.reference import Reference

# The per-supplier series, in the order of a delivery group's sums.
DELIVERY_FIELDS = (
    "accepted",
    "on_time",
    "deliveries",
    "lead_sum",
    "lead_sq",
    "delivered",
    "rejected",
    "clearance_recorded",
    "cleared_in_target",
    "fault_returned",
)


@dataclass(slots=True)
class SupplierSeries:
    """One supplier's sums at each point (index = point), as differences until `settle`."""

    size: int
    due_lines: list[Any] = field(default_factory=list)
    ordered_due: list[Any] = field(default_factory=list)
    delivery: list[list[Any]] = field(default_factory=list)  # per DELIVERY_FIELDS
    by_channel: dict[int, list[Any]] = field(default_factory=dict)  # units ordered in the window
    by_product: dict[int, list[Any]] = field(default_factory=dict)
    prices: dict[int, list[list[Any]]] = field(default_factory=dict)  # due lines, Σp, Σp²

    def __post_init__(self) -> None:
        n = self.size + 1
        self.due_lines = [0] * n
        self.ordered_due = [0] * n
        self.delivery = [[0] * n for _ in DELIVERY_FIELDS]

    def settle(self) -> None:
        """Turn every difference series into running totals, one per point."""
        _run(self.due_lines)
        _run(self.ordered_due)
        for series in self.delivery:
            _run(series)
        for series in self.by_channel.values():
            _run(series)
        for series in self.by_product.values():
            _run(series)
        for triple in self.prices.values():
            for series in triple:
                _run(series)


def _run(series: list[Any]) -> None:
    total = series[0]
    for i in range(1, len(series)):
        total = total + series[i]
        series[i] = total


def _add(series: list[Any], first: int, last: int, value: Any) -> None:
    series[first] += value
    series[last + 1] -= value


def build_series(
    line_rows: Iterable[Any],
    delivery_rows: Iterable[Any],
    return_rows: Iterable[Any],
    reference: Reference,
    cuts: PointCuts,
) -> dict[int, SupplierSeries]:
    """Every supplier's series from the two statements' groups (services.history.aggregates).

    PostgreSQL hands sums of integers back as Decimal and of prices as NUMERIC:
    counts become int, prices float, as the scoring run reads them.
    """
    size = len(cuts.points)
    channels = reference.channels
    out: dict[int, SupplierSeries] = {}
    points_of = cuts.points_of

    def series_of(channel_id: int) -> SupplierSeries | None:
        channel = channels.get(channel_id)
        if channel is None:
            return None
        s = out.get(channel[0])
        if s is None:
            s = out[channel[0]] = SupplierSeries(size)
        return s

    for channel_id, product_id, ob, ub, lines, ordered, price, price_sq in line_rows:
        s = series_of(channel_id)
        if s is None:
            continue
        lines, ordered = int(lines), int(ordered)
        first, last = points_of(ob, ob)
        if first > last:
            continue
        by_channel = s.by_channel.get(channel_id)
        if by_channel is None:
            by_channel = s.by_channel[channel_id] = [0] * (size + 1)
        _add(by_channel, first, last, ordered)
        by_product = s.by_product.get(product_id)
        if by_product is None:
            by_product = s.by_product[product_id] = [0] * (size + 1)
        _add(by_product, first, last, ordered)
        first, last = points_of(ob, ub)
        if first > last:
            continue
        _add(s.due_lines, first, last, lines)
        _add(s.ordered_due, first, last, ordered)
        triple = s.prices.get(product_id)
        if triple is None:
            triple = s.prices[product_id] = [
                [0] * (size + 1),
                [0.0] * (size + 1),
                [0.0] * (size + 1),
            ]
        _add(triple[0], first, last, lines)
        _add(triple[1], first, last, float(price))
        _add(triple[2], first, last, float(price_sq))

    returned = DELIVERY_FIELDS.index("fault_returned")  # the last: from the returns' groups
    for channel_id, ob, ub, db, *sums in delivery_rows:
        s = series_of(channel_id)
        if s is None:
            continue
        first, last = points_of(ob, max(ub, db))
        if first > last:
            continue
        for series, value in zip(s.delivery[:returned], sums, strict=True):
            _add(series, first, last, int(value or 0))
    for channel_id, ob, ub, rb, units in return_rows:
        s = series_of(channel_id)
        if s is None:
            continue
        first, last = points_of(ob, max(ub, rb))
        if first <= last:
            _add(s.delivery[returned], first, last, int(units))
    for s in out.values():
        s.settle()
    return out
