"""Team mode in PostgreSQL itself: roles, grants and the audit triggers (docs/team-mode.md).

`install_team` (run by the database owner, any number of times) creates the
three group roles, gives each its tables, and installs the triggers that make
the audit trail one no client can skip or rewrite:

- every data table has AFTER INSERT/UPDATE/DELETE statement triggers that write
  one audit entry per changed row, old → new, through a SECURITY DEFINER
  function owned by the owner (so a login needs no right on the trail for it);
- a BEFORE INSERT trigger on `audit_entry` stamps every entry, the app's own
  ones included, with the database's `session_user` and the server's clock;
- a BEFORE UPDATE/DELETE/TRUNCATE trigger refuses everyone but the owner
  (owners bypass grants, not triggers), on top of the revoked grants;
- a trigger on `exchange_rate` lets only managers (and the owner) write rates
  of kind 'manual'; feed rates any buyer may store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

VIEWER = "sourcing_viewer"
BUYER = "sourcing_buyer"
MANAGER = "sourcing_manager"
GROUP_ROLES = (VIEWER, BUYER, MANAGER)

BUYER_WRITES = ("supplier", "channel", "quote", "purchase_line", "delivery", "sale_return")
MANAGER_WRITES = ("brand", "product", "tax_category", "setting", "exchange_rate")

# Each audited table: (entity name in the audit trail, the column a buyer knows a row by,
# the key column). The names are the editing services' (services/entities.py), so the
# Audit screen shows a trigger's entry in the forms' words.
AUDITED = {
    "tax_category": ("tax_category", "name", "id"),
    "brand": ("brand", "name", "id"),
    "product": ("product", "sku", "id"),
    "supplier": ("supplier", "code", "id"),
    "channel": ("channel", "id", "id"),
    "quote": ("quote", "id", "id"),
    "purchase_line": ("purchase", "line_ref", "id"),
    "delivery": ("delivery", "id", "id"),
    "sale_return": ("sale_return", "line_id", "id"),
    "exchange_rate": ("exchange_rate", "currency", "id"),
    "setting": ("settings", "key", "key"),
}

# A PostgreSQL role name as `team grant` accepts it: plain, no quoting games.
_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$")

_OWNER_TEST = (
    "pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE')"
)

_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION sourcing_audit_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {{schema}}, pg_temp AS $$
DECLARE
    entity text := TG_ARGV[0];
    key_column text := TG_ARGV[1];
    id_column text := TG_ARGV[2];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit_entry (at, who, entity, entity_key, action, changes)
        SELECT now(), session_user, entity, left(coalesce(j ->> key_column, ''), 200), 'created',
               jsonb_build_object('id', j -> id_column, 'fields',
                   (SELECT coalesce(jsonb_object_agg(k, jsonb_build_array(NULL, v)), '{{}}')
                    FROM jsonb_each(j) AS e(k, v)))::text
        FROM (SELECT to_jsonb(n) AS j FROM new_rows n) AS s;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit_entry (at, who, entity, entity_key, action, changes)
        SELECT now(), session_user, entity, left(coalesce(nj ->> key_column, ''), 200), 'edited',
               jsonb_build_object('id', nj -> id_column, 'fields', fields)::text
        FROM (
            SELECT oj, nj,
                   (SELECT coalesce(jsonb_object_agg(k, jsonb_build_array(oj -> k, v)), '{{}}')
                    FROM jsonb_each(nj) AS e(k, v) WHERE oj -> k IS DISTINCT FROM v) AS fields
            FROM (SELECT to_jsonb(o) AS oj FROM old_rows o) AS o
            JOIN (SELECT to_jsonb(n) AS nj FROM new_rows n) AS n
              ON o.oj -> id_column = n.nj -> id_column
        ) AS s
        WHERE fields <> '{{}}';
    ELSE
        INSERT INTO audit_entry (at, who, entity, entity_key, action, changes)
        SELECT now(), session_user, entity, left(coalesce(j ->> key_column, ''), 200), 'removed',
               jsonb_build_object('id', j -> id_column, 'fields',
                   (SELECT coalesce(jsonb_object_agg(k, jsonb_build_array(v, NULL)), '{{}}')
                    FROM jsonb_each(j) AS e(k, v)))::text
        FROM (SELECT to_jsonb(o) AS j FROM old_rows o) AS s;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION sourcing_audit_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.who := session_user;
    NEW.at := now();
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION sourcing_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF {_OWNER_TEST} THEN
        IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: only the database owner may change it'
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE FUNCTION sourcing_manual_rates_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    manual boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN manual := OLD.kind = 'manual'; END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN manual := manual OR NEW.kind = 'manual'; END IF;
    IF manual AND NOT (pg_has_role(current_user, '{MANAGER}', 'USAGE') OR {_OWNER_TEST}) THEN
        RAISE EXCEPTION 'exchange rates entered by hand are for managers only'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;
"""


class TeamProblem(Exception):
    """A bad user or role name, or a team command the database cannot carry out."""


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.match(name) or name in GROUP_ROLES:
        raise TeamProblem(name)
    return name


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote(name)


def is_owner(conn: Connection) -> bool:
    """Superuser, or a member of the role that owns the desk's tables."""
    return bool(
        conn.execute(
            text(
                "SELECT rolsuper OR pg_has_role(current_user, "
                "(SELECT relowner FROM pg_class WHERE oid = to_regclass('setting')), 'USAGE') "
                "FROM pg_roles WHERE rolname = current_user"
            )
        ).scalar()
    )


def roles_exist(conn: Connection) -> bool:
    found = conn.execute(
        text("SELECT count(*) FROM pg_roles WHERE rolname IN (:v, :b, :m)"),
        {"v": VIEWER, "b": BUYER, "m": MANAGER},
    ).scalar()
    return found == len(GROUP_ROLES)


def install_team(conn: Connection, tables: list[str]) -> None:
    """Roles, grants and triggers; safe to run again (it resets the grants to these)."""
    for role in GROUP_ROLES:
        conn.exec_driver_sql(
            "DO $$ BEGIN "
            f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
            f"CREATE ROLE {role} NOLOGIN; END IF; END $$"
        )
    # A buyer reads what a viewer reads; a manager does what a buyer does.
    conn.exec_driver_sql(f"GRANT {VIEWER} TO {BUYER}")
    conn.exec_driver_sql(f"GRANT {BUYER} TO {MANAGER}")
    quoted = ", ".join(_quote(conn, t) for t in tables)
    groups = ", ".join(GROUP_ROLES)
    conn.exec_driver_sql(f"REVOKE ALL ON {quoted} FROM PUBLIC, {groups}")
    conn.exec_driver_sql(f"GRANT SELECT ON {quoted} TO {VIEWER}")
    buyer_tables = ", ".join(t for t in BUYER_WRITES if t in tables)
    conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {buyer_tables} TO {BUYER}")
    # Feed rates any buyer may store; the trigger keeps manual ones to managers.
    conn.exec_driver_sql(f"GRANT INSERT, UPDATE ON exchange_rate TO {BUYER}")
    # The app's own entries (an import's counts, an Avoid reason); who and when are stamped.
    conn.exec_driver_sql(f"GRANT INSERT ON audit_entry TO {BUYER}")
    manager_tables = ", ".join(t for t in MANAGER_WRITES if t in tables)
    conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {manager_tables} TO {MANAGER}")
    conn.exec_driver_sql(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM PUBLIC, {groups}")
    for table, role in (
        *((t, BUYER) for t in BUYER_WRITES),
        ("exchange_rate", BUYER),
        ("audit_entry", BUYER),
        *((t, MANAGER) for t in MANAGER_WRITES),
    ):
        if AUDITED.get(table, ("", "", "id"))[2] != "id":
            continue  # keyed by name (setting): no sequence
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}
        ).scalar()
        if sequence:
            conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {sequence} TO {role}")
    schema = str(conn.execute(text("SELECT current_schema()")).scalar())
    conn.exec_driver_sql(_FUNCTIONS.replace("{schema}", _quote(conn, schema)))
    conn.exec_driver_sql("REVOKE ALL ON FUNCTION sourcing_audit_changes() FROM PUBLIC")
    for table, (entity, key_column, id_column) in AUDITED.items():
        if table not in tables:
            continue
        name = _quote(conn, table)
        for event, transition in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        ):
            trigger = f"sourcing_audit_{event.lower()}"
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {name}")
            conn.exec_driver_sql(
                f"CREATE TRIGGER {trigger} AFTER {event} ON {name} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION "
                f"sourcing_audit_changes('{entity}', '{key_column}', '{id_column}')"
            )
    for trigger, definition in (
        (
            "sourcing_audit_stamp",
            "BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION sourcing_audit_stamp()",
        ),
        (
            "sourcing_audit_append_only",
            "BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW "
            "EXECUTE FUNCTION sourcing_audit_append_only()",
        ),
        (
            "sourcing_audit_no_truncate",
            "BEFORE TRUNCATE ON audit_entry FOR EACH STATEMENT "
            "EXECUTE FUNCTION sourcing_audit_append_only()",
        ),
        (
            "sourcing_manual_rates",
            "BEFORE INSERT OR UPDATE OR DELETE ON exchange_rate "
            "FOR EACH ROW EXECUTE FUNCTION sourcing_manual_rates_guard()",
        ),
    ):
        table = "exchange_rate" if trigger == "sourcing_manual_rates" else "audit_entry"
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        conn.exec_driver_sql(f"CREATE TRIGGER {trigger} {definition}")


def audit_triggers_installed(conn: Connection) -> bool:
    """Whether `team init` has run: the trail is then written by the database."""
    return bool(
        conn.execute(
            text("SELECT to_regprocedure('sourcing_audit_changes()') IS NOT NULL")
        ).scalar()
    )


def user_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).scalar()
    )


def grant_role(conn: Connection, user: str, role: str) -> None:
    """Make `user` a member of exactly `role`, out of the three."""
    quoted = _quote(conn, user)
    for other in GROUP_ROLES:
        if other != role:
            conn.exec_driver_sql(f"REVOKE {other} FROM {quoted}")
    conn.exec_driver_sql(f"GRANT {role} TO {quoted}")


def revoke_roles(conn: Connection, user: str) -> None:
    quoted = _quote(conn, user)
    for role in GROUP_ROLES:
        conn.exec_driver_sql(f"REVOKE {role} FROM {quoted}")


@dataclass(frozen=True)
class Member:
    user: str
    role: str
    can_log_in: bool


def members(conn: Connection) -> list[Member]:
    """Every login given one of the three roles directly, by name."""
    rows = conn.execute(
        text(
            "SELECT m.rolname, r.rolname, m.rolcanlogin FROM pg_auth_members am "
            "JOIN pg_roles r ON r.oid = am.roleid JOIN pg_roles m ON m.oid = am.member "
            "WHERE r.rolname IN (:v, :b, :m) AND m.rolname NOT IN (:v, :b, :m) "
            "ORDER BY m.rolname, r.rolname"
        ),
        {"v": VIEWER, "b": BUYER, "m": MANAGER},
    )
    return [Member(str(user), str(role), bool(login)) for user, role, login in rows]
