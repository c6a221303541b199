"""The audit trail (docs/bad-input.md): who changed what, when, from which value to which.

Written in the same transaction as the change it records; read back, newest
first, by the audit view, with the codes of the rows its entries point at.
An entry's `changes` is JSON: for hand edits
`{"id": …, "fields": {name: [old, new]}, "reason": …, "warning": …}`; for
imports `{"added": n, "updated": n}`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, text

from sourcing_app.i18n import _


def _audit_table():  # type: ignore[no-untyped-def]
    """The audit_entry table, from the models imported only when first written or read.

    The desktop's first screen reads settings through this module; the ORM
    models (and sqlmodel with them) are not needed for that.
    """
    from sourcing_app.db.models import AuditEntry

    return AuditEntry.__table__


# What a database trigger cannot know: why a change was made, the warning the
# buyer saw, where rates came from. Entries carrying these words are written
# by the app even in team mode (docs/team-mode.md).
_EXTRA_WORDS = ("reason", "warning", "source", "text")


def trail_written_by_database(conn: Connection) -> bool:
    """Whether the database's own triggers write the audit trail (PostgreSQL after `team init`)."""
    if conn.dialect.name != "postgresql":
        return False
    from sourcing_app.db.team import audit_triggers_installed

    return audit_triggers_installed(conn)


def needs_app_entry(conn: Connection, record: dict[str, Any]) -> bool:
    """False when the triggers already record this change and the app has nothing to add.

    In team mode every row change is written by the database, naming its
    session_user; an entry of the app's own would say the same thing twice.
    """
    if any(record.get(word) for word in _EXTRA_WORDS):
        return True
    return not trail_written_by_database(conn)


def write_entry(
    conn: Connection, *, who: str, entity: str, key: str, action: str, record: dict[str, Any]
) -> None:
    """One entry of the trail. In team mode the database stamps `who` with its session_user."""
    if not needs_app_entry(conn, record):
        return
    audit = _audit_table()
    conn.execute(
        insert(audit).values(
            at=dt.datetime.now(dt.UTC),
            who=who[:120],
            entity=entity,
            entity_key=key[:200],
            action=action,
            changes=json.dumps(record, ensure_ascii=False),
        )
    )


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: dt.datetime  # UTC
    who: str
    entity: str
    key: str
    action: str
    record: dict[str, Any]

    def change_words(self) -> str:
        """An import's counts or another writer's record, in one line: "1,200 added, 3 updated".

        A hand edit's `fields` are put in the forms' words by the audit view.
        """
        record = self.record
        if self.action == "import":
            return _("{added} added, {updated} updated").format(
                added=f"{record.get('added', 0):,}", updated=f"{record.get('updated', 0):,}"
            )
        if "fields" in record:  # a hand edit whose fields cannot be read: its reason at most
            if not record.get("reason"):
                return ""
            return _("reason: {reason}").format(reason=record["reason"])
        # Another writer's record (the demo's counts, say).
        # The demo's own keys ("seed", "suppliers"): codes of its record, shown as written.
        return _("; ").join(f"{k.replace('_', ' ')} {_count(v)}" for k, v in record.items())


def _count(value: Any) -> str:
    # Counts get separators; a seed or a year-like code stays as written.
    if isinstance(value, int) and not isinstance(value, bool) and value < 10_000_000:
        return f"{value:,}"
    return str(value)


def latest_entries(
    engine: Engine, limit: int = 500, *, entity: str = "", who: str = ""
) -> list[AuditLine]:
    audit = _audit_table()
    query = select(audit).order_by(audit.c.id.desc()).limit(limit)
    if entity:
        query = query.where(audit.c.entity == entity)
    if who:
        query = query.where(audit.c.who == who)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    out = []
    for row in rows:
        try:
            record = json.loads(row["changes"]) if row["changes"] else {}
        except ValueError:
            record = {"text": row["changes"]}
        at = row["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        out.append(
            AuditLine(
                int(row["id"]),
                at,
                row["who"],
                row["entity"],
                row["entity_key"],
                row["action"],
                record if isinstance(record, dict) else {"text": str(record)},
            )
        )
    return out


def people(engine: Engine) -> list[str]:
    """Everyone the trail names, by name: the Audit screen's choice of person."""
    audit = _audit_table()
    with engine.connect() as conn:
        query = select(audit.c.who).distinct().order_by(audit.c.who)
        return [str(w) for w in conn.execute(query).scalars()]


# The word a buyer knows each referenced row by, in the table it lives in.
_REFERENCE_WORDS = {
    "supplier": ("supplier", "code"),
    "brand": ("brand", "name"),
    "product": ("product", "sku"),
    "tax_category": ("tax_category", "name"),
    "purchase": ("purchase_line", "line_ref"),
}
# (entity, row id) → the code or name a buyer knows that row by.
ReferenceNames = dict[tuple[str, int], str]


def reference_names(engine: Engine, rows: list[AuditLine]) -> ReferenceNames:
    """The codes of the rows the entries point at, one query per kind of row.

    A hand edit records ids (a quote's supplier_id, say); the audit view shows
    the supplier's code instead. A row deleted since is left out.
    """
    from sourcing_app.services.entities import ENTITIES

    wanted: dict[str, set[int]] = {}
    for line in rows:
        spec = ENTITIES.get(line.entity)
        fields = line.record.get("fields")
        if spec is None or not isinstance(fields, dict):
            continue
        for field in spec.fields:
            if field.reference in _REFERENCE_WORDS and field.name in fields:
                for value in fields[field.name]:
                    if isinstance(value, int) and not isinstance(value, bool):
                        wanted.setdefault(field.reference, set()).add(value)
    names: ReferenceNames = {}
    with engine.connect() as conn:
        for entity, ids in wanted.items():
            table, column = _REFERENCE_WORDS[entity]
            query = text(f"SELECT id, {column} FROM {table} WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            )
            for row_id, words in conn.execute(query, {"ids": sorted(ids)}):
                names[(entity, int(row_id))] = str(words)
    return names
