"""`sourcing-app plan`: split each brand's demand across its channels (docs/planning.md)."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.domain.enums import Standing
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, is_chinese


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a date in YYYY-MM-DD form").format(text=text)
        ) from None


def fraction(text: str) -> float:
    """A share written as 0.6 or 60%."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a share (write 0.6 or 60%)").format(text=text)
        ) from None
    if not raw.endswith("%") and value > 1:
        raise argparse.ArgumentTypeError(
            _("'{text}' reads as {value}; write a share as 0.6 or 60%").format(
                text=text, value=f"{value:.0f}"
            )
        )
    return value


def _standing_words() -> str:
    """In Chinese, what each standing typed in English means: '（Preferred＝优选、…）'."""
    if not is_chinese():
        return ""
    return "（{}）".format(
        "、".join(f"{s.value}＝{s.label}" for s in Standing if s is not Standing.UNRATED)
    )


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """Options that override the saved planning rules for one run (nothing is saved)."""
    parser.add_argument(
        "--max-share",
        type=fraction,
        metavar="SHARE",
        help=_("most of a brand's demand per supplier"),
    )
    parser.add_argument(
        "--min-standing",
        choices=[s.value for s in Standing if s is not Standing.UNRATED],
        help=_("lowest standing a supplier may have to be planned") + _standing_words(),
    )
    parser.add_argument(
        "--vertical-floor",
        type=fraction,
        metavar="SHARE",
        help=_("least share of demand through vertical channels, where possible"),
    )
    parser.add_argument(
        "--no-loss-cover",
        action="store_true",
        help=_("leave out channels that lose money, even if demand goes uncovered"),
    )


def planning_rules(engine: Engine, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from sourcing_app.services.planning import load_planning_settings

    settings = load_planning_settings(engine)
    changes: dict[str, object] = {}
    if args.max_share is not None:
        changes["max_share"] = args.max_share
    if args.min_standing is not None:
        changes["min_standing"] = Standing(args.min_standing)
    if args.vertical_floor is not None:
        changes["min_vertical_share"] = args.vertical_floor
    if args.no_loss_cover:
        changes["cover_at_a_loss"] = False
    return replace(settings, **changes) if changes else settings


def add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help=_("table for reading, csv or json for scripts (the same in every language)"),
    )


def register(commands: argparse._SubParsersAction) -> None:
    plan = commands.add_parser(
        "plan",
        help=_("split each brand's monthly demand across its channels"),
        description=_(
            "Plan every brand (hot-selling first; supplier capacity is shared) and "
            "print the split with the reason for each supplier's volume."
        ),
    )
    plan.add_argument("--brand", metavar="NAME", help=_("show this brand only"))
    plan.add_argument("--as-of", type=iso_date, help=_("evaluation date (default: today)"))
    add_format_option(plan)
    add_rule_options(plan)
    plan.set_defaults(run=run)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services.planning import plan_portfolio, write_plan

    as_of = args.as_of or dt.date.today()
    settings = planning_rules(engine, args)
    plan = plan_portfolio(engine, as_of, settings=settings)
    brands = [plan.brand(args.brand)] if args.brand else plan.brands
    if not brands:
        raise BadInput(_("there are no brands to plan; import brands, channels and quotes first"))
    write_plan(brands, args.format, out, currency=plan.home_currency)
    return 0
