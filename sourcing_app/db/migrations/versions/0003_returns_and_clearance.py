"""Returns after sale, and the customs clearance sub-score's weight.

Adds the `sale_return` table (docs/vocabulary.md). The stability weights gain
`clearance` (docs/stability.md): a database whose weights are still the old
defaults (25, 25, 15, 15, 10, 10) moves to the new ones (20, 20, 15, 15, 10, 10,
10); one whose weights the buyer changed keeps them, clearance gets 0, and a
notice is left (setting `notice_weights_kept`) for the desk to show once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sourcing_app.db.types

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration must do tomorrow what it does today.
OLD_DEFAULT_WEIGHTS = {
    "fill": 25.0,
    "on_time": 25.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
}
NEW_DEFAULT_WEIGHTS = {
    "fill": 20.0,
    "on_time": 20.0,
    "lead_time": 15.0,
    "quality": 15.0,
    "price": 10.0,
    "channel": 10.0,
    "clearance": 10.0,
}
SCORING_KEY = "scoring"
NOTICE_KEY = "notice_weights_kept"


def upgrade() -> None:
    op.create_table(
        "sale_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("return_date", sourcing_app.db.types.DayDate(), nullable=False),
        sa.Column("returned_qty", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["line_id"], ["purchase_line.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "line_id", "return_date", "reason", name="uq_sale_return_line_date_reason"
        ),
    )
    op.create_index("ix_sale_return_line_id", "sale_return", ["line_id"], unique=False)
    _move_weights(op.get_bind())


def _move_weights(conn: sa.Connection) -> None:
    stored = conn.execute(
        sa.text("SELECT value FROM setting WHERE key = :k"), {"k": SCORING_KEY}
    ).scalar()
    if stored is None:
        return  # never saved: the code's defaults, already the new ones, apply
    data = json.loads(stored)
    weights = {**OLD_DEFAULT_WEIGHTS, **{k: float(v) for k, v in data.get("weights", {}).items()}}
    if "clearance" in weights:
        return
    if weights == OLD_DEFAULT_WEIGHTS:
        data["weights"] = dict(NEW_DEFAULT_WEIGHTS)
    else:
        data["weights"] = {**weights, "clearance": 0.0}
        conn.execute(
            sa.text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
            {"k": NOTICE_KEY, "v": json.dumps(True)},
        )
    conn.execute(
        sa.text("UPDATE setting SET value = :v WHERE key = :k"),
        {"k": SCORING_KEY, "v": json.dumps(data, sort_keys=True)},
    )


def downgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT COUNT(*) FROM sale_return")).scalar():
        # Going back would throw the buyer's returns away; refuse instead.
        raise RuntimeError(
            "some returns after sale are recorded, which the older schema cannot hold; "
            "export them before downgrading"
        )
    op.drop_index("ix_sale_return_line_id", table_name="sale_return")
    op.drop_table("sale_return")
    stored = conn.execute(
        sa.text("SELECT value FROM setting WHERE key = :k"), {"k": SCORING_KEY}
    ).scalar()
    if stored is not None:
        data = json.loads(stored)
        weights = data.get("weights", {})
        weights.pop("clearance", None)
        if weights == {k: v for k, v in NEW_DEFAULT_WEIGHTS.items() if k != "clearance"}:
            data["weights"] = dict(OLD_DEFAULT_WEIGHTS)
        conn.execute(
            sa.text("UPDATE setting SET value = :v WHERE key = :k"),
            {"k": SCORING_KEY, "v": json.dumps(data, sort_keys=True)},
        )
    conn.execute(sa.text("DELETE FROM setting WHERE key = :k"), {"k": NOTICE_KEY})
