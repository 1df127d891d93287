"""The user-notice panel of a console case: an htmx fragment and its decisions. Thin.

The case page loads the panel after it renders (`hx-trigger="load"`); each decision posts
to this router and the answer is the panel again, with the refusal or the problem inline.
Without htmx a successful decision goes back to the case page (Post/Redirect/Get).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases import service as cases
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError, describe_validation_error
from exigent.notice import reads, service
from exigent.notice.schemas import NoticeAction, NoticeDecisionIn
from exigent.web.deps import CaseId, Reader, RowId, SessionDep, SessionFactoryDep
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)

NoticeId = RowId
DONE = {
    NoticeAction.send: "Approved to send; it leaves once the outbox hands it to the relay.",
    NoticeAction.resend: "Queued to be sent again.",
    NoticeAction.withhold: "Notice withheld.",
    NoticeAction.edit: "Notice text saved.",
    NoticeAction.hold: "Notice held under the non-disclosure order.",
    NoticeAction.release: "Hold released.",
}


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    flash: str | None = None,
    error: tuple[int, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    case, notices = reads.case_notices(session, user, case_id)
    now = utcnow()
    cases.record_read(session, user, case)
    reads.record_notices_listed(session, user, case.id, notices)
    session.commit()
    return templates.TemplateResponse(
        request,
        "notice/_panel.html",
        {
            "c": case,
            "notices": notices,
            "in_force": {n.id: service.order_in_force(n, now) for n in notices},
            "user": user,
            "csrf_token": getattr(request.state, "csrf_token", None),
            "flash": flash,
            "error": error,
            "today": now.date(),
        },
        status_code=status_code,
    )


@router.get("/cases/{case_id}/notices", response_class=HTMLResponse)
def notice_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> HTMLResponse:
    """The case's notices, one per target, with the decisions the user may take."""
    return _panel(request, session, user, case_id)


def _decision(action: str, fields: dict[str, str]) -> NoticeDecisionIn:
    """The form as the service's decision; empty fields mean "not given"."""
    given: dict[str, Any] = {"action": action}
    for name in ("reason", "subject", "body", "recipient"):
        value = fields.get(name, "")
        if value.strip():
            given[name] = value
    expires = fields.get("order_expires_on", "").strip()
    if expires:
        try:
            given["order_expires_on"] = date.fromisoformat(expires)
        except ValueError:
            raise BadInput(
                f"order_expires_on: {expires!r} is not a date like 2027-01-31",
                field="order_expires_on",
            ) from None
    try:
        return NoticeDecisionIn.model_validate(given)
    except ValidationError as exc:
        problem = describe_validation_error(exc)[0]
        raise BadInput(f"{problem['field']}: {problem['problem']}") from None


@router.post("/notices/{notice_id}/{action}", response_class=HTMLResponse)
def decide(
    notice_id: NoticeId,
    action: NoticeAction,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    reason: Annotated[str, Form(max_length=4000)] = "",
    subject: Annotated[str, Form(max_length=300)] = "",
    body: Annotated[str, Form(max_length=20_000)] = "",
    recipient: Annotated[str, Form(max_length=320)] = "",
    order_expires_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Send, withhold, edit, hold or release one notice; answer with the panel again."""
    notice, case = reads.notice_for(session, user, notice_id)
    case_id = case.id
    fields = {
        "reason": reason,
        "subject": subject,
        "body": body,
        "recipient": recipient,
        "order_expires_on": order_expires_on,
    }
    try:
        decision = _decision(action, fields)
        service.decide(
            session, user=user, request=case, notice=notice, decision=decision, now=utcnow()
        )
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: _panel(
                request,
                session,
                user,
                case_id,
                error=(notice_id, error.message),
                status_code=error.status_code,
            ),
        )
    if request.headers.get("HX-Request") != "true":
        return RedirectResponse(f"/console/cases/{case_id}#notices", status_code=303)
    return _panel(request, session, user, case_id, flash=DONE[action])
