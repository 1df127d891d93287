"""audit log viewer: each event's case, indexes for its filters, and the chain's checks

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BigSeq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# An event's case, as `audit.service.case_of` derives it: the object itself when it is a
# request, else the `request_id` its detail names (a whole number, not a boolean).
BACKFILL = {
    "sqlite": [
        "UPDATE audit_events SET case_id = CAST(object_id AS INTEGER) "
        "WHERE object_type = 'request' AND length(object_id) BETWEEN 1 AND 9 "
        "AND object_id NOT GLOB '*[^0-9]*'",
        "UPDATE audit_events SET case_id = json_extract(detail, '$.request_id') "
        "WHERE case_id IS NULL AND json_type(detail, '$.request_id') = 'integer' "
        "AND json_extract(detail, '$.request_id') BETWEEN 0 AND 999999999",
    ],
    "postgresql": [
        "UPDATE audit_events SET case_id = CAST(object_id AS INTEGER) "
        "WHERE object_type = 'request' AND object_id ~ '^[0-9]{1,9}$'",
        "UPDATE audit_events SET case_id = CAST(detail->>'request_id' AS INTEGER) "
        "WHERE case_id IS NULL AND json_typeof(detail->'request_id') = 'number' "
        "AND detail->>'request_id' ~ '^[0-9]{1,9}$'",
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.drop_index("ix_audit_events_action")
    for statement in BACKFILL[op.get_bind().dialect.name]:
        op.execute(statement)
    op.create_index("ix_audit_events_at", "audit_events", ["at", "seq"])
    op.create_index("ix_audit_events_case", "audit_events", ["case_id", "at", "seq"])
    op.create_index("ix_audit_events_actor", "audit_events", ["actor", "at", "seq"])
    op.create_index("ix_audit_events_action", "audit_events", ["action", "at", "seq"])
    op.create_table(
        "audit_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events_checked", BigSeq, nullable=False),
        sa.Column("intact", sa.Boolean(), nullable=True),
        sa.Column("broken_seq", BigSeq, nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checks")),
    )
    op.create_index("ix_audit_checks_finished_at", "audit_checks", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_checks_finished_at", table_name="audit_checks")
    op.drop_table("audit_checks")
    for name in ("action", "actor", "case", "at"):
        op.drop_index(f"ix_audit_events_{name}", table_name="audit_events")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("case_id")
        batch_op.create_index("ix_audit_events_action", ["action"], unique=False)
