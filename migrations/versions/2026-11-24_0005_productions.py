"""productions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 16:55:33.533733
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preservation_holds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("as_of", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("released_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_preservation_holds_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_preservation_holds_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preservation_holds")),
    )
    with op.batch_alter_table("preservation_holds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preservation_holds_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "preservation_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hold_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("target_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("target_label", sa.String(length=340), nullable=False),
        sa.Column("account_id", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "size_bytes", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("records", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cutoff", sa.String(length=20), nullable=False),
        sa.Column("taken_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["preservation_holds.id"],
            name=op.f("fk_preservation_snapshots_hold_id_preservation_holds"),
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_preservation_snapshots_target_id_targets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preservation_snapshots")),
    )
    with op.batch_alter_table("preservation_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preservation_snapshots_hold_id"), ["hold_id"], unique=False
        )

    op.create_table(
        "productions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "decision_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("adapter", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column(
            "record_count", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("package_path", sa.String(length=1000), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("cover_letter_sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("built_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_productions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_productions_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_productions_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productions")),
    )
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_productions_request_id"), ["request_id"], unique=False)

    op.create_table(
        "custody_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "production_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("hold_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_custody_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"],
            ["preservation_holds.id"],
            name=op.f("fk_custody_events_hold_id_preservation_holds"),
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_custody_events_production_id_productions"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_custody_events_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custody_events")),
    )
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_events_hold_id"), ["hold_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_custody_events_production_id"), ["production_id"], unique=False
        )
        batch_op.create_index("ix_custody_events_request", ["request_id", "id"], unique=False)

    op.create_table(
        "delivery_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "production_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_delivery_links_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_delivery_links_production_id_productions"),
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_delivery_links_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_delivery_links_token_hash")),
    )
    with op.batch_alter_table("delivery_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delivery_links_production_id"), ["production_id"], unique=False
        )

    op.create_table(
        "download_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "production_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["delivery_links.id"],
            name=op.f("fk_download_attempts_link_id_delivery_links"),
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_download_attempts_production_id_productions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_download_attempts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_attempts")),
    )
    with op.batch_alter_table("download_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_download_attempts_link_id"), ["link_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_download_attempts_production_id"), ["production_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("download_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_download_attempts_production_id"))
        batch_op.drop_index(batch_op.f("ix_download_attempts_link_id"))

    op.drop_table("download_attempts")
    with op.batch_alter_table("delivery_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_links_production_id"))

    op.drop_table("delivery_links")
    with op.batch_alter_table("custody_events", schema=None) as batch_op:
        batch_op.drop_index("ix_custody_events_request")
        batch_op.drop_index(batch_op.f("ix_custody_events_production_id"))
        batch_op.drop_index(batch_op.f("ix_custody_events_hold_id"))

    op.drop_table("custody_events")
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_productions_request_id"))

    op.drop_table("productions")
    with op.batch_alter_table("preservation_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preservation_snapshots_hold_id"))

    op.drop_table("preservation_snapshots")
    with op.batch_alter_table("preservation_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preservation_holds_request_id"))

    op.drop_table("preservation_holds")
