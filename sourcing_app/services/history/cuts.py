"""The points' cut dates, and which points a bucketed line or delivery counts at.

A point p looks at lines ordered in (p − window_days, p], due by p (promised
date + grace ≤ p), and at their deliveries and returns dated ≤ p. Every such
test compares a date with one of the cut dates {p, p − window_days}; so a
date's bucket (how many cut dates lie strictly before it) settles all of
them: `date ≤ cut j` exactly when `bucket(date) ≤ j`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence


class PointCuts:
    """The cut dates of some points, and the range of points each bucket combination counts at."""

    def __init__(self, points: Sequence[dt.date], window_days: int) -> None:
        self.points = tuple(points)
        window = dt.timedelta(days=window_days)
        self.cuts = tuple(sorted({*self.points, *(p - window for p in self.points)}))
        # Bucket index of each point's own date and of its window's open start.
        self.ends = tuple(self.cuts.index(p) for p in self.points)
        self.starts = tuple(self.cuts.index(p - window) for p in self.points)
        self.first_order = self.points[0] - window  # lines ordered after this ...
        self.last_day = self.points[-1]  # ... and up to this can count somewhere
        self._ranges: dict[tuple[int, int], tuple[int, int]] = {}

    def bucket(self, day: dt.date) -> int:
        """How many cut dates lie strictly before `day`."""
        return bisect_left(self.cuts, day)

    def bucket_sql(self, expr: str, literal: object) -> str:
        """`bucket` in SQL: a binary search of nested CASEs (five deep for 26 cuts).

        `literal(date)` writes a cut date as an SQL literal of the stored form.
        """

        def search(low: int, high: int) -> str:
            # The result lies in low..high: cuts[low - 1] < expr <= cuts[high].
            if low == high:
                return str(low)
            mid = (low + high) // 2
            return (
                f"CASE WHEN {expr} <= {literal(self.cuts[mid])} "  # type: ignore[operator]
                f"THEN {search(low, mid)} ELSE {search(mid + 1, high)} END"
            )

        return search(0, len(self.cuts))

    def points_of(self, ordered: int, latest: int) -> tuple[int, int]:
        """The points (first, last index) at which a line ordered in bucket `ordered` counts.

        `latest` is the latest bucket of the other dates the count needs by the
        point (due date, delivery or return date). The points are consecutive:
        a point counts the line when its window start is before the order
        (starts[i] < ordered) and its own date is on or after every date
        (ends[i] >= latest and >= ordered). first > last when there is none.
        """
        key = (ordered, latest)
        found = self._ranges.get(key)
        if found is None:
            need = max(ordered, latest)
            first = next((i for i, e in enumerate(self.ends) if e >= need), len(self.ends))
            last = -1
            for i, s in enumerate(self.starts):
                if s < ordered:
                    last = i
            found = self._ranges[key] = (first, last)
        return found
