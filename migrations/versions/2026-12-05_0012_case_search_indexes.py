"""case search: the agency's case number and the requester's phone are indexed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 16:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_requests_case_number", "requests", ["case_number"], unique=False)
    op.create_index("ix_requesters_phone", "requesters", ["phone"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_requesters_phone", table_name="requesters")
    op.drop_index("ix_requests_case_number", table_name="requests")
