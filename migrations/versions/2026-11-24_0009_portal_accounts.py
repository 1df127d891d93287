"""portal accounts: officers' accounts, confirmation links, recovery codes

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-24 16:44:13.766079
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("badge_number", sa.String(length=100), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("agency_name", sa.String(length=300), nullable=False),
        sa.Column("agency_country", sa.String(length=2), nullable=False),
        sa.Column("agency_state", sa.String(length=10), nullable=True),
        sa.Column("supervisor_name", sa.String(length=300), nullable=True),
        sa.Column("supervisor_phone", sa.String(length=32), nullable=True),
        sa.Column("domain_standing", sa.String(length=16), nullable=False),
        sa.Column("domain_note", sa.Text(), nullable=True),
        sa.Column("email_confirmed_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("totp_secret", sa.String(length=200), nullable=True),
        sa.Column("totp_enrolled_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["requesters.id"],
            name=op.f("fk_portal_accounts_requester_id_requesters"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_portal_accounts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_accounts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_portal_accounts_user_id")),
    )
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_accounts_requester_id"), ["requester_id"], unique=False
        )

    op.create_table(
        "portal_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_portal_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_recovery_codes")),
    )
    with op.batch_alter_table("portal_recovery_codes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_recovery_codes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "portal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_portal_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_portal_tokens_token_hash")),
    )
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_tokens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("portal_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_tokens_user_id"))

    op.drop_table("portal_tokens")
    with op.batch_alter_table("portal_recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_recovery_codes_user_id"))

    op.drop_table("portal_recovery_codes")
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_accounts_requester_id"))

    op.drop_table("portal_accounts")
