"""Analytics: one index over a period's fact rows holding every column the panels read, and
the fraud rows' own indexes

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 06:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

# Received time first, then what the dashboards, the surge check and the transparency report
# group, filter and count by: a period's panels read this index alone, in received order,
# instead of fetching each fact row from wherever its case id put it.
PERIOD_COLUMNS = [
    "received_at",
    "kind",
    "harm",
    "hour_of_week",
    "priority",
    "country",
    "outcome",
    "channel",
    "agency_type",
    "agency_id",
    "assignee_id",
    "is_open",
    "nondisclosure",
    "accounts",
    "acknowledged_at",
    "acknowledge_due_at",
    "decided_at",
    "decide_due_at",
    "acknowledge_seconds",
    "decide_seconds",
    "deliver_seconds",
    "fraud_level",
    "fraud_caught_by",
    "request_id",
]


def upgrade() -> None:
    op.create_index("ix_analytics_case_facts_period", "analytics_case_facts", PERIOD_COLUMNS)
    # The fraud panel wants the few rows assessed high risk or caught, whenever received:
    # each condition of its OR gets its own index, so neither database scans the period.
    op.create_index(
        "ix_analytics_case_facts_fraud_level",
        "analytics_case_facts",
        ["fraud_level", "received_at"],
    )
    op.create_index(
        "ix_analytics_case_facts_fraud_caught",
        "analytics_case_facts",
        ["fraud_caught_by", "received_at"],
    )
    # Both are prefixes or subsets of the new index.
    op.drop_index("ix_analytics_case_facts_received", table_name="analytics_case_facts")
    op.drop_index("ix_analytics_case_facts_outcome", table_name="analytics_case_facts")


def downgrade() -> None:
    op.create_index(
        "ix_analytics_case_facts_outcome",
        "analytics_case_facts",
        ["received_at", "country", "outcome", "accounts"],
    )
    op.create_index(
        "ix_analytics_case_facts_received", "analytics_case_facts", ["received_at", "kind"]
    )
    op.drop_index("ix_analytics_case_facts_fraud_caught", table_name="analytics_case_facts")
    op.drop_index("ix_analytics_case_facts_fraud_level", table_name="analytics_case_facts")
    op.drop_index("ix_analytics_case_facts_period", table_name="analytics_case_facts")
