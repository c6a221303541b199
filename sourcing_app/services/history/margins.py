"""Each supplier's SKU margins at every point: quotes read once, priced per point.

A point's margin uses the quotes valid on its date and the exchange rates of
its date (docs/margin.md, step 7), chosen by the scoring run's own rule
(`select_quote`) and walked by its own `QuoteWalker`. A quote priced at the
same rate at two points is walked once: most quotes stay valid for months.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, text

from sourcing_app.db.types import DayDate, date_param
from sourcing_app.domain.landed_cost import LandedCostWalk, QuoteWalker
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.services.scoring.quotes import select_quote
from sourcing_app.services.scoring.reference import Reference, SkuNames, decimal_of

# The quote row as services.scoring.quotes reads it.
_PRICE, _CURRENCY, _FREIGHT, _INSURANCE = 2, 3, 5, 6


def load_quotes(
    conn: Connection, last: dt.date, reference: Reference
) -> dict[int, list[tuple[int, list[Any]]]]:
    """Active channels' quotes started by the last point: per supplier, (product, rows)."""
    sql = text(
        "SELECT channel_id, product_id, unit_price, currency, min_qty, freight_per_unit, "
        "insurance_per_unit, valid_from, valid_to FROM quote "
        "WHERE (valid_from IS NULL OR valid_from <= :as_of)"
    ).bindparams(bindparam("as_of", type_=DayDate()))
    result = conn.execute(sql, {"as_of": last})
    grouped: dict[int, dict[int, list[Any]]] = {}
    channels = reference.channels
    for row in result.cursor.fetchall() if result.cursor is not None else ():
        channel = channels.get(row[0])
        if channel is None or not channel[4]:
            continue  # an inactive channel's quotes are not what we would buy at
        grouped.setdefault(channel[0], {}).setdefault(row[1], []).append(row)
    skus = SkuNames((pid, product[0]) for pid, product in reference.products.items())
    return {
        sid: (
            sorted(by_product.items(), key=lambda item: skus[item[0]])
            if len(by_product) > 1
            else list(by_product.items())
        )
        for sid, by_product in grouped.items()
    }


class PointPricer:
    """Walks the valid quote of each supplier's SKUs at a point, remembering each walk."""

    def __init__(self, dialect: str, reference: Reference, settings: ScoringSettings) -> None:
        self.dialect = dialect
        self.products = reference.products
        self.walker = QuoteWalker(settings.costs, settings.home_currency)
        self._walks: dict[tuple[int, Decimal], LandedCostWalk] = {}
        self._decimals: dict[Any, Decimal] = {}

    def walks(
        self,
        quotes: list[tuple[int, list[Any]]],
        day: dt.date,
        fx_rates: dict[str, Decimal],
    ) -> list[tuple[int, LandedCostWalk]]:
        """(product, walk) of the SKUs with a quote valid on `day` and a rate for its currency."""
        stored = date_param(self.dialect, day)
        out: list[tuple[int, LandedCostWalk]] = []
        for pid, rows in quotes:
            quote = select_quote(rows, stored)
            if quote is None:
                continue
            fx = fx_rates.get(quote[_CURRENCY])
            if fx is None:
                continue  # no rate by that day: the quote cannot be priced (a flag, no margin)
            key = (id(quote), fx)
            walk = self._walks.get(key)
            if walk is None:
                sku, name, _brand, retail, rates = self.products[pid]
                walk = self._walks[key] = self.walker.walk(
                    pid,
                    sku,
                    name,
                    quote[_CURRENCY],
                    self._decimal(quote[_PRICE]),
                    self._decimal(quote[_FREIGHT]),
                    self._decimal(quote[_INSURANCE]),
                    fx,
                    rates,
                    retail,
                )
            out.append((pid, walk))
        return out

    def _decimal(self, value: Any) -> Decimal:
        cls = value.__class__
        if cls is not float and cls is not int:
            return decimal_of(value)
        key = (value, cls)
        d = self._decimals.get(key)
        if d is None:
            d = decimal_of(value)
            if value or cls is int:
                self._decimals[key] = d
        return d
