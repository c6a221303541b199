"""The returns after sale of one purchase line, as the Purchases screen lists them.

A line has a handful of returns at most, so one small query reads them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, text

from sourcing_app.db.types import from_day_number
from sourcing_app.domain.enums import ReturnReason


@dataclass(frozen=True, slots=True)
class ReturnRow:
    id: int
    line_id: int
    return_date: dt.date
    returned_qty: int
    reason: ReturnReason

    @property
    def counts_against_quality(self) -> bool:
        """A fault of the goods lowers the quality sub-score; late and other are shown only."""
        return self.reason.is_fault


def returns_of(engine: Engine, line_id: int) -> list[ReturnRow]:
    """The line's returns, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, line_id, return_date, returned_qty, reason FROM sale_return "
                "WHERE line_id = :id ORDER BY return_date, id"
            ),
            {"id": line_id},
        ).all()
    return [
        ReturnRow(
            int(r[0]),
            int(r[1]),
            r[2] if isinstance(r[2], dt.date) else from_day_number(int(r[2])),
            int(r[3]),
            ReturnReason(r[4]),
        )
        for r in rows
    ]
