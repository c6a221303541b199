"""`sourcing-app scenario` with the policy changes: a category off the CBEC list, a new limit.

The hand portfolio (tests/services/hand_portfolio.py), its serum's category
called skincare here, plus a second brand in another category: Linea, a
T-shirt (apparel) from its owner S-LIN at USD 30.00 + 2.00 freight.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sourcing_app.cli import main
from tests.services.hand_portfolio import AS_OF, CSV_FILES, IMPORT_ORDER

EXTRA = {
    "tax-categories": "apparel,0.10,0,0.13,0.2\n",
    "suppliers": "S-LIN,Linea Milano SpA,IT,brand_owner,1000,,\n",
    "brands": "Linea,IT,apparel,false,100,399\n",
    "products": "LIN-TEE,Linea,Linea T-shirt,apparel,399,0.2\n",
    "channels": "S-LIN,Linea,0,,,2025-01-01,,false,true\n",
    "quotes": "S-LIN,LIN-TEE,30.00,USD,CIF,1,20,2.00,0,2026-01-01,\n",
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}.csv"
        content = CSV_FILES[kind].replace("cosmetics", "skincare") + EXTRA.get(kind, "")
        path.write_text(content, encoding="utf-8")
        code, _out, err = run("--db", db_url, "import", kind, str(path))
        assert code == 0, err
    return db_url


def scenario_json(db: str, *changes: str) -> dict:
    argv = ["--db", db, "scenario", "run", "--as-of", AS_OF, "--format", "json"]
    for change in changes:
        argv += ["--change", change]
    code, out, err = run(*argv)
    assert code == 0, err
    return json.loads(out)


def margins(record: dict) -> dict[str, tuple[float, float]]:
    return {
        b["brand"]: (b["before"]["expected_margin"], b["after"]["expected_margin"])
        for b in record["brands"]
    }


def unit_margins(record: dict, brand: str) -> dict[str, float]:
    (b,) = [b for b in record["brands"] if b["brand"] == brand]
    return {line["supplier_code"]: line["unit_margin"] for line in b["after"]["lines"]}


def test_a_withdrawn_category_moves_exactly_its_brands(db: str) -> None:
    # Skincare off the list: the serum goes general trade, S-VERT's unit margin
    # 86.13 → 59.95 and S-COMP's 91.55 → 66.09 (docs/planning.md, as under a
    # whole withdrawal, since Aurelle is all skincare). Linea (apparel) keeps CBEC.
    record = scenario_json(db, "cbec-withdrawn:SKINCARE")  # any case; saved as spelled
    assert record["changes"] == ["cbec-withdrawn:skincare"]
    moved = margins(record)
    assert moved["Aurelle"] == (26734.43, 18863.94)
    linea_before, linea_after = moved["Linea"]
    assert linea_before == linea_after > 0
    assert unit_margins(record, "Aurelle") == {"S-VERT": 59.95, "S-COMP": 66.09}
    # T-shirt: V = 32 × 7.20 = 230.40, CBEC tax 0.7 × 230.40 × 0.13 = 20.97,
    # landed 251.37, net 399 × 0.94 = 375.06, margin 123.69.
    assert unit_margins(record, "Linea") == {"S-LIN": 123.69}

    record = scenario_json(db, "cbec-withdrawn:apparel")
    moved = margins(record)
    assert moved["Aurelle"][0] == moved["Aurelle"][1] == 26734.43
    assert moved["Linea"][1] < moved["Linea"][0]
    # General trade: duty 23.04, VAT (230.40 + 23.04) × 0.13 = 32.95, landed
    # 286.39, margin 375.06 − 286.39 = 88.67.
    assert unit_margins(record, "Linea") == {"S-LIN": 88.67}


def test_csv_has_english_keys_and_the_same_figures(db: str) -> None:
    code, out, err = run(
        "--lang", "zh_CN", "--db", db, "scenario", "run", "--as-of", AS_OF, "--format", "csv",
        "--change", "cbec-withdrawn:skincare",
    )  # fmt: skip
    assert code == 0, err
    rows = {r["brand"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["Aurelle"]["margin_before"] == "26734.43"
    assert rows["Aurelle"]["margin_after"] == "18863.94"
    assert rows["Linea"]["margin_change"] == "0.0"  # apparel keeps CBEC


def test_a_lower_limit_taxes_the_dearer_unit_as_general_trade_and_flags_it(db: str) -> None:
    # Limit CNY 155: S-VERT's V = 22 × 7.20 = 158.40 is strictly over it (general
    # trade, unit margin 59.95, flagged); S-COMP's V = 20 × 7.70 = 154.00 is not
    # (CBEC, 91.55 as before); the T-shirt's V = 230.40 is over it too.
    record = scenario_json(db, "cbec-limit:155")
    assert record["changes"] == ["cbec-limit:155"]
    assert unit_margins(record, "Aurelle") == {"S-VERT": 59.95, "S-COMP": 91.55}
    assert unit_margins(record, "Linea") == {"S-LIN": 88.67}
    code, out, err = run(
        "--db", db, "scenario", "run", "--as-of", AS_OF, "--change", "cbec-limit:155",
    )  # fmt: skip
    assert code == 0, err
    assert "CBEC single-transaction limit set to CNY 155: a unit worth more is taxed" in out


def test_a_saved_policy_scenario_runs_again_and_old_saved_ones_still_work(db: str) -> None:
    code, out, err = run(
        "--db", db, "scenario", "save", "Policy", "--change", "cbec-withdrawn:skincare",
        "--change", "cbec-limit:2,000", "--change", "clearance:2",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("saved scenario Policy: tax category skincare leaves the CBEC")
    assert "limit set to CNY 2,000" in out
    code, out, _ = run("--db", db, "scenario", "list")
    assert "Policy: cbec-withdrawn:skincare cbec-limit:2000 clearance:+2" in out
    # A scenario saved before these changes existed, as it lies in the database.
    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
            {"k": "scenario:Old", "v": '{"name": "Old", "changes": ["cbec-withdrawn"]}'},
        )
    engine.dispose()
    code, out, err = run("--db", db, "scenario", "run", "Old", "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    assert margins(json.loads(out))["Aurelle"] == (26734.43, 18863.94)
    code, out, err = run("--db", db, "scenario", "run", "Policy", "--as-of", AS_OF, "--format",
                         "json")  # fmt: skip
    assert code == 0, err
    assert unit_margins(json.loads(out), "Aurelle")["S-VERT"] == 59.95


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("cbec-withdrawn:perfume",
         "there is no tax category named 'perfume' (there are: apparel, skincare)"),
        ("cbec-limit:-2000", "the single-transaction limit must be above 0"),
        ("cbec-limit:cheap", "'cheap' is not a number"),
        ("clearance:+x", "write the extra clearance days as a whole number"),
        ("clearance:+2:3", "is not written as clearance:+N"),
    ],
)  # fmt: skip
def test_bad_policy_changes_exit_2_and_save_nothing(db: str, change: str, message: str) -> None:
    for argv in (
        ["save", "Bad", "--change", change],
        ["run", "--as-of", AS_OF, "--change", change],
    ):
        code, out, err = run("--db", db, "scenario", *argv)
        assert (code, out) == (2, "")
        assert message in err
        assert "Traceback" not in err
    assert run("--db", db, "scenario", "list")[1].strip() == "0 scenario(s) saved"
