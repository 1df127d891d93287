"""Analytics: surge alerts, and the paging trigger that announces them

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 03:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_surge_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("harm", sa.String(length=32), nullable=False),
        sa.Column("opened_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.Column("request_ids", sa.JSON(), nullable=False),
        sa.Column("top_source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_surge_alerts")),
    )
    with op.batch_alter_table("analytics_surge_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_surge_alerts_series", ["kind", "harm", "ended_at"], unique=False
        )
    # A surge pages with a low severity through the policy for clocks and risks, where the
    # on-call defaults exist already; on a fresh database the detector adds the row itself.
    op.execute(
        sa.text(
            "INSERT INTO paging_triggers (name, label, enabled, policy_id, severity) "
            "SELECT 'volume_surge', 'Volume of a kind of case far above its baseline', "
            ":enabled, id, 'info' FROM escalation_policies WHERE name = 'Clocks and risks' "
            "AND NOT EXISTS (SELECT 1 FROM paging_triggers WHERE name = 'volume_surge')"
        ).bindparams(enabled=True)
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM paging_triggers WHERE name = 'volume_surge'"))
    with op.batch_alter_table("analytics_surge_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_surge_alerts_series")
    op.drop_table("analytics_surge_alerts")
