"""Requesters: the people who send requests, one row per address, made on first sight."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.cases.models import Requester
from exigent.db import insert_ignoring_conflict


def requester_id_for_email(session: Session, email: str, now: datetime) -> int:
    """The requester row of an address, made on first sight."""
    email = email.strip().lower()
    insert_ignoring_conflict(
        session,
        Requester,
        {"email": email, "first_seen_at": now, "last_seen_at": now, "status": "unverified"},
        conflict_on=["email"],
    )
    return session.execute(select(Requester.id).where(Requester.email == email)).scalar_one()
