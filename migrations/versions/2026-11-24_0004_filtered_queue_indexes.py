"""filtered queue indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 15:56:21.124945
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_kind"))
        batch_op.drop_index(batch_op.f("ix_requests_priority"))
        batch_op.create_index(
            "ix_requests_kind_queue", ["kind", "status", "decide_due_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_requests_kind_received", ["kind", "received_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_requests_priority_queue",
            ["priority", "status", "decide_due_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_requests_priority_received", ["priority", "received_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_priority_received")
        batch_op.drop_index("ix_requests_priority_queue")
        batch_op.drop_index("ix_requests_kind_received")
        batch_op.drop_index("ix_requests_kind_queue")
        batch_op.create_index(batch_op.f("ix_requests_priority"), ["priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_requests_kind"), ["kind"], unique=False)
