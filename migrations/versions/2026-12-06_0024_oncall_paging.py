"""on call: escalation policies, triggers, pages, deliveries and acknowledgement links

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-06 02:36:18.405768
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "escalation_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("repeat_count", sa.Integer(), nullable=False),
        sa.Column("fallback_kind", sa.String(length=16), nullable=False),
        sa.Column("fallback_target", sa.String(length=200), nullable=False),
        sa.Column("updated_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_policies")),
        sa.UniqueConstraint("name", name=op.f("uq_escalation_policies_name")),
    )
    op.create_table(
        "escalation_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("timeout_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_escalation_levels_policy_id_escalation_policies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_levels")),
        sa.UniqueConstraint(
            "policy_id", "position", name=op.f("uq_escalation_levels_policy_id_position")
        ),
    )
    with op.batch_alter_table("escalation_levels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_levels_policy_id"), ["policy_id"], unique=False
        )

    op.create_table(
        "paging_triggers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=48), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_paging_triggers_policy_id_escalation_policies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paging_triggers")),
        sa.UniqueConstraint("name", name=op.f("uq_paging_triggers_name")),
    )
    op.create_table(
        "oncall_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=48), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("open_key", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_via", sa.String(length=24), nullable=True),
        sa.Column("resolved_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_oncall_alerts_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"],
            ["escalation_policies.id"],
            name=op.f("fk_oncall_alerts_policy_id_escalation_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_oncall_alerts_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_oncall_alerts_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_alerts")),
        sa.UniqueConstraint("open_key", name=op.f("uq_oncall_alerts_open_key")),
    )
    with op.batch_alter_table("oncall_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_alerts_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index("ix_oncall_alerts_status", ["status", "opened_at"], unique=False)

    op.create_table(
        "oncall_ack_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["oncall_alerts.id"],
            name=op.f("fk_oncall_ack_links_alert_id_oncall_alerts"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oncall_ack_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_ack_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oncall_ack_links_token_hash")),
    )
    with op.batch_alter_table("oncall_ack_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_ack_links_alert_id"), ["alert_id"], unique=False
        )

    op.create_table(
        "oncall_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("contact_method_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["oncall_alerts.id"],
            name=op.f("fk_oncall_deliveries_alert_id_oncall_alerts"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_method_id"],
            ["contact_methods.id"],
            name=op.f("fk_oncall_deliveries_contact_method_id_contact_methods"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oncall_deliveries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_deliveries")),
    )
    with op.batch_alter_table("oncall_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oncall_deliveries_alert_id"), ["alert_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_deliveries_user_id"), ["user_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("oncall_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_deliveries_user_id"))
        batch_op.drop_index(batch_op.f("ix_oncall_deliveries_alert_id"))

    op.drop_table("oncall_deliveries")
    with op.batch_alter_table("oncall_ack_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_ack_links_alert_id"))

    op.drop_table("oncall_ack_links")
    with op.batch_alter_table("oncall_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_oncall_alerts_status")
        batch_op.drop_index(batch_op.f("ix_oncall_alerts_request_id"))

    op.drop_table("oncall_alerts")
    op.drop_table("paging_triggers")
    with op.batch_alter_table("escalation_levels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_levels_policy_id"))

    op.drop_table("escalation_levels")
    op.drop_table("escalation_policies")
