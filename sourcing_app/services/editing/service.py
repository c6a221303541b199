"""Create, edit, archive and remove what a buyer keeps by hand, one audited transaction each.

The records are those of docs/vocabulary.md, checked as docs/bad-input.md says.
The steps are shared by every entity; what differs lives with its family
(`suppliers`, `catalogue`, `channels`, `purchases`), and the version check
("someone else saved this after you opened it") in `versions`.

- Nothing invalid is saved: `check` lists every problem keyed by field name,
  and `create`/`edit` raise `Invalid` with the same list, writing nothing.
- Archiving keeps history: suppliers, brands and products get the archived
  flag, a channel turns inactive, and a quote is withdrawn by ending its
  validity the day before the evaluation date (so past prices stay on file).
- Every change writes an audit entry, with old and new values, in the same
  transaction as the change itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.errors import BadInput
from sourcing_app.i18n import _
from sourcing_app.services.audit import write_entry
from sourcing_app.services.editing import (
    catalogue,
    channels,
    purchases,
    returns,
    suppliers,
    versions,
)
from sourcing_app.services.editing.checking import validate
from sourcing_app.services.editing.outcomes import Conflict, FamilyRules, Invalid, Saved
from sourcing_app.services.editing.rows import (
    jsonable,
    key_of,
    label,
    label_in_words,
    read,
    row_values,
    same,
    table_of,
)
from sourcing_app.services.entities import ENTITIES, EntitySpec
from sourcing_app.services.settings import load_settings, load_user_name

_RULES: dict[str, FamilyRules] = {
    "supplier": suppliers.RULES,
    "brand": catalogue.RULES,
    "product": catalogue.RULES,
    "tax_category": catalogue.RULES,
    "channel": channels.RULES,
    "quote": channels.RULES,
    "purchase": purchases.RULES,
    "delivery": purchases.RULES,
    "return": returns.RULES,
}

_CHOICES = {
    "supplier": "SELECT id, code || ' · ' || name FROM supplier WHERE archived = :f ORDER BY code",
    "brand": "SELECT id, name FROM brand WHERE archived = :f ORDER BY name",
    "tax_category": "SELECT id, name FROM tax_category ORDER BY name",
    "product": "SELECT id, sku || ' · ' || name FROM product WHERE archived = :f ORDER BY sku",
}
_PRODUCTS_OF_SUPPLIER = (
    "SELECT p.id, p.sku || ' · ' || p.name FROM product p "
    "JOIN channel c ON c.brand_id = p.brand_id AND c.supplier_id = :sid "
    "WHERE p.archived = :f ORDER BY p.sku"
)


class EditingService:
    """Every hand edit goes through here; one transaction per call, audited."""

    def __init__(self, engine: Engine, *, who: Callable[[], str] | None = None) -> None:
        self.engine = engine
        self._who = who

    # --- reading --------------------------------------------------------------------

    def load(self, entity: str, entity_id: int) -> dict[str, Any]:
        """The stored values of one row, by field name, with its `version` and `id`."""
        spec = ENTITIES[entity]
        with self.engine.connect() as conn:
            row = read(conn, spec, entity_id)
        if row is None:
            raise Conflict(
                _("The {record} #{id} is no longer in the database.").format(
                    record=spec.label, id=entity_id
                )
            )
        return row

    def choices(self, entity: str, *, supplier_id: int | None = None) -> list[tuple[int, str]]:
        """(id, words) of the rows a form may pick, archived ones left out.

        Products with a `supplier_id` are those of the brands the supplier has
        a channel for: the only SKUs it can quote or be bought from.
        """
        sql = _CHOICES[entity]
        params: dict[str, Any] = {"f": False}
        if entity == "product" and supplier_id is not None:
            sql = _PRODUCTS_OF_SUPPLIER
            params["sid"] = supplier_id
        with self.engine.connect() as conn:
            rows = conn.execute(sql_text(sql), params).all()  # one fetch, not one per row
        return [(int(i), str(words)) for i, words in rows]

    def home_currency(self) -> str:
        with self.engine.connect() as conn:
            return load_settings(conn).home_currency

    def check(
        self, entity: str, values: Mapping[str, Any], *, entity_id: int | None = None
    ) -> dict[str, str]:
        """Every problem with `values`, keyed by field name; empty when they can be saved.

        `values` holds the whole row as the form shows it (missing fields take
        their defaults, or the stored value when `entity_id` names a row).
        """
        spec = ENTITIES[entity]
        with self.engine.connect() as conn:
            current = read(conn, spec, entity_id) if entity_id is not None else None
            _parsed, problems = validate(conn, spec, values, current, _RULES[entity])
        return problems

    # --- writing --------------------------------------------------------------------

    def create(
        self,
        entity: str,
        values: Mapping[str, Any],
        *,
        standing: SupplierScore | Standing | None = None,
        reason: str = "",
    ) -> Saved:
        spec = ENTITIES[entity]
        with self._transaction() as conn:
            parsed = self._checked(conn, spec, values, None)
            warning = self._standing_rule(conn, spec, parsed, standing, reason)
            return self._insert(conn, spec, parsed, None, reason=reason, warning=warning)

    def edit(
        self,
        entity: str,
        entity_id: int,
        version: int | str | None,
        values: Mapping[str, Any],
        *,
        standing: SupplierScore | Standing | None = None,
        reason: str = "",
        action: str = "edited",
    ) -> Saved:
        """Change some fields of a row opened at `version`; the others keep their values."""
        spec = ENTITIES[entity]
        with self._transaction() as conn:
            before = versions.current(conn, spec, entity_id, version)
            parsed = self._checked(conn, spec, values, before)
            if all(same(parsed[name], before[name]) for name in spec.names):
                words = label(conn, spec, before)
                return Saved(entity, entity_id, "unchanged", version, words, before, before)
            warning = ""
            if any(not same(parsed.get(k), before.get(k)) for k in ("supplier_id", "product_id")):
                warning = self._standing_rule(conn, spec, parsed, standing, reason)
            versions.write(conn, spec, entity_id, before, row_values(conn, spec, parsed))
            after = versions.after_write(spec, before, parsed)
            return self._record(conn, spec, entity_id, action, before, after, reason, warning)

    def archive(
        self,
        entity: str,
        entity_id: int,
        version: int | str | None,
        *,
        as_of: dt.date | None = None,
    ) -> Saved:
        """Suppliers, brands, products: archived. Channels: inactive. Quotes: withdrawn.

        A quote is withdrawn by ending its validity on the day before `as_of`
        (today by default), so its price stays on file for the record; a quote
        that has not started by then priced nothing and is removed instead.
        """
        spec = ENTITIES[entity]
        if entity == "quote":
            return self._withdraw_quote(entity_id, version, as_of or dt.date.today())
        if not spec.archive_column:
            raise BadInput(
                _("A {record} is not archived; edit or undo it instead.").format(record=spec.label)
            )
        flag = spec.archive_column == "archived"
        return self._set_archived(spec, entity_id, version, flag, "archived")

    def restore(self, entity: str, entity_id: int, version: int | str | None) -> Saved:
        """Undo an archive: back in the lists and the scoring."""
        spec = ENTITIES[entity]
        if not spec.archive_column:
            raise BadInput(
                _("A {record} is not archived, so it cannot be restored.").format(record=spec.label)
            )
        flag = spec.archive_column != "archived"
        return self._set_archived(spec, entity_id, version, flag, "restored")

    def remove(
        self, entity: str, entity_id: int, version: int | str | None, *, why: str = "removed"
    ) -> Saved:
        """Delete a quote, purchase line, delivery or return nothing refers to; audited in full.

        Used to undo recording one. Suppliers, brands, products and channels
        are archived instead, since history refers to them.
        """
        spec = ENTITIES[entity]
        if spec.archive_column:
            raise BadInput(
                _("A {record} is archived, not removed: history refers to it.").format(
                    record=spec.label
                )
            )
        with self._transaction() as conn:
            before = versions.current(conn, spec, entity_id, version)
            if entity == "purchase":
                purchases.refuse_removing_a_delivered_line(conn, before)
            words = label(conn, spec, before)
            if entity == "delivery":
                purchases.refuse_removing_a_returned_delivery(
                    conn, before, label_in_words(entity, words)
                )
            table = table_of(spec)
            try:
                conn.execute(delete(table).where(table.c.id == entity_id))
            except IntegrityError:
                raise Conflict(
                    _(
                        "The {record} is referred to by other records, so it stays; "
                        "nothing was removed."
                    ).format(record=words)
                ) from None
            return self._record(conn, spec, entity_id, why, before, {})

    def reinsert(self, entity: str, values: Mapping[str, Any]) -> Saved:
        """Put back a removed row under its old id (redo of a recording that was undone)."""
        spec = ENTITIES[entity]
        entity_id = int(values["id"])
        with self._transaction() as conn:
            if read(conn, spec, entity_id) is not None:
                raise Conflict(
                    _("The {record} #{id} is already back in the database.").format(
                        record=spec.label, id=entity_id
                    )
                )
            parsed = self._checked(conn, spec, values, None)
            return self._insert(conn, spec, parsed, entity_id)

    def who(self, conn: Connection) -> str:
        return self._who() if self._who is not None else load_user_name(conn)

    # --- the shared steps -----------------------------------------------------------

    def _transaction(self) -> versions.Transaction:
        return versions.Transaction(self.engine)

    def _checked(
        self,
        conn: Connection,
        spec: EntitySpec,
        values: Mapping[str, Any],
        current: dict[str, Any] | None,
    ) -> dict[str, Any]:
        parsed, problems = validate(conn, spec, values, current, _RULES[spec.name])
        if problems:
            raise Invalid(problems)
        return parsed

    def _standing_rule(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        standing: SupplierScore | Standing | None,
        reason: str,
    ) -> str:
        if spec.name != "purchase":
            return ""
        return purchases.standing_rule(conn, parsed, standing, reason)

    def _insert(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        entity_id: int | None,
        *,
        reason: str = "",
        warning: str = "",
    ) -> Saved:
        """A new row (under `entity_id` when one is given), recorded as created."""
        table = table_of(spec)
        row = row_values(conn, spec, parsed)
        if entity_id is not None:
            row["id"] = entity_id
        try:
            new_id = conn.execute(insert(table).values(**row).returning(table.c.id)).scalar()
        except IntegrityError:
            raise versions.clash(spec) from None
        assert new_id is not None
        after = read(conn, spec, int(new_id)) or {}
        return self._record(conn, spec, int(new_id), "created", {}, after, reason, warning)

    def _set_archived(
        self,
        spec: EntitySpec,
        entity_id: int,
        version: int | str | None,
        flag: bool,
        action: str,
    ) -> Saved:
        with self._transaction() as conn:
            before = versions.current(conn, spec, entity_id, version)
            column = spec.archive_column
            if bool(before[column]) == flag:
                words = label(conn, spec, before)
                return Saved(spec.name, entity_id, "unchanged", version, words, before, before)
            row = {name: before[name] for name in spec.names if name in table_of(spec).c}
            row[column] = flag
            versions.write(conn, spec, entity_id, before, row)
            after = read(conn, spec, entity_id) or {}
            return self._record(conn, spec, entity_id, action, before, after)

    def _withdraw_quote(self, entity_id: int, version: int | str | None, as_of: dt.date) -> Saved:
        spec = ENTITIES["quote"]
        with self._transaction() as conn:
            before = versions.current(conn, spec, entity_id, version)
            last_day = channels.withdrawal_end(conn, before, label(conn, spec, before), as_of)
        if last_day is None:
            return self.remove("quote", entity_id, version, why="withdrawn")
        return self.edit("quote", entity_id, version, {"valid_to": last_day}, action="withdrawn")

    def _record(
        self,
        conn: Connection,
        spec: EntitySpec,
        entity_id: int,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        reason: str = "",
        warning: str = "",
    ) -> Saved:
        """The change as Saved, with whose scores it moves, and its audit entry."""
        moves = _RULES[spec.name].moves(conn, spec.name, before, after)
        saved = Saved(
            spec.name,
            entity_id,
            action,
            after.get("version"),
            label(conn, spec, after or before),
            before,
            after,
            rescore=moves.suppliers,
            rescore_everyone=moves.everyone,
            catalogue=moves.catalogue,
            warning=warning,
        )
        self._audit(conn, saved, reason=reason, warning=warning)
        return saved

    def _audit(
        self, conn: Connection, saved: Saved, *, reason: str = "", warning: str = ""
    ) -> None:
        names = ENTITIES[saved.entity].names
        extra = ("archived", "active") if saved.action in ("archived", "restored") else ()
        changes: dict[str, Any] = {}
        for name in (*names, *extra):
            old = saved.before.get(name)
            new = saved.after.get(name)
            if saved.before and saved.after and same(old, new):
                continue
            if name not in saved.before and name not in saved.after:
                continue
            changes[name] = [jsonable(old), jsonable(new)]
        record: dict[str, Any] = {"id": saved.id, "fields": changes}
        if reason.strip():
            record["reason"] = reason.strip()
        if warning:
            record["warning"] = warning
        write_entry(
            conn,
            who=self.who(conn),
            entity=saved.entity,
            key=key_of(saved.label),
            action=saved.action,
            record=record,
        )
