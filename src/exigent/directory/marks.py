"""Appending trust marks, which every process's request history catches up on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.directory.models import MarkSubject, VerificationMark


def append_mark(
    session: Session,
    *,
    user: User,
    subject: MarkSubject,
    subject_id: int,
    status: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Record a requester's or agency's new standing, or a callback's outcome on a case."""
    session.add(
        VerificationMark(
            subject_type=subject,
            subject_id=subject_id,
            status=str(status),
            reason=reason,
            created_by_id=user.id,
            at=now,
        )
    )
