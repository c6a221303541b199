"""Where things live. Nothing here does work at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "sourcing-desk"
APP_AUTHOR = "sourcing-desk"
DB_URL_ENV = "SOURCING_DB_URL"
DEFAULT_DB_FILE = "sourcing.sqlite"
DEMO_DB_FILE = "demo.sqlite"


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def default_db_url() -> str:
    return sqlite_url(user_data_dir() / DEFAULT_DB_FILE)


def demo_db_url() -> str:
    return sqlite_url(user_data_dir() / DEMO_DB_FILE)


def resolve_db_url(
    cli_url: str | None, environ: os._Environ[str] | dict[str, str] | None = None
) -> str:
    """`--db URL` wins, then SOURCING_DB_URL, then the embedded SQLite file."""
    env = os.environ if environ is None else environ
    if cli_url:
        return normalise_db_url(cli_url)
    if env.get(DB_URL_ENV):
        return normalise_db_url(env[DB_URL_ENV])
    return default_db_url()


def normalise_db_url(url: str) -> str:
    """Accept a bare file path as a SQLite database, and plain postgresql:// as psycopg 3."""
    if "://" not in url:
        return sqlite_url(Path(url).expanduser().resolve())
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path)


def database_label(url: str) -> str:
    """The file path, or the server address without its password: what the buyer is shown."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy import make_url  # only for a server: keeps the first paint light

    return make_url(url).render_as_string(hide_password=True)


PREFERENCES_FILE = "preferences.json"


def preferences_path() -> Path:
    """A person's own choices (the language), kept beside the data, not in a shared database."""
    return user_data_dir() / PREFERENCES_FILE


def saved_language() -> str | None:
    """The language chosen in Settings or with `--lang` on the desktop, if any."""
    import json

    try:
        data = json.loads(preferences_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none saved yet, or unreadable: the system locale decides
    language = data.get("language") if isinstance(data, dict) else None
    return language if isinstance(language, str) else None


def save_language(language: str) -> None:
    """Remember the language for the next start; raises CannotFinish in words."""
    import json

    from sourcing_app.atomic import atomic_file

    path = preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["language"] = language
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(path, durable=False) as temporary:
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
