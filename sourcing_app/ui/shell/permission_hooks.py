"""Disable what this login may not do, with the reason on hover (docs/team-mode.md).

The database decides (services/permissions.py); the desk only reads its
answer once and greys out the menus, toolbar buttons and screen buttons the
database would refuse, so that nobody types a form only to be told no.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget


def allow(item: QAction | QWidget, allowed: bool, reason: str) -> None:
    """Enable `item`, or disable it and say why when the pointer rests on it."""
    item.setEnabled(allowed)
    if allowed:
        return
    item.setToolTip(reason)
    if isinstance(item, QAction):
        item.setStatusTip(reason)
