"""POST /api/v1/escalations: the moderation system raises a risk it found; it becomes a
referral case, answered once committed. A retry with the same Idempotency-Key and body
answers the same case (200)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.intake.escalations import Raised, raise_escalation
from exigent.referrals.models import RaisedVia
from exigent.referrals.schemas import EscalationIn
from exigent.web.deps import CurrentUser, FileStoreDep, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/escalations", tags=["escalations"])


def _raiser(user: CurrentUser) -> User:
    # Before the body is read: a caller who may not raise learns nothing about its shape.
    require(user, Permission.referral_raise)
    return user


Raiser = Annotated[User, Depends(_raiser)]


class EscalationRead(BaseModel):
    id: int
    reference: str
    kind: str
    priority: str
    status: str
    referral_id: int
    harm_type: str
    imminent: bool
    content_sha256: list[str]
    url: str


@router.post(
    "",
    status_code=201,
    response_model=EscalationRead,
    responses={200: {"description": "a retry of an earlier escalation"}},
)
def create_escalation(
    user: Raiser,
    escalation: EscalationIn,
    session: SessionDep,
    store: FileStoreDep,
    settings: SettingsDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Raise an escalation (needs `referral.raise`). Missing harm type or content is a 422
    naming the field, and nothing is written."""

    def attempt() -> Raised:
        raised = raise_escalation(
            session,
            user=user,
            escalation=escalation,
            raised_via=RaisedVia.api,
            store=store,
            max_file_bytes=settings.max_upload_bytes,
            idempotency_key=idempotency_key,
        )
        session.commit()
        return raised

    try:
        raised = attempt()
    except IntegrityError:
        # A retry sent before the first answer came back committed the key first: this one
        # is now a replay of it (or a conflict, if its body differs).
        session.rollback()
        raised = attempt()
    case, referral = raised.case, raised.referral
    body = EscalationRead(
        id=case.id,
        reference=case.reference,
        kind=str(case.kind),
        priority=str(case.priority),
        status=str(case.status),
        referral_id=referral.id,
        harm_type=str(referral.harm_type),
        imminent=referral.imminent,
        content_sha256=[c.file_sha256 for c in referral.content if c.file_sha256],
        url=f"/console/cases/{case.id}",
    )
    headers = {"Location": f"/api/v1/requests/{case.id}"}
    if not raised.created:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        body.model_dump_json(),
        status_code=201 if raised.created else 200,
        media_type="application/json",
        headers=headers,
    )
