"""Export and templates with Chinese column names (issue 11): the cells are the same,
the header is the glossary's, and every file comes back in unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.errors import BadInput
from sourcing_app.services.column_names import CHINESE_COLUMNS
from sourcing_app.services.exporting import export_table
from sourcing_app.services.file_formats import FILE_KINDS, read_table
from sourcing_app.services.importing import import_file
from sourcing_app.services.templates import write_template
from tests.services.hand_portfolio import IMPORT_ORDER
from tests.services.hand_portfolio_db import load_hand_portfolio


def _header(path: Path) -> list[str]:
    header, rows = read_table(path)
    close = getattr(rows, "close", None)
    if close:
        close()
    return header


def test_chinese_csv_export_is_the_english_one_with_another_header(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    for kind in IMPORT_ORDER:
        english, chinese = tmp_path / f"{kind}-en.csv", tmp_path / f"{kind}-zh.csv"
        assert export_table(engine, kind, english) == export_table(
            engine, kind, chinese, headers="zh"
        )
        en_lines = english.read_text(encoding="utf-8-sig").splitlines()
        zh_lines = chinese.read_text(encoding="utf-8-sig").splitlines()
        assert zh_lines[0] == ",".join(CHINESE_COLUMNS[kind].values())
        assert zh_lines[1:] == en_lines[1:]
        # Back in, the Chinese file changes nothing.
        result = import_file(engine, kind, chinese)
        assert (result.problems, result.added, result.changed) == ([], 0, 0), kind


def test_chinese_xlsx_export_heads_its_sheet_in_chinese(engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)
    path = tmp_path / "purchases.xlsx"
    assert export_table(engine, "purchases", path, headers="zh") == 6
    assert _header(path) == [
        "采购行号", "供应商代码", "SKU", "下单日期", "承诺交货日期",
        "订购数量", "单价", "币种", "汇率", "进口模式",
    ]  # fmt: skip
    result = import_file(engine, "purchases", path)
    assert (result.problems, result.rows, result.unchanged) == ([], 6, 6)


def test_headers_other_than_en_or_zh_are_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="'en' \\(English\\) or 'zh' \\(Chinese\\), not 'fr'"):
        export_table(engine, "suppliers", tmp_path / "s.csv", headers="fr")
    with pytest.raises(BadInput):
        write_template("suppliers", tmp_path / "t.csv", headers="fr")
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "t.csv").exists()


def test_a_chinese_xlsx_template_explains_itself_in_chinese(engine: Engine, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    i18n.install(i18n.CHINESE)
    path = tmp_path / "channels.xlsx"
    write_template("channels", path, headers="zh")
    book = load_workbook(path)
    assert book.sheetnames == ["channels", "填写说明"]
    assert _header(path) == list(CHINESE_COLUMNS["channels"].values())
    notes = [[c.value or "" for c in row] for row in book["填写说明"].iter_rows()]
    assert notes[0] == ["列", "是否必填", "填写内容", "留空时的默认值"]
    assert notes[1] == ["供应商代码", "必填", "文字", ""]
    assert notes[3] == ["层级", "必填", "整数", ""]
    assert notes[5] == ["授权有效期至", "选填", "日期，YYYY-MM-DD", "留空"]
    assert notes[8] == ["独家", "选填", "是或否（也可填 true 或 false）", "false"]
    texts = [row[0] for row in notes[11:]]
    assert texts == [
        "第 1 行是表头，请照原样保留；示例行可以改写或替换。",
        "只导入第一张工作表。日期写 YYYY-MM-DD；税率写小数。",
        "每列的表头可以用中文列名，也可以用英文列名；是/否列填 是 或 否，也可填 true 或 false。",
    ]


def test_templates_with_chinese_headers_fill_in_and_import(engine: Engine, tmp_path: Path) -> None:
    for kind in IMPORT_ORDER:
        for suffix in (".csv", ".xlsx"):
            path = tmp_path / f"{kind}{suffix}"
            write_template(kind, path, headers="zh")
            assert _header(path) == [CHINESE_COLUMNS[kind][h] for h in FILE_KINDS[kind].headers]
        # The examples fit together: in import order, every reference resolves.
        result = import_file(engine, kind, tmp_path / f"{kind}.xlsx")
        assert (result.problems, result.added) == ([], 1), kind
        result = import_file(engine, kind, tmp_path / f"{kind}.csv")
        assert (result.problems, result.added, result.changed) == ([], 0, 0), kind
