"""`sourcing-app score --history`: each point is what `score --as-of` gives for its date."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sourcing_app.db.migrate import prepare_database
from sourcing_app.i18n import install
from tests.services.test_score_cli_acceptance import imported_db, run

__all__ = ["imported_db"]  # the fixture: the hand portfolio, imported through the CLI


def test_history_json_points_equal_score_as_of_each_date(imported_db: str) -> None:
    """--months 6 --as-of 2026-06-30: the month-ends 2025-12-31 .. 2026-05-31, then 06-30."""
    code, out, err = run(
        "--db", imported_db, "score", "--history", "--months", "6",
        "--as-of", "2026-06-30", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    histories = json.loads(out)
    assert [h["supplier_code"] for h in histories] == ["S-COMP", "S-VERT"]
    dates = [p["as_of"] for p in histories[0]["points"]]
    assert dates == [
        "2025-12-31", "2026-01-31", "2026-02-28", "2026-03-31",
        "2026-04-30", "2026-05-31", "2026-06-30",
    ]  # fmt: skip
    for h in histories:
        assert set(h) == {"supplier_code", "falling", "points"}
        assert h["falling"] in (True, False)
    for i, day in enumerate(dates):
        code, out, err = run(
            "--db", imported_db, "score", "--as-of", day, "--format", "json"
        )  # fmt: skip
        assert code == 0, err
        scored = {s["supplier_code"]: s for s in json.loads(out)}
        for h in histories:
            point, score = h["points"][i], scored[h["supplier_code"]]
            assert {k: point[k] for k in point if k != "as_of"} == {
                k: score[k]
                for k in (
                    "standing", "sourcing_score", "margin_score", "stability_score", "confidence"
                )
            }  # fmt: skip


def test_history_csv_has_one_row_per_supplier_and_point(imported_db: str) -> None:
    code, out, _err = run(
        "--db", imported_db, "score", "--history", "--months", "2",
        "--as-of", "2026-06-30", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 * 3  # two suppliers, three points each
    assert rows[0]["supplier_code"] == "S-COMP" and rows[0]["as_of"] == "2026-04-30"
    assert list(rows[0]) == [
        "supplier_code", "falling", "as_of", "standing", "sourcing_score",
        "margin_score", "stability_score", "confidence",
    ]  # fmt: skip


def test_history_table_in_chinese_and_keys_in_english(imported_db: str) -> None:
    try:
        code, table, _err = run(
            "--db", imported_db, "--lang", "zh_CN", "score", "--history", "--months", "2",
            "--as-of", "2026-06-30",
        )  # fmt: skip
        code_json, out, _err = run(
            "--db", imported_db, "--lang", "zh_CN", "score", "--history", "--months", "1",
            "--as-of", "2026-06-30", "--format", "json",
        )  # fmt: skip
    finally:
        install("en")
    assert code == 0 and code_json == 0
    assert table.startswith("得分走势")
    assert "走势" in table.splitlines()[1] and "2026-04" in table.splitlines()[1]
    assert set(json.loads(out)[0]) == {"supplier_code", "falling", "points"}


def test_bad_months_are_refused_in_words(imported_db: str) -> None:
    for bad in ("0", "61", "2.5", "six", "-3"):
        code, out, err = run("--db", imported_db, "score", "--history", "--months", bad)
        assert code == 2, bad
        assert out == ""
        assert "--months must be a whole number from 1 to 60" in err


def test_history_on_an_empty_database_is_like_score(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    # A missing file is a typo, not a new database: both refuse and create nothing.
    assert run("--db", url, "score", "--history")[0] == run("--db", url, "score")[0] == 1
    assert not (tmp_path / "empty.sqlite").exists()
    prepare_database(url).dispose()  # an empty database, as a fresh desk leaves it
    code, out, err = run("--db", url, "score", "--history", "--format", "json")
    assert (code, json.loads(out), err) == (0, [], "")
    code, out, _err = run("--db", url, "score", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
