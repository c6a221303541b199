"""Each supplier's quotes: loaded, the valid one chosen per SKU, walked to a margin.

docs/margin.md, step 7. A scenario's what-if pricing (docs/planning.md) is
applied here too, the data untouched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, text

from sourcing_app.db.types import DayDate, date_param
from sourcing_app.domain import formatting
from sourcing_app.domain.enums import Regime
from sourcing_app.domain.flags import Flag, FlagCode
from sourcing_app.domain.landed_cost import (
    LandedCostWalk,
    QuoteWalker,
    TaxRates,
    landed_cost_walk,
)
from sourcing_app.domain.scenarios import PricingChanges
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.i18n import _
from sourcing_app.services.scoring.reference import Reference, SkuNames, decimal_of


@dataclass(frozen=True)
class PricedQuotes:
    """One supplier's valid quotes walked to a margin, before the order weights are known."""

    walks: tuple[tuple[int, LandedCostWalk], ...] = ()  # (product id, walk)
    expired: tuple[tuple[str, dt.date], ...] = ()
    problems: tuple[Flag, ...] = ()


# A quote row as the driver hands it back: channel, product, unit price, currency,
# minimum quantity, freight, insurance, valid from, valid to. Dates stay in
# their stored form (days on SQLite, date on PostgreSQL) so that choosing among
# 80,000 quotes compares plain values; only a chosen or lapsed quote's figures
# are turned into Decimal and dates.
_QuoteRow = tuple[Any, ...]
_PRICE, _CURRENCY, _MIN_QTY, _FREIGHT, _INSURANCE, _FROM, _TO = range(2, 9)


class WalkMemo:
    """Landed-cost walks remembered from run to run, keyed by everything a walk reads.

    Quotes, exchange rates and tax rates change rarely, yet each run walked all
    ~36,000 chosen quotes again in Decimal (a third of a run on PostgreSQL). A
    walk is a pure function of its key (the product and its rates and retail
    price, the quote's price, freight, insurance and currency, the exchange
    rate) and of the costs in the settings, so a remembered walk can never be
    stale: any change to one of them is a different key, and new costs start
    a new memo.
    """

    LIMIT = 250_000  # walks kept before starting afresh (a few runs' worth)

    def __init__(self) -> None:
        self._costs: tuple[Any, str] | None = None
        self._walks: dict[tuple[Any, ...], LandedCostWalk] = {}

    def walks_for(self, settings: ScoringSettings) -> dict[tuple[Any, ...], LandedCostWalk]:
        costs = (settings.costs, settings.home_currency)
        if costs != self._costs or len(self._walks) > self.LIMIT:
            self._costs, self._walks = costs, {}
        return self._walks


def _load_quotes(
    conn: Connection, as_of: dt.date, reference: Reference, only: int | None
) -> dict[int, dict[int, list[_QuoteRow]]]:
    """Quotes that started on or before `as_of`, by supplier and product, in stored order."""
    sql = (
        "SELECT channel_id, product_id, unit_price, currency, min_qty, freight_per_unit, "
        "insurance_per_unit, valid_from, valid_to FROM quote "
        "WHERE (valid_from IS NULL OR valid_from <= :as_of)"
    )
    binds = [bindparam("as_of", type_=DayDate())]
    params: dict[str, Any] = {"as_of": as_of}
    if only is not None:
        channel_ids = reference.channels_by_supplier.get(only, [])
        if not channel_ids:
            return {}
        sql += " AND channel_id IN :channel_ids"
        binds.append(bindparam("channel_ids", expanding=True))
        params["channel_ids"] = channel_ids
    result = conn.execute(text(sql).bindparams(*binds), params)
    out: dict[int, dict[int, list[_QuoteRow]]] = {}
    channels = reference.channels
    for row in result.cursor.fetchall() if result.cursor is not None else ():
        channel = channels.get(row[0])
        if channel is None or not channel[4]:
            continue  # an inactive channel's quotes are not what we would buy at
        by_product = out.get(channel[0])
        if by_product is None:
            by_product = out[channel[0]] = {}
        quotes = by_product.get(row[1])
        if quotes is None:
            by_product[row[1]] = [row]
        else:
            quotes.append(row)
    return out


def select_quote(quotes: Iterable[_QuoteRow], as_of: Any) -> _QuoteRow | None:
    """The valid quote with the lowest minimum quantity; then latest start; then lowest price.

    `as_of` and the quotes' dates are in the same stored form. A blank start is
    valid since always, so it is the earliest start. Ties beyond these keep the
    first quote, as `min` would.
    """
    best = None
    for q in quotes:
        valid_from, valid_to = q[_FROM], q[_TO]
        if (valid_from is not None and valid_from > as_of) or (
            valid_to is not None and valid_to < as_of
        ):
            continue
        if best is None:
            best = q
        elif q[_MIN_QTY] != best[_MIN_QTY]:
            if q[_MIN_QTY] < best[_MIN_QTY]:
                best = q
        elif valid_from != best[_FROM]:
            if best[_FROM] is None or (valid_from is not None and valid_from > best[_FROM]):
                best = q
        elif q[_PRICE] < best[_PRICE]:
            best = q
    return best


def price_quotes(
    conn: Connection,
    as_of: dt.date,
    reference: Reference,
    settings: ScoringSettings,
    only: int | None,
    pricing: PricingChanges | None = None,
    memo: WalkMemo | None = None,
) -> dict[int, PricedQuotes]:
    """Each supplier's chosen quote per SKU walked to a margin (docs/margin.md, step 7).

    `memo` keeps the walks of earlier runs (see WalkMemo): a quote priced
    before with the same figures, rates and costs is not walked again.

    Under a scenario's `pricing`, freight moves and a withdrawn CBEC regime
    walks every quote as general trade (see `apply_pricing` for the rest).
    """
    out: dict[int, PricedQuotes] = {}
    day = DayDate()
    dialect = conn.dialect
    stored_as_of = date_param(dialect.name, as_of)
    products = reference.products
    fx_rates = reference.fx
    walker = QuoteWalker(settings.costs, settings.home_currency)
    known = (memo or WalkMemo()).walks_for(settings)
    # Quotes repeat a few hundred freight and insurance figures and many prices:
    # each distinct stored float is turned into a Decimal once.
    decimals: dict[Any, Decimal] = {}
    skus = SkuNames((pid, product[0]) for pid, product in products.items())
    for sid, by_product in _load_quotes(conn, as_of, reference, only).items():
        walks: list[tuple[int, LandedCostWalk]] = []
        expired: list[tuple[str, dt.date]] = []
        problems: list[Flag] = []
        for pid in sorted(by_product, key=skus.__getitem__) if len(by_product) > 1 else by_product:
            rows = by_product[pid]
            sku, name, _brand, retail, rates = products[pid]
            quote = select_quote(rows, stored_as_of)
            if quote is None:
                latest_end = max((q[_TO] for q in rows if q[_TO] is not None), default=None)
                if latest_end is not None:
                    expired.append((sku, day.process_result_value(latest_end, dialect)))  # type: ignore[arg-type]
                continue
            currency = quote[_CURRENCY]
            fx = fx_rates.get(currency)
            if fx is None:
                problems.append(
                    Flag(
                        FlagCode.NO_VALID_QUOTE,
                        _(
                            "{sku}: no {currency} exchange rate on or before {day}, so its "
                            "quote cannot be priced"
                        ).format(sku=sku, currency=currency, day=formatting.day(as_of)),
                    )
                )
                continue
            if pricing is not None:
                walk = _walk_under(pricing, quote, sku, name, fx, rates, retail, settings, decimals)
            else:
                price, freight, insurance = quote[_PRICE], quote[_FREIGHT], quote[_INSURANCE]
                key = (
                    pid, sku, name, currency, fx, rates, retail,
                    price, price.__class__, freight, freight.__class__,
                    insurance, insurance.__class__,
                )  # fmt: skip
                walk = known.get(key)
                if walk is None:
                    walk = known[key] = walker.walk(
                        pid,
                        sku,
                        name,
                        currency,
                        _dec_cached(price, decimals),
                        _dec_cached(freight, decimals),
                        _dec_cached(insurance, decimals),
                        fx,
                        rates,
                        retail,
                    )
            walks.append((pid, walk))
        out[sid] = PricedQuotes(tuple(walks), tuple(expired), tuple(problems))
    return out


# -- scenarios (docs/planning.md): what-if pricing, the data untouched ------------


def apply_pricing(conn: Connection, reference: Reference, pricing: PricingChanges) -> None:
    """A scenario's tax rates, positive list and exchange rates, put into this run's tables."""
    if pricing.tax_rates or pricing.withdrawn_categories:
        category = dict(
            conn.execute(
                text(
                    "SELECT p.id, t.name FROM product p "
                    "JOIN tax_category t ON t.id = p.tax_category_id"
                )
            ).all()
        )
        for pid, (sku, name, bid, retail, rates) in list(reference.products.items()):
            reference.products[pid] = (sku, name, bid, retail, pricing.rates(category[pid], rates))
    reference.fx = {c: pricing.fx(c, r) for c, r in reference.fx.items()}


def _walk_under(
    pricing: PricingChanges,
    quote: _QuoteRow,
    sku: str,
    name: str,
    fx: Decimal,
    rates: TaxRates,
    retail: Decimal,
    settings: ScoringSettings,
    decimals: dict[Any, Decimal],
) -> LandedCostWalk:
    """One quote's walk under a scenario: freight moved; CBEC as general trade if withdrawn."""
    return landed_cost_walk(
        sku=sku,
        product_name=name,
        unit_price=_dec_cached(quote[_PRICE], decimals),
        freight=pricing.freight(_dec_cached(quote[_FREIGHT], decimals)),
        insurance=_dec_cached(quote[_INSURANCE], decimals),
        currency=quote[_CURRENCY],
        fx=fx,
        rates=rates,
        retail_price=retail,
        costs=settings.costs,
        regime=Regime.GENERAL if pricing.cbec_withdrawn else None,
        home_currency=settings.home_currency,
    )


def _dec_cached(value: Any, cache: dict[Any, Decimal]) -> Decimal:
    """`decimal_of`, remembered per stored value.

    Only ints and floats are kept, keyed by (value, class): 20 and 20.0 compare
    equal but give Decimal("20") and Decimal("20.0"); a zero float goes through
    `decimal_of` every time to keep its sign.
    """
    cls = value.__class__
    if cls is not float and cls is not int:
        return decimal_of(value)
    key = (value, cls)
    d = cache.get(key)
    if d is None:
        d = decimal_of(value)
        if value or cls is int:
            cache[key] = d
    return d
