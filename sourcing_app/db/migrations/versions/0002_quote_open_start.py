"""A quote's valid_from may be blank: a standing price list is valid since always.

The natural key (channel, product, min_qty, valid_from) stays; a partial unique
index keeps one open-start quote per (channel, product, min_qty), since SQL
unique constraints let NULLs repeat (docs/files-and-commands.md).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 08:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import sourcing_app.db.types

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN_START = sa.text("valid_from IS NULL")


def upgrade() -> None:
    # SQLite cannot drop a NOT NULL in place: batch mode copies the table, rows and all.
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.alter_column(
            "valid_from", existing_type=sourcing_app.db.types.DayDate(), nullable=True
        )
        batch_op.create_index(
            "uq_quote_natural_key_open_start",
            ["channel_id", "product_id", "min_qty"],
            unique=True,
            sqlite_where=_OPEN_START,
            postgresql_where=_OPEN_START,
        )


def downgrade() -> None:
    blank = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM quote WHERE valid_from IS NULL"))
    if blank.scalar():
        # Going back would have to invent start dates or drop quotes; do neither.
        raise RuntimeError(
            "some quotes have a blank valid_from, which the older schema cannot hold; "
            "fill in their start dates before downgrading"
        )
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index("uq_quote_natural_key_open_start")
        batch_op.alter_column(
            "valid_from", existing_type=sourcing_app.db.types.DayDate(), nullable=False
        )
