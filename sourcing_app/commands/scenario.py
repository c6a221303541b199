"""`sourcing-app scenario`: save, list, run and compare what-if scenarios (docs/planning.md)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.commands.plan import add_rule_options, iso_date, planning_rules
from sourcing_app.domain.scenarios import CHANGE_SYNTAX, Scenario, check_name
from sourcing_app.errors import BadInput

CHANGE_HELP = (
    "a change (repeat for several): cbec-withdrawn, tariff:CATEGORY:RATE, "
    "consumption-tax:CATEGORY:RATE, vat:CATEGORY:RATE, currency:CODE:±X%, freight:±X%, "
    "lose:CODE[,CODE…]"
)


def register(commands: argparse._SubParsersAction) -> None:
    scenario = commands.add_parser(
        "scenario",
        help="what-if scenarios: save, list, run, compare (the data is never changed)",
        description="What-if scenarios. Change syntax: " + CHANGE_SYNTAX,
    )
    actions = scenario.add_subparsers(dest="scenario_action", metavar="ACTION")
    scenario.set_defaults(run=run)

    save = actions.add_parser("save", help="save a named scenario")
    save.add_argument("name")
    save.add_argument("--change", action="append", default=[], metavar="CHANGE", help=CHANGE_HELP)

    actions.add_parser("list", help="list the saved scenarios")

    delete = actions.add_parser("delete", help="delete a saved scenario")
    delete.add_argument("name")

    run_ = actions.add_parser("run", help="run a saved scenario and/or inline changes")
    run_.add_argument("name", nargs="?", help="a saved scenario")
    run_.add_argument("--change", action="append", default=[], metavar="CHANGE", help=CHANGE_HELP)
    run_.add_argument("--brand", metavar="NAME", help="show this brand only, with its lines")
    run_.add_argument("--as-of", type=iso_date, help="evaluation date (default: today)")
    run_.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_rule_options(run_)

    compare = actions.add_parser("compare", help="compare saved scenarios side by side")
    compare.add_argument("names", nargs="+", metavar="NAME")
    compare.add_argument("--as-of", type=iso_date, help="evaluation date (default: today)")
    compare.add_argument("--format", choices=["table", "csv", "json"], default="table")
    add_rule_options(compare)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sourcing_app.services import scenarios as service

    action = args.scenario_action
    if action is None:
        raise BadInput("say what to do: scenario save, list, delete, run or compare")
    if action == "save":
        scenario = Scenario.from_texts(check_name(args.name), args.change)
        scenario = service.save_scenario(engine, scenario)
        print(f"saved scenario {scenario.name}: {scenario.describe()}", file=out)
        return 0
    if action == "list":
        saved = service.list_scenarios(engine)
        for s in saved:
            print(f"{s.name}: {' '.join(s.texts)}", file=out)
        print(f"{len(saved)} scenario(s) saved", file=out)
        return 0
    if action == "delete":
        service.delete_scenario(engine, args.name)
        print(f"deleted scenario {args.name}", file=out)
        return 0
    as_of = args.as_of or dt.date.today()
    settings = planning_rules(engine, args)
    if action == "run":
        changes = list(service.load_scenario(engine, args.name).texts) if args.name else []
        changes += args.change
        if not changes:
            raise BadInput("name a saved scenario or give at least one --change")
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
