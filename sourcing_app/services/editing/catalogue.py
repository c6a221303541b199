"""Brands, products and tax categories: whose scores an edit of one can move."""

from __future__ import annotations

from sqlalchemy import Connection

from sourcing_app.services.editing.outcomes import FamilyRules, Moves, Row, no_rules_across


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    # A scoring run keeps these small tables whole: everyone is scored again.
    return Moves(everyone=True)


RULES = FamilyRules(no_rules_across, _moves)
