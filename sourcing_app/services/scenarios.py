"""Save, run, compare and export what-if scenarios (docs/planning.md).

A scenario is stored as JSON in the `setting` table under `scenario:<name>`:
its name and its changes in their one-line form (see `domain.scenarios`).
Running one never writes: prices and taxes change only in the scoring run's
own copy of the reference tables, and lost suppliers only leave the plan.

A run reuses a baseline plan when it is given one (the desktop keeps the
plan it shows), so re-running a scenario costs one scoring pass plus the
planning, not two.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from sqlalchemy import Engine, text

from sourcing_app.domain.allocation import CENT, BrandAllocation, PlanningSettings
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.formatting import day
from sourcing_app.domain.scenarios import (
    TAX_FIELDS,
    ChangeKind,
    Scenario,
    check_name,
    parse_change,
)
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput, ProgressCallback, no_progress
from sourcing_app.i18n import _, pgettext
from sourcing_app.services import text_cells as cells
from sourcing_app.services.output_values import csv_cell, json_money, json_number
from sourcing_app.services.planning import (
    PortfolioPlan,
    allocation_record,
    format_money,
    format_share,
    plan_portfolio,
    put_setting,
)
from sourcing_app.services.settings import load_settings

SCENARIO_PREFIX = "scenario:"


# --- storage -------------------------------------------------------------------------------


def save_scenario(engine: Engine, scenario: Scenario) -> Scenario:
    """Save (or replace) a scenario under its name, after checking it against the data.

    Returns it as saved: names spelled as the data spells them.
    """
    name = check_name(scenario.name)
    scenario = check_against_data(engine, scenario)
    payload = json.dumps({"name": name, "changes": scenario.texts}, ensure_ascii=False)
    with engine.begin() as conn:
        put_setting(conn, SCENARIO_PREFIX + name, payload)
    return Scenario(name, scenario.changes)


def load_scenario(engine: Engine, name: str) -> Scenario:
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT value FROM setting WHERE key = :k"), {"k": SCENARIO_PREFIX + name.strip()}
        ).scalar()
    if value is None:
        known = ", ".join(s.name for s in list_scenarios(engine)) or _("none saved yet")
        raise BadInput(
            _("there is no scenario named '{name}' (saved: {known})").format(name=name, known=known)
        )
    return _from_json(value)


def list_scenarios(engine: Engine) -> list[Scenario]:
    """Every saved scenario, by name."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT value FROM setting WHERE key LIKE :p ORDER BY key"),
            {"p": SCENARIO_PREFIX + "%"},
        ).all()
    return [_from_json(value) for (value,) in rows]


def delete_scenario(engine: Engine, name: str) -> None:
    with engine.begin() as conn:
        deleted = conn.execute(
            text("DELETE FROM setting WHERE key = :k"), {"k": SCENARIO_PREFIX + name.strip()}
        )
    if deleted.rowcount == 0:
        raise BadInput(_("there is no scenario named '{name}'").format(name=name))


def _from_json(value: str) -> Scenario:
    try:
        data = json.loads(value)
        return Scenario(str(data["name"]), tuple(parse_change(t) for t in data["changes"]))
    except (ValueError, KeyError, TypeError) as error:
        raise BadInput(
            _("a saved scenario could not be read: {error}").format(error=error)
        ) from None


def check_against_data(engine: Engine, scenario: Scenario) -> Scenario:
    """Every tax category, currency and supplier a scenario names must exist.

    Returns the scenario with names spelled as the data spells them (a category
    or supplier code may be typed in any case).
    """
    with engine.connect() as conn:
        categories = {r[0] for r in conn.execute(text("SELECT name FROM tax_category"))}
        currencies = {r[0] for r in conn.execute(text("SELECT DISTINCT currency FROM quote"))}
        lost = sorted(scenario.lost)
        known: dict[str, str] = {}
        if lost:
            known = {
                r[0].casefold(): r[0]
                for r in conn.execute(
                    text("SELECT code FROM supplier WHERE archived = :f"), {"f": False}
                )
            }
    home = load_settings(engine).home_currency
    by_fold = {c.casefold(): c for c in categories}
    for category in sorted(scenario.categories):
        if category.casefold() not in by_fold:
            shown = ", ".join(sorted(categories)) or _("none yet")
            raise BadInput(
                _("there is no tax category named '{category}' (there are: {shown})").format(
                    category=category, shown=shown
                )
            )
    for currency in sorted(scenario.currencies):
        if currency == home:
            raise BadInput(
                _("{currency} is the home currency: move the others against it instead").format(
                    currency=currency
                )
            )
        if currency not in currencies:
            raise BadInput(
                _("no quote is priced in {currency}, so moving it would change nothing").format(
                    currency=currency
                )
            )
    missing = [code for code in lost if code.casefold() not in known]
    if missing:
        raise BadInput(
            _("no supplier (not archived) has the code {codes}").format(codes=", ".join(missing))
        )
    changes = []
    for change in scenario.changes:
        if change.kind in TAX_FIELDS or (
            change.kind is ChangeKind.CBEC_WITHDRAWN and change.target
        ):
            change = replace(change, target=by_fold[change.target.casefold()])
        elif change.kind is ChangeKind.LOSE:
            change = replace(change, suppliers=tuple(known[c.casefold()] for c in change.suppliers))
        changes.append(change)
    return Scenario(scenario.name, tuple(changes))


# --- running -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrandChange:
    """One brand before and after a scenario."""

    before: BrandAllocation
    after: BrandAllocation
    same_split_margin: Decimal  # the old split at the new margins; lost suppliers' units earn 0

    @property
    def brand(self) -> str:
        return self.before.brand

    @property
    def margin_change(self) -> Decimal:
        return self.after.expected_margin - self.before.expected_margin

    @property
    def became_unprofitable(self) -> bool:
        return self.before.expected_margin > 0 >= self.after.expected_margin

    @property
    def became_uncovered(self) -> bool:
        return self.after.uncovered > self.before.uncovered

    @property
    def lost_vertical(self) -> bool:
        return self.after.vertical_units < self.before.vertical_units


@dataclass(frozen=True)
class StandingChange:
    supplier_code: str
    supplier_name: str
    before: Standing
    after: Standing
    score_before: float | None
    score_after: float | None


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    before: PortfolioPlan
    after: PortfolioPlan
    brands: tuple[BrandChange, ...]  # by brand name
    standing_changes: tuple[StandingChange, ...]  # by supplier code

    @property
    def as_of(self) -> dt.date:
        return self.after.as_of

    @property
    def currency(self) -> str:
        return self.after.home_currency

    @property
    def unprofitable(self) -> list[BrandChange]:
        return [b for b in self.brands if b.became_unprofitable]

    @property
    def uncovered(self) -> list[BrandChange]:
        return [b for b in self.brands if b.became_uncovered]

    @property
    def margin_before(self) -> Decimal:
        return sum((b.before.expected_margin for b in self.brands), Decimal(0))

    @property
    def margin_after(self) -> Decimal:
        return sum((b.after.expected_margin for b in self.brands), Decimal(0))

    def brand(self, name: str) -> BrandChange:
        for b in self.brands:
            if b.brand.casefold() == name.casefold():
                return b
        raise BadInput(_("there is no brand named '{name}'").format(name=name))


def baseline_plan(
    engine: Engine,
    as_of: dt.date,
    *,
    settings: PlanningSettings | None = None,
    progress: ProgressCallback = no_progress,
) -> PortfolioPlan:
    """The plan on the data as it is: what every scenario is compared with."""
    return plan_portfolio(engine, as_of, settings=settings, progress=progress)


def run_scenario(
    engine: Engine,
    scenario: Scenario,
    as_of: dt.date,
    *,
    baseline: PortfolioPlan | None = None,
    settings: PlanningSettings | None = None,
    scoring_settings: ScoringSettings | None = None,
    progress: ProgressCallback = no_progress,
) -> ScenarioResult:
    """Plan under the scenario and set it beside the baseline; nothing is written."""
    scenario = check_against_data(engine, scenario)
    scoring_settings = scoring_settings or load_settings(engine)
    if baseline is None:
        baseline = plan_portfolio(
            engine,
            as_of,
            settings=settings,
            scoring_settings=scoring_settings,
            progress=progress,
        )
    elif baseline.as_of != as_of:
        raise BadInput(
            _("the baseline plan is for {planned}, not {asked}").format(
                planned=baseline.as_of.isoformat(), asked=as_of.isoformat()
            )
        )
    pricing = scenario.pricing
    # A new limit or slower customs: the run scores with settings of its own.
    scenario_settings = scenario.scoring_settings(scoring_settings)
    rescore = not pricing.is_empty or scenario_settings != scoring_settings
    after = plan_portfolio(
        engine,
        as_of,
        # Lost suppliers alone change no price: the baseline's scores stand.
        scores=None if rescore else baseline.scores,
        settings=settings or baseline.settings,
        scoring_settings=scenario_settings,
        lost=scenario.lost,
        pricing=pricing,
        baseline=baseline,
        progress=progress,
    )
    return compare_plans(scenario, baseline, after)


def compare_plans(
    scenario: Scenario, before: PortfolioPlan, after: PortfolioPlan
) -> ScenarioResult:
    after_by_id = {b.brand_id: b for b in after.allocation.brands}
    unit_after: dict[tuple[int, int], Decimal] = {}
    for overview in after.overviews:
        for c in overview.active_channels:
            if c.unit_margin is not None and c.fill is not None:
                unit_after[(overview.id, c.supplier_id)] = c.unit_margin * Decimal(repr(c.fill))
    lost = scenario.lost
    brands = []
    for b in before.brands:
        same = Decimal(0)
        for line in b.lines:
            if line.units and line.supplier_code not in lost:
                same += line.units * unit_after.get((b.brand_id, line.supplier_id), Decimal(0))
        brands.append(
            BrandChange(b, after_by_id[b.brand_id], same.quantize(CENT, rounding=ROUND_HALF_UP))
        )
    after_scores = {s.supplier_id: s for s in after.scores}
    changes = []
    for s in before.scores:
        a = after_scores.get(s.supplier_id)
        if a is not None and a.standing is not s.standing:
            changes.append(
                StandingChange(
                    s.supplier_code,
                    s.supplier_name,
                    s.standing,
                    a.standing,
                    s.sourcing_score,
                    a.sourcing_score,
                )
            )
    return ScenarioResult(scenario, before, after, tuple(brands), tuple(changes))


# --- output --------------------------------------------------------------------------------


def _side(b: BrandAllocation) -> dict[str, Any]:
    record = allocation_record(b)
    del record["brand"], record["demand"]
    record["coverage"] = json_number(b.coverage, 4)
    return record


def result_record(result: ScenarioResult) -> dict[str, Any]:
    """A scenario run as JSON: per brand before and after, and what turned bad."""
    return {
        "scenario": result.scenario.name,
        "changes": result.scenario.texts,
        "as_of": result.as_of.isoformat(),
        "expected_margin_before": json_money(result.margin_before),
        "expected_margin_after": json_money(result.margin_after),
        "brands": [
            {
                "brand": b.brand,
                "demand": b.before.demand,
                "margin_change": json_money(b.margin_change),
                "same_split_margin": json_money(b.same_split_margin),
                "before": _side(b.before),
                "after": _side(b.after),
            }
            for b in result.brands
        ],
        "unprofitable": [b.brand for b in result.unprofitable],
        "uncovered": [
            {"brand": b.brand, "uncovered": b.after.uncovered, "reason": b.after.file_shortfall}
            for b in result.uncovered
        ],
        "standing_changes": [
            {"supplier_code": c.supplier_code, "before": c.before.value, "after": c.after.value}
            for c in result.standing_changes
        ],
    }


RESULT_CSV_COLUMNS = (
    "scenario",
    "brand",
    "demand",
    "margin_before",
    "margin_after",
    "margin_change",
    "same_split_margin",
    "coverage_before",
    "coverage_after",
    "uncovered_before",
    "uncovered_after",
    "vertical_share_before",
    "vertical_share_after",
    "hhi_before",
    "hhi_after",
    "unprofitable",
    "newly_uncovered",
)


def result_csv_rows(result: ScenarioResult) -> list[list[Any]]:
    return [
        [
            result.scenario.name,
            b.brand,
            b.before.demand,
            json_money(b.before.expected_margin),
            json_money(b.after.expected_margin),
            json_money(b.margin_change),
            json_money(b.same_split_margin),
            csv_cell(json_number(b.before.coverage, 4)),
            csv_cell(json_number(b.after.coverage, 4)),
            b.before.uncovered,
            b.after.uncovered,
            csv_cell(json_number(b.before.vertical_share, 4)),
            csv_cell(json_number(b.after.vertical_share, 4)),
            csv_cell(json_number(b.before.hhi, 4)),
            csv_cell(json_number(b.after.hhi, 4)),
            "yes" if b.became_unprofitable else "",
            "yes" if b.became_uncovered else "",
        ]
        for b in result.brands
    ]


def write_result(result: ScenarioResult, fmt: str, out: TextIO, brand: str | None = None) -> None:
    if fmt == "json":
        record = result_record(result)
        if brand:
            record["brands"] = [
                x for x in record["brands"] if x["brand"] == result.brand(brand).brand
            ]
        json.dump(record, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(RESULT_CSV_COLUMNS)
        rows = result_csv_rows(result)
        if brand:
            rows = [r for r in rows if r[1] == result.brand(brand).brand]
        writer.writerows(rows)
        return
    _write_result_table(result, out, brand)


def _write_result_table(result: ScenarioResult, out: TextIO, brand: str | None) -> None:
    cur = result.currency
    out.write(
        _("Scenario {name} on {day}:").format(name=result.scenario.name, day=day(result.as_of))
        + "\n"
    )
    for change in result.scenario.changes:
        out.write(f"  - {change.describe(cur)}\n")
    out.write(
        _("Expected margin {before} → {after} a month").format(
            before=format_money(result.margin_before, cur),
            after=format_money(result.margin_after, cur),
        )
        + "\n\n"
    )
    brands = [result.brand(brand)] if brand else list(result.brands)
    # Translators: the column headers of `sourcing-app scenario run`; "cover" is coverage.
    headers = (
        pgettext("scenario table", "brand"),
        pgettext("scenario table", "demand"),
        pgettext("scenario table", "margin before"),
        pgettext("scenario table", "margin after"),
        pgettext("scenario table", "cover before"),
        pgettext("scenario table", "cover after"),
        pgettext("scenario table", "vertical"),
    )
    widths = [
        max(w, cells.width(h)) for w, h in zip((28, 8, 18, 18, 12, 11, 17), headers, strict=True)
    ]

    def row(values: Sequence[str]) -> str:
        first = cells.left(values[0], widths[0])
        rest = (cells.right(v, w) for v, w in zip(values[1:], widths[1:], strict=True))
        return " ".join([first, *rest])

    header = row(headers)
    out.write(header + "\n" + "-" * cells.width(header) + "\n")
    for b in brands:
        vertical = (
            f"{format_share(b.before.vertical_share)} → {format_share(b.after.vertical_share)}"
        )
        values = (
            cells.clip(b.brand, 28),
            f"{b.before.demand:,}",
            format_money(b.before.expected_margin, cur),
            format_money(b.after.expected_margin, cur),
            format_share(b.before.coverage),
            format_share(b.after.coverage),
            vertical,
        )
        out.write(row(values) + "\n")
    if brand:
        b = brands[0]
        sides = (
            (_("{brand} before:"), b.before, False),
            (_("{brand} after:"), b.after, True),
        )
        for title, side, after in sides:
            out.write("\n" + title.format(brand=b.brand) + "\n")
            for line in side.lines:
                if line.units or after:
                    code = cells.left(line.supplier_code, 12)
                    out.write(f"  {code} {line.units:>8,}  {line.reason}\n")
            if side.shortfall:
                out.write(f"  {side.shortfall}\n")
    out.write("\n")
    unprofitable = result.unprofitable
    uncovered = result.uncovered
    if unprofitable:
        out.write(
            _("Brands that turn unprofitable: {brands}").format(
                brands=", ".join(b.brand for b in unprofitable)
            )
            + "\n"
        )
    else:
        out.write(_("Brands that turn unprofitable: none") + "\n")
    out.write(
        (_("Brands that lose coverage:") if uncovered else _("Brands that lose coverage: none"))
        + "\n"
    )
    for b in uncovered:
        out.write(f"  {b.brand}: {b.after.shortfall}\n")
    changes = result.standing_changes
    out.write(
        (
            _("Suppliers whose standing changes:")
            if changes
            else _("Suppliers whose standing changes: none")
        )
        + "\n"
    )
    for c in changes:
        words = _("{code} {name}: {before} → {after}").format(
            code=c.supplier_code, name=c.supplier_name, before=c.before.label, after=c.after.label
        )
        out.write(f"  {words}\n")


def write_comparison(results: Sequence[ScenarioResult], fmt: str, out: TextIO) -> None:
    """Several scenarios side by side, per brand: expected margin and coverage in each."""
    if not results:
        raise BadInput(_("name at least one scenario to compare"))
    base = results[0]
    if fmt == "json":
        json.dump(
            {
                "as_of": base.as_of.isoformat(),
                "scenarios": [
                    {"scenario": r.scenario.name, "changes": r.scenario.texts} for r in results
                ],
                "brands": [
                    {
                        "brand": b.brand,
                        "demand": b.before.demand,
                        "baseline": {
                            "expected_margin": json_money(b.before.expected_margin),
                            "coverage": json_number(b.before.coverage, 4),
                        },
                        **{
                            r.scenario.name: {
                                "expected_margin": json_money(r.brands[i].after.expected_margin),
                                "coverage": json_number(r.brands[i].after.coverage, 4),
                            }
                            for r in results
                        },
                    }
                    for i, b in enumerate(base.brands)
                ],
            },
            out,
            ensure_ascii=False,
            indent=2,
        )
        out.write("\n")
        return
    columns = ["brand", "demand", "baseline margin", "baseline coverage"]
    for r in results:
        columns += [f"{r.scenario.name} margin", f"{r.scenario.name} coverage"]
    rows = []
    for i, b in enumerate(base.brands):
        row: list[Any] = [b.brand, b.before.demand, json_money(b.before.expected_margin)]
        row.append(csv_cell(json_number(b.before.coverage, 4)))
        for r in results:
            row += [
                json_money(r.brands[i].after.expected_margin),
                csv_cell(json_number(r.brands[i].after.coverage, 4)),
            ]
        rows.append(row)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return
    cur = base.currency
    # Translators: the plan without any scenario, in `sourcing-app scenario compare`.
    names = [pgettext("scenario table", "baseline")] + [r.scenario.name for r in results]
    # Translators: the column headers of `sourcing-app scenario compare`; "cover" is coverage.
    brand_h, demand_h = pgettext("scenario table", "brand"), pgettext("scenario table", "demand")
    margin_h, cover_h = pgettext("scenario table", "margin"), pgettext("scenario table", "cover")
    demand_w = max(8, cells.width(demand_h))  # 计划月需求 is 10 columns
    out.write(
        f"{'':<28} {'':>{demand_w}} "
        + " ".join(cells.right(cells.clip(n, 28, mark=""), 28) for n in names)
        + "\n"
    )
    out.write(
        f"{cells.left(brand_h, 28)} {cells.right(demand_h, demand_w)} "
        + " ".join(f"{cells.right(margin_h, 18)} {cells.right(cover_h, 9)}" for _n in names)
        + "\n"
    )
    for row in rows:
        line = [cells.left(cells.clip(str(row[0]), 28, mark=""), 28), f"{row[1]:>{demand_w},}"]
        for k in range(2, len(row), 2):
            cover = None if row[k + 1] == "" else row[k + 1]
            line.append(f"{format_money(row[k], cur):>18} {format_share(cover):>9}")
        out.write(" ".join(line) + "\n")
    totals = [base.margin_before] + [r.margin_after for r in results]
    out.write(
        cells.left(_("total expected margin"), 29 + demand_w)
        + " "
        + " ".join(f"{format_money(x, cur):>28}" for x in totals)
        + "\n"
    )


# --- what a scenario can name ------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioChoices:
    """What the scenario form offers: tax categories, foreign currencies quoted, suppliers.

    `home_currency` is the currency a CBEC limit is written in.
    """

    categories: tuple[str, ...]
    currencies: tuple[str, ...]
    supplier_codes: tuple[str, ...]
    home_currency: str = "CNY"


def scenario_choices(engine: Engine) -> ScenarioChoices:
    home = load_settings(engine).home_currency
    with engine.connect() as conn:
        categories = [
            r[0] for r in conn.execute(text("SELECT name FROM tax_category ORDER BY name"))
        ]
        currencies = [
            r[0]
            for r in conn.execute(text("SELECT DISTINCT currency FROM quote ORDER BY currency"))
            if r[0] != home
        ]
        codes = [
            r[0]
            for r in conn.execute(
                text("SELECT code FROM supplier WHERE archived = :f ORDER BY code"), {"f": False}
            )
        ]
    return ScenarioChoices(tuple(categories), tuple(currencies), tuple(codes), home)
