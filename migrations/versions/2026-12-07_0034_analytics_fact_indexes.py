"""Analytics: covering indexes for the SLA and outcome panels over a period

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 03:27:00
"""

from __future__ import annotations

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_analytics_case_facts_sla",
        "analytics_case_facts",
        ["priority", "received_at", "decide_seconds"],
    )
    op.create_index(
        "ix_analytics_case_facts_outcome",
        "analytics_case_facts",
        ["received_at", "country", "outcome", "accounts"],
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_case_facts_outcome", table_name="analytics_case_facts")
    op.drop_index("ix_analytics_case_facts_sla", table_name="analytics_case_facts")
