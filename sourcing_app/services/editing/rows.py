"""Rows as the editing service reads, compares, describes and stores them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select
from sqlmodel import SQLModel

from sourcing_app.db import models  # noqa: F401  (registers the tables in the metadata)
from sourcing_app.domain.enums import ReturnReason
from sourcing_app.domain.formatting import day
from sourcing_app.i18n import _
from sourcing_app.services.entities import ENTITIES, VIA_CHANNEL, EntitySpec


def table_of(spec: EntitySpec) -> Table:
    return SQLModel.metadata.tables[spec.table]


def table_named(name: str) -> Table:
    return SQLModel.metadata.tables[name]


_STATEMENTS: dict[tuple[str, ...], Any] = {}


def by_id(table_name: str) -> Any:
    """SELECT * by id, built once: building a statement costs more than running it."""
    key = ("row", table_name)
    if key not in _STATEMENTS:
        table = table_named(table_name)
        _STATEMENTS[key] = select(table).where(table.c.id == bindparam("rid"))
    return _STATEMENTS[key]


def column_by_id(table_name: str, column: str) -> Any:
    key = ("column", table_name, column)
    if key not in _STATEMENTS:
        table = table_named(table_name)
        _STATEMENTS[key] = select(table.c[column]).where(table.c.id == bindparam("rid"))
    return _STATEMENTS[key]


def read(conn: Connection, spec: EntitySpec, entity_id: int) -> dict[str, Any] | None:
    """The stored values of one row by field name, with its `version`; None when gone.

    Quotes and purchase lines are kept on a channel: their supplier is read from it.
    Deliveries have no version column, so their version is a fingerprint.
    """
    row = conn.execute(by_id(spec.table), {"rid": entity_id}).mappings().one_or_none()
    if row is None:
        return None
    values = dict(row)
    if spec.name in VIA_CHANNEL:
        values["supplier_id"] = conn.execute(
            column_by_id("channel", "supplier_id"), {"rid": values["channel_id"]}
        ).scalar()
    if not spec.versioned:
        values["version"] = fingerprint({k: values[k] for k in spec.names})
    return values


def as_text(value: Any) -> str:
    """A typed value as the text of a file cell, so one parser checks both."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def stored(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 18.5000 from the database reads 18.5
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if a is None or b is None:
            return a is b
        return Decimal(str(a)) == Decimal(str(b))
    return bool(a == b)


def show_date(value: dt.date) -> str:
    """Dates in messages as a buyer reads them: 27 Nov 2026."""
    return day(value)


def fingerprint(values: Mapping[str, Any]) -> str:
    """A row's version where the table has no version column: a digest of its values."""
    text = json.dumps({k: jsonable(v) for k, v in sorted(values.items())}, sort_keys=True)
    return "v" + hashlib.sha1(text.encode()).hexdigest()[:16]


def row_values(conn: Connection, spec: EntitySpec, parsed: dict[str, Any]) -> dict[str, Any]:
    """The parsed values that are columns of the table, as the importer stores them."""
    table = table_of(spec)
    row = {k: v for k, v in parsed.items() if k in table.c}
    if conn.dialect.name == "sqlite":
        # The importer stores Numeric as float on SQLite (no decimal type there);
        # do the same so both paths store identical values.
        row = {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}
    return row


def supplier_of_line(conn: Connection, line_id: int) -> int:
    lines = table_named("purchase_line")
    channels = table_named("channel")
    return int(
        conn.execute(
            select(channels.c.supplier_id)
            .join(lines, lines.c.channel_id == channels.c.id)
            .where(lines.c.id == line_id)
        ).scalar_one()
    )


def label(conn: Connection, spec: EntitySpec, row: Mapping[str, Any]) -> str:
    """The row in words: "supplier S-VERT", "quote S-VERT / SKU-1 from …"."""
    return f"{spec.label} {_describe(conn, spec.name, row)}"


def _describe(conn: Connection, entity: str, row: Mapping[str, Any]) -> str:
    """The row's natural key in words, for labels and the audit trail."""
    if not row:
        return ""

    def name_of(table: str, column: str, row_id: Any) -> str:
        t = table_named(table)
        return str(conn.execute(select(t.c[column]).where(t.c.id == row_id)).scalar() or "?")

    if entity == "supplier":
        return str(row["code"])
    if entity in ("brand", "tax_category"):
        return str(row["name"])
    if entity == "product":
        return str(row["sku"])
    if entity == "channel":
        return f"{name_of('supplier', 'code', row['supplier_id'])} / " + name_of(
            "brand", "name", row["brand_id"]
        )
    if entity == "quote":
        supplier = name_of("supplier", "code", row["supplier_id"])
        sku = name_of("product", "sku", row["product_id"])
        start = row["valid_from"]
        since = "with no start date" if start is None else f"from {start.isoformat()}"
        return f"{supplier} / {sku} {since} (min {row['min_qty']})"
    if entity == "purchase":
        return str(row["line_ref"])
    if entity == "delivery":
        line = name_of("purchase_line", "line_ref", row["line_id"])
        return f"{line} on {row['delivered_date'].isoformat()}"
    if entity == "return":
        line = name_of("purchase_line", "line_ref", row["line_id"])
        return f"{line} on {row['return_date'].isoformat()} ({row['reason']})"
    return str(row.get("id"))


# The natural keys `_describe` writes with ISO dates and codes: they are the
# audit trail's entity_key, the same whoever saved and in whatever language.
_DATED = re.compile(r"^(?P<line>.+) on (?P<day>\d{4}-\d{2}-\d{2})(?: \((?P<reason>[a-z_]+)\))?$")
_QUOTE = re.compile(
    r"^(?P<who>.+) / (?P<sku>.+) (?:from (?P<day>\d{4}-\d{2}-\d{2})|with no start date)"
    r" \(min (?P<qty>\d+)\)$"
)


def key_in_words(entity: str, key: str) -> str:
    """A natural key as the reader says it: dates as words, a return's reason named.

    "L1 on 2026-02-09" reads "L1, delivered 9 Feb 2026" (in Chinese
    "L1，2026年2月9日到货"). A key of another form is given back as it is.
    """
    if entity in ("delivery", "return"):
        m = _DATED.match(key)
        if m is None or (entity == "return") != bool(m["reason"]):
            return key
        when = day(dt.date.fromisoformat(m["day"]))
        if entity == "delivery":
            return _("{line}, delivered {day}").format(line=m["line"], day=when)
        try:
            reason = ReturnReason(m["reason"]).label
        except ValueError:
            reason = m["reason"]
        return _("{line}, returned {day} ({reason})").format(
            line=m["line"], day=when, reason=reason
        )
    if entity == "quote":
        m = _QUOTE.match(key)
        if m is None:
            return key
        qty = f"{int(m['qty']):,}"
        if m["day"] is None:
            return _("{supplier} / {sku}, no start date (minimum {qty})").format(
                supplier=m["who"], sku=m["sku"], qty=qty
            )
        return _("{supplier} / {sku} from {day} (minimum {qty})").format(
            supplier=m["who"], sku=m["sku"], day=day(dt.date.fromisoformat(m["day"])), qty=qty
        )
    return key


def label_in_words(entity: str, label: str) -> str:
    """A row's label (`label`) as the reader says it: see `key_in_words`."""
    key = key_of(label)
    if not key or not label.endswith(key):
        return label  # no key, or one cut short for the audit trail
    return label[: len(label) - len(key)] + key_in_words(entity, key)


def key_of(label: str) -> str:
    """The audit trail's entity_key: the label without its leading entity word(s)."""
    for spec in ENTITIES.values():
        prefix = spec.label + " "
        if label.startswith(prefix):
            return label[len(prefix) :][:200]
    return label[:200]


def suppliers_of(
    conn: Connection, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[int]:
    """The suppliers a row belongs to, before and after a change (a line may move)."""
    ids: list[int] = []
    for row in (before, after):
        if not row:
            continue
        if row.get("supplier_id") is not None:
            sid = int(row["supplier_id"])
        elif "line_id" in row:
            sid = supplier_of_line(conn, int(row["line_id"]))
        else:
            continue
        if sid not in ids:
            ids.append(sid)
    return ids
