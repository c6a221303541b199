"""Fuzzing every import kind (docs/bad-input.md): whatever the file holds, an import
goes in whole (exit 0) or exits 2 naming every problem as `line N, column C: reason`,
never prints "unexpected error", and never writes part of a file.

Hypothesis builds the files from the sample portfolio's valid rows, with cells
swapped for hostile ones, in UTF-8, GB18030 or as raw garbage bytes, and as
.xlsx workbooks with dates, booleans, formulas, huge numbers and empty sheets.
`derandomize=True`: the same examples on every run, so CI is reproducible.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from sourcing_app.cli import main
from sourcing_app.services.file_formats import FILE_KINDS
from sourcing_app.services.templates import EXAMPLE_ROWS
from tests.services.test_importing import PORTFOLIO, seed

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROBLEM = re.compile(r"^line \d+(, column [^:]+)?: .+")

HOSTILE = [
    "1e308", "-1e308", "99999999999999999999", "nan", "inf", "-inf", "NaN", "1e-400",
    "0", "-1", "2147483648", "12.5", "", " ", "\x00", "A\x00B", "\x1b[31m", "tab\there",
    "=HYPERLINK(\"x\")", "'=1+1", "'quoted", "+86", "@sum", "x" * 301, "2026-02-30",
    "2026-13-01", "yes", "是", "否", "跨境电商", "上海保税贸易有限公司", "\u202e", "\ufeff",
    "1,000", "¥12", "12%", "EUR", "JPY", "TK01", "SH01", "SK-100", "PO-1001", "PO-404",
]  # fmt: skip


def _rows(kind: str) -> tuple[list[str], list[list[str]]]:
    """The kind's header and a few valid rows to start from."""
    content = PORTFOLIO.get(kind)
    if content is not None:
        table = list(csv.reader(io.StringIO(content)))
        return table[0], table[1:]
    headers = list(FILE_KINDS[kind].headers)
    return headers, [[EXAMPLE_ROWS[kind].get(h, "") for h in headers]]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in SQLModel.metadata.tables
        }


def _check_run(db_url: str, engine: Engine, kind: str, path: Path) -> None:
    before = _counts(engine)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", db_url, "import", kind, str(path)], out, err)
    said = err.getvalue()
    assert "unexpected error" not in said and "Traceback" not in said, said
    assert code in (0, 2), said
    if code == 2:
        lines = said.splitlines()
        assert lines, "exit 2 without a word"
        *problems, summary = lines
        assert "nothing was imported" in summary, said
        assert problems and all(PROBLEM.match(p) for p in problems), said
        assert _counts(engine) == before  # nothing of the bad file went in
    else:
        assert said == "" and "imported" in out.getvalue()


cells = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))


@st.composite
def csv_files(draw: st.DrawFn, kind: str) -> bytes:
    header, rows = _rows(kind)
    rows = [list(r) for r in draw(st.lists(st.sampled_from(rows), min_size=0, max_size=4))]
    for row in rows:
        for index in draw(st.sets(st.integers(0, len(header) - 1), max_size=3)):
            row[index] = draw(cells)
    if draw(st.booleans()):
        header = list(reversed(header))
        rows = [list(reversed(r)) for r in rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    content = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "garbage"]))
    if encoding == "garbage":
        data = bytearray(content.encode("utf-8"))
        for _ in range(draw(st.integers(1, 6))):
            if data:
                data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data) + draw(st.binary(max_size=20))
    return content.encode(encoding, errors="replace")


ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            dt.date(2026, 1, 19),
            dt.datetime(2026, 1, 19, 13, 30),
            dt.date(1900, 1, 1),
            True,
            False,
            1e308,
            -1e308,
            10**30,
            -(10**30),
            2**31,
            0.1 + 0.2,
            -0.0,
            "=1+1",
            "=SUM(A1:A3)",
            "'=x",
            None,
            "",
            12,
            12.0,
            3.5,
        ]
    ),  # fmt: skip
    st.sampled_from(HOSTILE),
)


@st.composite
def xlsx_rows(draw: st.DrawFn, kind: str) -> list[list[Any]] | None:
    """None: a workbook whose sheet is empty; else the rows of the first sheet."""
    if draw(st.integers(0, 9)) == 0:
        return None
    header, rows = _rows(kind)
    picked: list[list[Any]] = [
        list(r) for r in draw(st.lists(st.sampled_from(rows), min_size=0, max_size=3))
    ]
    for row in picked:
        for index in draw(st.sets(st.integers(0, len(header) - 1), max_size=3)):
            row[index] = draw(ODD_VALUES)
    return [list(header), *picked]


def _write_xlsx(path: Path, rows: list[list[Any]] | None) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook()
    sheet = workbook.active
    for row in rows or []:
        try:
            sheet.append(row)
        except IllegalCharacterError:  # openpyxl itself cannot store a NUL: write it as "?"
            sheet.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", c) if isinstance(c, str)
                          else c for c in row])  # fmt: skip
    workbook.save(path)


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_any_csv_goes_in_whole_or_is_refused_in_words(
    kind: str, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    seed(engine, tmp_path)

    @FUZZ
    @given(data=csv_files(kind))
    def check(data: bytes) -> None:
        path = tmp_path / "fuzz.csv"
        path.write_bytes(data)
        _check_run(db_url, engine, kind, path)

    check()


@pytest.mark.parametrize("kind", list(FILE_KINDS))
def test_any_xlsx_goes_in_whole_or_is_refused_in_words(
    kind: str, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    seed(engine, tmp_path)

    @FUZZ
    @given(rows=xlsx_rows(kind))
    def check(rows: list[list[Any]] | None) -> None:
        path = tmp_path / "fuzz.xlsx"
        _write_xlsx(path, rows)
        _check_run(db_url, engine, kind, path)

    check()
