"""Workload: case actions and exposure of a period, read by time

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 06:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_timeline_events_at_actor", "timeline_events", ["at", "actor_id"])
    op.create_index("ix_exposure_events_revealed", "exposure_events", ["revealed_at"])


def downgrade() -> None:
    op.drop_index("ix_exposure_events_revealed", table_name="exposure_events")
    op.drop_index("ix_timeline_events_at_actor", table_name="timeline_events")
