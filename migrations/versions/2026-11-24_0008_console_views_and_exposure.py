"""console saved views and content exposure events

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-24 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.String(length=2000), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_views_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_views_user_id_name")),
    )
    with op.batch_alter_table("saved_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_views_user_id"), ["user_id"], unique=False)
    op.create_table(
        "exposure_events",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("request_id", BigId, nullable=False),
        sa.Column("document_id", BigId, nullable=False),
        sa.Column("harm_category", sa.String(length=32), nullable=False),
        sa.Column("revealed_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("shift_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_exposure_events_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_exposure_events_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_exposure_events_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_events")),
    )
    with op.batch_alter_table("exposure_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exposure_events_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index("ix_exposure_events_shift", ["shift_on"], unique=False)
        batch_op.create_index(
            "ix_exposure_events_user_shift", ["user_id", "shift_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exposure_events", schema=None) as batch_op:
        batch_op.drop_index("ix_exposure_events_user_shift")
        batch_op.drop_index("ix_exposure_events_shift")
        batch_op.drop_index(batch_op.f("ix_exposure_events_request_id"))
    op.drop_table("exposure_events")
    with op.batch_alter_table("saved_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_views_user_id"))
    op.drop_table("saved_views")
