"""`sourcing-app score` output: a table for people, CSV and JSON for scripts.

The fields are those of docs/files-and-commands.md.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, SupplierScore
from sourcing_app.domain.flags import flag_label
from sourcing_app.i18n import _, is_chinese, pgettext
from sourcing_app.services import text_cells as cells
from sourcing_app.services.output_values import csv_cell, json_number

# Sub-scores added after the first release go after `flags`: scripts that read
# the columns by position keep working (columns are appended, never moved).
_APPENDED_SUB_SCORES = ("clearance",)
_FIRST_SUB_SCORES = tuple(k for k in SUB_SCORE_KEYS if k not in _APPENDED_SUB_SCORES)
CSV_COLUMNS = (
    "supplier_code",
    "standing",
    "sourcing_score",
    "margin_score",
    "margin_pct",
    "stability_score",
    "confidence",
    *_FIRST_SUB_SCORES,
    "flags",
    *_APPENDED_SUB_SCORES,
)


def score_record(score: SupplierScore) -> dict[str, Any]:
    """The documented JSON object of one supplier: exactly these fields."""
    return {
        "supplier_code": score.supplier_code,
        "standing": score.standing.value,
        "sourcing_score": json_number(score.sourcing_score, 2),
        "margin_score": json_number(score.margin_score, 2),
        "margin_pct": json_number(score.margin_pct, 4),
        "stability_score": json_number(score.stability_score, 2),
        "confidence": json_number(score.confidence, 4),
        "sub_scores": {k: json_number(score.sub_scores[k].value, 4) for k in SUB_SCORE_KEYS},
        "flags": [f.as_dict() for f in score.flags],
    }


def write_scores(scores: Sequence[SupplierScore], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        json.dump([score_record(s) for s in scores], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for s in scores:
            rec = score_record(s)
            writer.writerow(
                [
                    rec["supplier_code"],
                    rec["standing"],
                    csv_cell(rec["sourcing_score"]),
                    csv_cell(rec["margin_score"]),
                    csv_cell(rec["margin_pct"]),
                    rec["stability_score"],
                    rec["confidence"],
                    *(rec["sub_scores"][k] for k in _FIRST_SUB_SCORES),
                    ";".join(f["code"] for f in rec["flags"]),
                    *(rec["sub_scores"][k] for k in _APPENDED_SUB_SCORES),
                ]
            )
    else:
        _write_table(scores, out)


def _write_table(scores: Sequence[SupplierScore], out: TextIO) -> None:
    """The table a person reads, in their language; columns measured in terminal cells."""
    chinese = is_chinese()
    # Translators: the column headers of `sourcing-app score --format table`.
    headers = (
        pgettext("score table", "code"),
        pgettext("score table", "name"),
        pgettext("score table", "standing"),
        pgettext("score table", "score"),
        pgettext("score table", "margin"),
        pgettext("score table", "stability"),
        pgettext("score table", "conf."),
    )
    # The English widths, widened where a header is longer (货源综合得分 is 12 cells).
    widths = [max(w, cells.width(h)) for w, h in zip((12, 32, 9, 6, 8, 9, 6), headers, strict=True)]
    aligns = (
        cells.left,
        cells.left,
        cells.left,
        cells.right,
        cells.right,
        cells.right,
        cells.right,
    )

    def line(values: Sequence[str], flags: str) -> str:
        row = " ".join(align(v, w) for align, v, w in zip(aligns, values, widths, strict=True))
        return f"{row}  {flags}"

    header = line(headers, pgettext("score table", "flags"))
    out.write(header + "\n" + "-" * cells.width(header) + "\n")
    for s in scores:
        score = "—" if s.sourcing_score is None else f"{s.sourcing_score:.1f}"
        margin = "—" if s.margin_pct is None else f"{s.margin_pct:.1%}"
        codes = sorted({f.code for f in s.flags}, key=lambda c: c.value)
        # Codes in English (what scripts and the docs name); the glossary's words in Chinese.
        flags = (
            "、".join(flag_label(c) for c in codes) if chinese else ",".join(c.value for c in codes)
        )
        values = (
            s.supplier_code,
            cells.clip(s.supplier_name, 32),
            s.standing.label,
            score,
            margin,
            f"{s.stability_score:.1f}",
            f"{s.confidence:.0%}",
        )
        out.write(line(values, flags) + "\n")
    # Translators: the last line of `sourcing-app score`; "supplier(s)" is one word for any number.
    out.write(_("{count} supplier(s)").format(count=len(scores)) + "\n")
