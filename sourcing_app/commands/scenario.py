"""`sourcing-app scenario`: save, list, run and compare what-if scenarios (docs/planning.md)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.commands.plan import (
    add_format_option,
    add_rule_options,
    iso_date,
    planning_rules,
)
from sourcing_app.domain.scenarios import CHANGE_SYNTAX, Scenario, check_name
from sourcing_app.errors import BadInput
from sourcing_app.i18n import N_, _

CHANGE_HELP = N_(
    "a change (repeat for several): cbec-withdrawn, cbec-withdrawn:CATEGORY, "
    "cbec-limit:AMOUNT (home currency), clearance:+N (days), tariff:CATEGORY:RATE, "
    "consumption-tax:CATEGORY:RATE, vat:CATEGORY:RATE, currency:CODE:±X%, freight:±X%, "
    "lose:CODE[,CODE…]"
)


def register(commands: argparse._SubParsersAction) -> None:
    scenario = commands.add_parser(
        "scenario",
        help=_("what-if scenarios: save, list, run, compare (the data is never changed)"),
        description=_("What-if scenarios. Change syntax: {syntax}").format(syntax=CHANGE_SYNTAX),
    )
    actions = scenario.add_subparsers(dest="scenario_action", metavar="ACTION")
    scenario.set_defaults(run=run)

    # argparse reads a help text as a %-format: the '%' of '±X%' must be written '%%'.
    change_help = _(CHANGE_HELP).replace("%", "%%")
    save = actions.add_parser("save", help=_("save a named scenario"))
    save.add_argument("name", help=_("the scenario's name"))
    save.add_argument("--change", action="append", default=[], metavar="CHANGE", help=change_help)

    actions.add_parser("list", help=_("list the saved scenarios"))

    delete = actions.add_parser("delete", help=_("delete a saved scenario"))
    delete.add_argument("name", help=_("the scenario's name"))

    run_ = actions.add_parser("run", help=_("run a saved scenario and/or inline changes"))
    run_.add_argument("name", nargs="?", help=_("a saved scenario"))
    run_.add_argument("--change", action="append", default=[], metavar="CHANGE", help=change_help)
    run_.add_argument("--brand", metavar="NAME", help=_("show this brand only, with its lines"))
    run_.add_argument("--as-of", type=iso_date, help=_("evaluation date (default: today)"))
    add_format_option(run_)
    add_rule_options(run_)

    compare = actions.add_parser("compare", help=_("compare saved scenarios side by side"))
    compare.add_argument("names", nargs="+", metavar="NAME", help=_("saved scenarios"))
    compare.add_argument("--as-of", type=iso_date, help=_("evaluation date (default: today)"))
    add_format_option(compare)
    add_rule_options(compare)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services import scenarios as service
    from sourcing_app.services.settings import load_settings

    action = args.scenario_action
    if action is None:
        raise BadInput(_("say what to do: scenario save, list, delete, run or compare"))
    if action == "save":
        scenario = Scenario.from_texts(check_name(args.name), args.change)
        scenario = service.save_scenario(engine, scenario)
        home = load_settings(engine).home_currency
        print(
            _("saved scenario {name}: {changes}").format(
                name=scenario.name, changes=scenario.describe(home)
            ),
            file=out,
        )
        return 0
    if action == "list":
        saved = service.list_scenarios(engine)
        for s in saved:
            print(f"{s.name}: {' '.join(s.texts)}", file=out)
        print(_("{count} scenario(s) saved").format(count=len(saved)), file=out)
        return 0
    if action == "delete":
        service.delete_scenario(engine, args.name)
        print(_("deleted scenario {name}").format(name=args.name), file=out)
        return 0
    as_of = args.as_of or dt.date.today()
    settings = planning_rules(engine, args)
    if action == "run":
        changes = list(service.load_scenario(engine, args.name).texts) if args.name else []
        changes += args.change
        if not changes:
            raise BadInput(_("name a saved scenario or give at least one --change"))
        scenario = Scenario.from_texts(args.name or "inline", changes)
        result = service.run_scenario(engine, scenario, as_of, settings=settings)
        service.write_result(result, args.format, out, brand=args.brand)
        return 0
    scenarios = [service.load_scenario(engine, name) for name in args.names]
    baseline = service.baseline_plan(engine, as_of, settings=settings)
    results = [
        service.run_scenario(engine, s, as_of, baseline=baseline, settings=settings)
        for s in scenarios
    ]
    service.write_comparison(results, args.format, out)
    return 0


__all__ = ["register", "run"]
