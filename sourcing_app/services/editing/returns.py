"""Returns after sale: the importer's rules across fields, for a hand-entered return.

docs/files-and-commands.md: a return comes after its line's first delivery, and
the units returned on a line (its other returns and this one) cannot exceed
what was accepted on it (Σ delivered − Σ rejected). The words are the
importer's (`field_checks`), so a form and a file say the same thing.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from sourcing_app.services import field_checks
from sourcing_app.services.editing.outcomes import Draft, FamilyRules, Moves, Row
from sourcing_app.services.editing.rows import show_date, suppliers_of, table_named


def _across(draft: Draft) -> None:
    conn, parsed, current = draft.conn, draft.parsed, draft.current
    line_id = parsed.get("line_id")
    if line_id is None:
        return
    deliveries = table_named("delivery")
    accepted, first = conn.execute(
        select(
            func.sum(deliveries.c.delivered_qty - deliveries.c.rejected_qty),
            func.min(deliveries.c.delivered_date),
        ).where(deliveries.c.line_id == line_id)
    ).one()
    draft.put(
        "return_date", field_checks.return_date_problem(first, parsed.get("return_date"), show_date)
    )
    returned = parsed.get("returned_qty")
    if returned is None or first is None:
        return
    returns = table_named("sale_return")
    others = select(func.coalesce(func.sum(returns.c.returned_qty), 0)).where(
        returns.c.line_id == line_id
    )
    if current is not None:
        others = others.where(returns.c.id != current["id"])
    total = int(conn.execute(others).scalar() or 0) + int(returned)
    draft.put("returned_qty", field_checks.returned_problem(total, int(accepted or 0)))


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    return Moves(suppliers=tuple(sorted(suppliers_of(conn, before, after))))


RULES = FamilyRules(_across, _moves)
