"""Read and write the scoring settings kept in the database (table `setting`)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, text

from sourcing_app.domain.settings import ScoringSettings

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
        payload = json.dumps(value, sort_keys=True)
        updated = conn.execute(
            text("UPDATE setting SET value = :v WHERE key = :k"), {"k": key, "v": payload}
        )
        if updated.rowcount == 0:
            conn.execute(
                text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": key, "v": payload}
            )


USER_NAME_KEY = "user_name"


def load_user_name(conn: Connection | Engine) -> str:
    """Who the audit trail names: the name set in Settings, else the login name."""
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load_user_name(c)
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
    payload = json.dumps(name.strip())
    updated = conn.execute(
        text("UPDATE setting SET value = :v WHERE key = :k"), {"k": USER_NAME_KEY, "v": payload}
    )
    if updated.rowcount == 0:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
            {"k": USER_NAME_KEY, "v": payload},
        )
