"""Checking a row before it is saved, with the importer's rules (docs/bad-input.md).

Each field goes through the cell parser of its file column (`file_formats`), so
a value refused in a file is refused in a form, in the same words; then the
rows it points at must exist and not be archived, the family's rules across
fields apply, and the natural key must be free.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from sourcing_app.i18n import N_, _
from sourcing_app.services import field_checks
from sourcing_app.services import file_formats as cells
from sourcing_app.services.editing.outcomes import Draft, FamilyRules, Problems
from sourcing_app.services.editing.rows import as_text, by_id, stored, table_of
from sourcing_app.services.entities import (
    ENTITIES,
    KEY_FIELD,
    NATURAL_KEYS,
    UNIQUE_WORDS,
    EntitySpec,
)

REQUIRED = N_("a value is required")


def validate(
    conn: Connection,
    spec: EntitySpec,
    values: Mapping[str, Any],
    current: dict[str, Any] | None,
    rules: FamilyRules,
) -> tuple[dict[str, Any], Problems]:
    """Each field through its file column's parser, then the rules across fields.

    Missing fields take the stored value when `current` names a row, else their default.
    """
    parsed: dict[str, Any] = {}
    problems: Problems = {}
    table = table_of(spec)
    for f in spec.fields:
        if f.name in values:
            raw = values[f.name]
        elif current is not None:
            raw = current[f.name]
        else:
            raw = f.default
        if f.parse is None:  # an id chosen from a list
            if raw is None or raw == "":
                # Translators: {field} is a form field's label, "Brand".
                problems[f.name] = _("choose a {field}").format(field=f.label.lower())
                continue
            parsed[f.name] = int(raw)
            continue
        text = as_text(raw)
        if not text:
            if f.required:
                problems[f.name] = _(REQUIRED)
            else:
                parsed[f.name] = f.default
            continue
        problem = field_checks.control_problem(text, f.name)
        if problem:
            problems[f.name] = problem
            continue
        try:
            value = stored(f.parse(text))
        except cells.CellError as exc:
            problems[f.name] = str(exc)
            continue
        column = table.c.get(f.name)
        problem = field_checks.fit_problem(getattr(column, "type", None), value, text)
        if problem:
            problems[f.name] = problem
            continue
        scale = getattr(getattr(column, "type", None), "scale", None)
        if isinstance(value, Decimal) and scale is not None and value != round(value, scale):
            # Stored to `scale` places: say so rather than round the buyer's number.
            problems[f.name] = _("{text} has more than {places} decimal places").format(
                text=text, places=scale
            )
            continue
        parsed[f.name] = value
    draft = Draft(conn, spec.name, parsed, problems, current)
    _references(draft, spec)
    rules.across(draft)
    _unique(draft, spec)
    return parsed, problems


def _references(draft: Draft, spec: EntitySpec) -> None:
    conn, parsed, problems, current = draft.conn, draft.parsed, draft.problems, draft.current
    for f in spec.fields:
        if not f.reference or f.name not in parsed:
            continue
        if current is not None and current.get(f.name) == parsed[f.name]:
            continue  # kept as it was: the foreign key vouches for it
        target = ENTITIES[f.reference]
        row = conn.execute(by_id(target.table), {"rid": parsed[f.name]}).mappings().first()
        if row is None:
            problems[f.name] = _("the {record} chosen is no longer in the database").format(
                record=target.label
            )
            continue
        if "archived" in row and row["archived"]:
            name = row.get("code") or row.get("sku") or row.get("name")
            problems[f.name] = _("the {record} '{name}' is archived; restore it first").format(
                record=target.label, name=name
            )


def _unique(draft: Draft, spec: EntitySpec) -> None:
    """Natural keys (docs/files-and-commands.md) are unique: say which row already has it."""
    conn, parsed, problems, current = draft.conn, draft.parsed, draft.problems, draft.current
    table = table_of(spec)
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
    taken = _(UNIQUE_WORDS[spec.name])
    if other.get("archived"):
        taken = _("{problem} (archived; restore it instead)").format(problem=taken)
    if other.get("active") is False:
        taken = _("{problem} (inactive; make it active instead)").format(problem=taken)
    problems[KEY_FIELD[spec.name]] = taken
