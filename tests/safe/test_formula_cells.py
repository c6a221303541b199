"""Files the desk writes are safe to open (docs/bad-input.md, CSV injection).

A text cell starting with = + - @ tab or carriage return is written with a
leading apostrophe; the importer takes it off again, so export, re-import and
export again changes nothing, byte for byte.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.services.exporting import export_table
from sourcing_app.services.importing import import_file
from sourcing_app.services.output_values import csv_cell, neutral, unneutral
from sourcing_app.services.templates import write_template

NAMES = ['=HYPERLINK("x")', "'quoted", "+86 trading", "-minus", "@home", "'=already", "plain"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "'quoted"),  # an apostrophe of its own before a letter: left alone
        ("'=x", "''=x"),  # ... before a formula sign: one more, so it reads back as written
        ("'", "'"),
        ("", ""),
        ("Acme", "Acme"),
    ],
)
def test_every_text_round_trips_through_the_apostrophe_rule(text: str, written: str) -> None:
    assert neutral(text) == written
    assert unneutral(written) == text


def test_numbers_are_not_text_and_stay_numbers() -> None:
    assert csv_cell(-12.5) == -12.5
    assert csv_cell("-12.5") == "'-12.5"


def _xlsx_content(path: Path) -> dict[str, bytes]:
    """The workbook's parts but its creation time (openpyxl stamps docProps/core.xml)."""
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_names_export_reimport_unchanged_and_export_the_same(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    source = tmp_path / "in.csv"
    rows = "".join(
        f'S{i},"{n.replace(chr(34), chr(34) * 2)}",trader\n' for i, n in enumerate(NAMES)
    )
    # The file a buyer typed: names as they are, no apostrophes but their own.
    source.write_text("code,name,kind\n" + rows.replace("'=already", "''=already"), "utf-8")
    assert import_file(engine, "suppliers", source).added == len(NAMES)

    first = tmp_path / f"first{suffix}"
    export_table(engine, "suppliers", first)
    again = import_file(engine, "suppliers", first)
    assert (again.added, again.changed, again.unchanged) == (0, 0, len(NAMES))
    second = tmp_path / f"second{suffix}"
    export_table(engine, "suppliers", second)

    if suffix == ".csv":
        assert first.read_bytes() == second.read_bytes()
        lines = first.read_text("utf-8-sig").splitlines()
        assert lines[1] == 'S0,"\'=HYPERLINK(""x"")",,trader,,,'
        assert lines[2] == "S1,'quoted,,trader,,,"
        assert lines[3] == "S2,'+86 trading,,trader,,,"
        assert lines[6] == "S5,''=already,,trader,,,"
        assert lines[7] == "S6,plain,,trader,,,"
    else:
        from openpyxl import load_workbook

        assert _xlsx_content(first) == _xlsx_content(second)
        sheet = load_workbook(first).active
        names = [sheet.cell(row=r, column=2) for r in range(2, 2 + len(NAMES))]
        assert [c.value for c in names] == [neutral(n) for n in NAMES]
        assert {c.data_type for c in names} == {"s"}  # text, never a formula


def test_a_template_never_holds_a_formula(tmp_path: Path) -> None:
    for suffix in (".csv", ".xlsx"):
        write_template("suppliers", tmp_path / f"t{suffix}")
    row = (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()[1]
    assert not any(cell[:1] in "=+-@" for cell in row.split(","))


def test_a_reference_written_with_an_apostrophe_resolves_on_the_way_back(
    engine: Engine, tmp_path: Path
) -> None:
    suppliers = tmp_path / "s.csv"
    suppliers.write_text("code,name,kind\n-S1,Minus Trading,trader\n", "utf-8")
    brands = tmp_path / "b.csv"
    brands.write_text("name\n@Brand\n", "utf-8")
    channels = tmp_path / "c.csv"
    channels.write_text("supplier_code,brand,tier\n-S1,@Brand,1\n", "utf-8")
    for kind, path in (("suppliers", suppliers), ("brands", brands), ("channels", channels)):
        assert import_file(engine, kind, path).added == 1
    exported = tmp_path / "channels.csv"
    export_table(engine, "channels", exported)
    assert exported.read_text("utf-8-sig").splitlines()[1].startswith("'-S1,'@Brand,1,")
    assert import_file(engine, "channels", exported).unchanged == 1
