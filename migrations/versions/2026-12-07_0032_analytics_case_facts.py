"""Analytics: one narrow fact row per case, for dashboards and transparency reports

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 02:50:02.052305
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_case_facts",
        sa.Column(
            "request_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("received_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("hour_of_week", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("harm", sa.String(length=32), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("agency_type", sa.String(length=60), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("preservation", sa.Boolean(), nullable=False),
        sa.Column("nondisclosure", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_due_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decide_due_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledge_seconds", sa.Integer(), nullable=True),
        sa.Column("decide_seconds", sa.Integer(), nullable=True),
        sa.Column("deliver_seconds", sa.Integer(), nullable=True),
        sa.Column("fraud_level", sa.String(length=16), nullable=True),
        sa.Column("fraud_signals", sa.JSON(), nullable=False),
        sa.Column("fraud_caught_by", sa.String(length=24), nullable=True),
        sa.Column("fraud_caught_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_analytics_case_facts_request_id_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_analytics_case_facts")),
    )
    with op.batch_alter_table("analytics_case_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_case_facts_assignee", ["assignee_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_analytics_case_facts_open", ["is_open", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_analytics_case_facts_received", ["received_at", "kind"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("analytics_case_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_case_facts_received")
        batch_op.drop_index("ix_analytics_case_facts_open")
        batch_op.drop_index("ix_analytics_case_facts_assignee")

    op.drop_table("analytics_case_facts")
