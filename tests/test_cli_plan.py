"""`sourcing-app plan` and `sourcing-app scenario` on the imported hand portfolio."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from sourcing_app.cli import main
from tests.services.hand_portfolio import AS_OF, CSV_FILES, IMPORT_ORDER


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        code, _out, err = run("--db", db_url, "import", kind, str(path))
        assert code == 0, err
    return db_url


def test_plan_json_gives_exactly_the_documented_fields(db: str) -> None:
    code, out, err = run("--db", db, "plan", "--as-of", AS_OF, "--format", "json")
    assert code == 0, err
    (aurelle,) = json.loads(out)
    assert list(aurelle) == [
        "brand", "demand", "allocated", "uncovered", "expected_margin", "vertical_share", "hhi",
        "lines",
    ]  # fmt: skip
    assert (aurelle["brand"], aurelle["demand"], aurelle["allocated"]) == ("Aurelle", 400, 400)
    assert aurelle["uncovered"] == 0
    assert aurelle["expected_margin"] == 26734.43  # worked in tests/services/test_planning.py
    assert aurelle["vertical_share"] == 0.6
    assert aurelle["hhi"] == 0.52
    vert, comp = aurelle["lines"]
    assert list(vert) == ["supplier_code", "units", "unit_margin", "expected_fill", "reason"]
    assert (vert["supplier_code"], vert["units"], vert["unit_margin"]) == ("S-VERT", 240, 86.13)
    assert vert["expected_fill"] == 0.815
    assert "share cap (60% of demand: 240 units)" in vert["reason"]
    assert (comp["supplier_code"], comp["units"], comp["unit_margin"]) == ("S-COMP", 160, 91.55)


def test_plan_table_and_csv(db: str) -> None:
    code, out, _ = run("--db", db, "plan", "--as-of", AS_OF, "--brand", "aurelle")
    assert code == 0
    assert "Aurelle (hot-selling): demand 400 units a month" in out
    assert "expected margin CNY 26,734.43 a month" in out
    code, out, _ = run("--db", db, "plan", "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["supplier_code"], r["units"]) for r in rows] == [
        ("S-VERT", "240"),
        ("S-COMP", "160"),
    ]
    assert rows[0]["expected_margin"] == "26734.43"


def test_plan_rules_can_be_overridden_for_one_run(db: str) -> None:
    code, out, err = run(
        "--db", db, "plan", "--as-of", AS_OF, "--format", "json", "--max-share", "75%"
    )
    assert code == 0, err
    units = {line["supplier_code"]: line["units"] for line in json.loads(out)[0]["lines"]}
    assert units == {"S-VERT": 300, "S-COMP": 100}
    code, _out, err = run("--db", db, "plan", "--max-share", "75")
    assert code == 2
    assert "write a share as 0.6 or 60%" in err


def test_an_unknown_brand_exits_2(db: str) -> None:
    code, out, err = run("--db", db, "plan", "--as-of", AS_OF, "--brand", "Nobody")
    assert (code, out) == (2, "")
    assert err.strip() == "sourcing-app: there is no brand named 'Nobody'"


def test_scenarios_are_saved_listed_run_and_compared(db: str) -> None:
    code, out, err = run("--db", db, "scenario", "save", "No CBEC", "--change", "cbec-withdrawn")
    assert code == 0, err
    assert out.startswith("saved scenario No CBEC: CBEC preferential tax withdrawn")
    code, out, _ = run("--db", db, "scenario", "save", "Lose owner", "--change", "lose:S-VERT")
    assert code == 0
    code, out, _ = run("--db", db, "scenario", "list")
    assert out.splitlines() == [
        "Lose owner: lose:S-VERT",
        "No CBEC: cbec-withdrawn",
        "2 scenario(s) saved",
    ]
    code, out, err = run(
        "--db", db, "scenario", "run", "No CBEC", "--as-of", AS_OF, "--format", "json"
    )
    assert code == 0, err
    record = json.loads(out)
    assert record["changes"] == ["cbec-withdrawn"]
    (aurelle,) = record["brands"]
    assert aurelle["before"]["expected_margin"] == 26734.43
    assert aurelle["after"]["expected_margin"] == 18863.94
    assert aurelle["margin_change"] == -7870.49
    assert {c["supplier_code"] for c in record["standing_changes"]} == {"S-VERT", "S-COMP"}
    code, out, err = run(
        "--db", db, "scenario", "compare", "No CBEC", "Lose owner", "--as-of", AS_OF,
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row["baseline margin"] == "26734.43"
    assert row["No CBEC margin"] == "18863.94"
    assert row["Lose owner coverage"] == "1.0"  # S-COMP alone, up to its 2,000 units


def test_inline_changes_run_without_saving(db: str) -> None:
    code, out, err = run(
        "--db", db, "scenario", "run", "--change", "lose:S-VERT", "--change", "freight:+20%",
        "--as-of", AS_OF, "--brand", "Aurelle",
    )  # fmt: skip
    assert code == 0, err
    assert "supplier(s) lost: S-VERT" in out
    assert "excluded: supplier lost in this scenario" in out
    assert "Brands that lose coverage: none" in out
    code, out, _ = run("--db", db, "scenario", "list")
    assert out.strip() == "0 scenario(s) saved"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--change", "freight:20"], "write the move as a percentage"),
        (["run", "--change", "tarif:x:0.1"], "not a change this app knows"),
        (["run", "Nope"], "there is no scenario named 'Nope' (saved: none saved yet)"),
        (["run"], "name a saved scenario or give at least one --change"),
        (["save", "x"], "a scenario needs at least one change"),
        (["save", "a:b", "--change", "cbec-withdrawn"], "cannot name a scenario"),
        (["save", "x", "--change", "lose:S-NOBODY"], "no supplier (not archived) has the code"),
        ([], "say what to do"),
    ],
)
def test_bad_scenario_input_exits_2_and_saves_nothing(
    db: str, argv: list[str], message: str
) -> None:
    code, out, err = run("--db", db, "scenario", *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert run("--db", db, "scenario", "list")[1].strip() == "0 scenario(s) saved"


def test_plan_and_scenarios_read_chinese_with_lang_zh(db: str) -> None:
    code, out, err = run("--lang", "zh_CN", "--db", db, "plan", "--as-of", AS_OF)
    assert code == 0, err
    lines = out.splitlines()
    # 400 a month; the hand portfolio's margin in ¥ (the home currency in Chinese).
    assert lines[0] == "Aurelle（爆款品牌）：计划月需求 400 件"
    assert lines[1].startswith("  已分配 400 件，缺口 0 件；预计月毛利 ¥26,734.43；")
    header = next(line for line in lines if "供应商代码" in line)
    assert header.split() == ["供应商代码", "分配数量", "单件毛利", "到货满足率", "原因"]
    assert lines[-1] == "共 1 个品牌；预计月毛利 ¥26,734.43；缺口 0 件"

    code, out, err = run(
        "--lang", "zh_CN", "--db", db, "scenario", "run", "--change", "cbec-withdrawn",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("情景 inline（2026年6月30日）：\n")
    assert "预计月毛利 ¥26,734.43 → ¥18,863.94" in out
    assert "模拟前毛利" in out and "模拟后覆盖率" in out
    assert "转为亏损的品牌：无" in out
    assert "评级有变化的供应商：\n" in out

    code, out, _err = run("--lang", "zh_CN", "--db", db, "scenario", "list")
    assert out == "已保存 0 个情景\n"
    code, out, err = run("--lang", "zh_CN", "--db", db, "scenario", "run", "Nope")
    assert code == 2
    assert err == "sourcing-app：没有名为“Nope”的情景（已保存：还没有保存任何情景）\n"


def test_plan_output_in_english_is_unchanged_by_a_chinese_run(db: str) -> None:
    run("--lang", "zh_CN", "--db", db, "plan", "--as-of", AS_OF)
    code, out, _err = run("--lang", "en", "--db", db, "plan", "--as-of", AS_OF)
    assert code == 0
    assert out.splitlines()[0] == "Aurelle (hot-selling): demand 400 units a month"
    assert "expected margin CNY 26,734.43 a month" in out


def test_scenario_compare_table_lines_up_in_chinese(db: str) -> None:
    from sourcing_app.services import text_cells

    code, _out, err = run("--db", db, "scenario", "save", "无跨境", "--change", "cbec-withdrawn")
    assert code == 0, err
    code, out, err = run(
        "--lang", "zh_CN", "--db", db, "scenario", "compare", "无跨境", "--as-of", AS_OF
    )
    assert code == 0, err
    names, header, aurelle, total = out.splitlines()
    assert names.split() == ["基准", "无跨境"]
    assert header.split() == ["品牌", "计划月需求", "毛利", "覆盖率", "毛利", "覆盖率"]
    # Every column ends where its header ends, counted in terminal columns.
    assert text_cells.width(header) == text_cells.width(aurelle) == text_cells.width(names)
    demand_end = text_cells.width(header[: header.index("计划月需求") + 5])
    assert aurelle[:demand_end].endswith("400")
    assert total.startswith("预计月毛利合计") and total.endswith("¥18,863.94")
