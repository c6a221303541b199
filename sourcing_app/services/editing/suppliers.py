"""Suppliers: whose score an edit of one moves."""

from __future__ import annotations

from sqlalchemy import Connection

from sourcing_app.services.editing.outcomes import FamilyRules, Moves, Row, no_rules_across


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    if before and after and before.get("archived") != after.get("archived"):
        # It joins or leaves the portfolio, and with it the priors everyone is scored against.
        return Moves(everyone=True)
    return Moves(suppliers=(int((after or before)["id"]),))


RULES = FamilyRules(no_rules_across, _moves)
