"""Landed cost and margin of one unit (docs/margin.md).

Money is Decimal throughout and is never rounded inside the walk: a buyer
checking by hand rounds once, at the end, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sourcing_app.domain.enums import Regime
from sourcing_app.domain.formatting import money
from sourcing_app.domain.settings import CostSettings
from sourcing_app.i18n import _

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TaxRates:
    """A tax category's rates, as fractions (0.13 is 13%)."""

    tariff: Decimal = ZERO
    consumption_tax: Decimal = ZERO
    vat: Decimal = Decimal("0.13")
    postal_rate: Decimal = Decimal("0.13")
    # On the CBEC positive list. Only a scenario takes a category off it
    # (docs/planning.md): its goods are then taxed as general trade.
    cbec_listed: bool = True


@dataclass(frozen=True)
class ImportTaxes:
    duty: Decimal
    consumption_tax: Decimal
    vat: Decimal

    @property
    def total(self) -> Decimal:
        return self.duty + self.consumption_tax + self.vat


def customs_value(
    unit_price: Decimal, freight: Decimal, insurance: Decimal, fx: Decimal
) -> Decimal:
    """Step 1: V = (unit price + freight + insurance) × fx, in the home currency."""
    return (unit_price + freight + insurance) * fx


def quote_regime(
    value: Decimal, costs: CostSettings, rates: TaxRates | None = None
) -> tuple[Regime, bool]:
    """Quotes go CBEC unless V is strictly over the single-transaction limit.

    Goods of a category off the CBEC positive list (`rates.cbec_listed` false) go
    general trade whatever their value, and are not flagged: the limit is moot.
    Returns the regime and whether the unit was pushed to general trade by the limit.
    """
    if rates is not None and not rates.cbec_listed:
        return Regime.GENERAL, False
    if value > costs.cbec_transaction_limit:
        return Regime.GENERAL, True
    return Regime.CBEC, False


def import_taxes(
    value: Decimal, regime: Regime, rates: TaxRates, costs: CostSettings
) -> ImportTaxes:
    """Step 2: taxes per unit under each import regime."""
    c = rates.consumption_tax
    if regime is Regime.CBEC:
        # tariff 0, then 70% of statutory consumption tax and VAT:
        # tax = 0.7 × V × (c + vat) / (1 − c), shown as its two parts.
        base = value / (ONE - c)
        return ImportTaxes(
            duty=ZERO,
            consumption_tax=costs.cbec_factor * base * c,
            vat=costs.cbec_factor * base * rates.vat,
        )
    if regime is Regime.GENERAL:
        duty = value * rates.tariff
        ctax = (value + duty) * c / (ONE - c)
        vat = (value + duty + ctax) * rates.vat
        return ImportTaxes(duty=duty, consumption_tax=ctax, vat=vat)
    # Personal postal articles: one combined rate, recorded in the duty slot.
    return ImportTaxes(duty=value * rates.postal_rate, consumption_tax=ZERO, vat=ZERO)


def net_revenue(retail_price: Decimal, costs: CostSettings) -> Decimal:
    """Step 4: retail price less platform commission and payment fee."""
    return retail_price * (ONE - costs.platform_commission - costs.payment_fee)


def margin_score(margin_pct: Decimal | float, target: Decimal | float) -> float:
    """Step 6: 100 × clamp(margin % / target margin, 0, 1)."""
    target_f = float(target)
    if target_f <= 0:
        return 100.0 if float(margin_pct) > 0 else 0.0
    return 100.0 * min(1.0, max(0.0, float(margin_pct) / target_f))


@dataclass(slots=True)
class LandedCostWalk:
    """Every step from the quoted price to the margin of one unit, for the buyer to check.

    Not frozen, on purpose: a frozen dataclass sets each of these twenty fields
    through object.__setattr__, which made building the walk cost as much as
    the arithmetic behind it (a full run builds one per quoted SKU, ~36,000).
    Treat it as read-only all the same.
    """

    sku: str
    product_name: str
    currency: str
    unit_price: Decimal
    freight: Decimal
    insurance: Decimal
    fx: Decimal
    customs_value: Decimal
    regime: Regime
    over_cbec_limit: bool
    taxes: ImportTaxes
    clearance_fee: Decimal
    fulfilment_fee: Decimal
    landed: Decimal
    retail_price: Decimal
    net_revenue: Decimal
    margin: Decimal
    margin_pct: Decimal
    margin_score: float
    home_currency: str = "CNY"

    def steps(self) -> list[tuple[str, Decimal | None, str]]:
        """(label, amount in home currency, how it was worked out) for each step.

        Labels and notes are in the reader's language; amounts in the notes to the cent.
        """
        h = self.home_currency
        c = self.currency
        v_how = _("({price} + {freight} freight + {insurance} insurance) {currency} × {fx} {rate}")
        v_how = v_how.format(
            price=_fmt(self.unit_price, 2),
            freight=_fmt(self.freight, 2),
            insurance=_fmt(self.insurance, 2),
            currency=c,
            fx=_rate(self.fx),
            rate=f"{h}/{c}",
        )
        steps: list[tuple[str, Decimal | None, str]] = [
            (_("Customs value V"), self.customs_value, v_how),
        ]
        if self.regime is Regime.CBEC:
            steps.append(
                (
                    _("Consumption tax (CBEC)"),
                    self.taxes.consumption_tax,
                    _("0.7 × V × c / (1 − c)"),
                )
            )
            steps.append((_("VAT (CBEC)"), self.taxes.vat, _("0.7 × V × vat / (1 − c)")))
        elif self.regime is Regime.GENERAL:
            duty = (
                _("Duty (general trade) (over the CBEC single-transaction limit)")
                if self.over_cbec_limit
                else _("Duty (general trade)")
            )
            steps.append((duty, self.taxes.duty, _("V × tariff")))
            steps.append(
                (_("Consumption tax"), self.taxes.consumption_tax, _("(V + duty) × c / (1 − c)"))
            )
            steps.append((_("VAT"), self.taxes.vat, _("(V + duty + consumption tax) × vat")))
        else:
            steps.append((_("Postal article tax"), self.taxes.duty, _("V × postal rate")))
        steps += [
            (_("Clearance fee"), self.clearance_fee, _("per unit")),
            (_("Fulfilment fee"), self.fulfilment_fee, _("per unit")),
            (_("Landed cost"), self.landed, _("V + taxes + fees")),
            (
                _("Net revenue"),
                self.net_revenue,
                _("retail {price} × (1 − commission − payment fee)").format(
                    price=money(self.retail_price, h)
                ),
            ),
            (_("Margin"), self.margin, _("net revenue − landed cost")),
        ]
        return steps

    def describe(self) -> str:
        """The whole walk as text, one step a line, amounts to the cent."""
        lines = [
            _("{sku} {name}: regime {regime}").format(
                sku=self.sku, name=self.product_name, regime=self.regime.label
            )
        ]
        for label, amount, how in self.steps():
            shown = "" if amount is None else f"{_fmt(amount, 2)} {self.home_currency}"
            lines.append(f"  {label:<32} {shown:>16}   {how}")
        label, how = _("Margin %"), _("margin / net revenue")
        lines.append(f"  {label:<32} {float(self.margin_pct) * 100:>15.2f}%   {how}")
        return "\n".join(lines)


def landed_cost_walk(
    *,
    sku: str,
    product_name: str,
    unit_price: Decimal,
    freight: Decimal,
    insurance: Decimal,
    currency: str,
    fx: Decimal,
    rates: TaxRates,
    retail_price: Decimal,
    costs: CostSettings,
    regime: Regime | None = None,
    home_currency: str = "CNY",
) -> LandedCostWalk:
    """Steps 1 to 6 for one unit. With no regime given, the quote rule of step 7 decides.

    A full run walks tens of thousands of quotes, so the steps are written out
    here rather than called one by one; each is the same Decimal arithmetic, in
    the same order, as the step functions above.
    """
    value = (unit_price + freight + insurance) * fx  # customs_value
    over_limit = False
    if regime is None or regime is Regime.CBEC:
        # Above the single-transaction limit a unit is taxed as general trade, and
        # flagged; off the positive list, it is general trade whatever its value.
        regime, over_limit = quote_regime(value, costs, rates)
    c = rates.consumption_tax
    if regime is Regime.CBEC:
        base = value / (ONE - c)
        taxes = ImportTaxes(
            ZERO, costs.cbec_factor * base * c, costs.cbec_factor * base * rates.vat
        )
    else:
        taxes = import_taxes(value, regime, rates, costs)
    revenue = retail_price * (ONE - costs.platform_commission - costs.payment_fee)
    return _finish_walk(
        sku, product_name, currency, unit_price, freight, insurance, fx, value, regime,
        over_limit, taxes, retail_price, revenue, costs, home_currency,
    )  # fmt: skip


def _finish_walk(
    sku: str,
    product_name: str,
    currency: str,
    unit_price: Decimal,
    freight: Decimal,
    insurance: Decimal,
    fx: Decimal,
    value: Decimal,
    regime: Regime,
    over_limit: bool,
    taxes: ImportTaxes,
    retail_price: Decimal,
    revenue: Decimal,
    costs: CostSettings,
    home_currency: str,
) -> LandedCostWalk:
    """Steps 3 to 6 from the customs value and taxes: landed cost, margin, margin score."""
    landed = (
        (value + (taxes.duty + taxes.consumption_tax + taxes.vat))
        + costs.clearance_fee
        + costs.fulfilment_fee
    )
    margin = revenue - landed
    pct = margin / revenue if revenue > 0 else Decimal("-1")
    return LandedCostWalk(
        sku,
        product_name,
        currency,
        unit_price,
        freight,
        insurance,
        fx,
        value,
        regime,
        over_limit,
        taxes,
        costs.clearance_fee,
        costs.fulfilment_fee,
        landed,
        retail_price,
        revenue,
        margin,
        pct,
        margin_score(pct, costs.target_margin),
        home_currency,
    )


def _fmt(amount: Decimal, places: int) -> str:
    return f"{amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"


def _rate(fx: Decimal) -> str:
    """An exchange rate as given, up to six decimals and no trailing zeros: 7.1, 7.123456."""
    shown = _fmt(fx, 6).rstrip("0")
    return shown.removesuffix(".")


class QuoteWalker:
    """`landed_cost_walk` under the quote rule for many quotes with one set of costs.

    A full run walks one quote per supplier and SKU (~36,000). What depends only
    on the costs or on the product (the revenue factor, net revenue, 1 − c) is
    worked out once rather than per quote; every step is otherwise the same
    Decimal arithmetic, in the same order, so the walks are identical.
    """

    __slots__ = ("_costs", "_home", "_revenue_factor", "_products")

    def __init__(self, costs: CostSettings, home_currency: str) -> None:
        self._costs = costs
        self._home = home_currency
        self._revenue_factor = ONE - costs.platform_commission - costs.payment_fee
        # product key -> (net revenue, 1 − consumption tax rate)
        self._products: dict[object, tuple[Decimal, Decimal]] = {}

    def walk(
        self,
        product_key: object,
        sku: str,
        product_name: str,
        currency: str,
        unit_price: Decimal,
        freight: Decimal,
        insurance: Decimal,
        fx: Decimal,
        rates: TaxRates,
        retail_price: Decimal,
    ) -> LandedCostWalk:
        """The walk of one quote; `product_key` stands for (rates, retail price)."""
        costs = self._costs
        per_product = self._products.get(product_key)
        if per_product is None:
            per_product = self._products[product_key] = (
                retail_price * self._revenue_factor,
                ONE - rates.consumption_tax,
            )
        revenue, one_minus_c = per_product
        value = (unit_price + freight + insurance) * fx  # customs_value
        if not rates.cbec_listed:  # off the positive list (a scenario's): see quote_regime
            regime, over_limit = Regime.GENERAL, False
            taxes = import_taxes(value, regime, rates, costs)
        elif value > costs.cbec_transaction_limit:
            regime, over_limit = Regime.GENERAL, True
            taxes = import_taxes(value, regime, rates, costs)
        else:
            regime, over_limit = Regime.CBEC, False
            factored = costs.cbec_factor * (value / one_minus_c)  # 0.7 × base, as below
            taxes = ImportTaxes(ZERO, factored * rates.consumption_tax, factored * rates.vat)
        return _finish_walk(
            sku, product_name, currency, unit_price, freight, insurance, fx, value, regime,
            over_limit, taxes, retail_price, revenue, costs, self._home,
        )  # fmt: skip
