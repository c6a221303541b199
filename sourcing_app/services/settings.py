"""Read and write the scoring settings kept in the database (table `setting`)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, column, table, text

from sourcing_app.domain.codes import ISO_4217_CURRENCIES
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.errors import BadInput, CannotFinish
from sourcing_app.i18n import _
from sourcing_app.services.audit import write_entry

SCORING_KEY = "scoring"
HOME_CURRENCY_KEY = "home_currency"


def load_settings(conn: Connection | Engine) -> ScoringSettings:
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load_settings(c)
    rows: dict[str, str] = {k: v for k, v in conn.execute(text("SELECT key, value FROM setting"))}
    data: dict[str, Any] = {}
    if SCORING_KEY in rows:
        data = json.loads(rows[SCORING_KEY])
    if HOME_CURRENCY_KEY in rows:
        data["home_currency"] = json.loads(rows[HOME_CURRENCY_KEY])
    return ScoringSettings.from_json(data)


def save_settings(conn: Connection, settings: ScoringSettings) -> None:
    data = settings.to_json()
    home = data.pop("home_currency")
    for key, value in ((SCORING_KEY, data), (HOME_CURRENCY_KEY, home)):
        upsert_setting(conn, key, json.dumps(value, sort_keys=True))


def upsert_setting(conn: Connection, key: str, payload: str) -> None:
    """Insert or replace one row of `setting` in one statement (the caller owns the transaction).

    "Update, else insert" lets two people saving at once both find no row and
    both insert: one of them got an IntegrityError. INSERT … ON CONFLICT DO
    UPDATE is atomic on SQLite and PostgreSQL alike: the later save wins.
    """
    setting = table("setting", column("key"), column("value"))
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(setting).values(key=key, value=payload)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        )
    )


USER_NAME_KEY = "user_name"
# Left by the upgrade to revision 0003 when the buyer's own weights were kept
# (clearance got 0): the desk says so once, pointing at Settings (docs/stability.md).
WEIGHTS_KEPT_KEY = "notice_weights_kept"


def weights_kept_notice(conn: Connection | Engine) -> bool:
    """Whether the upgrade kept the buyer's own weights and nobody has been told yet."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return weights_kept_notice(c)
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": WEIGHTS_KEPT_KEY}
    ).scalar()
    return bool(value) and json.loads(value) is True


def weights_notice_shown(conn: Connection) -> None:
    """The buyer has been told that their weights were kept: never again."""
    conn.execute(text("DELETE FROM setting WHERE key = :k"), {"k": WEIGHTS_KEPT_KEY})


def load_user_name(conn: Connection | Engine) -> str:
    """Who the audit trail names: the name set in Settings, else the login name."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load_user_name(c)
    from sourcing_app.services.audit import trail_written_by_database

    if trail_written_by_database(conn):  # team mode: the database names everyone by login
        return str(conn.execute(text("SELECT session_user")).scalar())
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": USER_NAME_KEY}
    ).scalar()
    if value:
        name = json.loads(value)
        if isinstance(name, str) and name.strip():
            return name.strip()
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "buyer"


def save_user_name(conn: Connection, name: str) -> None:
    upsert_setting(conn, USER_NAME_KEY, json.dumps(name.strip()))


# --- checking and saving from the settings screen ---------------------------------------

# Where each problem is shown: the dotted path of the setting (weights.fill, costs.vat…).
SettingProblems = dict[str, str]


def settings_problems(settings: ScoringSettings, user_name: str = "") -> SettingProblems:
    """Every reason these settings cannot be saved, keyed by the setting's dotted path."""
    problems: SettingProblems = {}
    for key, weight in settings.weights.items():
        if weight < 0:
            problems[f"weights.{key}"] = _("{value} is negative; weights are 0 or more").format(
                value=f"{weight:g}"
            )
    if not problems and sum(settings.weights.values()) <= 0:
        problems["weights"] = _("at least one weight must be above 0")
    bands = settings.bands
    for name, value in (
        ("preferred", bands.preferred),
        ("approved", bands.approved),
        ("watch", bands.watch),
    ):
        if not 0 <= value <= 100:
            problems[f"bands.{name}"] = _(
                "{value} is outside 0..100, the scale of the score"
            ).format(value=f"{value:g}")
    if "bands.approved" not in problems and bands.approved >= bands.preferred:
        problems["bands.approved"] = _(
            "Approved starts at {approved}, which must be below Preferred ({preferred})"
        ).format(approved=f"{bands.approved:g}", preferred=f"{bands.preferred:g}")
    if "bands.watch" not in problems and bands.watch >= bands.approved:
        problems["bands.watch"] = _(
            "Watch starts at {watch}, which must be below Approved ({approved})"
        ).format(watch=f"{bands.watch:g}", approved=f"{bands.approved:g}")
    if settings.window_days < 1:
        problems["window_days"] = _("the window must be at least 1 day")
    if settings.grace_days < 0:
        problems["grace_days"] = _("grace days cannot be negative")
    elif settings.grace_days >= settings.window_days:
        problems["grace_days"] = _("grace days must be shorter than the window")
    for name in ("clearance_target_days", "customs_hold_days", "customs_delay_days"):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            problems[name] = _("{value} is not a whole number of days").format(value=value)
        elif value < 0:
            problems[name] = _("{value} days is negative; 0 or more").format(value=f"{value:g}")
    if not 0 <= settings.returns_high_pct <= 1:
        problems["returns_high_pct"] = _("{value}% is outside 0%..100%").format(
            value=f"{settings.returns_high_pct * 100:g}"
        )
    costs = settings.costs
    one = Decimal(1)
    for name in ("platform_commission", "payment_fee", "cbec_factor"):
        value = getattr(costs, name)
        if not 0 <= value <= one:
            problems[f"costs.{name}"] = _("{value}% is outside 0%..100%").format(
                value=f"{value * 100:g}"
            )
    if not 0 < costs.target_margin <= one:
        problems["costs.target_margin"] = _("the target margin must be above 0% and at most 100%")
    if costs.platform_commission + costs.payment_fee >= one:
        problems["costs.payment_fee"] = _(
            "commission and payment fee together take the whole retail price; "
            "they must add up to less than 100%"
        )
    for name in ("clearance_fee", "fulfilment_fee"):
        if getattr(costs, name) < 0:
            problems[f"costs.{name}"] = _("fees cannot be negative")
    if costs.cbec_transaction_limit <= 0:
        problems["costs.cbec_transaction_limit"] = _("the limit must be above 0")
    if costs.cbec_annual_limit < costs.cbec_transaction_limit:
        problems["costs.cbec_annual_limit"] = _(
            "the annual limit cannot be below the single-transaction limit"
        )
    currency = settings.home_currency.strip().upper()
    if currency not in ISO_4217_CURRENCIES:
        problems["home_currency"] = _("'{currency}' is not an ISO 4217 currency code").format(
            currency=settings.home_currency
        )
    if len(user_name.strip()) > 120:
        problems["user_name"] = _("is {count} characters long; at most 120 fit").format(
            count=len(user_name.strip())
        )
    return problems


def _flat(settings: ScoringSettings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in settings.to_json().items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def settings_changes(before: ScoringSettings, after: ScoringSettings) -> dict[str, list[Any]]:
    """Dotted path -> [old, new] for every setting that differs."""
    old, new = _flat(before), _flat(after)
    return {k: [old.get(k), new[k]] for k in new if _differs(old.get(k), new[k])}


def _differs(a: Any, b: Any) -> bool:
    try:
        return Decimal(str(a)) != Decimal(str(b))
    except ArithmeticError:
        return a != b
    except ValueError:
        return a != b


def save_from_screen(
    engine: Engine,
    settings: ScoringSettings,
    user_name: str,
    *,
    opened: ScoringSettings,
    opened_user_name: str,
    who: str,
) -> dict[str, list[Any]]:
    """Save what the settings screen shows, audited, in one transaction; the changes made.

    `opened` is what the screen loaded: if someone else saved different
    settings since (team mode), nothing is written and CannotFinish says so.
    """
    settings = replace(settings, home_currency=settings.home_currency.strip().upper())
    problems = settings_problems(settings, user_name)
    if problems:
        raise BadInput(
            _("Nothing was saved. {problems}").format(
                problems="; ".join(f"{k}: {v}" for k, v in problems.items())
            )
        )
    with engine.begin() as conn:
        stored = load_settings(conn)
        stored_user = stored_user_name(conn)
        if settings_changes(opened, stored) or stored_user != opened_user_name.strip():
            raise CannotFinish(
                _(
                    "Someone else saved the settings after you opened them. Nothing was saved; "
                    "reopen Settings to see theirs."
                )
            )
        changes = settings_changes(stored, settings)
        if user_name.strip() != stored_user:
            changes["user_name"] = [stored_user, user_name.strip()]
        if not changes:
            return {}
        save_settings(conn, settings)
        if "user_name" in changes:
            save_user_name(conn, user_name)
        write_entry(
            conn,
            who=user_name.strip() or who,
            entity="settings",
            key="scoring",
            action="edited",
            record={"fields": changes},
        )
        return changes


def stored_user_name(conn: Connection) -> str:
    """The name set in Settings, or "" when none is (the login name is used then)."""
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": USER_NAME_KEY}
    ).scalar()
    if not value:
        return ""
    name = json.loads(value)
    return name.strip() if isinstance(name, str) else ""
