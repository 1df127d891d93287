"""Analytics: each case's time in each status it waits in, kept beside its fact row

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 05:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

# The same derivation as `exigent.analytics.status_time`, written out so this migration does
# not change when that code does. Cases without a fact row yet are filled by the facts'
# backfill, which rebuilds this table too.
BACKFILL = """
INSERT INTO analytics_status_time
    (request_id, status, waiting_on, kind, priority, received_at, spent_seconds, open_since,
     visits)
SELECT v.request_id, v.to_status,
    CASE WHEN v.to_status = 'under_review' AND r.request_id IS NOT NULL THEN 'legal'
         WHEN v.to_status IN ('received', 'triaged', 'verifying', 'under_review') THEN 'team'
         WHEN v.to_status = 'need_info' THEN 'requester'
         WHEN v.to_status = 'awaiting_approval' THEN 'approver'
         ELSE 'production' END,
    f.kind, f.priority, f.received_at,
    COALESCE(SUM(CASE WHEN v.left_at IS NOT NULL THEN {seconds} END), 0),
    MAX(CASE WHEN v.left_at IS NULL THEN v.entered_at END),
    COUNT(*)
FROM (
    SELECT request_id, to_status, at AS entered_at,
        LEAD(at) OVER (PARTITION BY request_id ORDER BY at, id) AS left_at
    FROM timeline_events WHERE to_status IS NOT NULL
) AS v
JOIN analytics_case_facts AS f ON f.request_id = v.request_id
LEFT JOIN (
    SELECT c.request_id FROM legal_checks AS c
    JOIN (SELECT MAX(id) AS id FROM legal_checks GROUP BY request_id) AS n ON n.id = c.id
    WHERE c.route = 'legal_review'
) AS r ON r.request_id = v.request_id
WHERE v.to_status IN ('received', 'triaged', 'verifying', 'under_review', 'need_info',
    'awaiting_approval', 'approved', 'producing')
GROUP BY v.request_id, v.to_status, f.kind, f.priority, f.received_at, r.request_id
"""
SECONDS = {
    "postgresql": "EXTRACT(EPOCH FROM v.left_at - v.entered_at)",
    "sqlite": "(julianday(v.left_at) - julianday(v.entered_at)) * 86400.0",
}


def upgrade() -> None:
    op.create_table(
        "analytics_status_time",
        sa.Column(
            "request_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("waiting_on", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("received_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("spent_seconds", sa.Float(), nullable=False),
        sa.Column("open_since", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_analytics_status_time_request_id_requests"),
        ),
        sa.PrimaryKeyConstraint("request_id", "status", name=op.f("pk_analytics_status_time")),
    )
    with op.batch_alter_table("analytics_status_time", schema=None) as batch_op:
        batch_op.create_index(
            "ix_analytics_status_time_step",
            [
                "kind",
                "priority",
                "status",
                "waiting_on",
                "received_at",
                "spent_seconds",
                "open_since",
            ],
            unique=False,
        )
    dialect = op.get_bind().dialect.name
    op.execute(sa.text(BACKFILL.format(seconds=SECONDS[dialect])))


def downgrade() -> None:
    with op.batch_alter_table("analytics_status_time", schema=None) as batch_op:
        batch_op.drop_index("ix_analytics_status_time_step")
    op.drop_table("analytics_status_time")
