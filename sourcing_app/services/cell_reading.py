"""How one cell of a buyer's file is read: each parser takes the cell's text and
returns the value, or raises CellError with the reason a buyer reads.

The parsers accept what docs/files-and-commands.md lists, the glossary's Chinese
words for coded cells included (品牌方, 跨境电商, 是); reasons are in the reader's
language. `file_formats` builds the file kinds from them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from sourcing_app.domain.codes import (
    COUNTRY_HINTS,
    CURRENCY_HINTS,
    INCOTERM_HINTS,
    INCOTERMS_2020,
    ISO_3166_COUNTRIES,
    ISO_4217_CURRENCIES,
    parse_bool,
    parse_supplier_kind,
)
from sourcing_app.domain.enums import Regime, ReturnReason, SupplierKind
from sourcing_app.i18n import N_, _, pgettext
from sourcing_app.services import field_checks
from sourcing_app.services.column_names import (
    CHINESE_REGIMES,
    CHINESE_RETURN_REASONS,
    CHINESE_SUPPLIER_KINDS,
    CHINESE_YES_NO,
)
from sourcing_app.services.field_checks import INT32_MOST


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason a buyer sees."""


# Each parser takes the cell's text, already stripped and not blank, and returns
# the value or raises CellError with a reason that names the bad value.

CellParser = Callable[[str], Any]
# The context of the nouns `whole` is given ("quantities", "days"): what a column counts.
COUNTS = "what a column counts"

_FRACTION_HINT = N_("rates in files are fractions in 0..1 (e.g. 0.13 for 13%)")
POSTAL_RATES: tuple[Decimal, ...] = (Decimal("0.13"), Decimal("0.20"), Decimal("0.50"))


def text(value: str) -> str:
    return value


def whole(what: str, minimum: int = 0) -> CellParser:
    """A whole number of at least `minimum`; `what` names it in the message ("quantities").

    `what` is marked with NP_("what a column counts", ...) where given, translated when used.
    """

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            # Excel sometimes writes a whole number as "12.0"; that is still 12.
            try:
                exact = Decimal(value)
            except InvalidOperation:
                exact = Decimal("NaN")
            if not exact.is_finite() or exact != exact.to_integral_value():
                raise CellError(_("'{value}' is not a whole number").format(value=value)) from None
            if exact.adjusted() > 18:  # 1e308: never build a 308-digit int for nothing
                raise CellError(field_checks.too_large_problem(value, f"{INT32_MOST:,}")) from None
            number = int(exact)
        if number < 0 and minimum > 0:
            raise CellError(
                _("{value} is negative; {what} must be at least {minimum}").format(
                    value=value, what=pgettext(COUNTS, what), minimum=minimum
                )
            )
        if number < 0:
            raise CellError(
                _("{value} is negative; {what} must be 0 or more").format(
                    value=value, what=pgettext(COUNTS, what)
                )
            )
        if number < minimum:
            raise CellError(
                _("{value} is too small; {what} must be at least {minimum}").format(
                    value=value, what=pgettext(COUNTS, what), minimum=minimum
                )
            )
        return number

    return parse


def _decimal(value: str) -> Decimal:
    if value.endswith("%"):
        raise CellError(
            _("'{value}' is a percentage; {hint}").format(value=value, hint=_(_FRACTION_HINT))
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(
            _(
                "'{value}' is not a number (use a dot for decimals, "
                "no currency signs or thousands separators)"
            ).format(value=value)
        ) from None
    if not number.is_finite():
        raise CellError(_("'{value}' is not a number").format(value=value))
    return number


def money(value: str) -> Decimal:
    """A price or amount, kept exact as Decimal; never negative."""
    number = _decimal(value)
    if number < 0:
        raise CellError(_("{value} is negative; amounts must be 0 or more").format(value=value))
    return number


def fraction(value: str) -> Decimal:
    """A rate as a fraction in 0..1. docs/bad-input.md: say which scale is expected."""
    number = _decimal(value)
    if 1 < number <= 100:
        raise CellError(
            _("{value} looks like a percentage; {hint}").format(value=value, hint=_(_FRACTION_HINT))
        )
    if not 0 <= number <= 1:
        raise CellError(
            _("{value} is not between 0 and 1; {hint}").format(value=value, hint=_(_FRACTION_HINT))
        )
    return number


def consumption_tax(value: str) -> Decimal:
    number = fraction(value)
    # docs/margin.md divides by (1 - c): a rate of 1 has no finite tax.
    if number == 1:
        raise CellError(
            _("{value} cannot be used: the tax formula divides by 1 - rate; use below 1").format(
                value=value
            )
        )
    return number


def postal_rate(value: str) -> Decimal:
    number = fraction(value)
    if number not in POSTAL_RATES:
        raise CellError(
            _(
                "{value} is not a postal-article tax tier; use 0.13, 0.20 or 0.50 (13%, 20%, 50%)"
            ).format(value=value)
        )
    return number


def exchange_rate(value: str) -> Decimal:
    number = _decimal(value)
    if number <= 0:
        raise CellError(
            _("{value} is not a usable exchange rate; it must be more than 0").format(value=value)
        )
    return number


def iso_date(value: str) -> dt.date:
    # date.fromisoformat also takes "20260105" and week dates since 3.11;
    # the contract is YYYY-MM-DD only, so check the shape first.
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise CellError(_("'{value}' is not a date in YYYY-MM-DD form").format(value=value))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        reason = _("'{value}' is not a real date (YYYY-MM-DD)")
        raise CellError(reason.format(value=value)) from None


def boolean(value: str) -> bool:
    """true/false, yes/no, y/n, 1/0 in any case, or 是/否."""
    if value in CHINESE_YES_NO:
        return CHINESE_YES_NO[value]
    try:
        return parse_bool(value)
    except ValueError:
        raise CellError(
            _("'{value}' is not yes or no; use true/false, yes/no, y/n or 1/0").format(value=value)
        ) from None


def currency(value: str) -> str:
    code = value.upper()
    if code in ISO_4217_CURRENCIES:
        return code
    hint = CURRENCY_HINTS.get(code)
    if hint:
        raise CellError(
            _("'{value}' is not an ISO 4217 currency code (did you mean {hint}?)").format(
                value=value, hint=hint
            )
        )
    raise CellError(_("'{value}' is not an ISO 4217 currency code").format(value=value))


def country(value: str) -> str:
    code = value.upper()
    if code in ISO_3166_COUNTRIES:
        return code
    hint = COUNTRY_HINTS.get(code)
    if hint:
        reason = _("'{value}' is not an ISO 3166-1 alpha-2 country code (did you mean {hint}?)")
    else:
        reason = _(
            "'{value}' is not an ISO 3166-1 alpha-2 country code (two letters, e.g. CN, JP, US, DE)"
        )
    raise CellError(reason.format(value=value, hint=hint))


def incoterm(value: str) -> str:
    code = value.upper()
    if code in INCOTERMS_2020:
        return code
    hint = INCOTERM_HINTS.get(code)
    rules = ", ".join(INCOTERMS_2020)
    if hint:
        reason = _(
            "'{value}' is not an Incoterms 2020 rule; {code} became {hint} in 2020; "
            "use one of {rules}"
        )
    else:
        reason = _("'{value}' is not an Incoterms 2020 rule; use one of {rules}")
    raise CellError(reason.format(value=value, code=code, hint=hint, rules=rules))


def regime(value: str) -> Regime:
    """cbec, general or postal in any case, or the glossary's 跨境电商, 一般贸易, 行邮."""
    if value in CHINESE_REGIMES:
        return Regime(CHINESE_REGIMES[value])
    try:
        return Regime(value.lower())
    except ValueError:
        raise CellError(
            _("'{value}' is not an import regime; use cbec, general or postal").format(value=value)
        ) from None


def supplier_kind(value: str) -> Any:
    """A supplier kind by its code or English label (any case), or the glossary's word (品牌方)."""
    if value in CHINESE_SUPPLIER_KINDS:
        return SupplierKind(CHINESE_SUPPLIER_KINDS[value])
    try:
        return parse_supplier_kind(value)
    except ValueError:
        labels = _(", ").join(k.label for k in SupplierKind)
        raise CellError(
            _("'{value}' is not a supplier kind; use one of: {labels}").format(
                value=value, labels=labels
            )
        ) from None


def return_reason(value: str) -> ReturnReason:
    """A return reason by its code or English label (any case), or the glossary's word (破损)."""
    if value in CHINESE_RETURN_REASONS:
        return ReturnReason(CHINESE_RETURN_REASONS[value])
    folded = value.casefold().replace(" ", "_").replace("-", "_")
    for reason in ReturnReason:
        if folded == reason.value:
            return reason
    codes = ", ".join(reason.value for reason in ReturnReason)
    raise CellError(
        _("'{value}' is not a return reason; use one of {codes}").format(value=value, codes=codes)
    )
