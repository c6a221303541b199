"""What the demo's channels charge: quotes at every tier, and the weekly exchange rates.

Each extra hand in a chain quotes dearer, yet every ordinary quote leaves the
buyer a margin (docs/margin.md), even after a 5% currency move; only the
planted loss-making quote does not (docs/standings-and-flags.md). Exchange
rates are a weekly demo feed that wanders mildly around real CNY levels.
"""

from __future__ import annotations

import math

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.services.demo.catalogue import TaxRates
from sourcing_app.services.demo.patterns import LUXURY_BRAND
from sourcing_app.services.demo.plan import CBEC_LIMIT_CNY, Plan, PlannedProduct, QuotedItem

# What a tier-0 channel pays for a unit, as a share of its retail price,
# including freight and insurance. Every hand in a chain adds its markup
# (MARKUP_PER_TIER, in points of retail), and each reseller its own appetite on
# top (`PlannedSupplier.markup`). Leaving the official channel costs the most: a grey
# wholesaler buys at a distributor's list price and adds its own cut. Typical
# margins at the default fees: official channels 40-50%, tier 2 about 26%,
# tier 3 about 19%, tier 4 about 16%, and five-hand chains priced up to what
# the buyer can bear, 5-7% (see _squeezed). MAX_LANDED_SHARE keeps every draw
# profitable, even after a 5% currency move: only the planted quote loses money.
COST_SHARE_AT_SOURCE = {
    "cosmetics": 0.46,
    "premium": 0.38,
    "formula": 0.48,
    "supplements": 0.44,
    "accessories": 0.46,
    "audio": 0.48,
    "apparel": 0.46,
    "bags": 0.46,
    "luxury": 0.38,
}
# Markup of each tier, in points of retail (tier 5 stands for five hands or more).
MARKUP_PER_TIER = (0.0, 0.05, 0.17, 0.235, 0.265, 0.40)
# Retail less the default platform commission (5%) and payment fee (1%).
NET_REVENUE_SHARE = 0.94
# The dearest a quote gets: landed cost at this share of net revenue (a 5% margin).
MAX_LANDED_SHARE = 0.95
# Within this band below that ceiling, a chain's markup bends (see _squeezed).
SQUEEZE_BAND = 0.04
# Median units per purchase line, and the smallest quoted quantity.
KIND_ORDER_QTY: dict[SupplierKind, tuple[int, int]] = {
    SupplierKind.BRAND_OWNER: (1200, 240),
    SupplierKind.AUTHORIZED_DISTRIBUTOR: (600, 120),
    SupplierKind.WHOLESALER: (240, 24),
    SupplierKind.TRADER: (72, 6),
    SupplierKind.BONDED_WAREHOUSE: (360, 12),
    SupplierKind.PLATFORM_SELLER: (24, 1),
}
# The Hong Kong dollar is pegged to the US dollar; its CNY rate follows USD.
HKD_PER_USD = 7.80


def round_price(value: float, currency: str) -> float:
    """Prices as suppliers write them: whole yen, tens of won, cents elsewhere."""
    if currency == "KRW":
        return float(round(value, -1))
    if currency == "JPY":
        return float(round(value))
    return round(value, 2)


def _max_cost_share(product: PlannedProduct, tax_categories: dict[str, TaxRates]) -> float:
    """The dearest a reseller can quote, as a share of retail, and still leave the buyer a margin.

    Landed cost stays at or below MAX_LANDED_SHARE of net revenue (docs/margin.md,
    default fees), so even a 5% currency move leaves every ordinary quote profitable.
    """
    _name, tariff, consumption, vat, _postal = tax_categories[product.tax_key]
    if product.retail * COST_SHARE_AT_SOURCE[product.tax_key] > CBEC_LIMIT_CNY:
        taxed = (1 + tariff) * (1 + vat) / (1 - consumption)  # general trade
    else:
        taxed = 1 + 0.7 * (consumption + vat) / (1 - consumption)  # CBEC retail import
    return MAX_LANDED_SHARE * NET_REVENUE_SHARE / taxed


def _squeezed(share: float, ceiling: float) -> float:
    """Near the buyer's ceiling the hands of a long chain squeeze their own cut to stay sellable.

    Up to SQUEEZE_BAND below the ceiling a share is what the chain asks; above
    that it bends toward the ceiling without reaching it.
    """
    knee = ceiling - SQUEEZE_BAND
    if share <= knee:
        return share
    return knee + SQUEEZE_BAND * -math.expm1(-(share - knee) / SQUEEZE_BAND)


def plan_quotes(plan: Plan) -> None:
    """What each channel quotes for each SKU it sells, in its own currency, at as_of."""
    rng = plan.rng
    tax_categories = plan.catalogue.tax_categories
    luxury_first = next(
        (c for c in plan.channels if c.brand.name == LUXURY_BRAND and c.active), None
    )
    for channel in plan.channels:
        supplier = channel.supplier
        kind = supplier.kind
        brand = channel.brand
        if channel.vertical:
            product_ids = list(brand.product_ids)  # official channels list the whole range
        else:
            count = rng.randint(1, len(brand.product_ids))
            product_ids = sorted(rng.sample(brand.product_ids, count))
            over_limit = [p for p in product_ids if plan.product(p).tax_key == "luxury"]
            if over_limit and len(product_ids) > 1 and rng.random() < 0.6:
                # Few resellers stock a CNY 17,000 bag.
                product_ids = [p for p in product_ids if p not in over_limit]
        if supplier.role == "loss":
            premium = [p for p in brand.product_ids if plan.product(p).tax_key == "premium"]
            product_ids = premium or product_ids
        if brand.name == LUXURY_BRAND and channel is luxury_first:
            # At least one channel sells the signature bag, whatever the draw.
            product_ids = sorted({brand.product_ids[0], *product_ids})

        currency = supplier.currency
        fx = plan.catalogue.base_rates[currency]
        channel_share = MARKUP_PER_TIER[min(channel.tier, 5)]
        channel_share += max(-0.04, min(0.04, rng.gauss(0, 0.02)))
        if not channel.vertical:
            channel_share += supplier.markup
        median_qty, min_qty_base = KIND_ORDER_QTY[kind]
        for product_id in product_ids:
            product = plan.product(product_id)
            if supplier.role == "loss":
                # Priced so that landed cost exceeds net revenue (docs/margin.md).
                share = rng.uniform(0.84, 0.90)
            else:
                share = COST_SHARE_AT_SOURCE[product.tax_key] + channel_share
                share += rng.uniform(-0.015, 0.015)
                # The risen price list of the planted spike must still leave a margin too.
                factor = channel.spike_factor
                share = _squeezed(share * factor, _max_cost_share(product, tax_categories)) / factor
            customs_value = share * product.retail  # CNY, freight and insurance included
            if channel.incoterm in ("CIF", "DAP"):
                freight_cny = insurance_cny = 0.0
            else:
                per_kg = 8.0 if supplier.country == "HK" else 38.0
                if channel.incoterm == "EXW":
                    per_kg *= 1.15
                freight_cny = product.weight * per_kg + 1.5
                insurance_cny = 0.003 * customs_value
            price = (customs_value - freight_cny - insurance_cny) / fx
            freight = round_price(freight_cny / fx, currency)
            insurance = round_price(insurance_cny / fx, currency)
            base_price = round_price(price, currency)
            over_cbec = customs_value > CBEC_LIMIT_CNY
            pack = product.pack
            if over_cbec:
                qty_median, min_qty = 3.0, 1
            else:
                factor = 0.25 if product.pack == 1 else 1.0
                qty_median = max(1.0, median_qty * factor)
                min_qty = max(pack, int(min_qty_base * factor) // pack * pack)  # whole cases
                if kind is SupplierKind.PLATFORM_SELLER:
                    min_qty = 1
            break_qty, break_price = 0, 0.0
            bulk_kind = kind not in (SupplierKind.TRADER, SupplierKind.PLATFORM_SELLER)
            if not over_cbec and rng.random() < (0.5 if bulk_kind else 0.2):
                break_qty = min_qty * rng.choice((5, 10)) if min_qty > 1 else rng.choice((12, 24))
                break_price = round_price(base_price * (1 - rng.uniform(0.03, 0.08)), currency)
            channel.quoted.append(
                QuotedItem(
                    product_id=product_id,
                    base_price=base_price,
                    min_qty=min_qty,
                    break_qty=break_qty,
                    break_price=break_price,
                    log_median_qty=math.log(qty_median),
                    pack=pack,
                    over_cbec=over_cbec,
                    freight=freight,
                    insurance=insurance,
                )
            )


def plan_rates(plan: Plan) -> None:
    """A weekly demo feed ending on as_of: a mild random walk pulled back to realistic levels."""
    rng = plan.rng
    weeks = math.ceil((plan.as_of - plan.history_start) / 7)
    plan.first_rate_day = plan.as_of - 7 * weeks
    used = {s.currency for s in plan.suppliers if s.currency}
    if "HKD" in used:
        used.add("USD")  # HKD follows the US dollar through its peg
    base_rates = plan.catalogue.base_rates
    for currency in base_rates:
        if currency not in used or currency == "HKD":
            continue
        base = math.log(base_rates[currency])
        sigma = plan.catalogue.weekly_rate_volatility[currency]
        level = base + rng.gauss(0, 2 * sigma)
        series: list[float] = []
        for _week in range(weeks + 1):
            series.append(float(f"{math.exp(level):.6g}"))
            level += 0.06 * (base - level) + rng.gauss(0, sigma)
        plan.rates[currency] = series
    if "HKD" in used:
        plan.rates["HKD"] = [
            float(f"{usd / HKD_PER_USD * (1 + rng.uniform(-0.001, 0.001)):.6g}")
            for usd in plan.rates["USD"]
        ]
    plan.rates = {c: plan.rates[c] for c in sorted(plan.rates)}
