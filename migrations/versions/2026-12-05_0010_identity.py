"""identity: sessions record their door and proof, staff second factor, sign-in throttling,
verified portal accounts, everyone who had a hand in a decision, scoped API tokens

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("door", sa.String(length=10), nullable=False, server_default="staff")
        )
        batch_op.add_column(
            sa.Column("proof", sa.String(length=20), nullable=False, server_default="password")
        )
    # Sessions opened before doors existed proved nothing this release trusts: end them.
    op.execute("UPDATE web_sessions SET ended_at = CURRENT_TIMESTAMP WHERE ended_at IS NULL")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("totp_enrolled_at", exigent.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scopes", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_created_by_id_users"), "users", ["created_by_id"], ["id"]
        )
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verified_at", exigent.db.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("verified_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_portal_accounts_verified_by_id_users"),
            "users",
            ["verified_by_id"],
            ["id"],
        )
    # Accounts staff had already verified keep their link; the others lose the requester
    # they claimed at registration until staff verify them.
    op.execute(
        "UPDATE portal_accounts SET verified_at = created_at WHERE requester_id IN "
        "(SELECT id FROM requesters WHERE status = 'verified')"
    )
    op.execute(
        "UPDATE users SET requester_id = NULL WHERE id IN "
        "(SELECT user_id FROM portal_accounts WHERE verified_at IS NULL)"
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_failures")),
    )
    op.create_table(
        "decision_hands",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_hands_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_decision_hands_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_hands")),
        sa.UniqueConstraint(
            "decision_id", "user_id", name=op.f("uq_decision_hands_decision_id_user_id")
        ),
    )
    with op.batch_alter_table("decision_hands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_hands_decision_id"), ["decision_id"], unique=False
        )
    # Decisions drafted before this release: their drafter is the one hand on record.
    op.execute(
        "INSERT INTO decision_hands (decision_id, user_id, first_at) "
        "SELECT id, drafted_by_id, created_at FROM decisions"
    )


def downgrade() -> None:
    with op.batch_alter_table("decision_hands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_hands_decision_id"))
    op.drop_table("decision_hands")
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("portal_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_portal_accounts_verified_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("verified_by_id")
        batch_op.drop_column("verified_at")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_tokens_created_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("scopes")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enrolled_at")
        batch_op.drop_column("totp_secret")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_column("proof")
        batch_op.drop_column("door")
