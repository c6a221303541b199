"""The command line in Chinese (issue 11), run as a buyer runs it: a real process.

The language comes from the environment (`LANG=zh_CN.UTF-8`, no --lang) or
from `--lang`; the data directory (where a saved language would live) is a
fresh one per test, so nothing of the tester's own leaks in. The machine
formats, JSON and CSV, must not change with the language, apart from each
flag's `message`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sourcing_app.services import text_cells

AS_OF = "2026-12-03"
STANDINGS_ZH = {"优选", "合格", "观察", "规避", "未评级"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo portfolio, small: 60 suppliers, 3,000 purchase lines."""
    folder = tmp_path_factory.mktemp("zh-demo")
    path = folder / "demo.sqlite"
    proc = _run(
        folder / "data",
        "--db",
        str(path),
        "demo",
        "--suppliers",
        "60",
        "--lines",
        "3000",
        "--as-of",
        AS_OF,
        lang_env="C.UTF-8",
    )
    assert proc.returncode == 0, proc.stderr
    return path


def _run(
    data_home: Path, *argv: str, lang_env: str = "zh_CN.UTF-8"
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "SOURCING_DB_URL"):
        env.pop(variable, None)
    env["LANG"] = lang_env
    env["XDG_DATA_HOME"] = str(data_home)
    env["COLUMNS"] = "80"  # argparse wraps help to the terminal's width
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "sourcing_app", *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def _cells(line: str, start: int, end: int) -> str:
    """The characters of `line` drawn between terminal columns start and end."""
    out, column = [], 0
    for char in line:
        step = text_cells.width(char)
        if column >= start and column + step <= end:
            out.append(char)
        column += step
    return "".join(out)


def test_score_table_in_chinese_from_the_environment(demo_db: Path, tmp_path: Path) -> None:
    proc = _run(tmp_path, "--db", str(demo_db), "score", "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    header, rule, *rows, total = proc.stdout.splitlines()
    for word in ("供应商代码", "供应商名称", "评级", "货源综合得分", "毛利率", "供应稳定性得分"):
        assert word in header
    assert "置信度" in header and "风险标记" in header
    assert set(rule) == {"-"} and len(rule) == text_cells.width(header)
    assert total == "共 60 家供应商"
    assert len(rows) == 60
    # Columns line up in terminal cells: each header's right edge is its column's.
    score_end = text_cells.width(header[: header.index("货源综合得分") + len("货源综合得分")])
    standing_start = text_cells.width(header[: header.index("评级")])
    margin_end = text_cells.width(header[: header.index("毛利率") + len("毛利率")])
    seen = set()
    for row in rows:
        standing = _cells(row, standing_start, standing_start + 9).strip()
        assert standing in STANDINGS_ZH, row
        seen.add(standing)
        score = _cells(row, score_end - 12, score_end)
        assert score == score.strip().rjust(12) and re.fullmatch(r"\d+\.\d|—", score.strip())
        margin = _cells(row, margin_end - 8, margin_end).strip()
        assert re.fullmatch(r"-?\d+\.\d%|—", margin), row
    assert {"优选", "合格", "观察", "规避"} <= seen
    # Flags read as the glossary's words, not codes.
    assert "负毛利" in proc.stdout and "NEGATIVE_MARGIN" not in proc.stdout


def test_score_table_in_english_with_lang_en(demo_db: Path, tmp_path: Path) -> None:
    proc = _run(tmp_path, "--lang", "en", "--db", str(demo_db), "score", "--as-of", AS_OF)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == [
        "code", "name", "standing", "score", "margin", "stability", "conf.", "flags",
    ]  # fmt: skip
    assert lines[-1] == "60 supplier(s)"
    assert "Preferred" in proc.stdout and "NEGATIVE_MARGIN" in proc.stdout
    assert not re.search(r"[\u4e00-\u9fff]", proc.stdout)


@pytest.mark.parametrize("command", ["score", "plan"])
def test_json_is_the_same_in_both_languages_but_the_flag_messages(
    demo_db: Path, tmp_path: Path, command: str
) -> None:
    outputs = {}
    for lang in ("zh_CN", "en"):
        proc = _run(
            tmp_path, "--lang", lang, "--db", str(demo_db), command, "--as-of", AS_OF,
            "--format", "json",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outputs[lang] = proc.stdout
    # Byte for byte once each flag's message (its one line of words) is blanked.
    message = re.compile(r'^(\s*"message": ).*?(,?)$', re.MULTILINE)
    zh, en = (message.sub(r'\1""\2', outputs[lang]) for lang in ("zh_CN", "en"))
    assert zh == en
    assert json.loads(outputs["zh_CN"])  # still JSON, and not empty
    if command == "score":
        records = json.loads(outputs["zh_CN"])
        assert {r["standing"] for r in records} >= {"Preferred", "Approved", "Watch", "Avoid"}
        assert any(f["code"] == "NEGATIVE_MARGIN" for r in records for f in r["flags"])


@pytest.mark.parametrize("command", ["score", "plan"])
def test_csv_is_byte_for_byte_the_same_in_both_languages(
    demo_db: Path, tmp_path: Path, command: str
) -> None:
    outputs = []
    for lang in ("zh_CN", "en"):
        proc = _run(
            tmp_path, "--lang", lang, "--db", str(demo_db), command, "--as-of", AS_OF,
            "--format", "csv",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("supplier_code,standing," if command == "score" else "brand,")


def test_help_reads_chinese_and_fits_80_columns(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("用法：sourcing-app")
    assert "跨境货源工作台：按毛利和供应稳定性给跨境供应商评分。" in text
    assert "位置参数：" in text and "选项：" in text
    assert "显示本帮助并退出" in text
    assert "给所有供应商评分" in text
    assert "positional arguments" not in text and "show this help" not in text
    assert max(text_cells.width(line) for line in text.splitlines()) <= 80


def test_sub_command_help_in_both_languages(tmp_path: Path) -> None:
    # `scenario run --help` once crashed on the '%' of '±X%' (argparse formats help with %).
    zh = _run(tmp_path, "scenario", "run", "--help")
    assert zh.returncode == 0, zh.stderr
    assert "一项变动（可重复给出多项）" in zh.stdout and "±X%" in zh.stdout
    assert "Avoid＝规避" in zh.stdout
    en = _run(tmp_path, "--lang", "en", "scenario", "run", "--help")
    assert en.returncode == 0, en.stderr
    assert en.stdout.startswith("usage: sourcing-app scenario run")
    assert "freight:±X%" in en.stdout and "Traceback" not in en.stderr


def test_a_bad_date_is_refused_in_chinese(demo_db: Path, tmp_path: Path) -> None:
    proc = _run(tmp_path, "--db", str(demo_db), "score", "--as-of", "2026-13-01")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "用法：sourcing-app score [-h] [--as-of AS_OF] [--format {table,csv,json}]",
        "                      [--history] [--months MONTHS]",
        "sourcing-app score：错误：参数 --as-of：“2026-13-01”不是 YYYY-MM-DD 格式的日期",
    ]


def test_a_wrong_choice_is_refused_in_chinese(tmp_path: Path) -> None:
    proc = _run(tmp_path, "score", "--format", "xml")
    assert proc.returncode == 2
    assert "错误：参数 --format：无效的选择：'xml'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_damaged_database_is_named_in_chinese(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database, just text" * 10)
    proc = _run(tmp_path / "data", "--db", str(damaged), "score")
    assert proc.returncode == 1
    assert proc.stderr == (
        f"sourcing-app：数据库文件 {damaged} 已损坏（不是 SQLite 数据库）。没有找到它的备份。\n"
    )
