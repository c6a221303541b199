"""The points' dates, and the run of points at which a line, delivery or return counts.

A point i (date p_i, window start s_i = p_i − window_days) counts a line when
it was ordered in its window (s_i < order ≤ p_i); counts it as due when, on
top, it is due by p_i (promised date + grace ≤ p_i); and counts a delivery or
a return of a due line when it is dated by p_i. The points are in date order,
so each test holds on a run of consecutive points, and a line's run of window
points is [first point on or after its order, last point whose window start
is before its order]. Every run is therefore two small integers, worked out
in SQL per line from "how many point dates lie before this date" (a binary
search written as nested CASEs, four deep for 13 points).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

# A date's run index fits in 4 bits (up to 15 points share a packed key's field).
FIELD_BITS = 4
FIELD = 1 << FIELD_BITS


class PointCuts:
    """The dates of some points, and SQL for the point indices of a date."""

    def __init__(self, points: Sequence[dt.date], window_days: int) -> None:
        self.points = tuple(points)
        window = dt.timedelta(days=window_days)
        self.starts = tuple(p - window for p in self.points)
        self.first_order = self.starts[0]  # lines ordered after this ...
        self.last_day = self.points[-1]  # ... and up to this can count somewhere

    def count_before_sql(
        self, expr: str, days: Sequence[dt.date], literal: Callable[[dt.date], str]
    ) -> str:
        """How many of the sorted `days` lie strictly before `expr`, as nested CASEs.

        `literal(date)` writes a day as an SQL literal of the stored form.
        """

        def search(low: int, high: int) -> str:
            # The result lies in low..high: days[low - 1] < expr <= days[high].
            if low == high:
                return str(low)
            mid = (low + high) // 2
            return (
                f"CASE WHEN {expr} <= {literal(days[mid])} "
                f"THEN {search(low, mid)} ELSE {search(mid + 1, high)} END"
            )

        return search(0, len(days))

    def first_point_sql(self, expr: str, literal: Callable[[dt.date], str]) -> str:
        """The first point whose date is on or after `expr` (len(points) if none)."""
        return self.count_before_sql(expr, self.points, literal)

    def last_window_sql(self, order: str, literal: Callable[[dt.date], str]) -> str:
        """The last point whose window start is before the order date `order` (−1 if none)."""
        return f"({self.count_before_sql(order, self.starts, literal)} - 1)"
