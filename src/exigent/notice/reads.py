"""Reads of user notices: through the case's read scope, and on the audit record.

A notice is case data about a person (their address, the text they are to get), so it is
read like the case: only by someone who may read the case, who otherwise gets the same 404
whether the notice exists or not (never which case it belongs to); and every read says on
the audit record who read which notices, in the reader's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.errors import NotFound
from exigent.notice.models import UserNotice
from exigent.notice.service import notices_for


def case_notices(session: Session, user: User, request_id: int) -> tuple[Request, list[UserNotice]]:
    """The case and its notices, if the user may read the case; 404 otherwise."""
    case = cases.load_for(session, user, request_id)
    return case, notices_for(session, case.id)


def notice_for(session: Session, user: User, notice_id: int) -> tuple[UserNotice, Request]:
    """One notice and its case, if the user may read the case; the same 404 as a notice
    that does not exist otherwise."""
    notice = session.get(UserNotice, notice_id)
    if notice is not None:
        try:
            return notice, cases.load_for(session, user, notice.request_id)
        except NotFound:
            pass
    raise NotFound(f"no user notice {notice_id} that you can see")


def record_notices_listed(
    session: Session, user: User, request_id: int, notices: Sequence[UserNotice]
) -> None:
    """A case's notices listed, with the ones shown."""
    record_event(
        session,
        actor=actor_for(user),
        action="notice.list",
        object_type="request",
        object_id=request_id,
        detail={"ids": [n.id for n in notices]},
    )


def record_notice_read(session: Session, user: User, notice: UserNotice) -> None:
    """One notice read, with its text and recipient."""
    record_event(
        session,
        actor=actor_for(user),
        action="notice.read",
        object_type="user_notice",
        object_id=notice.id,
        detail={"request_id": notice.request_id},
    )
