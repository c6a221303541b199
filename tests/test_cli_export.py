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


def test_export_with_a_wrong_extension_is_bad_input(
    tmp_path: Path, db_url: str, engine: object
) -> None:
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


# --- files in Chinese (issue 11) ------------------------------------------------------------

# A quotes file as Chinese Excel saves it: the glossary's column names, GB18030.
# Line 3's unit price is written the way a buyer might type it, with a comma.
QUOTES_ZH = (
    "供应商代码,SKU,单价,币种,贸易术语,最小起订量,交货周期天数,单件运费,单件保险费,生效日期,失效日期\n"
    "S-VERT,AUR-SERUM,20.00,USD,CIF,10,30,1.50,0.50,2026-07-01,\n"
    'S-COMP,AUR-SERUM,"19,50",EUR,FOB,10,35,1.00,0,2026-07-01,2026-12-31\n'
)


def _load(db_url: str, folder: Path) -> None:
    for kind in IMPORT_ORDER:
        path = folder / f"{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        assert run("--db", db_url, "import", kind, str(path))[0] == 0


def _stored(db_url: str, folder: Path) -> dict[str, bytes]:
    """Every kind exported as English CSV: what the database holds, byte for byte."""
    out = folder / "stored"
    out.mkdir(exist_ok=True)
    assert run("--db", db_url, "export", "all", str(out))[0] == 0
    return {kind: (out / f"{kind}.csv").read_bytes() for kind in IMPORT_ORDER}


def test_a_bad_chinese_file_names_line_and_chinese_column_and_changes_nothing(
    tmp_path: Path, db_url: str
) -> None:
    _load(db_url, tmp_path)
    before = _stored(db_url, tmp_path)
    path = tmp_path / "报价.csv"
    path.write_bytes(QUOTES_ZH.encode("gb18030"))

    code, out, err = run("--lang", "zh_CN", "--db", db_url, "import", "quotes", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "第 3 行，单价 列：'19,50' 不是数字（小数点用英文句点，不要货币符号和千位分隔符）"
    )
    assert _stored(db_url, tmp_path) == before

    code, out, err = run("--lang", "en", "--db", db_url, "import", "quotes", str(path))
    assert (code, out) == (2, "")
    assert err.splitlines()[0] == (
        "line 3, column unit_price: '19,50' is not a number (use a dot for decimals, "
        "no currency signs or thousands separators)"
    )
    assert _stored(db_url, tmp_path) == before

    # Mended, the same Chinese file goes in: two quotes from 1 Jul 2026 are added.
    path.write_bytes(QUOTES_ZH.replace('"19,50"', "19.50").encode("gb18030"))
    code, out, err = run("--lang", "zh_CN", "--db", db_url, "import", "quotes", str(path))
    assert (code, err) == (0, "")
    assert "新增 2 行，更新 0 行，0 行未变" in out


def test_export_and_template_with_chinese_headers(tmp_path: Path, db_url: str) -> None:
    _load(db_url, tmp_path)
    path = tmp_path / "s.csv"
    code, out, err = run("--db", db_url, "export", "suppliers", str(path), "--headers", "zh")
    assert (code, err) == (0, "")
    assert path.read_text(encoding="utf-8-sig").splitlines() == [
        "供应商代码,供应商名称,国家或地区,供应商类型,月供货能力,联系人,备注",
        "S-VERT,Aurelle Paris SAS,FR,brand_owner,5000,,",
        "S-COMP,Golden Bridge Trading,HK,trader,2000,,",
    ]
    # The English export, the default, is the file it always was.
    english = tmp_path / "s-en.csv"
    assert run("--db", db_url, "export", "suppliers", str(english))[0] == 0
    assert english.read_bytes() == (
        b"\xef\xbb\xbfcode,name,country,kind,monthly_capacity,contact,notes\n"
        b"S-VERT,Aurelle Paris SAS,FR,brand_owner,5000,,\n"
        b"S-COMP,Golden Bridge Trading,HK,trader,2000,,\n"
    )

    template = tmp_path / "d.csv"
    code, out, err = run(
        "--lang",
        "zh_CN",
        "--db",
        db_url,
        "template",
        "deliveries",
        str(template),
        "--headers",
        "zh",
    )
    assert (code, err) == (0, "")
    assert out == f"已把空白的到货模板写入 {template}\n"
    assert template.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "采购行号,到货日期,到货数量,拒收数量,清关天数"
    )


def test_chinese_xlsx_export_of_everything_imports_back_unchanged(
    tmp_path: Path, db_url: str
) -> None:
    _load(db_url, tmp_path)
    before = _stored(db_url, tmp_path)
    folder = tmp_path / "zh"
    folder.mkdir()
    code, _out, err = run("--db", db_url, "export", "all", str(folder), "--xlsx", "--headers", "zh")
    assert (code, err) == (0, "")
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    for kind in IMPORT_ORDER:
        code, out, err = run("--db", other, "import", kind, str(folder / f"{kind}.xlsx"))
        assert (code, err) == (0, ""), kind
        # Back into the database it came from, it changes nothing.
        code, out, err = run("--db", db_url, "import", kind, str(folder / f"{kind}.xlsx"))
        assert (code, err) == (0, ""), kind
        assert "0 added, 0 changed" in out, kind
    assert _stored(other, tmp_path / "zh") == before
    assert _stored(db_url, tmp_path) == before


def test_headers_take_only_en_or_zh(tmp_path: Path, db_url: str) -> None:
    code, out, err = run(
        "--db", db_url, "template", "brands", str(tmp_path / "b.csv"), "--headers", "fr"
    )
    assert (code, out) == (2, "")
    assert "invalid choice: 'fr'" in err
    assert not (tmp_path / "b.csv").exists()
