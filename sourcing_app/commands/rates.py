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

from sourcing_app.errors import BadInput


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date in YYYY-MM-DD form") from None


def _rate(value: str) -> Decimal:
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise argparse.ArgumentTypeError(f"{value} is not a usable rate; it must be more than 0")
    return rate


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "rates", help="exchange rates: update from the feed, list, or set by hand"
    )
    actions = parser.add_subparsers(dest="rates_action", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", help="fetch the daily reference rates (ECB by default) and store them"
    )
    update.add_argument("--url", help="the feed address (default: the rates_feed_url setting)")
    update.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long to wait for the feed to answer (default 20)",
    )
    listing = actions.add_parser("list", help="the stored rates scoring uses on a date")
    listing.add_argument("--date", type=_date, help="show the rates on this date (default: today)")
    manual = actions.add_parser("set", help="store a rate by hand; it wins over the feed's")
    manual.add_argument("currency", help="ISO 4217 code, e.g. USD")
    manual.add_argument("date", type=_date, help="YYYY-MM-DD")
    manual.add_argument("rate", type=_rate, help="units of home currency for one unit")
    parser.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services import rates

    if args.rates_action == "update":
        timeout = (rates.CONNECT_TIMEOUT, rates.READ_TIMEOUT)
        if args.timeout is not None:
            if args.timeout <= 0:
                raise BadInput("--timeout must be more than 0 seconds")
            timeout = (min(args.timeout, rates.CONNECT_TIMEOUT), args.timeout)
        result = rates.update_rates(engine, args.url, timeout=timeout)
        print(f"{result.summary()} ({result.source}).", file=out)
        return 0
    if args.rates_action == "set":
        old = rates.set_manual_rate(engine, args.currency, args.date, args.rate)
        home = _home(engine)
        was = "" if old is None else f" (was {old})"
        print(
            f"stored {args.currency.upper()} = {home} {args.rate} on {args.date.isoformat()} "
            f"as a manual rate{was}.",
            file=out,
        )
        return 0
    on = args.date or dt.date.today()
    listed = rates.list_rates(engine, on)
    home = _home(engine)
    age = rates.rates_age(engine, on)
    if not listed:
        print(f"No exchange rates are stored on or before {on.isoformat()}.", file=out)
        return 0
    print(f"Rates to {home} on {on.isoformat()} (the latest stored on or before it):", file=out)
    rows = [("currency", "date", f"rate to {home}", "kind", "source")]
    for rate in listed:
        source = rate.source
        if rate.overruled_feed_rate is not None:
            source += f" (beats the feed's {rate.overruled_feed_rate})"
        rows.append(
            (rate.currency, rate.day.isoformat(), str(rate.rate_to_home), rate.kind, source)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2])]
        print("  ".join([*cells, row[3].ljust(widths[3]), row[4]]).rstrip(), file=out)
    print(age.describe(), file=out)
    return 0


def _home(engine: Engine) -> str:
    from sourcing_app.services.settings import load_settings

    return load_settings(engine).home_currency
