"""`sourcing-app score` output: a table for people, CSV and JSON for scripts.

The fields are those of docs/files-and-commands.md.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import Any, TextIO

from sourcing_app.domain.evaluation_types import SUB_SCORE_KEYS, SupplierScore
from sourcing_app.services.output_values import csv_cell, json_number

CSV_COLUMNS = (
    "supplier_code",
    "standing",
    "sourcing_score",
    "margin_score",
    "margin_pct",
    "stability_score",
    "confidence",
    *SUB_SCORE_KEYS,
    "flags",
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
                    *(rec["sub_scores"][k] for k in SUB_SCORE_KEYS),
                    ";".join(f["code"] for f in rec["flags"]),
                ]
            )
    else:
        _write_table(scores, out)


def _write_table(scores: Sequence[SupplierScore], out: TextIO) -> None:
    header = (
        f"{'code':<12} {'name':<32} {'standing':<9} {'score':>6} {'margin':>8} "
        f"{'stability':>9} {'conf.':>6}  flags"
    )
    out.write(header + "\n" + "-" * len(header) + "\n")
    for s in scores:
        score = "—" if s.sourcing_score is None else f"{s.sourcing_score:.1f}"
        margin = "—" if s.margin_pct is None else f"{s.margin_pct:.1%}"
        name = s.supplier_name if len(s.supplier_name) <= 32 else s.supplier_name[:31] + "…"
        flags = ",".join(sorted({f.code.value for f in s.flags}))
        out.write(
            f"{s.supplier_code:<12} {name:<32} {s.standing.value:<9} {score:>6} {margin:>8} "
            f"{s.stability_score:>9.1f} {s.confidence:>6.0%}  {flags}\n"
        )
    out.write(f"{len(scores)} supplier(s)\n")
