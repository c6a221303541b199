"""What the PDF reports and their desktop dialog look up in the database by name or id.

The reports lay pages out; the rows behind them are read here, so that
`reports/` and `ui/` run no SQL of their own (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy import text as sql

from sourcing_app.config import database_label
from sourcing_app.domain.settings import StandingBands
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _
from sourcing_app.services.score_history import HistoryPoint
from sourcing_app.services.trend import PortfolioTrend, portfolio_trend


def database_label_of(engine: Engine) -> str:
    """The database a report came from, as the window names it."""
    return database_label(engine.url.render_as_string(hide_password=False))


def supplier_id_of(engine: Engine, supplier_code: str) -> int:
    """The supplier with this code; a code that differs only in case is offered as a hint."""
    with engine.connect() as conn:
        found = conn.execute(
            sql("SELECT id FROM supplier WHERE code = :c"), {"c": supplier_code}
        ).scalar()
        if found is None:
            near = conn.execute(
                sql("SELECT code FROM supplier WHERE lower(code) = lower(:c)"), {"c": supplier_code}
            ).scalar()
    if found is None:
        if near:
            text = _("no supplier with code '{code}' (did you mean '{near}'?)")
        else:
            text = _("no supplier with code '{code}'")
        raise BadInput(text.format(code=supplier_code, near=near))
    return int(found)


def brand_name_of(engine: Engine, brand_id: int) -> str | None:
    """The brand's name, or None when it is no longer in the database."""
    with engine.connect() as conn:
        name = conn.execute(sql("SELECT name FROM brand WHERE id = :i"), {"i": brand_id}).scalar()
    return None if name is None else str(name)


@dataclass(frozen=True)
class ReportTrend:
    """The score history a report draws: each supplier's points, and the bands behind them."""

    bands: StandingBands
    points: dict[int, tuple[HistoryPoint, ...]]  # supplier id → points, oldest first


def report_trend(
    engine: Engine,
    as_of: dt.date,
    supplier_ids: Iterable[int],
    held: PortfolioTrend | None = None,
) -> ReportTrend:
    """The suppliers' history as of `as_of` (docs/trend.md).

    `held`: the history the desktop already worked out for this run, used when it
    is for the same date; otherwise the whole portfolio's history is worked out,
    since each point rests on the portfolio's priors at its date.
    """
    trend = held if held is not None and held.as_of == as_of else portfolio_trend(engine, as_of)
    index = trend.index()
    return ReportTrend(
        trend.bands,
        {sid: trend.history_at(index[sid]) for sid in supplier_ids if sid in index},
    )
