"""Icons, style sheet and demo data shipped with the app; `folder()` is where they are."""

from __future__ import annotations

from pathlib import Path


def folder() -> Path:
    """This package's folder, wherever it is installed (an editable checkout or a wheel).

    The import system already found it; asking importlib.resources instead would
    pull in shutil and more before the app's first paint.
    """
    return Path(next(iter(__path__)))
