"""What the person connected may do, read from the database itself (docs/team-mode.md).

PostgreSQL decides: the desk asks it, once on connecting, which tables this
login may write and whether it is a manager, and disables or refuses what the
database would refuse anyway. SQLite is one person's file: everything is
allowed. A write refused by the database all the same (someone changed the
grants meanwhile) becomes the same words through `refusal_of`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from sourcing_app.errors import CannotFinish
from sourcing_app.i18n import _

VIEWER_ROLE = "sourcing_viewer"
BUYER_ROLE = "sourcing_buyer"
MANAGER_ROLE = "sourcing_manager"
# The word typed after `team grant USER` → the database's group role.
ROLES = {"viewer": VIEWER_ROLE, "buyer": BUYER_ROLE, "manager": MANAGER_ROLE}

# What a buyer records; the rest of the data is a manager's (docs/team-mode.md).
BUYER_TABLES = ("supplier", "channel", "quote", "purchase_line", "delivery", "sale_return")
MANAGER_TABLES = ("brand", "product", "tax_category", "setting")
DATA_TABLES = (*BUYER_TABLES, *MANAGER_TABLES, "exchange_rate")

# The editing services' entity names → their tables (services/entities.py).
_ENTITY_TABLES = {"purchase": "purchase_line", "settings": "setting", "rates": "exchange_rate"}


class NotAllowed(CannotFinish):
    """This login may not do that: exit 1, the reason in words."""


@dataclass(frozen=True)
class Permissions:
    """What the desk lets this login do. `everything()` on SQLite and for a table owner."""

    writable: frozenset[str] = field(default_factory=frozenset)
    manager: bool = False  # may enter exchange rates by hand
    owner: bool = False
    single_user: bool = False
    user: str = ""

    @classmethod
    def everything(cls, user: str = "") -> Permissions:
        return cls(frozenset(DATA_TABLES), manager=True, owner=True, single_user=True, user=user)

    # --- what the screens and commands ask ---------------------------------------------

    def can_edit(self, entity: str) -> bool:
        return _ENTITY_TABLES.get(entity, entity) in self.writable

    def can_import(self, kind: str) -> bool:
        if kind == "fx-rates":  # a file of rates is typed by hand: a manager's
            return self.can_enter_manual_rates
        from sourcing_app.services.importing.targets import TARGETS

        target = TARGETS.get(kind)
        return target is not None and target.table in self.writable

    @property
    def can_change_settings(self) -> bool:
        return "setting" in self.writable

    @property
    def can_enter_manual_rates(self) -> bool:
        return "exchange_rate" in self.writable and (self.manager or self.owner)

    @property
    def can_fetch_rates(self) -> bool:
        return "exchange_rate" in self.writable

    @property
    def can_write_anything(self) -> bool:
        return bool(self.writable)

    @property
    def can_build_demo(self) -> bool:
        return self.owner or set(DATA_TABLES) <= self.writable

    # --- why not ------------------------------------------------------------------------

    def why_not(self, table: str) -> str:
        """The reason shown on hover and printed by a refused command."""
        if not self.writable:
            return _("Viewers cannot change data: ask the database owner for buyer rights.")
        if table in BUYER_TABLES:
            return _("Buyers only: ask the database owner for buyer rights.")
        return _("Managers only: ask the database owner.")

    def why_not_edit(self, entity: str) -> str:
        return self.why_not(_ENTITY_TABLES.get(entity, entity))

    def why_not_import(self, kind: str) -> str:
        from sourcing_app.services.importing.targets import TARGETS

        if kind == "fx-rates":
            return self.why_not("exchange_rate_manual")
        target = TARGETS.get(kind)
        return self.why_not(target.table if target else kind)

    def require(self, allowed: bool, table: str) -> None:
        """Refuse before any work: NotAllowed (exit 1) with `why_not(table)`."""
        if not allowed:
            raise NotAllowed(self.why_not(table))


def read_permissions(engine: Engine) -> Permissions:
    """Ask the database what this login may write (everything on SQLite)."""
    if engine.dialect.name != "postgresql":
        return Permissions.everything()
    with engine.connect() as conn:
        return _read(conn)


def _read(conn: Connection) -> Permissions:
    user = str(conn.execute(text("SELECT session_user")).scalar())
    owner = bool(
        conn.execute(
            text(
                "SELECT rolsuper OR pg_has_role(current_user, "
                "(SELECT relowner FROM pg_class WHERE oid = to_regclass('setting')), 'USAGE') "
                "FROM pg_roles WHERE rolname = current_user"
            )
        ).scalar()
    )
    # Both are needed: an upsert inserts or updates.
    rows = conn.execute(
        text(
            "SELECT t, has_table_privilege(to_regclass(t), 'INSERT') "
            "AND has_table_privilege(to_regclass(t), 'UPDATE') "
            "FROM unnest(CAST(:tables AS text[])) AS t WHERE to_regclass(t) IS NOT NULL"
        ),
        {"tables": list(DATA_TABLES)},
    )
    writable = {str(table) for table, allowed in rows if allowed}
    manager_role = conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": MANAGER_ROLE}
    ).scalar()
    if manager_role:
        manager = bool(
            conn.execute(
                text("SELECT pg_has_role(current_user, :r, 'USAGE')"), {"r": MANAGER_ROLE}
            ).scalar()
        )
    else:  # no team roles yet (before `team init`): whoever may write the table may
        manager = True
    return Permissions(frozenset(writable), manager=manager or owner, owner=owner, user=user)


# --- a write the database refused anyway -----------------------------------------------

# SQLSTATE insufficient_privilege: a missing grant, or the audit and rate triggers' refusals.
_INSUFFICIENT_PRIVILEGE = "42501"


def refusal_of(exc: BaseException) -> NotAllowed | None:
    """The words for a write PostgreSQL refused for want of privilege, else None.

    The grants may have changed since the desk read them: the message is the
    one a disabled button would have shown, never the driver's text.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NotAllowed):
            return current
        state = getattr(current, "sqlstate", None) or getattr(
            getattr(current, "orig", None), "sqlstate", None
        )
        if state == _INSUFFICIENT_PRIVILEGE:
            return NotAllowed(_refusal_words(str(getattr(current, "orig", current))))
        current = current.__cause__ or current.__context__
    return None


def _refusal_words(driver_words: str) -> str:
    """The driver's "permission denied for table quote" as the desk's own words."""
    if "audit trail" in driver_words:
        return _("The audit trail cannot be changed: only the database owner may do that.")
    table = re.search(r"permission denied for (?:table|relation) (\w+)", driver_words)
    if table and table.group(1) in BUYER_TABLES:
        return _("Viewers cannot change data: ask the database owner for buyer rights.")
    if table or "managers only" in driver_words:
        return _("Managers only: ask the database owner.")
    return _(
        "The database refused the change: your rights do not allow it "
        "(they may have changed since the desk opened). Ask the database owner."
    )
