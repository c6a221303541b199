"""The portfolio's score history, kept small, and its movers (docs/trend.md).

`score_history` gives every supplier's points as objects; on 100,000 suppliers
that is over a million of them, too many for the desktop to hold between runs
or to take over from a child process without stalling the window. Here they are
packed into one byte string (a fixed-size record per supplier), and one
supplier's history is unpacked when its detail is opened. The movers (who fell
or rose most over six months, and which sub-score moved them) are worked out
while the points are still objects.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SUB_SCORE_LABELS
from sourcing_app.domain.formatting import points as points_
from sourcing_app.domain.settings import ScoringSettings, StandingBands
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.i18n import _
from sourcing_app.services.score_history import (
    DEFAULT_MONTHS,
    MOVERS_MONTHS,
    HistoryPoint,
    SupplierHistory,
    month_end_points,
    score_history,
)

MOST_MOVERS = 5  # rows in each of the dashboard's two lists
# The margin score competes with the sub-scores for "what moved it", on the same 0..1 scale.
MARGIN_KEY = "margin"
_STANDINGS = tuple(Standing)
_NAN = float("nan")


@dataclass(frozen=True, slots=True)
class Mover:
    """A supplier whose sourcing score moved over six months, and what moved it most."""

    supplier_id: int
    supplier_code: str
    supplier_name: str
    change: float  # sourcing points, negative when it fell
    falling: bool  # fell by FALLING_POINTS or more (docs/trend.md)
    before: float  # sourcing score six month-ends ago
    after: float  # sourcing score at as_of
    standing_before: Standing
    standing_after: Standing
    # The sub-score (or "margin") that moved most the same way, its value before and after:
    # sub-scores 0..1, the margin score 0..100. None when nothing moved that way.
    cause: str | None = None
    cause_before: float | None = None
    cause_after: float | None = None


@dataclass(frozen=True, slots=True)
class PortfolioTrend:
    """Every supplier's history, packed; and the movers. Built off the UI thread."""

    as_of: dt.date
    dates: tuple[dt.date, ...]
    sub_keys: tuple[str, ...]
    supplier_ids: array  # array('q'): record n belongs to supplier_ids[n]
    records: bytes
    falling: tuple[Mover, ...]  # most fallen first
    rising: tuple[Mover, ...]  # most risen first
    bands: StandingBands  # the standings' lower edges the points were judged by

    @property
    def record_size(self) -> int:
        return len(self.dates) * _point_format(len(self.sub_keys)).size

    def index(self) -> dict[int, int]:
        """Supplier id → record number (built once by whoever holds the trend)."""
        return {sid: n for n, sid in enumerate(self.supplier_ids)}

    def history_at(self, record: int) -> tuple[HistoryPoint, ...]:
        """The points of record number `record`, oldest first."""
        fmt = _point_format(len(self.sub_keys))
        start = record * self.record_size
        points = []
        for n, day in enumerate(self.dates):
            code, sourcing, margin, stability, confidence, *subs = fmt.unpack_from(
                self.records, start + n * fmt.size
            )
            points.append(
                HistoryPoint(
                    as_of=day,
                    standing=_STANDINGS[code],
                    sourcing_score=_none_if_nan(sourcing),
                    margin_score=_none_if_nan(margin),
                    stability_score=stability,
                    confidence=confidence,
                    sub_scores={
                        k: v for k, v in zip(self.sub_keys, subs, strict=True) if not math.isnan(v)
                    },
                )
            )
        return tuple(points)


def _point_format(sub_keys: int) -> struct.Struct:
    # Standing as its number, then the scores as 4-byte floats: 0.00001 of a point is
    # well below the one decimal shown, and 100,000 suppliers' 13 points take 60 MB, not 200.
    return struct.Struct(f"<B4f{sub_keys}f")


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def pack(
    histories: list[SupplierHistory], as_of: dt.date, months: int, bands: StandingBands
) -> PortfolioTrend:
    """Pack the histories (all with the same dates) and find the movers."""
    dates = tuple(month_end_points(as_of, months))
    present = {k for h in histories for p in h.points for k in p.sub_scores}
    sub_keys = tuple(
        [k for k in SUB_SCORE_LABELS if k in present] + sorted(present - set(SUB_SCORE_LABELS))
    )
    fmt = _point_format(len(sub_keys))
    code_of = {s: n for n, s in enumerate(_STANDINGS)}
    ids = array("q")
    chunks: list[bytes] = []
    empty = HistoryPoint(as_of, Standing.UNRATED, None, None, _NAN, _NAN)
    for h in histories:
        by_date = {p.as_of: p for p in h.points}
        ids.append(h.supplier_id)
        for day in dates:
            p = by_date.get(day, empty)
            chunks.append(
                fmt.pack(
                    code_of[p.standing],
                    _NAN if p.sourcing_score is None else p.sourcing_score,
                    _NAN if p.margin_score is None else p.margin_score,
                    p.stability_score,
                    p.confidence,
                    *(p.sub_scores.get(k, _NAN) for k in sub_keys),
                )
            )
    falling, rising = movers(histories)
    return PortfolioTrend(
        as_of, dates, sub_keys, ids, b"".join(chunks), tuple(falling), tuple(rising), bands
    )


def movers(
    histories: list[SupplierHistory], months: int = MOVERS_MONTHS, most: int = MOST_MOVERS
) -> tuple[list[Mover], list[Mover]]:
    """The `most` suppliers that fell most and the `most` that rose most over `months`.

    A supplier without a sourcing score at either end (no valid quote) is in neither;
    ties go by supplier code.
    """
    moved = []
    for h in histories:
        change = h.change_over(months)
        if change is not None and change != 0:
            moved.append((change, h))
    fell = sorted((m for m in moved if m[0] < 0), key=lambda m: (m[0], m[1].supplier_code))
    rose = sorted((m for m in moved if m[0] > 0), key=lambda m: (-m[0], m[1].supplier_code))
    return (
        [_mover(h, change, months) for change, h in fell[:most]],
        [_mover(h, change, months) for change, h in rose[:most]],
    )


def _mover(h: SupplierHistory, change: float, months: int) -> Mover:
    before = h.points[max(0, len(h.points) - 1 - months)]
    after = h.points[-1]
    assert before.sourcing_score is not None and after.sourcing_score is not None
    # What moved most in the same direction as the sourcing score, on a 0..1 scale.
    moves: list[tuple[float, str, float, float]] = []
    for key, was in before.sub_scores.items():
        now = after.sub_scores.get(key)
        if now is not None:
            moves.append((now - was, key, was, now))
    if before.margin_score is not None and after.margin_score is not None:
        moves.append(
            (
                (after.margin_score - before.margin_score) / 100,
                MARGIN_KEY,
                before.margin_score,
                after.margin_score,
            )
        )
    sign = 1 if change > 0 else -1
    same_way = [m for m in moves if m[0] * sign > 0]
    cause = max(same_way, key=lambda m: abs(m[0]), default=None)
    return Mover(
        supplier_id=h.supplier_id,
        supplier_code=h.supplier_code,
        supplier_name=h.supplier_name,
        change=change,
        falling=h.falling,
        before=before.sourcing_score,
        after=after.sourcing_score,
        standing_before=before.standing,
        standing_after=after.standing,
        cause=cause[1] if cause else None,
        cause_before=cause[2] if cause else None,
        cause_after=cause[3] if cause else None,
    )


def portfolio_trend(
    engine: Engine,
    as_of: dt.date,
    months: int = DEFAULT_MONTHS,
    settings: ScoringSettings | None = None,
    progress: ProgressCallback = no_progress,
) -> PortfolioTrend:
    """Every supplier's history as of `as_of`, packed, with the movers."""
    if settings is None:
        from sourcing_app.services.settings import load_settings

        settings = load_settings(engine)
    histories = score_history(engine, as_of, months, settings, progress)
    return pack(histories, as_of, months, settings.bands)


def change_words(history: Sequence[HistoryPoint]) -> str:
    """'Falling: −12.3 points over six months (62.0 → 49.7).' and its kin."""
    whole = SupplierHistory(0, "", "", tuple(history))
    change = whole.change_over(MOVERS_MONTHS)
    if change is None:
        return _("No sourcing score at one end of the last six months, so no change to show.")
    before = history[max(0, len(history) - 1 - MOVERS_MONTHS)].sourcing_score
    if whole.falling:
        words = _("Falling: {change} points over six months ({before} → {after}).")
    elif change > 0:
        words = _("Rising: +{change} points over six months ({before} → {after}).")
    else:
        words = _("{change} points over six months ({before} → {after}).")
    return words.format(
        change=points_(change), before=points_(before), after=points_(history[-1].sourcing_score)
    )
