"""referral decisions: the legal bases a decision relies on, assessment overrides, referral holds

Revision ID: 0030
Revises: 0027
Create Date: 2026-12-06 19:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0030"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_bases", sa.JSON(), server_default="[]", nullable=False)
        )
    with op.batch_alter_table("threat_assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("override_reason", sa.Text(), nullable=True))
    op.create_table(
        "referral_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=24), nullable=False),
        sa.Column("hold_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["preservation_holds.id"],
            name=op.f("fk_referral_holds_hold_id_preservation_holds"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_referral_holds_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_holds")),
        sa.UniqueConstraint(
            "referral_id",
            "recipient_kind",
            name=op.f("uq_referral_holds_referral_id_recipient_kind"),
        ),
    )
    with op.batch_alter_table("referral_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_holds_referral_id"), ["referral_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("referral_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_holds_referral_id"))
    op.drop_table("referral_holds")
    with op.batch_alter_table("threat_assessments", schema=None) as batch_op:
        batch_op.drop_column("override_reason")
        batch_op.drop_column("suggested")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("legal_bases")
