"""Code lists and small cell parsers for the exchange formats (docs/files-and-commands.md).

Pure Python: the lists are written out here rather than fetched, so checking a
file never needs the network or a third-party package.
"""

from __future__ import annotations

from sourcing_app.domain.enums import SupplierKind
from sourcing_app.i18n import _


def _code_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


# ISO 4217 list one: the currencies, funds and precious metals in use. Taken from
# the iso-codes 4.15 list, with HRK removed (Croatia adopted the euro in 2023) and
# the 2024-2025 additions XCG (Caribbean guilder) and ZWG (Zimbabwe gold). ANG and
# ZWL stay accepted during their withdrawal, since purchase history still names them.
ISO_4217_CURRENCIES: frozenset[str] = _code_list(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR
    LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO
    NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG
    XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG ZWL
    """
)

# ISO 3166-1 alpha-2: all 249 officially assigned country codes.
ISO_3166_COUNTRIES: frozenset[str] = _code_list(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN
    BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
    DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL
    GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM
    JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
    MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP
    NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD
    SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """
)

# Incoterms 2020, in the ICC's order (E, F, C, D groups).
INCOTERMS_2020: tuple[str, ...] = (
    "EXW",
    "FCA",
    "FAS",
    "FOB",
    "CFR",
    "CIF",
    "CPT",
    "CIP",
    "DAP",
    "DPU",
    "DDP",
)

# Codes buyers commonly type instead of the ISO ones: named in the error message.
CURRENCY_HINTS: dict[str, str] = {
    "RMB": "CNY",
    "YUAN": "CNY",
    "NTD": "TWD",
    "NT$": "TWD",
    "HKD$": "HKD",
    "US$": "USD",
    "STG": "GBP",
    "UKP": "GBP",
    "YEN": "JPY",
    "WON": "KRW",
    "HRK": "EUR",
}
COUNTRY_HINTS: dict[str, str] = {"UK": "GB", "EL": "GR", "KO": "KR", "SP": "ES"}
# Incoterms 2010 rules that 2020 renamed; other old rules (DAF, DES, DEQ, DDU) were dropped.
INCOTERM_HINTS: dict[str, str] = {"DAT": "DPU"}

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


def parse_bool(text: str) -> bool:
    """true/false, yes/no, y/n or 1/0, in any case. Raises ValueError with a reason otherwise."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(
        _("'{text}' is not yes or no; use true/false, yes/no, y/n or 1/0").format(text=text)
    )


def _kind_key(text: str) -> str:
    # "Bonded-warehouse operator", "bonded_warehouse" and "BONDED WAREHOUSE" compare equal.
    return "".join(ch for ch in text.lower() if ch not in " -_")


_SUPPLIER_KINDS: dict[str, SupplierKind] = {}
for _kind in SupplierKind:
    _SUPPLIER_KINDS[_kind_key(_kind.value)] = _kind
    _SUPPLIER_KINDS[_kind_key(_kind.english_label)] = _kind
# British spelling, common in suppliers' own paperwork.
_SUPPLIER_KINDS[_kind_key("authorised distributor")] = SupplierKind.AUTHORIZED_DISTRIBUTOR


def parse_supplier_kind(text: str) -> SupplierKind:
    """A supplier kind by its value or its label, ignoring case, spaces and hyphens.

    "authorized_distributor", "Authorized distributor" and "AUTHORIZED-DISTRIBUTOR"
    all give SupplierKind.AUTHORIZED_DISTRIBUTOR. Raises ValueError with a reason.
    """
    kind = _SUPPLIER_KINDS.get(_kind_key(text.strip()))
    if kind is None:
        labels = _(", ").join(k.label for k in SupplierKind)
        raise ValueError(
            _("'{text}' is not a supplier kind; use one of: {kinds}").format(
                text=text, kinds=labels
            )
        )
    return kind
