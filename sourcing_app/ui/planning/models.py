"""Table models of the Planning screen: brands, one brand's allocation, scenarios side by side.

Each is a `RecordTableModel` over its own list, sorting in that list
(docs/architecture.md); they are small (a row per brand or per channel), and
every number is shown with its unit.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject

from sourcing_app.domain.allocation import AllocationLine, BrandAllocation, LineStatus
from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.flags import flag_label
from sourcing_app.domain.formatting import NO_VALUE, money, percent, units
from sourcing_app.i18n import _, pgettext
from sourcing_app.services.brand_overview import BrandOverview
from sourcing_app.services.scenarios import ScenarioResult
from sourcing_app.ui.widgets.record_table_model import RecordColumn, RecordTableModel

LOSS = "#b3261e"
MUTED = "#6b6b6b"
HEADER_LINE = len("margin / month")  # characters of a scenario's name per header line
HEADER_LINE_CJK = 8  # Chinese characters, each about two Latin ones wide


class BrandRow:
    """One brand's line in the brand list: its plan and its figures."""

    __slots__ = ("plan", "overview", "currency")

    def __init__(self, plan: BrandAllocation, overview: BrandOverview | None, currency: str):
        self.plan = plan
        self.overview = overview
        self.currency = currency

    @property
    def flags_text(self) -> str:
        if self.overview is None:
            return ""
        return pgettext("list", ", ").join(flag_label(f.code) for f in self.overview.flags)

    @property
    def tooltip(self) -> str | None:
        tips = [self.plan.shortfall, self.plan.floor_words]
        if self.overview is not None:
            tips += [f.message for f in self.overview.flags]
        if self.plan.hot_selling:
            tips.insert(0, _("Hot-selling: planned before the other brands"))
        return "\n".join(t for t in tips if t) or None


def _brand_column(
    title: str,
    text: Callable[[BrandRow], str],
    sort_key: Callable[[BrandRow], object],
    *,
    numeric: bool = True,
    colour: Callable[[BrandRow], str | None] | None = None,
) -> RecordColumn[BrandRow]:
    return RecordColumn(title, text, sort_key, numeric, tooltip=lambda r: r.tooltip, colour=colour)


def brand_columns() -> list[RecordColumn[BrandRow]]:
    """The brand list's columns, their headers in the current language."""
    return [
        _brand_column(_("Brand"), lambda r: r.plan.brand + ("  ★" if r.plan.hot_selling else ""),
                      lambda r: r.plan.brand.casefold(), numeric=False),
        _brand_column(_("Demand"), lambda r: units(r.plan.demand), lambda r: r.plan.demand),
        _brand_column(_("Coverage"), lambda r: percent(r.plan.coverage), lambda r: r.plan.coverage),
        _brand_column(_("Uncovered"), lambda r: units(r.plan.uncovered), lambda r: r.plan.uncovered,
                      colour=lambda r: LOSS if r.plan.uncovered else None),
        # Translators: a column header: the share of demand through vertical channels.
        _brand_column(pgettext("column", "Vertical"), lambda r: percent(r.plan.vertical_share),
                      lambda r: r.plan.vertical_share),
        _brand_column(_("HHI"), lambda r: NO_VALUE if r.plan.hhi is None else f"{r.plan.hhi:.2f}",
                      lambda r: r.plan.hhi),
        _brand_column(_("Expected margin / month"),
                      lambda r: money(r.plan.expected_margin, r.currency),
                      lambda r: float(r.plan.expected_margin),
                      colour=lambda r: LOSS if r.plan.expected_margin < 0 else None),
        _brand_column(_("Flags"), lambda r: r.flags_text, lambda r: r.flags_text, numeric=False),
    ]  # fmt: skip


class BrandPlanModel(RecordTableModel[BrandRow]):
    """Every brand: demand, planned coverage, vertical share, concentration, margin, flags."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(brand_columns(), parent, keep_sort=True)

    def row_of_brand(self, brand_id: int) -> int:
        for i, r in enumerate(self.rows):
            if r.plan.brand_id == brand_id:
                return i
        return -1


# The reason's "(CNY 50.00 a unit × 90% expected fill)", in either language's brackets:
# the table has columns for both.
_UNIT_WORDS = re.compile(r" ?[(（][^()（）]*×[^()（）]*[)）]")


def short_reason(reason: str) -> str:
    return _UNIT_WORDS.sub("", reason)


class LineRow:
    __slots__ = ("line", "currency", "side")

    def __init__(self, line: AllocationLine, currency: str, side: str = "") -> None:
        self.line = line
        self.currency = currency
        self.side = side  # "", or "Before"/"After" when a scenario is shown

    @property
    def tooltip(self) -> str:
        line = self.line
        return f"{line.supplier_code} {line.supplier_name}: {line.reason}"

    def colour(self, *, money_column: bool = False) -> str | None:
        """Excluded lines grey; a loss in red where the money is."""
        line = self.line
        if line.status is LineStatus.EXCLUDED:
            return MUTED
        if money_column and line.unit_margin is not None and line.unit_margin < 0:
            return LOSS
        return None


def _line_column(
    title: str,
    text: Callable[[LineRow], str],
    sort_key: Callable[[LineRow], object],
    *,
    numeric: bool = False,
    money_column: bool = False,
) -> RecordColumn[LineRow]:
    return RecordColumn(
        title,
        text,
        sort_key,
        numeric,
        tooltip=lambda r: r.tooltip,
        colour=lambda r: r.colour(money_column=money_column),
    )


def _channel_words(line: AllocationLine) -> str:
    channel = ChannelType.VERTICAL if line.vertical else ChannelType.COMPOSITE
    return channel.label


def line_columns() -> list[RecordColumn[LineRow]]:
    """One brand's allocation lines' columns, their headers in the current language."""
    return [
        _line_column(_("Supplier"), lambda r: f"{r.line.supplier_code}  {r.line.supplier_name}",
                     lambda r: r.line.supplier_code),
        _line_column(_("Channel"), lambda r: _channel_words(r.line), lambda r: r.line.vertical),
        _line_column(_("Standing"), lambda r: r.line.standing.label,
                     lambda r: r.line.standing.value),
        _line_column(_("Units"), lambda r: units(r.line.units), lambda r: r.line.units,
                     numeric=True),
        _line_column(_("Unit margin"), lambda r: money(r.line.unit_margin, r.currency),
                     lambda r: None if r.line.unit_margin is None else float(r.line.unit_margin),
                     numeric=True, money_column=True),
        # Translators: a narrow column header: the expected fill rate.
        _line_column(_("Exp. fill"), lambda r: percent(r.line.expected_fill, 0),
                     lambda r: r.line.expected_fill, numeric=True),
        _line_column(_("Margin / month"), lambda r: money(r.line.expected_margin, r.currency),
                     lambda r: float(r.line.expected_margin), numeric=True, money_column=True),
        _line_column(_("Why"), lambda r: short_reason(r.line.reason), lambda r: r.line.reason),
    ]  # fmt: skip


class AllocationLinesModel(RecordTableModel[LineRow]):
    """One brand's channels: what each got and why."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(line_columns(), parent, keep_sort=True)


class ComparisonRow:
    __slots__ = ("brand", "demand", "cells")

    def __init__(self, brand: str, demand: int, cells: list[BrandAllocation]) -> None:
        self.brand = brand
        self.demand = demand
        self.cells = cells  # baseline first, then each scenario's plan of the brand

    def shortfall(self, k: int) -> str | None:
        return self.cells[k].shortfall or None

    def margin_colour(self, k: int) -> str | None:
        """Red where a scenario's margin is below today's."""
        worse = self.cells[k].expected_margin < self.cells[0].expected_margin
        return LOSS if worse else None

    def coverage_colour(self, k: int) -> str | None:
        """Red where a scenario covers less of demand than today."""
        return LOSS if self.cells[k].allocated < self.cells[0].allocated else None


class ScenarioComparisonModel(RecordTableModel[ComparisonRow]):
    """Per brand: expected margin and coverage today and under each scenario run."""

    def __init__(self, parent: QObject | None = None) -> None:
        self.currency = "CNY"
        super().__init__(self._columns([_("Today")]), parent)

    def set_results(self, results: Sequence[ScenarioResult]) -> None:
        if not results:
            self.set_columns(self._columns([_("Today")]), [])
            return
        self.currency = results[0].currency
        base = results[0]
        rows = [
            ComparisonRow(
                change.brand,
                change.before.demand,
                [change.before] + [r.brands[i].after for r in results],
            )
            for i, change in enumerate(base.brands)
        ]
        names = [_("Today")] + [r.scenario.name for r in results]
        self.set_columns(self._columns(names), rows)

    def _columns(self, names: list[str]) -> list[RecordColumn[ComparisonRow]]:
        cols: list[RecordColumn[ComparisonRow]] = [
            RecordColumn(_("Brand"), lambda r: r.brand, lambda r: r.brand.casefold()),
            RecordColumn(_("Demand"), lambda r: units(r.demand), lambda r: r.demand, numeric=True),
        ]
        for k, name in enumerate(names):
            # A long name wraps: no wider than what it heads ("No CBEC,\nfreight up").
            label = _header_lines(name)
            cols.append(
                RecordColumn(
                    # Six columns fit at 1600 px: the scenario's name over the figure's.
                    _("{scenario}\nmargin / month").format(scenario=label),
                    lambda r, k=k: money(r.cells[k].expected_margin, self.currency),
                    lambda r, k=k: float(r.cells[k].expected_margin),
                    numeric=True,
                    tooltip=lambda r, k=k: r.shortfall(k),
                    colour=(lambda r, k=k: r.margin_colour(k)) if k else None,
                    header_tip=_("{scenario}: expected margin a month").format(scenario=name),
                )
            )
            cols.append(
                RecordColumn(
                    _("{scenario}\ncoverage").format(scenario=label),
                    lambda r, k=k: percent(r.cells[k].coverage),
                    lambda r, k=k: r.cells[k].coverage,
                    numeric=True,
                    tooltip=lambda r, k=k: r.shortfall(k),
                    colour=(lambda r, k=k: r.coverage_colour(k)) if k else None,
                    header_tip=_("{scenario}: share of demand covered").format(scenario=name),
                )
            )
        return cols


def _header_lines(name: str) -> str:
    """A scenario's name on short lines: no wider than the figures it heads."""
    if any(ord(c) > 0x2E7F for c in name):  # CJK: no spaces to break at
        return "\n".join(
            name[i : i + HEADER_LINE_CJK] for i in range(0, len(name), HEADER_LINE_CJK)
        )
    return textwrap.fill(name, HEADER_LINE, break_long_words=False)
