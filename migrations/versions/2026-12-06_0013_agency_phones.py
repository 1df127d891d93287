"""agency directory: every number of an agency with its source, where a domain was confirmed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agency_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=150), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("retired_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("retired_by_id", sa.Integer(), nullable=True),
        sa.Column("retired_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agency_phones_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_agency_phones_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_agency_phones_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["retired_by_id"], ["users.id"], name=op.f("fk_agency_phones_retired_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_phones")),
    )
    op.create_index(op.f("ix_agency_phones_agency_id"), "agency_phones", ["agency_id"])
    with op.batch_alter_table("agency_domains", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_note", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_agency_domains_added_by_id_users"), "users", ["added_by_id"], ["id"]
        )
    # The numbers agencies already have join their list, with the source they were given.
    op.execute(
        "INSERT INTO agency_phones (agency_id, number, source_kind, source, added_at) "
        "SELECT id, verified_phone, "
        "CASE WHEN phone_source IN ('agency_website', 'directory', 'prior_callback') "
        "THEN phone_source ELSE 'directory' END, "
        "substr(COALESCE(phone_source, 'recorded before sources were kept'), 1, 150), "
        "COALESCE(updated_at, created_at) "
        "FROM agencies WHERE verified_phone IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("agency_domains", schema=None) as batch_op:
        batch_op.drop_constraint("fk_agency_domains_added_by_id_users", type_="foreignkey")
        batch_op.drop_column("added_by_id")
        batch_op.drop_column("source_note")
    op.drop_index(op.f("ix_agency_phones_agency_id"), table_name="agency_phones")
    op.drop_table("agency_phones")
