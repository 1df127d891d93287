"""calendar feed reads: a counter between audit entries

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-06 03:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reads_unaudited", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("read_audited_at", exigent.db.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_column("read_audited_at")
        batch_op.drop_column("reads_unaudited")
