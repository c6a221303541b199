"""Each supplier's sums at every point, built from the SQL's groups (services.history.aggregates).

A group counts at a run of consecutive points (services.history.cuts), so it
is added once where the run starts and taken off where it ends; a running
total over the points then gives each point's sums. Only a straddling line's
deliveries are seen one by one. The counts and units are
integers, so this is exact; prices are floats, added the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sourcing_app.services.history.cuts import FIELD, FIELD_BITS
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
    """One supplier's sums at each point (index = point), as differences until settled."""

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

    def settle_lines(self) -> None:
        """Turn the lines' difference series into running totals, one per point."""
        _run(self.due_lines)
        _run(self.ordered_due)
        for series in self.by_channel.values():
            _run(series)
        for series in self.by_product.values():
            _run(series)
        for triple in self.prices.values():
            for series in triple:
                _run(series)

    def settle_deliveries(self) -> None:
        """Turn the deliveries' difference series into running totals, one per point."""
        for series in self.delivery:
            _run(series)


def _run(series: list[Any]) -> None:
    total = series[0]
    for i in range(1, len(series)):
        total = total + series[i]
        series[i] = total


class SeriesBuilder:
    """Every supplier's series, built from the statements' groups as each statement ends.

    (services.history.aggregates.) The lines feed the channel, SKU and due-line
    series, the deliveries, straddling lines and returns the delivery series;
    the two never touch the same series, so the statements may end in any
    order. The lines may come in `line_shares` parts (each a share of the
    channels). Call `add_split` with the deliveries of `straddling` once every
    delivery group is in, then `finish`. PostgreSQL hands sums of integers
    back as Decimal and of prices as NUMERIC: counts become int, prices float,
    as the scoring run reads them.
    """

    def __init__(self, reference: Reference, size: int, line_shares: int = 1) -> None:
        self.channels = reference.channels
        self.size = size  # the number of points
        self.series: dict[int, SupplierSeries] = {}
        self.straddling: list[int] = []  # lines whose deliveries arrive over several points
        self._line_shares_left = line_shares  # the lines' series are settled when it is 0

    def series_of(self, supplier_id: int) -> SupplierSeries:
        s = self.series.get(supplier_id)
        if s is None:
            s = self.series[supplier_id] = SupplierSeries(self.size)
        return s

    def add_lines(self, line_rows: Iterable[Any]) -> None:
        """The groups of one share of the lines' statement (of `line_shares`)."""
        channels, series_of, n = self.channels, self.series_of, self.size + 1
        mask = FIELD - 1
        for channel_id, product_id, key, lines, ordered, price, price_sq in line_rows:
            channel = channels.get(channel_id)
            if channel is None:
                continue
            due = key & mask
            last = (key >> FIELD_BITS) & mask
            first = key >> (2 * FIELD_BITS)
            if first > last:
                continue
            s = series_of(channel[0])
            ordered = int(ordered)
            series = s.by_channel.get(channel_id)
            if series is None:
                series = s.by_channel[channel_id] = [0] * n
            series[first] += ordered
            series[last + 1] -= ordered
            series = s.by_product.get(product_id)
            if series is None:
                series = s.by_product[product_id] = [0] * n
            series[first] += ordered
            series[last + 1] -= ordered
            if due > first:
                first = due
            if first > last:
                continue
            lines = int(lines)
            s.due_lines[first] += lines
            s.due_lines[last + 1] -= lines
            s.ordered_due[first] += ordered
            s.ordered_due[last + 1] -= ordered
            triple = s.prices.get(product_id)
            if triple is None:
                triple = s.prices[product_id] = [[0] * n, [0.0] * n, [0.0] * n]
            counts, prices, squares = triple
            counts[first] += lines
            counts[last + 1] -= lines
            price, price_sq = float(price), float(price_sq)
            prices[first] += price
            prices[last + 1] -= price
            squares[first] += price_sq
            squares[last + 1] -= price_sq
        self._line_shares_left -= 1
        if self._line_shares_left:
            return
        # Every line is in: the running totals now, while other statements may still run.
        for s in self.series.values():
            s.settle_lines()

    def add_deliveries(self, delivery_rows: Iterable[Any]) -> None:
        series_of, straddling = self.series_of, self.straddling
        mask = FIELD - 1
        for key, *sums in delivery_rows:
            if key < 0:
                straddling.append(-key)
                continue
            last = key & mask
            first = (key >> FIELD_BITS) & mask
            s = series_of(key >> (2 * FIELD_BITS))
            for series, value in zip(s.delivery, sums, strict=False):
                value = int(value or 0)
                series[first] += value
                series[last + 1] -= value

    def add_split(self, split_rows: Iterable[Any]) -> None:
        """The deliveries of the `straddling` lines, one row each (`HistoryQuery.split_rows`)."""
        _add_split(split_rows, self.series_of)

    def add_returns(self, return_rows: Iterable[Any]) -> None:
        returned = DELIVERY_FIELDS.index("fault_returned")  # the last: from the returns' groups
        channels = self.channels
        for channel_id, first, last, units in return_rows:
            channel = channels.get(channel_id)
            if channel is None or first > last:
                continue
            units = int(units)
            series = self.series_of(channel[0]).delivery[returned]
            series[first] += units
            series[last + 1] -= units

    def finish(self) -> dict[int, SupplierSeries]:
        """The series, each turned into running totals: one sum per point."""
        for s in self.series.values():
            if self._line_shares_left:  # not every share came: settled here instead
                s.settle_lines()
            s.settle_deliveries()
        return self.series


def _add_split(rows: Iterable[Any], series_of: Callable[[int], SupplierSeries]) -> None:
    """The straddling lines' deliveries, each counted from the first point it is dated by.

    A line's capped figures (accepted and on-time units, at most its ordered
    quantity) grow as its deliveries arrive: in date order, each delivery adds
    the capped running total less the capped total before it, so at every
    point the steps counted add up to that point's capped figure.
    """
    by_line: dict[int, list[Any]] = {}
    for row in rows:
        by_line.setdefault(row[1], []).append(row)
    for deliveries in by_line.values():
        deliveries.sort(key=lambda row: row[5])
        supplier_id, _line, ordered, due, last = deliveries[0][:5]
        ordered = int(ordered)
        s = series_of(supplier_id)
        accepted = on_time = 0
        for row in deliveries:
            first = max(due, row[5])
            if first > last:
                break  # this and every later delivery arrive after the line leaves the window
            steps = []
            for total_before, added in ((accepted, int(row[6])), (on_time, int(row[7]))):
                total = total_before + added
                steps.append(min(total, ordered) - min(total_before, ordered))
            accepted += int(row[6])
            on_time += int(row[7])
            lead = int(row[8])
            values = (*steps, 1, lead, lead * lead, int(row[9]), int(row[10]), row[11], row[12])
            for series, value in zip(s.delivery, values, strict=False):
                series[first] += value
                series[last + 1] -= value
