"""Files in Chinese (issue 11): the glossary's column names and coded words go in, the
stored values stay the English codes, and every problem reads in the buyer's language."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sourcing_app import i18n
from sourcing_app.services.column_names import CHINESE_COLUMNS
from sourcing_app.services.exporting import export_table
from sourcing_app.services.file_formats import FILE_KINDS, boolean, guess_kind
from sourcing_app.services.importing import Problem, import_file
from tests.services.hand_portfolio import IMPORT_ORDER
from tests.services.hand_portfolio_db import load_hand_portfolio


def _english_export(engine: Engine, kind: str, folder: Path) -> list[str]:
    path = folder / f"check-{kind}.csv"
    export_table(engine, kind, path)
    return path.read_text(encoding="utf-8-sig").splitlines()


def test_every_column_has_one_chinese_name_per_kind() -> None:
    assert set(CHINESE_COLUMNS) == set(IMPORT_ORDER)
    for kind, file_kind in FILE_KINDS.items():
        names = CHINESE_COLUMNS[kind]
        assert list(names) == list(file_kind.headers), kind
        assert len(set(names.values())) == len(names), kind


def test_the_yes_no_columns_take_shi_and_fou() -> None:
    yes_no = {
        (kind, column.name)
        for kind, file_kind in FILE_KINDS.items()
        for column in file_kind.columns
        if column.parse is boolean
    }
    assert yes_no == {("brands", "hot_selling"), ("channels", "exclusive"), ("channels", "active")}
    assert (boolean("是"), boolean("否"), boolean("TRUE"), boolean("n")) == (
        True,
        False,
        True,
        False,
    )


def test_mixed_headers_and_chinese_codes_store_the_english_codes(
    engine: Engine, tmp_path: Path
) -> None:
    files = {
        "tax-categories": "税目类别,关税税率,消费税税率,增值税税率,行邮税税率\n"
        "化妆品,0.05,0.15,0.13,0.5\n",
        # English and Chinese names in one header, in any order.
        "suppliers": "供应商代码,name,国家或地区,kind,月供货能力\n"
        "S-VERT,Aurelle Paris SAS,FR,品牌方,5000\n"
        "S-BOND,宁波保税仓,CN,保税仓,800\n",
        "brands": "品牌名称,原产国,品类,爆款品牌,计划月需求,目标零售价\n"
        "Aurelle,FR,美妆,是,400,299\n",
        "products": "SKU,品牌,商品名称,税目类别,零售价,单件重量千克\n"
        "AUR-SERUM,Aurelle,精华 30 ml,化妆品,299,0.1\n",
        "channels": "供应商代码,品牌,层级,独家,启用\n"
        "S-VERT,Aurelle,0,否,是\n"
        "S-BOND,Aurelle,2,是,否\n",
        "purchases": "采购行号,供应商代码,SKU,下单日期,承诺交货日期,订购数量,单价,币种,"
        "汇率,进口模式\n"
        "L1,S-VERT,AUR-SERUM,2026-01-10,2026-02-10,100,20,USD,7.0,跨境电商\n"
        "L2,S-BOND,AUR-SERUM,2026-01-12,2026-02-12,40,21,USD,7.0,一般贸易\n"
        "L3,S-BOND,AUR-SERUM,2026-01-15,2026-02-15,5,22,USD,7.0,行邮\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        result = import_file(engine, kind, path)
        assert (result.problems, result.added) == ([], text.count("\n") - 1), kind

    assert _english_export(engine, "suppliers", tmp_path) == [
        "code,name,country,kind,monthly_capacity,contact,notes",
        "S-VERT,Aurelle Paris SAS,FR,brand_owner,5000,,",
        "S-BOND,宁波保税仓,CN,bonded_warehouse,800,,",
    ]
    assert _english_export(engine, "brands", tmp_path)[1] == "Aurelle,FR,美妆,true,400,299"
    assert _english_export(engine, "channels", tmp_path)[1:] == [
        "S-VERT,Aurelle,0,,,,,false,true",
        "S-BOND,Aurelle,2,,,,,true,false",
    ]
    regimes = [row.rsplit(",", 1)[1] for row in _english_export(engine, "purchases", tmp_path)[1:]]
    assert regimes == ["cbec", "general", "postal"]


def test_problems_name_the_chinese_column_in_chinese_and_the_english_one_in_english(
    engine: Engine, tmp_path: Path
) -> None:
    load_hand_portfolio(engine, tmp_path)
    path = tmp_path / "到货.csv"
    path.write_text(
        "采购行号,到货日期,到货数量,拒收数量\nL9,2026-03-01,10,0\nL1,2026-03-01,10,12\n",
        encoding="utf-8",
    )
    i18n.install(i18n.CHINESE)
    result = import_file(engine, "deliveries", path)
    assert [str(p) for p in result.problems] == [
        "第 2 行，采购行号 列：库里没有采购行号为 'L9' 的采购明细；请先用采购明细文件导入",
        "第 3 行，拒收数量 列：拒收数量 12 超过了到货数量 10",
    ]
    # The same problems, read after switching to English, name the English columns.
    i18n.install(i18n.ENGLISH)
    assert str(result.problems[1]).startswith("line 3, column rejected_qty: ")
    assert str(Problem(1, "", "the file is empty")) == "line 1: the file is empty"
    result = import_file(engine, "deliveries", path)
    assert (
        str(result.problems[1])
        == "line 3, column rejected_qty: 12 rejected is more than the 10 delivered"
    )


def test_header_problems_in_chinese(engine: Engine, tmp_path: Path) -> None:
    i18n.install(i18n.CHINESE)
    path = tmp_path / "汇率.csv"
    # 币种 and currency are the same column; 汇率 is a purchases column, not an fx-rates one.
    path.write_text("币种,日期,currency,汇率\nUSD,2026-06-01,USD,7.2\n", encoding="utf-8")
    result = import_file(engine, "fx-rates", path)
    assert [str(p) for p in result.problems] == [
        "第 1 行，币种 列：表头里出现了两次（第 A 列和第 C 列）",
        "第 1 行，汇率 列：无法识别的列；汇率文件的列为：币种、日期、兑本位币汇率",
        "第 1 行，兑本位币汇率 列：表头缺少这一必填列",
    ]
    empty = tmp_path / "空.csv"
    empty.write_text("", encoding="utf-8")
    (problem,) = import_file(engine, "fx-rates", empty).problems
    assert str(problem) == "第 1 行：文件是空的；第 1 行必须是表头"


def test_a_repeated_row_names_its_key_columns_in_chinese(engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)
    path = tmp_path / "渠道.csv"
    path.write_text("供应商代码,品牌,层级\nS-VERT,Aurelle,0\nS-VERT,Aurelle,1\n", encoding="utf-8")
    i18n.install(i18n.CHINESE)
    (problem,) = import_file(engine, "channels", path).problems
    assert str(problem) == (
        "第 3 行，供应商代码 列：与第 2 行重复（供应商代码、品牌相同：S-VERT, Aurelle）；"
        "同一文件中只能出现一次"
    )


def test_bad_coded_cells_say_what_to_write_in_chinese(engine: Engine, tmp_path: Path) -> None:
    i18n.install(i18n.CHINESE)
    path = tmp_path / "供应商.csv"
    path.write_text("供应商代码,供应商名称,供应商类型\nS1,甲,代理商\n", encoding="utf-8")
    (problem,) = import_file(engine, "suppliers", path).problems
    assert str(problem) == (
        "第 2 行，供应商类型 列：'代理商' 不是供应商类型；请用以下之一："
        "品牌方、授权经销商、批发商、贸易商、保税仓、平台卖家"
    )


def test_the_kind_is_guessed_from_chinese_or_mixed_headers() -> None:
    assert guess_kind(["采购行号", "到货日期", "到货数量"]) == "deliveries"
    assert guess_kind(["采购行号", "supplier_code", "SKU", "下单日期", "承诺交货日期",
                       "订购数量", "单价", "币种"]) == "purchases"  # fmt: skip
    assert guess_kind(["供应商代码", "供应商名称", "供应商类型"]) == "suppliers"
    assert guess_kind(["币种", "日期", "兑本位币汇率"]) == "fx-rates"
    assert guess_kind(["供应商代码", "评分"]) is None
