"""Reachability handed down to the roster's readiness check: staffing may not read on call."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.oncall.models import ContactMethod


def with_contact_method(session: Session, user_ids: Collection[int]) -> set[int]:
    """Those of `user_ids` with at least one enabled contact method."""
    if not user_ids:
        return set()
    return set(
        session.scalars(
            select(ContactMethod.user_id)
            .where(ContactMethod.user_id.in_(list(user_ids)), ContactMethod.enabled.is_(True))
            .distinct()
        )
    )
