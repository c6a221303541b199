"""Create, edit and archive what a buyer keeps by hand.

The records are those of docs/vocabulary.md, checked as docs/bad-input.md says.

One service for every editable entity: suppliers, brands, products, tax
categories, channels, quotes, purchase lines and deliveries. The rules are the
importer's: each field is read by the same cell parser as its file column
(`file_formats`), and rules across fields come from `field_checks`. So a value
refused in a file is refused in a form, in the same words.

- Nothing invalid is saved: `check` lists every problem keyed by field name,
  and `create`/`edit` raise `Invalid` with the same list, writing nothing.
- Optimistic concurrency (section 9): an edit names the version it was made
  against; if someone else saved the row since, `Conflict` says so and nothing
  is written. Deliveries have no version column, so their "version" is a
  fingerprint of the stored values, which serves the same purpose.
- Archiving keeps history: suppliers, brands and products get the archived
  flag, a channel turns inactive, and a quote is withdrawn by ending its
  validity the day before the evaluation date (so past prices stay on file).
- Every change writes an audit entry, with old and new values, in the same
  transaction as the change itself.
- Standings act (section 5): a purchase with a Watch supplier is saved with a
  warning; with an Avoid supplier it is refused unless a reason is given, and
  the reason goes into the audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

from sourcing_app.db import models  # noqa: F401  (registers the tables in the metadata)
from sourcing_app.db.unit_of_work import unit_of_work
from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.formatting import day, moment
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.services import field_checks
from sourcing_app.services import file_formats as cells
from sourcing_app.services.audit import write_entry
from sourcing_app.services.entities import (
    ENTITIES,
    KEY_FIELD,
    NATURAL_KEYS,
    UNIQUE_WORDS,
    VIA_CHANNEL,
    EntitySpec,
)
from sourcing_app.services.rate_lookup import rate_on
from sourcing_app.services.settings import load_settings, load_user_name

_REQUIRED = "a value is required"


# --- outcomes ---------------------------------------------------------------------------


class Invalid(BadInput):
    """Some values are wrong; `problems` maps each field to the reason. Nothing was saved."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = "; ".join(f"{name}: {reason}" for name, reason in self.problems.items())
        super().__init__(f"Nothing was saved. {listed}")


class Conflict(CannotFinish):
    """Someone else changed or removed the row since it was opened. Nothing was saved."""


class ReasonRequired(BadInput):
    """A purchase with an Avoid supplier needs a reason. Nothing was saved.

    The rule is in docs/standings-and-flags.md.
    """


@dataclass(frozen=True)
class Saved:
    """What one change did. `before`/`after` are the stored values (empty when absent)."""

    entity: str
    id: int
    action: str  # created, edited, archived, restored, withdrawn, removed, unchanged
    version: int | str | None
    label: str  # the row in words: "supplier S-VERT"
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    # Suppliers whose score this change moves, re-scored one by one; or everyone,
    # when the change reaches the cached reference tables (brands, products, taxes).
    rescore: tuple[int, ...] = ()
    rescore_everyone: bool = False
    warning: str = ""

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


def _table(spec: EntitySpec) -> Table:
    return SQLModel.metadata.tables[spec.table]


def _as_text(value: Any) -> str:
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


def _stored(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 18.5000 from the database reads 18.5
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _same(a: Any, b: Any) -> bool:
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
    text = json.dumps({k: _jsonable(v) for k, v in sorted(values.items())}, sort_keys=True)
    return "v" + hashlib.sha1(text.encode()).hexdigest()[:16]


# --- the service ------------------------------------------------------------------------


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
            row = self._read(conn, spec, entity_id)
        if row is None:
            raise Conflict(f"The {spec.label} #{entity_id} is no longer in the database.")
        return row

    def choices(self, entity: str, *, supplier_id: int | None = None) -> list[tuple[int, str]]:
        """(id, words) of the rows a form may pick, archived ones left out.

        Products with a `supplier_id` are those of the brands the supplier has
        a channel for: the only SKUs it can quote or be bought from.
        """
        queries = {
            "supplier": "SELECT id, code || ' · ' || name FROM supplier "
            "WHERE archived = :f ORDER BY code",
            "brand": "SELECT id, name FROM brand WHERE archived = :f ORDER BY name",
            "tax_category": "SELECT id, name FROM tax_category ORDER BY name",
            "product": "SELECT id, sku || ' · ' || name FROM product "
            "WHERE archived = :f ORDER BY sku",
        }
        sql = queries[entity]
        params: dict[str, Any] = {"f": False}
        if entity == "product" and supplier_id is not None:
            sql = (
                "SELECT p.id, p.sku || ' · ' || p.name FROM product p "
                "JOIN channel c ON c.brand_id = p.brand_id AND c.supplier_id = :sid "
                "WHERE p.archived = :f ORDER BY p.sku"
            )
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
            current = self._read(conn, spec, entity_id) if entity_id is not None else None
            _parsed, problems = self._validate(conn, spec, values, current)
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
            parsed, problems = self._validate(conn, spec, values, None)
            if problems:
                raise Invalid(problems)
            warning = self._standing_rule(conn, spec, parsed, None, standing, reason)
            row = self._row_values(conn, spec, parsed)
            table = _table(spec)
            try:
                new_id = conn.execute(insert(table).values(**row).returning(table.c.id)).scalar()
            except IntegrityError as exc:
                raise Invalid(self._clash(spec, exc)) from None
            assert new_id is not None
            after = self._read(conn, spec, new_id) or {}
            saved = Saved(
                entity,
                int(new_id),
                "created",
                after.get("version"),
                self._label(conn, spec, after),
                {},
                after,
                **self._rescore(conn, spec, {}, after),
                warning=warning,
            )
            self._audit(conn, saved, reason=reason, warning=warning)
            return saved

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
            before = self._current(conn, spec, entity_id, version)
            parsed, problems = self._validate(conn, spec, values, before)
            if problems:
                raise Invalid(problems)
            changed = {
                name: parsed[name] for name in spec.names if not _same(parsed[name], before[name])
            }
            label = self._label(conn, spec, before)
            if not changed:
                return Saved(entity, entity_id, "unchanged", version, label, before, before)
            warning = ""
            if "supplier_id" in changed or "product_id" in changed:
                warning = self._standing_rule(conn, spec, parsed, before, standing, reason)
            self._write(conn, spec, entity_id, before, self._row_values(conn, spec, parsed))
            after = self._after(spec, before, parsed)
            saved = Saved(
                entity,
                entity_id,
                action,
                after.get("version"),
                self._label(conn, spec, after),
                before,
                after,
                **self._rescore(conn, spec, before, after),
                warning=warning,
            )
            self._audit(conn, saved, reason=reason, warning=warning)
            return saved

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
            raise BadInput(f"A {spec.label} is not archived; edit or undo it instead.")
        flag = spec.archive_column == "archived"
        return self._set_archived(spec, entity_id, version, flag, "archived")

    def restore(self, entity: str, entity_id: int, version: int | str | None) -> Saved:
        """Undo an archive: back in the lists and the scoring."""
        spec = ENTITIES[entity]
        if not spec.archive_column:
            raise BadInput(f"A {spec.label} is not archived, so it cannot be restored.")
        flag = spec.archive_column != "archived"
        return self._set_archived(spec, entity_id, version, flag, "restored")

    def remove(
        self, entity: str, entity_id: int, version: int | str | None, *, why: str = "removed"
    ) -> Saved:
        """Delete a quote, purchase line or delivery that nothing refers to; audited in full.

        Used to undo recording one. Suppliers, brands, products and channels
        are archived instead, since history refers to them.
        """
        spec = ENTITIES[entity]
        if spec.archive_column:
            raise BadInput(f"A {spec.label} is archived, not removed: history refers to it.")
        with self._transaction() as conn:
            before = self._current(conn, spec, entity_id, version)
            if entity == "purchase":
                count = conn.execute(
                    select(func.count())
                    .select_from(_table(ENTITIES["delivery"]))
                    .where(_table(ENTITIES["delivery"]).c.line_id == entity_id)
                ).scalar()
                if count:
                    raise Conflict(
                        f"The purchase line {before['line_ref']} has {count} "
                        "deliveries recorded against it, so it stays; nothing was removed."
                    )
            label = self._label(conn, spec, before)
            table = _table(spec)
            try:
                conn.execute(delete(table).where(table.c.id == entity_id))
            except IntegrityError:
                raise Conflict(
                    f"The {label} is referred to by other records, so it stays; "
                    "nothing was removed."
                ) from None
            saved = Saved(
                entity,
                entity_id,
                why,
                None,
                label,
                before,
                {},
                **self._rescore(conn, spec, before, {}),
            )
            self._audit(conn, saved)
            return saved

    def reinsert(self, entity: str, values: Mapping[str, Any]) -> Saved:
        """Put back a removed row under its old id (redo of a recording that was undone)."""
        spec = ENTITIES[entity]
        entity_id = int(values["id"])
        with self._transaction() as conn:
            if self._read(conn, spec, entity_id) is not None:
                raise Conflict(f"The {spec.label} #{entity_id} is already back in the database.")
            parsed, problems = self._validate(conn, spec, values, None)
            if problems:
                raise Invalid(problems)
            row = self._row_values(conn, spec, parsed)
            table = _table(spec)
            try:
                conn.execute(insert(table).values(id=entity_id, **row))
            except IntegrityError as exc:
                raise Invalid(self._clash(spec, exc)) from None
            after = self._read(conn, spec, entity_id) or {}
            saved = Saved(
                entity,
                entity_id,
                "created",
                after.get("version"),
                self._label(conn, spec, after),
                {},
                after,
                **self._rescore(conn, spec, {}, after),
            )
            self._audit(conn, saved)
            return saved

    # --- internals: transactions and rows -------------------------------------------

    def _transaction(self) -> Any:
        return _Transaction(self.engine)

    def who(self, conn: Connection) -> str:
        return self._who() if self._who is not None else load_user_name(conn)

    def _read(self, conn: Connection, spec: EntitySpec, entity_id: int) -> dict[str, Any] | None:
        row = conn.execute(_by_id(spec.table), {"rid": entity_id}).mappings().one_or_none()
        if row is None:
            return None
        values = dict(row)
        if spec.name in VIA_CHANNEL:
            values["supplier_id"] = conn.execute(
                _column_by_id("channel", "supplier_id"), {"rid": values["channel_id"]}
            ).scalar()
        if not spec.versioned:
            values["version"] = fingerprint({k: values[k] for k in spec.names})
        return values

    def _current(
        self, conn: Connection, spec: EntitySpec, entity_id: int, version: int | str | None
    ) -> dict[str, Any]:
        """The row as stored now, provided nobody changed it since `version`."""
        table = _table(spec)
        query = select(table.c.id).where(table.c.id == entity_id)
        if conn.dialect.name == "postgresql":
            conn.execute(query.with_for_update())  # hold it until this transaction ends
        current = self._read(conn, spec, entity_id)
        if current is None:
            raise Conflict(
                f"The {spec.label} you were editing has been removed by someone else; "
                "nothing was saved."
            )
        if version is not None and current["version"] != version:
            raise Conflict(self._conflict_words(conn, spec, current))
        return current

    def _after(
        self, spec: EntitySpec, before: dict[str, Any], parsed: dict[str, Any]
    ) -> dict[str, Any]:
        """The row as just written, without reading it back."""
        after = {**before, **{k: v for k, v in parsed.items() if k in before or k == "channel_id"}}
        if spec.versioned:
            after["version"] = before["version"] + 1
        else:
            after["version"] = fingerprint({k: after[k] for k in spec.names})
        return after

    def _conflict_words(self, conn: Connection, spec: EntitySpec, current: dict[str, Any]) -> str:
        label = self._label(conn, spec, current)
        audit = _table_named("audit_entry")
        last = conn.execute(
            select(audit.c.who, audit.c.at)
            .where(audit.c.entity == spec.name, audit.c.entity_key == _key_of(label))
            .order_by(audit.c.id.desc())
            .limit(1)
        ).first()
        by = ""
        if last is not None:
            at = last[1]
            when = moment(at) if isinstance(at, dt.datetime) else str(at)
            by = f" ({last[0]}, {when} UTC)"
        return (
            f"Someone else saved the {label} after you opened it{by}. "
            "Your changes were not saved; reopen it to see the latest values."
        )

    def _write(
        self,
        conn: Connection,
        spec: EntitySpec,
        entity_id: int,
        before: dict[str, Any],
        row: dict[str, Any],
    ) -> None:
        table = _table(spec)
        query = update(table).where(table.c.id == entity_id)
        if spec.versioned:
            query = query.where(table.c.version == before["version"]).values(
                version=table.c.version + 1
            )
        else:  # the fingerprint was checked above; re-check the values in the statement
            for name in spec.names:
                column = table.c[name]
                value = before[name]
                query = query.where(column.is_(None) if value is None else column == value)
        try:
            result = conn.execute(query.values(**row))
        except IntegrityError as exc:
            raise Invalid(self._clash(spec, exc)) from None
        if result.rowcount != 1:
            raise Conflict(self._conflict_words(conn, spec, before))

    def _set_archived(
        self,
        spec: EntitySpec,
        entity_id: int,
        version: int | str | None,
        flag: bool,
        action: str,
    ) -> Saved:
        with self._transaction() as conn:
            before = self._current(conn, spec, entity_id, version)
            label = self._label(conn, spec, before)
            column = spec.archive_column
            if bool(before[column]) == flag:
                return Saved(spec.name, entity_id, "unchanged", version, label, before, before)
            row = {name: before[name] for name in spec.names if name in _table(spec).c}
            row[column] = flag
            self._write(conn, spec, entity_id, before, row)
            after = self._read(conn, spec, entity_id) or {}
            saved = Saved(
                spec.name,
                entity_id,
                action,
                after.get("version"),
                label,
                before,
                after,
                **self._rescore(conn, spec, before, after),
            )
            self._audit(conn, saved)
            return saved

    def _withdraw_quote(self, entity_id: int, version: int | str | None, as_of: dt.date) -> Saved:
        with self._transaction() as conn:
            before = self._current(conn, ENTITIES["quote"], entity_id, version)
            last_day = as_of - dt.timedelta(days=1)
            label = self._label(conn, ENTITIES["quote"], before)
            if before["valid_to"] is not None and before["valid_to"] <= last_day:
                raise BadInput(
                    f"The {label} already ended on {show_date(before['valid_to'])}; "
                    "there is nothing to withdraw."
                )
        if before["valid_from"] > last_day:
            return self.remove("quote", entity_id, version, why="withdrawn")
        return self.edit("quote", entity_id, version, {"valid_to": last_day}, action="withdrawn")

    # --- internals: checking ----------------------------------------------------------

    def _validate(
        self,
        conn: Connection,
        spec: EntitySpec,
        values: Mapping[str, Any],
        current: dict[str, Any] | None,
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Each field through its file column's parser, then the rules across fields."""
        parsed: dict[str, Any] = {}
        problems: dict[str, str] = {}
        table = _table(spec)
        for f in spec.fields:
            if f.name in values:
                raw = values[f.name]
            elif current is not None:
                raw = current[f.name]
            else:
                raw = f.default
            if f.parse is None:  # an id chosen from a list
                if raw is None or raw == "":
                    problems[f.name] = f"choose a {f.label.lower()}"
                    continue
                parsed[f.name] = int(raw)
                continue
            text = _as_text(raw)
            if not text:
                if f.required:
                    problems[f.name] = _REQUIRED
                else:
                    parsed[f.name] = f.default
                continue
            try:
                value = _stored(f.parse(text))
            except cells.CellError as exc:
                problems[f.name] = str(exc)
                continue
            column = table.c.get(f.name)
            limit = getattr(getattr(column, "type", None), "length", None)
            if limit is not None and isinstance(value, str) and len(value) > limit:
                problems[f.name] = f"is {len(value)} characters long; at most {limit} fit"
                continue
            scale = getattr(getattr(column, "type", None), "scale", None)
            if isinstance(value, Decimal) and scale is not None and value != round(value, scale):
                # Stored to `scale` places: say so rather than round the buyer's number.
                problems[f.name] = f"{text} has more than {scale} decimal places"
                continue
            parsed[f.name] = value
        self._references(conn, spec, parsed, problems, current)
        self._across(conn, spec, parsed, problems, current)
        self._unique(conn, spec, parsed, problems, current)
        return parsed, problems

    def _references(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        problems: dict[str, str],
        current: dict[str, Any] | None,
    ) -> None:
        for f in spec.fields:
            if not f.reference or f.name not in parsed:
                continue
            if current is not None and current.get(f.name) == parsed[f.name]:
                continue  # kept as it was: the foreign key vouches for it
            target = ENTITIES[f.reference]
            row = conn.execute(_by_id(target.table), {"rid": parsed[f.name]}).mappings().first()
            if row is None:
                problems[f.name] = f"the {target.label} chosen is no longer in the database"
                continue
            if "archived" in row and row["archived"]:
                name = row.get("code") or row.get("sku") or row.get("name")
                problems[f.name] = f"the {target.label} '{name}' is archived; restore it first"

    def _across(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        problems: dict[str, str],
        current: dict[str, Any] | None,
    ) -> None:
        p = parsed.get
        name = spec.name
        if name == "channel":
            _put(problems, "contract_end", field_checks.contract_end_problem(
                p("contract_start"), p("contract_end"), show_date))  # fmt: skip
        elif name in VIA_CHANNEL:
            kept = current is not None and all(
                parsed.get(k) == current.get(k) for k in ("supplier_id", "product_id")
            )
            if kept and current is not None:
                parsed["channel_id"] = current["channel_id"]
            elif "supplier_id" in parsed and "product_id" in parsed:
                channel = self._channel_for(conn, parsed["supplier_id"], parsed["product_id"])
                if isinstance(channel, str):
                    problems["supplier_id"] = channel
                else:
                    parsed["channel_id"] = channel
            if name == "quote":
                _put(problems, "valid_to", field_checks.valid_to_problem(
                    p("valid_from"), p("valid_to"), show_date))  # fmt: skip
            else:
                self._purchase_rules(conn, parsed, problems, current)
        elif name == "delivery":
            moved = current is None or any(
                parsed.get(k) != current.get(k) for k in ("line_id", "delivered_date")
            )
            if "line_id" in parsed and moved:
                lines = _table_named("purchase_line")
                ordered = conn.execute(
                    select(lines.c.order_date).where(lines.c.id == parsed["line_id"])
                ).scalar()
                _put(problems, "delivered_date", field_checks.delivered_date_problem(
                    ordered, p("delivered_date"), show_date))  # fmt: skip
            _put(problems, "rejected_qty", field_checks.rejected_problem(
                p("delivered_qty"), p("rejected_qty")))  # fmt: skip

    def _purchase_rules(
        self,
        conn: Connection,
        parsed: dict[str, Any],
        problems: dict[str, str],
        current: dict[str, Any] | None,
    ) -> None:
        ordered = parsed.get("order_date")
        _put(problems, "promised_date", field_checks.promised_date_problem(
            ordered, parsed.get("promised_date"), show_date))  # fmt: skip
        currency = parsed.get("currency")
        if "fx_rate" in parsed and parsed["fx_rate"] is None and currency and ordered:
            home = load_settings(conn).home_currency
            rate = Decimal(1) if currency == home else rate_on(conn, currency, ordered)
            if rate is None:
                problems["fx_rate"] = field_checks.missing_rate_problem(
                    currency, ordered, "enter the rate or add one in the exchange rates", show_date
                )
            else:
                parsed["fx_rate"] = rate
        if current is not None and ordered is not None and ordered != current["order_date"]:
            deliveries = _table_named("delivery")
            first = conn.execute(
                select(func.min(deliveries.c.delivered_date)).where(
                    deliveries.c.line_id == current["id"]
                )
            ).scalar()
            if first is not None and first < ordered:
                problems["order_date"] = (
                    f"a delivery of this line is dated {show_date(first)}, before this order date"
                )

    def _channel_for(self, conn: Connection, supplier_id: int, product_id: int) -> int | str:
        """The supplier's channel for the SKU's brand, or the problem in words."""
        channels = _table_named("channel")
        products = _table_named("product")
        product = conn.execute(
            select(products.c.sku, products.c.brand_id).where(products.c.id == product_id)
        ).first()
        if product is None:
            return "the SKU chosen is no longer in the database"
        channel = conn.execute(
            select(channels.c.id).where(
                channels.c.supplier_id == supplier_id, channels.c.brand_id == product[1]
            )
        ).scalar()
        if channel is not None:
            return int(channel)
        code = conn.execute(
            select(_table_named("supplier").c.code).where(
                _table_named("supplier").c.id == supplier_id
            )
        ).scalar()
        brand = conn.execute(
            select(_table_named("brand").c.name).where(_table_named("brand").c.id == product[1])
        ).scalar()
        return field_checks.no_channel_problem(
            str(code), str(brand), product[0], "add a channel for them first"
        )

    def _unique(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        problems: dict[str, str],
        current: dict[str, Any] | None,
    ) -> None:
        """Natural keys (docs/files-and-commands.md) are unique: say which row already has it."""
        table = _table(spec)
        keys = NATURAL_KEYS[spec.name]
        if not all(k in parsed for k in keys) or any(k in problems for k in keys):
            return
        query = select(table).where(*(table.c[k] == parsed[k] for k in keys))
        if current is not None:
            if all(parsed[k] == current.get(k) for k in keys):
                return  # the row keeps its own key
            query = query.where(table.c.id != current["id"])
        other = conn.execute(query.limit(1)).mappings().first()
        if other is None:
            return
        archived = " (archived; restore it instead)" if other.get("archived") else ""
        inactive = " (inactive; make it active instead)" if other.get("active") is False else ""
        field_name = KEY_FIELD[spec.name]
        problems[field_name] = UNIQUE_WORDS[spec.name] + archived + inactive

    def _standing_rule(
        self,
        conn: Connection,
        spec: EntitySpec,
        parsed: dict[str, Any],
        before: dict[str, Any] | None,
        standing: SupplierScore | Standing | None,
        reason: str,
    ) -> str:
        """Watch warns; Avoid refuses unless the buyer gives a reason (standings-and-flags.md)."""
        if spec.name != "purchase" or standing is None:
            return ""
        level = standing.standing if isinstance(standing, SupplierScore) else standing
        suppliers = _table_named("supplier")
        row = conn.execute(
            select(suppliers.c.code, suppliers.c.name).where(
                suppliers.c.id == parsed["supplier_id"]
            )
        ).first()
        who = f"{row[1]} ({row[0]})" if row else "This supplier"
        score = ""
        if isinstance(standing, SupplierScore) and standing.sourcing_score is not None:
            score = f", sourcing score {standing.sourcing_score:.1f} of 100"
        if level == Standing.WATCH:
            return (
                f"{who} stands at Watch{score}. The purchase is recorded; "
                "keep an eye on its fill, timeliness and quality."
            )
        if level == Standing.AVOID and not reason.strip():
            raise ReasonRequired(
                f"{who} stands at Avoid{score}. A purchase with it is refused unless you "
                "give a reason, which goes into the audit trail."
            )
        return ""

    def _clash(self, spec: EntitySpec, exc: IntegrityError) -> dict[str, str]:
        # Someone saved the same natural key between the check and the insert.
        return {KEY_FIELD[spec.name]: UNIQUE_WORDS[spec.name] + " (saved just now by someone)"}

    # --- internals: what is written besides the row ----------------------------------

    def _row_values(
        self, conn: Connection, spec: EntitySpec, parsed: dict[str, Any]
    ) -> dict[str, Any]:
        table = _table(spec)
        row = {k: v for k, v in parsed.items() if k in table.c}
        if conn.dialect.name == "sqlite":
            # The importer stores Numeric as float on SQLite (no decimal type there);
            # do the same so both paths store identical values.
            row = {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}
        return row

    def _label(self, conn: Connection, spec: EntitySpec, row: Mapping[str, Any]) -> str:
        return f"{spec.label} {_describe(conn, spec.name, row)}"

    def _rescore(
        self,
        conn: Connection,
        spec: EntitySpec,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Which scores move: one supplier's, or everyone's when shared tables change."""
        name = spec.name
        if name in ("brand", "product", "tax_category"):
            return {"rescore_everyone": True}
        if name == "supplier":
            if before.get("archived") != after.get("archived") and before and after:
                return {"rescore_everyone": True}  # it joins or leaves the portfolio
            return {"rescore": (int((after or before)["id"]),)}
        ids: set[int] = set()
        for row in (before, after):
            if not row:
                continue
            if "supplier_id" in row and row["supplier_id"] is not None:
                ids.add(int(row["supplier_id"]))
            elif name == "delivery":
                ids.add(_supplier_of_line(conn, int(row["line_id"])))
        return {"rescore": tuple(sorted(ids))}

    def _audit(
        self, conn: Connection, saved: Saved, *, reason: str = "", warning: str = ""
    ) -> None:
        names = ENTITIES[saved.entity].names
        extra = ("archived", "active") if saved.action in ("archived", "restored") else ()
        changes: dict[str, Any] = {}
        for name in (*names, *extra):
            old = saved.before.get(name)
            new = saved.after.get(name)
            if saved.before and saved.after and _same(old, new):
                continue
            if name not in saved.before and name not in saved.after:
                continue
            changes[name] = [_jsonable(old), _jsonable(new)]
        record: dict[str, Any] = {"id": saved.id, "fields": changes}
        if reason.strip():
            record["reason"] = reason.strip()
        if warning:
            record["warning"] = warning
        write_entry(
            conn,
            who=self.who(conn),
            entity=saved.entity,
            key=_key_of(saved.label),
            action=saved.action,
            record=record,
        )


class _Transaction:
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
    text = str(error.orig or error).strip().splitlines()[0].lower()
    if "locked" in text or "busy" in text:
        return "The database is busy: another program is writing to it. Nothing was saved."
    if "readonly" in text or "read-only" in text:
        return "The database is read-only, so nothing could be saved."
    return f"The database would not take the change ({text}). Nothing was saved."


_STATEMENTS: dict[tuple[str, ...], Any] = {}


def _by_id(table_name: str) -> Any:
    """SELECT * by id, built once: building a statement costs more than running it."""
    key = ("row", table_name)
    if key not in _STATEMENTS:
        table = _table_named(table_name)
        _STATEMENTS[key] = select(table).where(table.c.id == bindparam("rid"))
    return _STATEMENTS[key]


def _column_by_id(table_name: str, column: str) -> Any:
    key = ("column", table_name, column)
    if key not in _STATEMENTS:
        table = _table_named(table_name)
        _STATEMENTS[key] = select(table.c[column]).where(table.c.id == bindparam("rid"))
    return _STATEMENTS[key]


def _put(problems: dict[str, str], name: str, problem: str | None) -> None:
    if problem and name not in problems:
        problems[name] = problem


def _table_named(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _supplier_of_line(conn: Connection, line_id: int) -> int:
    lines = _table_named("purchase_line")
    channels = _table_named("channel")
    return int(
        conn.execute(
            select(channels.c.supplier_id)
            .join(lines, lines.c.channel_id == channels.c.id)
            .where(lines.c.id == line_id)
        ).scalar_one()
    )


def _describe(conn: Connection, entity: str, row: Mapping[str, Any]) -> str:
    """The row's natural key in words, for labels and the audit trail."""
    if not row:
        return ""

    def name_of(table: str, column: str, row_id: Any) -> str:
        t = _table_named(table)
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
        return f"{supplier} / {sku} from {row['valid_from'].isoformat()} (min {row['min_qty']})"
    if entity == "purchase":
        return str(row["line_ref"])
    if entity == "delivery":
        line = name_of("purchase_line", "line_ref", row["line_id"])
        return f"{line} on {row['delivered_date'].isoformat()}"
    return str(row.get("id"))


def _key_of(label: str) -> str:
    """The audit trail's entity_key: the label without its leading entity word(s)."""
    for spec in ENTITIES.values():
        prefix = spec.label + " "
        if label.startswith(prefix):
            return label[len(prefix) :][:200]
    return label[:200]
