"""briefs and check-ins

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "distribution_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("emails", sa.JSON(), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_lists")),
        sa.UniqueConstraint("name", name=op.f("uq_distribution_lists_name")),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("until", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("incoming_ids", sa.JSON(), nullable=False),
        sa.Column("incoming_lead_ids", sa.JSON(), nullable=False),
        sa.Column("outgoing_ids", sa.JSON(), nullable=False),
        sa.Column("outgoing_lead_ids", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_by_id", sa.Integer(), nullable=True),
        sa.Column("notes_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("sent_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["users.id"], name=op.f("fk_handoffs_acknowledged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["notes_by_id"], ["users.id"], name=op.f("fk_handoffs_notes_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
        sa.UniqueConstraint("at", name=op.f("uq_handoffs_at")),
    )
    op.create_table(
        "shift_check_ins",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("effort", sa.Integer(), nullable=False),
        sa.Column("off_hours_minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("shift_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shift_check_ins_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_check_ins")),
    )
    with op.batch_alter_table("shift_check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shift_check_ins_shift_on"), ["shift_on"], unique=False)
        batch_op.create_index(
            "ix_shift_check_ins_user_shift", ["user_id", "shift_on"], unique=False
        )

    op.create_table(
        "critical_briefs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("event", sa.String(length=24), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("list_names", sa.JSON(), nullable=False),
        sa.Column("deliveries", sa.JSON(), nullable=False),
        sa.Column("sent_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_critical_briefs_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_critical_briefs_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_critical_briefs")),
    )
    with op.batch_alter_table("critical_briefs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_critical_briefs_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("critical_briefs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_critical_briefs_request_id"))

    op.drop_table("critical_briefs")
    with op.batch_alter_table("shift_check_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_check_ins_user_shift")
        batch_op.drop_index(batch_op.f("ix_shift_check_ins_shift_on"))

    op.drop_table("shift_check_ins")
    op.drop_table("handoffs")
    op.drop_table("distribution_lists")
