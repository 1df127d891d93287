"""intake allowance: an index of each account's cases by creation time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_requests_submitted_recent", "requests", ["submitted_by_id", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_requests_submitted_recent", table_name="requests")
