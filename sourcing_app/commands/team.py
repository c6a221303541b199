"""`sourcing-app --db postgresql://… team init|grant|revoke|list` (docs/team-mode.md).

sourcing-app team init                     roles, grants and audit triggers (owner, idempotent)
sourcing-app team grant USER ROLE          make USER a viewer, buyer or manager (one of them)
sourcing-app team revoke USER              take all three roles from USER
sourcing-app team list                     who has which role
"""

from __future__ import annotations

import argparse
from typing import TextIO

from sqlalchemy import Engine

from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "team", help=_("team mode on PostgreSQL: roles for viewers, buyers and managers")
    )
    actions = parser.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    actions.add_parser(
        "init", help=_("create the roles, grants and audit triggers (database owner; repeatable)")
    )
    grant = actions.add_parser("grant", help=_("make a database user a viewer, buyer or manager"))
    grant.add_argument("user", help=_("the PostgreSQL login"))
    grant.add_argument("role", metavar="ROLE", help="viewer, buyer, manager")
    revoke = actions.add_parser("revoke", help=_("take every team role from a database user"))
    revoke.add_argument("user", help=_("the PostgreSQL login"))
    actions.add_parser("list", help=_("list the team's members and their roles"))
    parser.set_defaults(run=run)


def _role_words(role: str) -> str:
    from sourcing_app.db import team

    return {
        team.VIEWER: _("viewer"),
        team.BUYER: _("buyer"),
        team.MANAGER: _("manager"),
    }.get(role, role)


def run(engine: Engine, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sqlmodel import SQLModel

    from sourcing_app.db import (
        models,  # noqa: F401  (the tables, for their names)
        team,
    )
    from sourcing_app.services.permissions import ROLES, NotAllowed

    if engine.dialect.name != "postgresql":
        raise BadInput(
            _(
                "team mode needs a PostgreSQL database (--db postgresql://…); "
                "a SQLite file is one person's, who may do everything"
            )
        )
    user = getattr(args, "user", None)
    if user is not None:
        try:
            team.check_role_name(user)
        except team.TeamProblem:
            raise BadInput(
                _(
                    "'{user}' is not a usable database user name: letters, digits and _ . @ -, "
                    "at most 63, and not one of the team's own roles"
                ).format(user=user)
            ) from None
    role = None
    if args.team_action == "grant":
        role = ROLES.get(args.role.strip().lower())
        if role is None:
            raise BadInput(
                _("'{role}' is not a team role; use viewer, buyer or manager").format(
                    role=args.role
                )
            )
    with engine.begin() as conn:
        if not team.is_owner(conn):
            raise NotAllowed(
                _(
                    "only the database owner can manage the team; you are connected as {user}"
                ).format(user=conn.exec_driver_sql("SELECT session_user").scalar())
            )
        if args.team_action == "init":
            tables = [t.name for t in SQLModel.metadata.sorted_tables]
            try:
                team.install_team(conn, [*tables, "alembic_version"])
            except Exception as exc:
                if "permission denied to create role" in str(exc) or "CREATEROLE" in str(exc):
                    raise CannotFinish(
                        _(
                            "the team roles could not be created: the owner needs the "
                            "CREATEROLE right (ALTER ROLE owner CREATEROLE, as a superuser)"
                        )
                    ) from None
                raise
            print(
                _(
                    "team mode is on: roles sourcing_viewer, sourcing_buyer and "
                    "sourcing_manager, their grants and the audit triggers are in place"
                ),
                file=out,
            )
            return 0
        if not team.roles_exist(conn):
            raise CannotFinish(_("the team roles do not exist yet; run `team init` first"))
        if user is not None and not team.user_exists(conn, user):
            raise BadInput(
                _(
                    "there is no database user named '{user}'; create the login first "
                    "(CREATE ROLE {user} LOGIN PASSWORD '…')"
                ).format(user=user)
            )
        if args.team_action == "grant":
            assert role is not None and user is not None
            team.grant_role(conn, user, role)
            print(_("{user} is now a {role}").format(user=user, role=_role_words(role)), file=out)
            return 0
        if args.team_action == "revoke":
            assert user is not None
            team.revoke_roles(conn, user)
            print(_("{user} has no team role now").format(user=user), file=out)
            return 0
        found = team.members(conn)
    _print_members(found, out)
    return 0


def _print_members(found: list, out: TextIO) -> None:  # type: ignore[type-arg]
    from sourcing_app.services import text_cells as cells

    if not found:
        print(_("nobody has a team role yet; use `team grant USER ROLE`"), file=out)
        return
    headers = (_("User"), _("Role"), _("Can log in"))
    rows = [(m.user, _role_words(m.role), _("yes") if m.can_log_in else _("no")) for m in found]
    widths = [max(cells.width(r[i]) for r in (headers, *rows)) for i in range(3)]
    for row in (headers, *rows):
        print(
            "  ".join(cells.left(v, w) for v, w in zip(row, widths, strict=True)).rstrip(), file=out
        )


def refuse_if_not_allowed(engine: Engine, args: argparse.Namespace) -> None:
    """Refuse a command this login may not run, in words, before any work (exit 1).

    The database would refuse the writes anyway; saying so first changes nothing
    and names the role to ask for (docs/team-mode.md). SQLite allows everything.
    """
    from sourcing_app.services.permissions import read_permissions

    if engine.dialect.name != "postgresql" or args.command == "team":
        return
    action = getattr(args, "rates_action", None) or getattr(args, "scenario_action", None) or ""
    checks = {
        ("rates", "update"): lambda p: (p.can_fetch_rates, "exchange_rate"),
        ("rates", "set"): lambda p: (p.can_enter_manual_rates, "exchange_rate_manual"),
        ("scenario", "save"): lambda p: (p.can_change_settings, "setting"),
        ("scenario", "delete"): lambda p: (p.can_change_settings, "setting"),
        ("demo", ""): lambda p: (p.can_build_demo, "setting"),
    }
    check = checks.get((args.command, action))
    if args.command == "import" and not getattr(args, "dry_run", False):
        kind = args.kind

        def check(p):  # type: ignore[no-untyped-def]
            return p.can_import(kind), ""

    if check is None:
        return
    permissions = read_permissions(engine)
    allowed, table = check(permissions)
    if not allowed:
        from sourcing_app.services.permissions import NotAllowed

        words = (
            permissions.why_not_import(args.kind)
            if args.command == "import"
            else (permissions.why_not(table))
        )
        raise NotAllowed(words)
