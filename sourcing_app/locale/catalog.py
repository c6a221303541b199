"""Build and check the translation catalogs (a developer's tool; needs Babel).

The Chinese texts are kept by area in `zh_CN/parts/*.po` (desktop screens,
dialogs, command line, reports, the domain's words), so that people working
on different parts of the desk never edit the same file. `build` joins the
parts into the one compiled catalog the desk loads,
`zh_CN/LC_MESSAGES/sourcing.mo`, which is committed: a fresh
`pip install -e .` needs no build step. `check` lists what a reader would
trip on:

- a marked string (`_`, `N_`, `ngettext`, `pgettext` anywhere in
  sourcing_app) with no Chinese text, an empty one, or a fuzzy one;
- a Chinese text whose `{placeholders}` differ from the English;
- one English text given two different Chinese texts in two parts;
- a compiled catalog older than its parts.

    python -m sourcing_app.locale.catalog build    # parts → sourcing.mo
    python -m sourcing_app.locale.catalog check    # problems, exit 1 if any
    python -m sourcing_app.locale.catalog missing  # the untranslated, as .po to fill in
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
LANGUAGE = "zh_CN"
DOMAIN = "sourcing"
PARTS = HERE / LANGUAGE / "parts"
COMPILED = HERE / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.mo"
KEYWORDS = {
    "_": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}(?!\})")


@dataclass(frozen=True)
class Marked:
    """A string marked for translation where it is written."""

    msgid: str | tuple[str, str]
    context: str | None
    where: str


def marked_strings(root: Path = PACKAGE) -> Iterator[Marked]:
    """Every marked string in the package's Python files, with where it stands."""
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts or path.name == "catalog.py":
            continue
        for lineno, message, _comments, context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            where = f"{path.relative_to(root.parent)}:{lineno}"
            yield Marked(message, context, where)


def read_parts(parts: Path = PARTS) -> tuple[Catalog, list[str]]:
    """All parts as one catalog, and the clashes between them."""
    # Fixed dates: the compiled file depends on the parts alone, so `check` can
    # compare it byte for byte with a fresh build.
    fixed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    joined = Catalog(
        locale=LANGUAGE,
        domain=DOMAIN,
        fuzzy=False,
        project="sourcing-desk",
        creation_date=fixed,
        revision_date=fixed,
    )
    seen: dict[tuple[object, str | None], tuple[object, str]] = {}
    clashes = []
    for path in sorted(parts.glob("*.po")):
        with path.open("rb") as handle:
            part = read_po(handle, locale=LANGUAGE)
        for message in part:
            if not message.id:
                continue
            key = (message.id, message.context)
            if key in seen and seen[key][0] != message.string:
                clashes.append(
                    f"{_show(message.id)}: '{_show(seen[key][0])}' in {seen[key][1]}, "
                    f"'{_show(message.string)}' in {path.name}"
                )
                continue
            seen[key] = (message.string, path.name)
            joined[message.id] = Message(
                message.id,
                message.string,
                flags=message.flags,
                context=message.context,
                auto_comments=message.auto_comments,
            )
    return joined, clashes


def _show(value: object) -> str:
    return " | ".join(value) if isinstance(value, tuple | list) else str(value)


def _translations(message: Message) -> list[str]:
    string = message.string
    if isinstance(string, tuple | list):
        return [s or "" for s in string]
    return [string or ""]


def _placeholders(text: str) -> set[str]:
    return {m.group(1) or "" for m in _PLACEHOLDER.finditer(text)}


def problems(root: Path = PACKAGE, parts: Path = PARTS) -> list[str]:
    """Everything that would leave a Chinese reader with English or a broken sentence."""
    catalog, found = read_parts(parts)
    for marked in marked_strings(root):
        message = catalog.get(marked.msgid, context=marked.context)
        shown = _show(marked.msgid)
        if message is None:
            found.append(f"{marked.where}: no Chinese text for '{shown}'")
            continue
        if message.fuzzy:
            found.append(f"{marked.where}: the Chinese text for '{shown}' is marked fuzzy")
        texts = _translations(message)
        if not all(t.strip() for t in texts):
            found.append(f"{marked.where}: the Chinese text for '{shown}' is empty")
            continue
        english = marked.msgid if isinstance(marked.msgid, tuple) else (marked.msgid,)
        wanted = set().union(*(_placeholders(e) for e in english))
        for text in texts:
            if _placeholders(text) != wanted:
                found.append(
                    f"{marked.where}: placeholders differ for '{shown}': "
                    f"{sorted(wanted)} in English, {sorted(_placeholders(text))} in '{text}'"
                )
    if parts == PARTS and (
        not COMPILED.exists() or _compiled_bytes(catalog) != COMPILED.read_bytes()
    ):
        found.append(
            f"{COMPILED.relative_to(PACKAGE.parent)} is not built from the parts: "
            "run `python -m sourcing_app.locale.catalog build`"
        )
    return found


def _compiled_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def build() -> Path:
    catalog, clashes = read_parts()
    if clashes:
        raise SystemExit("the parts disagree:\n" + "\n".join(clashes))
    COMPILED.parent.mkdir(parents=True, exist_ok=True)
    COMPILED.write_bytes(_compiled_bytes(catalog))
    return COMPILED


def missing() -> str:
    """The marked strings no part translates yet, as a .po file to fill in."""
    catalog, _clashes = read_parts()
    todo = Catalog(locale=LANGUAGE, domain=DOMAIN, fuzzy=False)
    for marked in marked_strings():
        if catalog.get(marked.msgid, context=marked.context) is None:
            todo.add(marked.msgid, context=marked.context, locations=[(marked.where, None)])
    out = io.BytesIO()
    write_po(out, todo, width=100, omit_header=True)
    return out.getvalue().decode("utf-8")


def compiled_ids() -> set[object]:
    with COMPILED.open("rb") as handle:
        return {m.id for m in read_mo(handle) if m.id}


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "build":
        print(f"wrote {build()}")
        return 0
    if command == "missing":
        sys.stdout.write(missing())
        return 0
    found = problems()
    for line in found:
        print(line)
    print(f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
