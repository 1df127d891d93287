"""cybertipline: CyberTipline reports filed from referrals, each as steps run by the worker

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 19:42:28.891484
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cybertipline_filings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("incident_type", sa.String(length=40), nullable=False),
        sa.Column("incident_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("escalate_reason", sa.Text(), nullable=True),
        sa.Column("victim", sa.JSON(), nullable=False),
        sa.Column("content_ids", sa.JSON(), nullable=False),
        sa.Column("reported", sa.JSON(), nullable=False),
        sa.Column("ncmec_report_id", sa.BigInteger(), nullable=True),
        sa.Column("expired_report_ids", sa.JSON(), nullable=False),
        sa.Column("report_xml", sa.Text(), nullable=True),
        sa.Column("hold_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=False),
        sa.Column("filed_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("retracted_by_id", sa.Integer(), nullable=True),
        sa.Column("retracted_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_cybertipline_filings_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["preservation_holds.id"],
            name=op.f("fk_cybertipline_filings_hold_id_preservation_holds"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_cybertipline_filings_referral_id_referrals"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_cybertipline_filings_request_id_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["retracted_by_id"],
            ["users.id"],
            name=op.f("fk_cybertipline_filings_retracted_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cybertipline_filings")),
    )
    with op.batch_alter_table("cybertipline_filings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cybertipline_filings_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cybertipline_filings_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "cybertipline_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "filing_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("ncmec_file_id", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_try_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("done_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["referral_content.id"],
            name=op.f("fk_cybertipline_steps_content_id_referral_content"),
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["cybertipline_filings.id"],
            name=op.f("fk_cybertipline_steps_filing_id_cybertipline_filings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cybertipline_steps")),
    )
    with op.batch_alter_table("cybertipline_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cybertipline_steps_filing_id"), ["filing_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cybertipline_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cybertipline_steps_filing_id"))

    op.drop_table("cybertipline_steps")
    with op.batch_alter_table("cybertipline_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cybertipline_filings_request_id"))
        batch_op.drop_index(batch_op.f("ix_cybertipline_filings_referral_id"))

    op.drop_table("cybertipline_filings")
