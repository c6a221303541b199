"""The Chinese name of every file column, and the Chinese words a coded cell may hold.

docs/files-and-commands.md: a file's column may be headed by its English
name or by its Chinese one (the glossary's words), and a file may mix them;
`export --headers zh` and `template --headers zh` write the Chinese ones.
These names are part of the file format, like the English ones: they are
data, not translations, and do not change with the reader's language. Only
`column_label` (how a problem names a column to a person) follows it.
"""

from __future__ import annotations

from sourcing_app import i18n
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _

ENGLISH_HEADERS = "en"
CHINESE_HEADERS = "zh"
HEADER_LANGUAGES = (ENGLISH_HEADERS, CHINESE_HEADERS)

# kind -> column -> its Chinese name (GLOSSARY-zh.md, "Column names in Chinese").
CHINESE_COLUMNS: dict[str, dict[str, str]] = {
    "suppliers": {
        "code": "供应商代码",
        "name": "供应商名称",
        "country": "国家或地区",
        "kind": "供应商类型",
        "monthly_capacity": "月供货能力",
        "contact": "联系人",
        "notes": "备注",
    },
    "brands": {
        "name": "品牌名称",
        "origin_country": "原产国",
        "category": "品类",
        "hot_selling": "爆款品牌",
        "planned_monthly_demand": "计划月需求",
        "target_retail_price": "目标零售价",
    },
    "products": {
        "sku": "SKU",
        "brand": "品牌",
        "name": "商品名称",
        "tax_category": "税目类别",
        "retail_price": "零售价",
        "unit_weight_kg": "单件重量千克",
    },
    "tax-categories": {
        "name": "税目类别",
        "tariff": "关税税率",
        "consumption_tax": "消费税税率",
        "vat": "增值税税率",
        "postal_rate": "行邮税税率",
    },
    "channels": {
        "supplier_code": "供应商代码",
        "brand": "品牌",
        "tier": "层级",
        "authorization_ref": "授权书编号",
        "authorized_until": "授权有效期至",
        "contract_start": "合同开始日期",
        "contract_end": "合同结束日期",
        "exclusive": "独家",
        "active": "启用",
    },
    "quotes": {
        "supplier_code": "供应商代码",
        "sku": "SKU",
        "unit_price": "单价",
        "currency": "币种",
        "incoterm": "贸易术语",
        "min_qty": "最小起订量",
        "lead_time_days": "交货周期天数",
        "freight_per_unit": "单件运费",
        "insurance_per_unit": "单件保险费",
        "valid_from": "生效日期",
        "valid_to": "失效日期",
    },
    "purchases": {
        "line_ref": "采购行号",
        "supplier_code": "供应商代码",
        "sku": "SKU",
        "order_date": "下单日期",
        "promised_date": "承诺交货日期",
        "ordered_qty": "订购数量",
        "unit_price": "单价",
        "currency": "币种",
        "fx_rate": "汇率",
        "regime": "进口模式",
    },
    "deliveries": {
        "line_ref": "采购行号",
        "delivered_date": "到货日期",
        "delivered_qty": "到货数量",
        "rejected_qty": "拒收数量",
        "clearance_days": "清关天数",
    },
    "returns": {
        "line_ref": "采购行号",
        "return_date": "退货日期",
        "returned_qty": "退货数量",
        "reason": "退货原因",
    },
    "fx-rates": {
        "currency": "币种",
        "date": "日期",
        "rate_to_home": "兑本位币汇率",
    },
}

# Coded cells written in Chinese (GLOSSARY-zh.md): the glossary's word, and the
# longer forms the desk itself shows, each to the stored code.
CHINESE_SUPPLIER_KINDS: dict[str, str] = {
    "品牌方": "brand_owner",
    "授权经销商": "authorized_distributor",
    "批发商": "wholesaler",
    "贸易商": "trader",
    "保税仓": "bonded_warehouse",
    "保税仓运营商": "bonded_warehouse",
    "平台卖家": "platform_seller",
}
CHINESE_REGIMES: dict[str, str] = {
    "跨境电商": "cbec",
    "跨境电商零售进口": "cbec",
    "一般贸易": "general",
    "行邮": "postal",
    "行邮（个人物品）": "postal",
    "行邮(个人物品)": "postal",
}
CHINESE_YES_NO: dict[str, bool] = {"是": True, "否": False}
CHINESE_RETURN_REASONS: dict[str, str] = {
    "破损": "damaged",
    "与描述不符": "not_as_described",
    "疑似假货": "suspected_counterfeit",
    "过期": "expired",
    "延迟送达": "late",
    "其他": "other",
}


def headers_of(kind: str, names: tuple[str, ...], headers: str = ENGLISH_HEADERS) -> list[str]:
    """The header row a file of `kind` is written with: English names, or the Chinese ones."""
    if headers == CHINESE_HEADERS:
        chinese = CHINESE_COLUMNS.get(kind, {})
        return [chinese.get(name, name) for name in names]
    return list(names)


def column_of(kind: str, header: str) -> str | None:
    """The column a Chinese header names in a file of `kind`, or None."""
    for name, chinese in CHINESE_COLUMNS.get(kind, {}).items():
        if chinese == header:
            return name
    return None


def column_label(kind: str, column: str) -> str:
    """A column as a person reads it: its Chinese name in Chinese, its own name in English.

    Anything that is not a column of `kind` (a spreadsheet letter, a header the
    buyer typed) is shown as it is.
    """
    if i18n.is_chinese():
        return CHINESE_COLUMNS.get(kind, {}).get(column, column)
    return column


def check_headers(headers: str) -> str:
    """`headers` if it is 'en' or 'zh'; BadInput otherwise."""
    if headers not in HEADER_LANGUAGES:
        reason = _("column names are written 'en' (English) or 'zh' (Chinese), not '{given}'")
        raise BadInput(reason.format(given=headers))
    return headers
