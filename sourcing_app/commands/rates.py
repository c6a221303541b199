"""`sourcing-app rates update|list|set`: exchange rates from the feed, or typed in.

sourcing-app rates update [--url URL]     fetch the ECB daily rates (or URL) and store them
sourcing-app rates list [--date D]        the rates scoring uses on D, and where they came from
sourcing-app rates set CUR DATE RATE      a manual rate; it wins over the feed for DATE
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.commands import sentence_day
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, pgettext
from sourcing_app.services import text_cells as cells


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date in YYYY-MM-DD form").format(text=value)
        ) from None


def _rate(value: str) -> Decimal:
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(_("'{text}' is not a number").format(text=value)) from None
    if not rate.is_finite() or rate <= 0:
        raise argparse.ArgumentTypeError(
            _("{value} is not a usable rate; it must be more than 0").format(value=value)
        )
    return rate


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rates", help=_("exchange rates: update from the feed, list, or set by hand")
    )
    actions = parser.add_subparsers(dest="rates_action", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", help=_("fetch the daily reference rates (ECB by default) and store them")
    )
    update.add_argument("--url", help=_("the feed address (default: the rates_feed_url setting)"))
    update.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=_("how long to wait for the feed to answer (default 20)"),
    )
    listing = actions.add_parser("list", help=_("the stored rates scoring uses on a date"))
    listing.add_argument(
        "--date", type=_date, help=_("show the rates on this date (default: today)")
    )
    manual = actions.add_parser("set", help=_("store a rate by hand; it wins over the feed's"))
    manual.add_argument("currency", help=_("ISO 4217 code, e.g. USD"))
    manual.add_argument("date", type=_date, help="YYYY-MM-DD")
    manual.add_argument("rate", type=_rate, help=_("units of home currency for one unit"))
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services import rates

    if args.rates_action == "update":
        timeout = (rates.CONNECT_TIMEOUT, rates.READ_TIMEOUT)
        if args.timeout is not None:
            if args.timeout <= 0:
                raise BadInput(_("--timeout must be more than 0 seconds"))
            timeout = (min(args.timeout, rates.CONNECT_TIMEOUT), args.timeout)
        result = rates.update_rates(engine, args.url, timeout=timeout)
        print(
            _("{summary} ({source}).").format(summary=result.summary(), source=result.source),
            file=out,
        )
        return 0
    if args.rates_action == "set":
        old = rates.set_manual_rate(engine, args.currency, args.date, args.rate)
        home = _home(engine)
        values = {
            "currency": args.currency.upper(),
            "home": home,
            "rate": args.rate,
            "day": sentence_day(args.date),
            "old": old,
        }
        if old is None:
            words = _("stored {currency} = {home} {rate} on {day} as a manual rate.")
        else:
            words = _("stored {currency} = {home} {rate} on {day} as a manual rate (was {old}).")
        print(words.format(**values), file=out)
        return 0
    on = args.date or dt.date.today()
    listed = rates.list_rates(engine, on)
    home = _home(engine)
    age = rates.rates_age(engine, on)
    if not listed:
        print(
            _("No exchange rates are stored on or before {day}.").format(day=sentence_day(on)),
            file=out,
        )
        return 0
    print(
        _("Rates to {home} on {day} (the latest stored on or before it):").format(
            home=home, day=sentence_day(on)
        ),
        file=out,
    )
    # Translators: the column headers of `sourcing-app rates list`.
    rows = [
        (
            pgettext("rates table", "currency"),
            pgettext("rates table", "date"),
            pgettext("rates table", "rate to {home}").format(home=home),
            pgettext("rates table", "kind"),
            pgettext("rates table", "source"),
        )
    ]
    for rate in listed:
        source = rate.source
        if rate.overruled_feed_rate is not None:
            source = _("{source} (beats the feed's {rate})").format(
                source=source, rate=rate.overruled_feed_rate
            )
        rows.append(
            (rate.currency, rate.day.isoformat(), str(rate.rate_to_home), _kind(rate.kind), source)
        )
    widths = [max(cells.width(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        line = [
            cells.left(row[0], widths[0]),
            cells.left(row[1], widths[1]),
            cells.right(row[2], widths[2]),
            cells.left(row[3], widths[3]),
            row[4],
        ]
        print("  ".join(line).rstrip(), file=out)
    print(age.describe(), file=out)
    return 0


def _kind(kind: str) -> str:
    """'manual' or 'feed' in the reader's words (the glossary's 手工汇率 / 自动汇率)."""
    from sourcing_app.services.rate_lookup import FEED, MANUAL

    if kind == MANUAL:
        # Translators: a rate typed in by hand (the kind column of `rates list`).
        return pgettext("rate kind", "manual")
    if kind == FEED:
        # Translators: a rate from the daily feed (the kind column of `rates list`).
        return pgettext("rate kind", "feed")
    return kind


def _home(engine: Engine) -> str:
    from sourcing_app.services.settings import load_settings

    return load_settings(engine).home_currency
