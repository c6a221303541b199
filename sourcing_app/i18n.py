"""The language a person reads: one gettext catalog for every layer.

Strings are marked where they are written, `_("Suppliers")`, with named
placeholders filled after translation (`_("{count} suppliers scored").format(...)`)
and plural forms through `ngettext`, as calibre does in its Qt GUI. The domain
and services layers mark their words too (flag messages, import problems), so
the catalog is Python's gettext rather than Qt Linguist, which they cannot use.

The language is chosen once at start: `--lang` wins, then the choice saved in
Settings, then the system locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, read as
text, so a `zh_CN.UTF-8` environment without installed locale files still
gives Chinese, and never a warning). `_` looks the active catalog up on every
call, so modules may import it before the language is chosen.

Machine formats never go through here: JSON and CSV keys, codes, ISO dates.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "sourcing"
ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = {ENGLISH: "English", CHINESE: "中文"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


def normalise(tag: str | None) -> str | None:
    """A language tag as given by a person or an environment, as one of LANGUAGES.

    'zh_CN.UTF-8', 'zh-CN', 'zh_CN', 'zh', 'zh_SG' → 'zh_CN'; 'en_US.UTF-8', 'C',
    'POSIX', 'en' → 'en'; anything else → None (not a language the desk speaks).
    """
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("-", "_").strip()
    if not base:
        return None
    if base in ("C", "POSIX"):
        return ENGLISH
    lowered = base.lower()
    if lowered.startswith("zh"):
        # Traditional Chinese readers are better served by simplified than English.
        return CHINESE
    if lowered.startswith("en"):
        return ENGLISH
    return None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for, read as gettext reads it; English otherwise."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if not value:
            continue
        # LANGUAGE may list several, best first: "zh_CN:en".
        for tag in value.split(":"):
            chosen = normalise(tag)
            if chosen is not None:
                return chosen
        if variable != "LANGUAGE":
            return ENGLISH  # set, but to a language the desk does not speak
    return ENGLISH


def choose_language(
    explicit: str | None, saved: str | None, environ: Mapping[str, str] | None = None
) -> str:
    """`--lang` wins, then the saved choice, then the system locale."""
    for tag in (explicit, saved):
        chosen = normalise(tag)
        if chosen is not None:
            return chosen
    return system_language(environ)


def install(language: str) -> None:
    """Make `language` the one every `_` call answers in."""
    global _active, _language
    chosen = normalise(language) or ENGLISH
    if chosen == ENGLISH:
        _active = gettext.NullTranslations()
    else:
        _active = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[chosen], fallback=True
        )
    _language = chosen


def current_language() -> str:
    return _language


def is_chinese() -> bool:
    return _language == CHINESE


def _(message: str) -> str:
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A word whose translation depends on where it stands ('Watch' the standing)."""
    return _active.pgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 - gettext's own name
    """Mark a string for the catalog where it is defined; translate it where it is shown."""
    return message


def NP_(context: str, message: str) -> str:  # noqa: N802 - gettext's own name
    """Mark a string with its context for the catalog; translate it with pgettext."""
    return message
