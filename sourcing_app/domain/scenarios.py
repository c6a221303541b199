"""What-if scenarios (docs/planning.md): named sets of changes that leave the data untouched.

A change is written in one short line, the same on the command line, in the
saved scenario and on screen:

    cbec-withdrawn                  CBEC lines taxed as general trade
    cbec-withdrawn:CATEGORY         that tax category leaves the CBEC positive list
    cbec-limit:AMOUNT               the CBEC single-transaction limit becomes AMOUNT
    clearance:+N                    customs takes N more days on every delivery
    tariff:CATEGORY:RATE            a tax category's tariff becomes RATE (0.10 or 10%)
    consumption-tax:CATEGORY:RATE   its consumption tax becomes RATE
    vat:CATEGORY:RATE               its VAT becomes RATE
    currency:CODE:±X%               one unit of CODE costs X% more (or less) home currency
    freight:±X%                     freight per unit rises (or falls) by X%
    lose:CODE[,CODE…]               these suppliers can no longer supply

Prices and taxes change what scoring reads (`PricingChanges`, applied while the
quotes are walked to a margin); the limit and slower customs change the
settings scoring runs with (`Scenario.scoring_settings`); a lost supplier leaves
the plan. The history of purchases and deliveries is history: fill rates, lead
times and the portfolio priors stay as they are, so a lost supplier does not
move anyone else's score. Slower customs is the one change that reads history
again: every delivery's clearance days are taken as N higher.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sourcing_app.domain import formatting
from sourcing_app.domain.codes import ISO_4217_CURRENCIES
from sourcing_app.domain.landed_cost import TaxRates
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, ngettext

ONE = Decimal("1")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

CHANGE_SYNTAX = (
    "cbec-withdrawn | cbec-withdrawn:CATEGORY | cbec-limit:AMOUNT | clearance:+N | "
    "tariff:CATEGORY:RATE | consumption-tax:CATEGORY:RATE | vat:CATEGORY:RATE | "
    "currency:CODE:±X% | freight:±X% | lose:CODE[,CODE…]"
)
MAX_CLEARANCE_DAYS = 365  # clearance:+N: more than a year slower says nothing more
NAME_PATTERN = re.compile(r"^[\w][\w .,%\-+()&]{0,59}$")


class ChangeKind(StrEnum):
    CBEC_WITHDRAWN = "cbec-withdrawn"  # with a target: that tax category only
    CBEC_LIMIT = "cbec-limit"
    CLEARANCE = "clearance"
    TARIFF = "tariff"
    CONSUMPTION_TAX = "consumption-tax"
    VAT = "vat"
    CURRENCY = "currency"
    FREIGHT = "freight"
    LOSE = "lose"


TAX_FIELDS = {
    ChangeKind.TARIFF: "tariff",
    ChangeKind.CONSUMPTION_TAX: "consumption_tax",
    ChangeKind.VAT: "vat",
}


@dataclass(frozen=True)
class Change:
    """One change of a scenario; `text` is its canonical one-line form."""

    kind: ChangeKind
    target: str = ""  # the tax category or the currency
    # a rate (fraction), a move (fraction: +0.10 is +10%), a limit (home currency)
    # or a number of days (a whole number)
    value: Decimal = ZERO
    suppliers: tuple[str, ...] = ()

    @property
    def days(self) -> int:
        """clearance:+N: the N."""
        return int(self.value)

    @property
    def text(self) -> str:
        if self.kind is ChangeKind.CBEC_WITHDRAWN:
            return f"cbec-withdrawn:{self.target}" if self.target else "cbec-withdrawn"
        if self.kind is ChangeKind.CBEC_LIMIT:
            return f"cbec-limit:{_fraction(self.value)}"
        if self.kind is ChangeKind.CLEARANCE:
            return f"clearance:+{self.days}"
        if self.kind in TAX_FIELDS:
            return f"{self.kind.value}:{self.target}:{_fraction(self.value)}"
        if self.kind is ChangeKind.CURRENCY:
            return f"currency:{self.target}:{_percent(self.value, signed=True)}"
        if self.kind is ChangeKind.FREIGHT:
            return f"freight:{_percent(self.value, signed=True)}"
        return "lose:" + ",".join(self.suppliers)

    def describe(self, home_currency: str = "") -> str:
        """The change in words, for the screen and the reports.

        A limit is shown with the home currency's code when it is given.
        """
        if self.kind is ChangeKind.CBEC_WITHDRAWN:
            if self.target:
                return _(
                    "tax category {category} leaves the CBEC positive list: "
                    "its goods are taxed as general trade"
                ).format(category=self.target)
            return _("CBEC preferential tax withdrawn: CBEC lines taxed as general trade")
        if self.kind is ChangeKind.CBEC_LIMIT:
            places = 0 if self.value == self.value.to_integral_value() else 2
            if home_currency:
                amount = formatting.money(self.value, home_currency, places)
            else:
                amount = formatting.amount(self.value, places)
            return _(
                "CBEC single-transaction limit set to {amount}: a unit worth more is taxed "
                "as general trade"
            ).format(amount=amount)
        if self.kind is ChangeKind.CLEARANCE:
            return ngettext(
                "customs clearance takes {days} more day on every delivery",
                "customs clearance takes {days} more days on every delivery",
                self.days,
            ).format(days=self.days)
        words = {"category": self.target, "currency": self.target}
        words["rate"] = _percent(abs(self.value))
        if self.kind is ChangeKind.TARIFF:
            return _("tariff of tax category {category} set to {rate}").format(**words)
        if self.kind is ChangeKind.CONSUMPTION_TAX:
            return _("consumption tax of tax category {category} set to {rate}").format(**words)
        if self.kind is ChangeKind.VAT:
            return _("vat of tax category {category} set to {rate}").format(**words)
        if self.kind is ChangeKind.CURRENCY:
            if self.value > 0:
                return _("{currency} {rate} dearer in the home currency").format(**words)
            return _("{currency} {rate} cheaper in the home currency").format(**words)
        if self.kind is ChangeKind.FREIGHT:
            if self.value > 0:
                return _("freight per unit rises by {rate}").format(**words)
            return _("freight per unit falls by {rate}").format(**words)
        return _("supplier(s) lost: {suppliers}").format(suppliers=", ".join(self.suppliers))


def parse_change(text: str) -> Change:
    """One change from its written form; BadInput says what is wrong and how to write it."""
    raw = text.strip()
    parts = [p.strip() for p in raw.split(":")]
    head = parts[0].lower()
    try:
        kind = ChangeKind(head)
    except ValueError:
        raise BadInput(
            _("'{change}' is not a change this app knows; write one of: {forms}").format(
                change=raw, forms=CHANGE_SYNTAX
            )
        ) from None
    if kind is ChangeKind.CBEC_WITHDRAWN:
        if len(parts) == 2 and parts[1]:
            return Change(kind, parts[1])  # one category leaves the positive list
        _arity(raw, parts, 1, "cbec-withdrawn | cbec-withdrawn:CATEGORY", "cbec-withdrawn:skincare")
        return Change(kind)
    if kind is ChangeKind.CBEC_LIMIT:
        _arity(raw, parts, 2, "cbec-limit:AMOUNT", "cbec-limit:2000")
        return Change(kind, "", _limit(parts[1], raw))
    if kind is ChangeKind.CLEARANCE:
        _arity(raw, parts, 2, "clearance:+N", "clearance:+2")
        return Change(kind, "", Decimal(_days(parts[1], raw)))
    if kind in TAX_FIELDS:
        _arity(raw, parts, 3, f"{kind.value}:CATEGORY:RATE", f"{kind.value}:cosmetics:0.10")
        if not parts[1]:
            raise BadInput(_("'{change}' names no tax category").format(change=raw))
        rate = _rate(parts[2], raw)
        if kind is ChangeKind.CONSUMPTION_TAX and rate >= ONE:
            raise BadInput(_("'{change}': a consumption tax must be below 100%").format(change=raw))
        return Change(kind, parts[1], rate)
    if kind is ChangeKind.CURRENCY:
        _arity(raw, parts, 3, "currency:CODE:±X%", "currency:USD:+10%")
        code = parts[1].upper()
        if code not in ISO_4217_CURRENCIES:
            raise BadInput(
                _("'{change}': {code} is not an ISO 4217 currency code").format(
                    change=raw, code=parts[1]
                )
            )
        move = _move(parts[2], raw)
        if move <= -ONE:
            raise BadInput(
                _("'{change}': a currency cannot fall by 100% or more").format(change=raw)
            )
        return Change(kind, code, move)
    if kind is ChangeKind.FREIGHT:
        _arity(raw, parts, 2, "freight:±X%", "freight:+20%")
        move = _move(parts[1], raw)
        if move < -ONE:
            raise BadInput(
                _("'{change}': freight cannot fall by more than 100%").format(change=raw)
            )
        return Change(kind, "", move)
    _arity(raw, parts, 2, "lose:CODE[,CODE…]", "lose:SUP-0012")
    codes = tuple(dict.fromkeys(c.strip() for c in parts[1].split(",") if c.strip()))
    if not codes:
        raise BadInput(
            _("'{change}' names no supplier; write {form}").format(
                change=raw, form="lose:CODE[,CODE…]"
            )
        )
    return Change(kind, "", ZERO, codes)


def _arity(raw: str, parts: Sequence[str], n: int, form: str, example: str = "") -> None:
    if len(parts) != n:
        if example:
            text = _("'{change}' is not written as {form}, e.g. {example}")
        else:
            text = _("'{change}' is not written as {form}")
        raise BadInput(text.format(change=raw, form=form, example=example))


def _number(text: str, raw: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadInput(_number_error(text, raw)) from None
    if not value.is_finite():
        raise BadInput(_number_error(text, raw))
    return value


def _number_error(text: str, raw: str) -> str:
    return _("'{change}': '{text}' is not a number").format(change=raw, text=text)


def _limit(text: str, raw: str) -> Decimal:
    """An amount in the home currency, above 0; thousands may be grouped: 2,000 or 2000."""
    cleaned = text.replace(",", "").replace(" ", "")
    if not cleaned:
        raise BadInput(
            _("'{change}' names no amount; write it as cbec-limit:2000").format(change=raw)
        )
    value = _number(cleaned, raw)
    if value <= 0:
        raise BadInput(
            _("'{change}': the single-transaction limit must be above 0").format(change=raw)
        )
    return value.normalize()


def _days(text: str, raw: str) -> int:
    """clearance:+N: a whole number of days from 1 to MAX_CLEARANCE_DAYS; the + is optional."""
    digits = text.removeprefix("+").strip()
    if not digits.isascii() or not digits.isdigit():
        raise BadInput(
            _(
                "'{change}': write the extra clearance days as a whole number, e.g. clearance:+2"
            ).format(change=raw)
        )
    days = int(digits)
    if not 1 <= days <= MAX_CLEARANCE_DAYS:
        raise BadInput(
            _("'{change}': the extra clearance days must be from 1 to {most}").format(
                change=raw, most=MAX_CLEARANCE_DAYS
            )
        )
    return days


def _rate(text: str, raw: str) -> Decimal:
    """A tax rate as a fraction (0.10) or a percentage (10%); never negative."""
    if text.endswith("%"):
        value = _number(text[:-1].strip(), raw) / HUNDRED
    else:
        value = _number(text, raw)
        if value > 1:
            raise BadInput(
                _(
                    "'{change}': {text} reads as {percent}; write a rate as a fraction (0.10) "
                    "or with a percent sign (10%)"
                ).format(change=raw, text=text, percent=f"{value * 100:.0f}%")
            )
    if value < 0:
        raise BadInput(_("'{change}': a tax rate cannot be negative").format(change=raw))
    return value.normalize() if value else ZERO


def _move(text: str, raw: str) -> Decimal:
    """A relative move, always a percentage with its sign optional: +10%, -5%, 10%."""
    if not text.endswith("%"):
        raise BadInput(
            _("'{change}': write the move as a percentage, e.g. +10% or -5%").format(change=raw)
        )
    return (_number(text[:-1].strip(), raw) / HUNDRED).normalize()


def _percent(value: Decimal, *, signed: bool = False) -> str:
    shown = (value * HUNDRED).normalize()
    text = f"{shown:f}"
    if signed and value >= 0:
        text = "+" + text
    return text + "%"


def _fraction(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass(frozen=True)
class PricingChanges:
    """What a scenario changes in the landed-cost walk of every quote (docs/margin.md)."""

    cbec_withdrawn: bool = False
    fx_moves: Mapping[str, Decimal] = field(default_factory=dict)  # currency -> +0.10
    freight_move: Decimal = ZERO
    tax_rates: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    # Tax categories off the CBEC positive list: their goods go general trade.
    withdrawn_categories: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (
            self.cbec_withdrawn
            or self.fx_moves
            or self.freight_move
            or self.tax_rates
            or self.withdrawn_categories
        )

    def rates(self, category: str, rates: TaxRates) -> TaxRates:
        """The category's rates under the scenario, and whether it stays on the positive list."""
        changed: dict[str, object] = dict(self.tax_rates.get(category, {}))
        if category in self.withdrawn_categories:
            changed["cbec_listed"] = False
        return replace(rates, **changed) if changed else rates  # type: ignore[arg-type]

    def fx(self, currency: str, rate: Decimal) -> Decimal:
        move = self.fx_moves.get(currency)
        return rate if move is None else rate * (ONE + move)

    def freight(self, amount: Decimal) -> Decimal:
        return amount if not self.freight_move else amount * (ONE + self.freight_move)


@dataclass(frozen=True)
class Scenario:
    name: str
    changes: tuple[Change, ...]

    def __post_init__(self) -> None:
        seen: dict[tuple[str, str], str] = {}
        for change in self.changes:
            if change.kind is ChangeKind.LOSE:
                continue
            key = (change.kind.value, change.target)
            if key in seen:
                raise BadInput(
                    _("'{first}' and '{second}' change the same thing; keep one of them").format(
                        first=seen[key], second=change.text
                    )
                )
            seen[key] = change.text
        whole = seen.get((ChangeKind.CBEC_WITHDRAWN.value, ""))
        if whole is not None:
            for (kind, target), written in seen.items():
                if kind == ChangeKind.CBEC_WITHDRAWN.value and target:
                    raise BadInput(
                        _(
                            "'{whole}' already takes every category off CBEC; "
                            "'{one}' adds nothing: keep one of them"
                        ).format(whole=whole, one=written)
                    )

    @classmethod
    def from_texts(cls, name: str, texts: Iterable[str]) -> Scenario:
        changes = tuple(parse_change(t) for t in texts)
        if not changes:
            raise BadInput(
                _("a scenario needs at least one change; write one of: {forms}").format(
                    forms=CHANGE_SYNTAX
                )
            )
        return cls(name, changes)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.changes]

    def describe(self, home_currency: str = "") -> str:
        # Translators: joins the changes of a scenario, "A; B".
        return _("; ").join(c.describe(home_currency) for c in self.changes)

    @property
    def lost(self) -> frozenset[str]:
        return frozenset(s for c in self.changes if c.kind is ChangeKind.LOSE for s in c.suppliers)

    @property
    def pricing(self) -> PricingChanges:
        fx: dict[str, Decimal] = {}
        taxes: dict[str, dict[str, Decimal]] = {}
        freight = ZERO
        cbec = False
        withdrawn: set[str] = set()
        for c in self.changes:
            if c.kind is ChangeKind.CBEC_WITHDRAWN and c.target:
                withdrawn.add(c.target)
            elif c.kind is ChangeKind.CBEC_WITHDRAWN:
                cbec = True
            elif c.kind is ChangeKind.CURRENCY:
                fx[c.target] = c.value
            elif c.kind is ChangeKind.FREIGHT:
                freight = c.value
            elif c.kind in TAX_FIELDS:
                taxes.setdefault(c.target, {})[TAX_FIELDS[c.kind]] = c.value
        return PricingChanges(cbec, fx, freight, taxes, frozenset(withdrawn))

    def scoring_settings(self, settings: ScoringSettings) -> ScoringSettings:
        """The settings a run under this scenario scores with (docs/planning.md).

        `cbec-limit:AMOUNT` sets the single-transaction limit: a unit whose V is
        strictly over it goes general trade and is flagged, as under the real limit.

        `clearance:+N` takes every delivery's clearance days as N higher. For
        whole numbers `days + N <= target` is exactly `days <= target − N`, and
        `days + N > hold` exactly `days > hold − N`, so scoring the real days
        against a target and a hold N lower gives the clearance sub-score, its
        portfolio prior and CUSTOMS_DELAY of the slower customs, with nothing
        rounded. A target below N becomes negative: then no delivery is within
        it, as none would be at N more days.
        """
        out = settings
        for c in self.changes:
            if c.kind is ChangeKind.CBEC_LIMIT:
                out = replace(out, costs=replace(out.costs, cbec_transaction_limit=c.value))
            elif c.kind is ChangeKind.CLEARANCE:
                out = replace(
                    out,
                    clearance_target_days=out.clearance_target_days - c.days,
                    customs_hold_days=out.customs_hold_days - c.days,
                )
        return out

    @property
    def categories(self) -> set[str]:
        """Every tax category the scenario names (a tax change or a withdrawal)."""
        return {
            c.target
            for c in self.changes
            if c.kind in TAX_FIELDS or (c.kind is ChangeKind.CBEC_WITHDRAWN and c.target)
        }

    @property
    def currencies(self) -> set[str]:
        return {c.target for c in self.changes if c.kind is ChangeKind.CURRENCY}


def check_name(name: str) -> str:
    """A scenario's name: 1 to 60 letters, digits, spaces and . , % - + ( ) &."""
    cleaned = name.strip()
    if not NAME_PATTERN.match(cleaned):
        raise BadInput(
            _(
                "'{name}' cannot name a scenario: use 1 to 60 letters, digits, spaces and {signs}"
            ).format(name=name, signs=". , % - + ( ) &")
        )
    return cleaned
