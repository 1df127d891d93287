"""Fraud risk: a database that already scores with a weights table gets the learned table as
its next version

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from exigent.db import UtcDateTime, utcnow
from exigent.verification.weight_sets import shipped_document
from exigent.versions import document_digest

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

REASON = (
    "Weights learned from labelled requests (logistic regression, cross-validated by agency, "
    "recalibrated): the score is now on a log-odds scale and each level a probability band. "
    "Earlier versions, and any edits in them, stay in the history."
)

_TABLE = sa.table(
    "risk_weight_sets",
    sa.column("version", sa.Integer),
    sa.column("document", sa.JSON),
    sa.column("digest", sa.String),
    sa.column("reason", sa.Text),
    sa.column("created_by", sa.String),
    sa.column("created_at", UtcDateTime(timezone=True)),
)


def upgrade() -> None:
    # An empty table is seeded with the shipped (learned) file on first use; only a table that
    # already holds hand-set versions needs the learned one added on top, as a new version, so
    # scores made before keep pointing at the weights they were made with.
    bind = op.get_bind()
    newest = bind.execute(
        sa.select(_TABLE.c.version, _TABLE.c.digest).order_by(_TABLE.c.version.desc()).limit(1)
    ).first()
    document = shipped_document()
    digest = document_digest(document)
    if newest is None or newest.digest == digest:
        return
    bind.execute(
        _TABLE.insert().values(
            version=newest.version + 1,
            document=document,
            digest=digest,
            reason=REASON,
            created_by="weights-seed",
            created_at=utcnow(),
        )
    )


def downgrade() -> None:
    # The added version stays: versions are only ever added, and scores may point at it.
    pass
