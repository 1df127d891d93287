"""JSON routes for user notices: list a case's notices, read one, decide. Thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.cases import service as cases
from exigent.cases.api import CaseId
from exigent.db import MAX_ID, utcnow
from exigent.notice import reads, service
from exigent.notice.models import UserNotice
from exigent.notice.schemas import NoticeDecisionIn, NoticeRead
from exigent.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1", tags=["notice"])

NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="the user notice's id")]


def _read(notice: UserNotice) -> NoticeRead:
    return NoticeRead.model_validate(notice, from_attributes=True)


@router.get("/requests/{request_id}/notices", response_model=list[NoticeRead])
def list_notices(request_id: CaseId, session: SessionDep, user: CurrentUser) -> list[NoticeRead]:
    """The case's user notices, one per target (staff only)."""
    require(user, Permission.request_read_all)
    case, found = reads.case_notices(session, user, request_id)
    result = [_read(n) for n in found]
    cases.record_read(session, user, case)
    reads.record_notices_listed(session, user, case.id, found)
    session.commit()
    return result


@router.get("/notices/{notice_id}", response_model=NoticeRead)
def get_notice(notice_id: NoticeId, session: SessionDep, user: CurrentUser) -> NoticeRead:
    """One notice with its draft text (staff only)."""
    require(user, Permission.request_read_all)
    notice, case = reads.notice_for(session, user, notice_id)
    result = _read(notice)
    cases.record_read(session, user, case)
    reads.record_notice_read(session, user, notice)
    session.commit()
    return result


@router.post("/notices/{notice_id}/decision", response_model=NoticeRead)
def decide(
    notice_id: NoticeId, body: NoticeDecisionIn, session: SessionDep, user: CurrentUser
) -> NoticeRead:
    """Send, resend, withhold (with a reason), edit the text, hold under an order or release."""
    require(user, Permission.request_read_all)
    notice, case = reads.notice_for(session, user, notice_id)
    service.decide(session, user=user, request=case, notice=notice, decision=body, now=utcnow())
    result = _read(notice)
    session.commit()
    return result
