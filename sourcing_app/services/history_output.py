"""`sourcing-app score --history`: each supplier's points, as a table, CSV or JSON.

docs/score-history.md and docs/files-and-commands.md. JSON and CSV keep their
English keys and codes in every language; the table is for reading, in the
reader's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TextIO

from sqlalchemy import Engine

from sourcing_app.errors import BadInput
from sourcing_app.i18n import _, pgettext
from sourcing_app.services import text_cells as cells
from sourcing_app.services.output_values import csv_cell, json_number
from sourcing_app.services.score_history import (
    DEFAULT_MONTHS,
    FALLING_POINTS,
    MOVERS_MONTHS,
    HistoryPoint,
    SupplierHistory,
    score_history,
)

MAX_MONTHS = 60
CSV_COLUMNS = (
    "supplier_code",
    "falling",
    "as_of",
    "standing",
    "sourcing_score",
    "margin_score",
    "stability_score",
    "confidence",
)


def months_of(text: str | None) -> int:
    """`--months` as typed: a whole number from 1 to 60, else BadInput in words."""
    if text is None:
        return DEFAULT_MONTHS
    try:
        months = int(text.strip())
    except ValueError:
        months = 0
    if not 1 <= months <= MAX_MONTHS or text.strip() != str(months):
        raise BadInput(
            _("--months must be a whole number from 1 to {most}, not {value}").format(
                most=MAX_MONTHS, value=repr(text)
            )
        )
    return months


def run_history(
    engine: Engine, as_of: dt.date, months_text: str | None, fmt: str, out: TextIO
) -> None:
    """Check `--months` first (nothing is read when it is wrong), then work out and write."""
    months = months_of(months_text)
    write_history(score_history(engine, as_of, months), fmt, out)


def point_record(point: HistoryPoint) -> dict[str, Any]:
    """One point's documented JSON object: exactly these fields, rounded as `score` rounds."""
    return {
        "as_of": point.as_of.isoformat(),
        "standing": point.standing.value,
        "sourcing_score": json_number(point.sourcing_score, 2),
        "margin_score": json_number(point.margin_score, 2),
        "stability_score": json_number(point.stability_score, 2),
        "confidence": json_number(point.confidence, 4),
    }


def history_record(history: SupplierHistory) -> dict[str, Any]:
    return {
        "supplier_code": history.supplier_code,
        "falling": history.falling,
        "points": [point_record(p) for p in history.points],
    }


def write_history(histories: Sequence[SupplierHistory], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump([history_record(h) for h in histories], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for h in histories:
            falling = "true" if h.falling else "false"
            for p in h.points:
                rec = point_record(p)
                writer.writerow(
                    [
                        h.supplier_code,
                        falling,
                        rec["as_of"],
                        rec["standing"],
                        csv_cell(rec["sourcing_score"]),
                        csv_cell(rec["margin_score"]),
                        rec["stability_score"],
                        rec["confidence"],
                    ]
                )
    else:
        _write_table(histories, out)


def _trend(history: SupplierHistory) -> str:
    """下滑 / 上升 (falling / rising): ten sourcing points or more over six months."""
    change = history.change_over(MOVERS_MONTHS)
    if history.falling:
        return pgettext("score history", "falling")
    if change is not None and change >= FALLING_POINTS:
        return pgettext("score history", "rising")
    return ""


def _write_table(histories: Sequence[SupplierHistory], out: TextIO) -> None:
    """Sourcing score at each point, one supplier a row; the standing now and the trend."""
    dates = [p.as_of for p in histories[0].points] if histories else []
    # Translators: the title line of `sourcing-app score --history --format table`.
    out.write(_("Score history (sourcing score at each month-end and on the last date)") + "\n")
    headers = (
        pgettext("score table", "code"),
        *(d.isoformat()[:7] for d in dates),
        pgettext("score table", "standing"),
        pgettext("score history", "trend"),
    )
    widths = [max(12, cells.width(headers[0]))]
    widths += [max(7, cells.width(h)) for h in headers[1 : 1 + len(dates)]]
    widths += [max(9, cells.width(headers[-2])), cells.width(headers[-1])]
    aligns = [cells.left, *([cells.right] * len(dates)), cells.left, cells.left]

    def line(values: Sequence[str]) -> str:
        return " ".join(
            align(v, w) for align, v, w in zip(aligns, values, widths, strict=True)
        ).rstrip()

    header = line(headers)
    out.write(header + "\n" + "-" * cells.width(header) + "\n")
    for h in histories:
        scores = ("—" if p.sourcing_score is None else f"{p.sourcing_score:.1f}" for p in h.points)
        out.write(line((h.supplier_code, *scores, h.points[-1].standing.label, _trend(h))) + "\n")
    # Translators: the last line of `sourcing-app score`; "supplier(s)" is one word for any number.
    out.write(_("{count} supplier(s)").format(count=len(histories)) + "\n")
