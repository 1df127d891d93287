"""referrals: the risks the team finds itself, their assessments, recipients and outcomes

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 07:19:04.558116
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("harm_type", sa.String(length=32), nullable=False),
        sa.Column("imminent", sa.Boolean(), nullable=False),
        sa.Column("raised_via", sa.String(length=16), nullable=False),
        sa.Column("reporting_team", sa.String(length=120), nullable=False),
        sa.Column("source_reference", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("location", sa.JSON(), nullable=False),
        sa.Column("offence_country", sa.String(length=2), nullable=True),
        sa.Column("suspect_country", sa.String(length=2), nullable=True),
        sa.Column("victim_country", sa.String(length=2), nullable=True),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("age_note", sa.String(length=300), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["users.id"], name=op.f("fk_referrals_raised_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_referrals_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("request_id", name=op.f("uq_referrals_request_id")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referrals_follow_up_due_at"), ["follow_up_due_at"], unique=False
        )

    op.create_table(
        "referral_content",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=2000), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("media_type", sa.String(length=120), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("published_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("published_offset_minutes", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_content_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_content")),
    )
    with op.batch_alter_table("referral_content", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_content_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "threat_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_bases", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["users.id"], name=op.f("fk_threat_assessments_assessor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_threat_assessments_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_assessments")),
    )
    with op.batch_alter_table("threat_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_threat_assessments_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "referral_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("ori", sa.String(length=16), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column(
            "production_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("sent_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_referral_recipients_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"], ["users.id"], name=op.f("fk_referral_recipients_chosen_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_referral_recipients_production_id_productions"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_recipients_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_recipients")),
    )
    with op.batch_alter_table("referral_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_recipients_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_referral_recipients_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "referral_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("called_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("spoke_with", sa.String(length=300), nullable=True),
        sa.Column("their_reference", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("logged_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["users.id"], name=op.f("fk_referral_calls_logged_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["referral_recipients.id"],
            name=op.f("fk_referral_calls_recipient_id_referral_recipients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_calls")),
    )
    with op.batch_alter_table("referral_calls", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_calls_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "referral_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("learned_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["referral_recipients.id"],
            name=op.f("fk_referral_outcomes_recipient_id_referral_recipients"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_referral_outcomes_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_outcomes_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_outcomes")),
    )
    with op.batch_alter_table("referral_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_referral_outcomes_referral_id"), ["referral_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("referral_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_outcomes_referral_id"))

    op.drop_table("referral_outcomes")
    with op.batch_alter_table("referral_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_calls_recipient_id"))

    op.drop_table("referral_calls")
    with op.batch_alter_table("referral_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_recipients_referral_id"))
        batch_op.drop_index(batch_op.f("ix_referral_recipients_agency_id"))

    op.drop_table("referral_recipients")
    with op.batch_alter_table("threat_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_threat_assessments_referral_id"))

    op.drop_table("threat_assessments")
    with op.batch_alter_table("referral_content", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_content_referral_id"))

    op.drop_table("referral_content")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_follow_up_due_at"))

    op.drop_table("referrals")
