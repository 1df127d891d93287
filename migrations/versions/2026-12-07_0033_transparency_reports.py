"""Analytics: each transparency report kept with how it was counted and its output's digest

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_transparency_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_since", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("period_until", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("layout", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("preservation_in_totals", sa.Boolean(), nullable=False),
        sa.Column("national_security_band", sa.Integer(), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("code_version", sa.String(length=60), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_by", sa.String(length=320), nullable=False),
        sa.Column("generated_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=60), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["generated_by_id"],
            ["users.id"],
            name=op.f("fk_analytics_transparency_reports_generated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_transparency_reports")),
    )


def downgrade() -> None:
    op.drop_table("analytics_transparency_reports")
