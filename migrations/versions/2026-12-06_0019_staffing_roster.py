"""staffing roster

Revision ID: 0019
Revises: 0014
Create Date: 2026-12-05 23:39:07.136332
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import exigent.db

revision = "0019"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coverage_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverage_requirements")),
    )
    op.create_table(
        "shift_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("local_start", sa.Time(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("forbidden_successors", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_types")),
        sa.UniqueConstraint("code", name=op.f("uq_shift_types_code")),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_calendar_feeds_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feeds_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_type_id"], ["shift_types.id"], name=op.f("fk_shifts_shift_type_id_shift_types")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_shifts_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shifts")),
    )
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.create_index("ix_shifts_starts", ["starts_at"], unique=False)
        batch_op.create_index("ix_shifts_user_starts", ["user_id", "starts_at"], unique=False)

    op.create_table(
        "staff_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("contracted_minutes_per_week", sa.Integer(), nullable=False),
        sa.Column("max_nights", sa.Integer(), nullable=False),
        sa.Column("max_weekends", sa.Integer(), nullable=False),
        sa.Column("earliest_start", sa.Time(), nullable=True),
        sa.Column("latest_start", sa.Time(), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_profiles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_profiles")),
    )
    op.create_table(
        "time_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_time_off_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_time_off_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_off")),
    )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.create_index("ix_time_off_user_starts", ["user_id", "starts_on"], unique=False)

    op.create_table(
        "swaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=True),
        sa.Column("return_shift_id", sa.Integer(), nullable=True),
        sa.Column("filed_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", exigent.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", exigent.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_swaps_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_swaps_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name=op.f("fk_swaps_from_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["return_shift_id"], ["shifts.id"], name=op.f("fk_swaps_return_shift_id_shifts")
        ),
        sa.ForeignKeyConstraint(["shift_id"], ["shifts.id"], name=op.f("fk_swaps_shift_id_shifts")),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["users.id"], name=op.f("fk_swaps_to_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_swaps")),
    )
    with op.batch_alter_table("swaps", schema=None) as batch_op:
        batch_op.create_index("ix_swaps_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("swaps", schema=None) as batch_op:
        batch_op.drop_index("ix_swaps_status")

    op.drop_table("swaps")
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_index("ix_time_off_user_starts")

    op.drop_table("time_off")
    op.drop_table("staff_profiles")
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_shifts_user_starts")
        batch_op.drop_index("ix_shifts_starts")

    op.drop_table("shifts")
    with op.batch_alter_table("calendar_feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feeds_owner_id"))

    op.drop_table("calendar_feeds")
    op.drop_table("shift_types")
    op.drop_table("coverage_requirements")
