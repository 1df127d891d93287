"""Refused attempts to get round a rule: an error that is also written to the audit log.

The transaction that tried is rolled back, so the refusal cannot be recorded in it; the API
records it in a fresh transaction once the request's own session is closed (`install`).
Callers outside HTTP that catch `Refused` call `record_refusal` themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for
from exigent.errors import ExigentError


class Refused(ExigentError):
    """403 or 409 for an attempt the rules forbid, carrying what the audit log should say."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        actor: Actor,
        action: str,
        object_type: str,
        object_id: int | None,
        **detail: Any,
    ) -> None:
        super().__init__(message, status_code=status_code, **detail)
        self.actor = actor
        self.action = action
        self.object_type = object_type
        self.object_id = object_id


def refuse(
    user: User,
    message: str,
    *,
    status_code: int,
    action: str,
    request_id: int | None,
    **detail: Any,
) -> Refused:
    """A refusal of `user`'s attempt at `action` on a case, to be raised."""
    return Refused(
        message,
        status_code=status_code,
        actor=actor_for(user),
        action=f"{action}.refused",
        object_type="request",
        object_id=request_id,
        **detail,
    )


def require_or_refuse(
    user: User, permission: Permission, *, action: str, request_id: int | None
) -> None:
    """`require`, but the refusal is audited: a role trying what it may not is worth knowing."""
    if not user_can(user, permission):
        raise refuse(
            user,
            f"your role ({user.role}) does not allow {permission}",
            status_code=403,
            action=action,
            request_id=request_id,
        )


def record_refusal(factory: sessionmaker[Session], refused: Refused) -> None:
    """Write the refusal in its own transaction and commit it."""
    with factory() as session:
        record_event(
            session,
            actor=refused.actor,
            action=refused.action,
            object_type=refused.object_type,
            object_id=refused.object_id,
            detail={"reason": refused.message, "status": refused.status_code, **refused.detail},
        )
        session.commit()
