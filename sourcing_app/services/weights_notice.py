"""The once-only notice that an upgrade kept the buyer's own weights (docs/stability.md).

Alembic revision 0003 leaves the setting `notice_weights_kept` when the
database's weights were not the old defaults: they were kept, and customs
clearance got weight 0. The desk tells the buyer once, on opening, then takes
the row away, so that no later opening (nor a teammate's) tells it again.
"""

from __future__ import annotations

from sqlalchemy import Engine, exc, text

NOTICE_KEY = "notice_weights_kept"


def take_weights_kept_notice(engine: Engine) -> bool:
    """True once if the notice is waiting: it is deleted in the same transaction.

    Two desks opening the same file at once: the one whose DELETE removed the
    row shows the notice, the other does not. In team mode only a manager may
    change settings (docs/team-mode.md): a viewer's or buyer's desk leaves the
    notice for a manager, who can act on it in Settings.
    """
    try:
        with engine.begin() as conn:
            result = conn.execute(text("DELETE FROM setting WHERE key = :k"), {"k": NOTICE_KEY})
            return bool(result.rowcount)
    except exc.DBAPIError:
        return False
