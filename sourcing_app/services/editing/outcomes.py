"""What a hand edit comes back with: the change saved, or why nothing was saved."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _


class Invalid(BadInput):
    """Some values are wrong; `problems` maps each field to the reason. Nothing was saved."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        listed = _("; ").join(
            _("{field}: {problem}").format(field=name, problem=reason)
            for name, reason in self.problems.items()
        )
        super().__init__(_("Nothing was saved. {problems}").format(problems=listed))


class Conflict(CannotFinish):
    """Someone else changed or removed the row since it was opened. Nothing was saved."""


class ReasonRequired(BadInput):
    """A purchase with an Avoid supplier needs a reason. Nothing was saved.

    The rule is in docs/standings-and-flags.md.
    """


@dataclass(frozen=True)
class Moves:
    """Whose scores a change can move: some suppliers, one by one, or everyone.

    `catalogue` says a brand, product or tax category changed: a scoring run
    keeps its own copy of those small tables, which must be read again before
    anyone is re-scored from it.
    """

    suppliers: tuple[int, ...] = ()
    everyone: bool = False
    catalogue: bool = False


NOBODY = Moves()


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
    # Suppliers whose score this change moves, to re-score one by one and in this
    # order (a channel's own supplier comes first: its channels, read afresh, are
    # what the others' brand flags are worked out from); or everyone, when the
    # change moves the whole portfolio (a supplier joining or leaving it).
    rescore: tuple[int, ...] = ()
    rescore_everyone: bool = False
    catalogue: bool = False  # see Moves.catalogue
    warning: str = ""

    @property
    def changed(self) -> bool:
        return self.action != "unchanged"


Row = Mapping[str, Any]
Problems = dict[str, str]


@dataclass
class Draft:
    """A row being checked: the values parsed so far, their problems, the row as stored."""

    conn: Connection
    entity: str
    parsed: dict[str, Any]
    problems: Problems
    current: dict[str, Any] | None  # None for a new row

    def put(self, name: str, problem: str | None) -> None:
        """Keep the first problem of a field: it is the one to fix first."""
        if problem and name not in self.problems:
            self.problems[name] = problem


@dataclass(frozen=True)
class FamilyRules:
    """What one family of entities adds to the shared create/edit/archive steps.

    `across(draft)` checks rules that span fields (and may complete the parsed
    values: a quote's channel, say); `moves(conn, entity, before, after)` says
    whose scores the change moves.
    """

    across: Callable[[Draft], None]
    moves: Callable[[Connection, str, Row, Row], Moves]


def no_rules_across(draft: Draft) -> None:
    """A family whose fields are each checked on their own."""
