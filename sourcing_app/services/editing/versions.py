"""Optimistic concurrency: "someone else saved this after you opened it", checked once for all.

An edit names the version of the row it was made against. `current` reads the
row as stored now and refuses when someone changed or removed it since;
`write` updates it only while it is still at that version (the version column
goes up by one, or, for deliveries, which have none, every stored value must
still match its fingerprint). Either way the refusal is a `Conflict` in words,
naming who saved last and when, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from sourcing_app.db.unit_of_work import unit_of_work
from sourcing_app.domain.formatting import moment
from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _
from sourcing_app.services.editing.outcomes import Conflict, Invalid
from sourcing_app.services.editing.rows import (
    fingerprint,
    key_of,
    label,
    label_in_words,
    read,
    table_named,
)
from sourcing_app.services.editing.rows import table_of as _table
from sourcing_app.services.entities import KEY_FIELD, UNIQUE_WORDS, EntitySpec


class Transaction:
    """A unit of work's connection; database trouble comes out as words."""

    def __init__(self, engine: Engine) -> None:
        self._uow = unit_of_work(engine)

    def __enter__(self) -> Connection:
        session = self._uow.__enter__()
        return session.connection()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        try:
            self._uow.__exit__(exc_type, exc, tb)
        except DBAPIError as error:
            raise CannotFinish(_database_trouble(error)) from None
        if isinstance(exc, DBAPIError) and not isinstance(exc, IntegrityError):
            raise CannotFinish(_database_trouble(exc)) from None
        return False


def _database_trouble(error: DBAPIError) -> str:
    from sourcing_app.services.permissions import refusal_of

    refused = refusal_of(error)  # team mode: the grants changed since the desk opened
    if refused is not None:
        return str(refused)
    text = str(error.orig or error).strip().splitlines()[0].lower()
    if "locked" in text or "busy" in text:
        return _("The database is busy: another program is writing to it. Nothing was saved.")
    if "readonly" in text or "read-only" in text:
        return _("The database is read-only, so nothing could be saved.")
    return _("The database would not take the change ({error}). Nothing was saved.").format(
        error=text
    )


def current(
    conn: Connection, spec: EntitySpec, entity_id: int, version: int | str | None
) -> dict[str, Any]:
    """The row as stored now, provided nobody changed it since `version` (None: any)."""
    table = _table(spec)
    if conn.dialect.name == "postgresql":
        # Hold the row until this transaction ends.
        conn.execute(select(table.c.id).where(table.c.id == entity_id).with_for_update())
    row = read(conn, spec, entity_id)
    if row is None:
        raise Conflict(
            _(
                "The {record} you were editing has been removed by someone else; nothing was saved."
            ).format(record=spec.label)
        )
    if version is not None and row["version"] != version:
        raise Conflict(_conflict_words(conn, spec, row))
    return row


def write(
    conn: Connection,
    spec: EntitySpec,
    entity_id: int,
    before: dict[str, Any],
    row: dict[str, Any],
) -> None:
    """Update the row only while it is still as `before` read it."""
    table = _table(spec)
    query = update(table).where(table.c.id == entity_id)
    if spec.versioned:
        query = query.where(table.c.version == before["version"]).values(
            version=table.c.version + 1
        )
    else:  # the fingerprint was checked by `current`; re-check the values in the statement
        for name in spec.names:
            column = table.c[name]
            value = before[name]
            query = query.where(column.is_(None) if value is None else column == value)
    try:
        result = conn.execute(query.values(**row))
    except IntegrityError:
        raise clash(spec) from None
    if result.rowcount != 1:
        raise Conflict(_conflict_words(conn, spec, before))


def after_write(spec: EntitySpec, before: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any]:
    """The row as `write` just left it, with its new version, without reading it back."""
    after = {**before, **{k: v for k, v in parsed.items() if k in before or k == "channel_id"}}
    if spec.versioned:
        after["version"] = before["version"] + 1
    else:
        after["version"] = fingerprint({k: after[k] for k in spec.names})
    return after


def clash(spec: EntitySpec) -> Invalid:
    """Someone saved the same natural key between the check and the write."""
    taken = _("{problem} (saved just now by someone)").format(problem=_(UNIQUE_WORDS[spec.name]))
    return Invalid({KEY_FIELD[spec.name]: taken})


def _conflict_words(conn: Connection, spec: EntitySpec, row: dict[str, Any]) -> str:
    stored = label(conn, spec, row)
    audit = table_named("audit_entry")
    last = conn.execute(
        select(audit.c.who, audit.c.at)
        .where(audit.c.entity == spec.name, audit.c.entity_key == key_of(stored))
        .order_by(audit.c.id.desc())
        .limit(1)
    ).first()
    words = label_in_words(spec.name, stored)
    if last is None:
        return _(
            "Someone else saved the {record} after you opened it. "
            "Your changes were not saved; reopen it to see the latest values."
        ).format(record=words)
    at = last[1]
    when = moment(at) if isinstance(at, dt.datetime) else str(at)
    return _(
        "Someone else saved the {record} after you opened it ({who}, {when} UTC). "
        "Your changes were not saved; reopen it to see the latest values."
    ).format(record=words, who=last[0], when=when)
