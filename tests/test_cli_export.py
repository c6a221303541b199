"""`sourcing-app export`, `template` and `import` of .xlsx from the command line."""

from __future__ import annotations

import io
from pathlib import Path

from sourcing_app.cli import main
from tests.services.hand_portfolio import CSV_FILES, IMPORT_ORDER


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_export_all_to_xlsx_then_import_into_a_new_database(tmp_path: Path, db_url: str) -> None:
    for kind in IMPORT_ORDER:
        path = tmp_path / f"{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        assert run("--db", db_url, "import", kind, str(path))[0] == 0
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, err = run("--db", db_url, "export", "all", str(folder), "--xlsx")
    assert (code, err) == (0, "")
    assert f"exported 6 purchases row(s) to {folder / 'purchases.xlsx'}" in out
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    for kind in IMPORT_ORDER:
        code, out, err = run("--db", other, "import", kind, str(folder / f"{kind}.xlsx"))
        assert code == 0, err
    code, out, _err = run("--db", other, "export", "suppliers", str(tmp_path / "s.csv"))
    assert out == f"exported 2 suppliers row(s) to {tmp_path / 's.csv'}\n"
    assert (tmp_path / "s.csv").read_text(encoding="utf-8-sig").splitlines() == [
        "code,name,country,kind,monthly_capacity,contact,notes",
        "S-VERT,Aurelle Paris SAS,FR,brand_owner,5000,,",
        "S-COMP,Golden Bridge Trading,HK,trader,2000,,",
    ]


def test_export_with_a_wrong_extension_is_bad_input(tmp_path: Path, db_url: str) -> None:
    code, out, err = run("--db", db_url, "export", "suppliers", str(tmp_path / "s.xls"))
    assert (code, out) == (2, "")
    assert err == "sourcing-app: cannot tell the format of 's.xls': name the file .csv or .xlsx\n"
    assert not (tmp_path / "s.xls").exists()


def test_template_writes_a_file_that_imports(tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "tax.xlsx"
    code, out, _err = run("--db", db_url, "template", "tax-categories", str(path))
    assert (code, out) == (0, f"wrote a blank tax-categories template to {path}\n")
    code, out, _err = run("--db", db_url, "import", "tax-categories", str(path))
    assert (code, out) == (
        0,
        "imported 1 tax-categories row(s): 1 added, 0 changed, 0 unchanged.\n",
    )
