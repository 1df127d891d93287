"""The referral case page's facts panel: what the team found, and what became of it.

Loaded into the console's case page with htmx. Recording an outcome posts (CSRF checked by
`PageUser`) and answers the panel again with 200, saying what was recorded or, inline, why
it was refused, with the refusal's status code in the text (htmx swaps only 2xx answers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.cases import service as cases
from exigent.cases.models import Document
from exigent.db import utcnow
from exigent.errors import ExigentError, describe_validation_error
from exigent.referrals import service
from exigent.referrals.countries import EU_MEMBER_STATES
from exigent.referrals.models import Outcome
from exigent.referrals.schemas import OutcomeIn
from exigent.web.deps import CaseId, Reader, SessionDep, SessionFactoryDep, page_permission
from exigent.web.refusals import turned_down
from exigent.web.templating import templates
from exigent.wellbeing.service import harm_category

router = APIRouter(prefix="/console", include_in_schema=False)
# Recording what became of a referral is the work of those who raise and work referrals.
Recorder = Annotated[User, Depends(page_permission(Permission.referral_raise))]


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    referral = service.referral_for(session, case.id)
    context: dict[str, Any] = {
        "user": user,
        "c": case,
        "r": referral,
        "done": done,
        "error": error,
        "form": form or {},
        "outcome_choices": list(Outcome),
        "csrf_token": getattr(request.state, "csrf_token", None),
        "now": utcnow(),
    }
    if referral is not None:
        outcomes = service.outcomes_of(session, referral.id)
        shas = {c.file_sha256 for c in referral.content if c.file_sha256}
        documents = (
            {
                d.sha256: d
                for d in session.scalars(
                    select(Document).where(
                        Document.request_id == case.id, Document.sha256.in_(shas)
                    )
                )
            }
            if shas
            else {}
        )
        context |= {
            "seen_at": _seen_at(referral.location.get("seen_at")),
            "outcomes": outcomes,
            "recipients": service.recipients_of(session, referral.id),
            "documents": documents,
            "harm": harm_category(case),
            "eu": EU_MEMBER_STATES,
            "names": _names(
                session, {referral.raised_by_id} | {o.recorded_by_id for o in outcomes}
            ),
        }
    cases.record_read(session, user, case)
    session.commit()
    return templates.TemplateResponse(request, "referrals/_facts.html", context)


def _seen_at(value: Any) -> datetime | None:
    """When the person was last located (kept as ISO text in the location's JSON)."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@router.get("/cases/{case_id}/referral/facts", response_class=HTMLResponse)
def facts_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> HTMLResponse:
    return _panel(request, session, user, case_id)


def _learned_at(value: str) -> datetime | str:
    """A `datetime-local` value is the recorder's UTC wall time (the form says so)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@router.post("/cases/{case_id}/referral/outcomes", response_class=HTMLResponse)
def record_outcome(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Recorder,
    outcome: Annotated[str, Form(max_length=40)] = "",
    recipient_id: Annotated[str, Form(max_length=12)] = "",
    note: Annotated[str, Form(max_length=20_000)] = "",
    learned_at: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    form = {
        "outcome": outcome,
        "recipient_id": recipient_id,
        "note": note,
        "learned_at": learned_at,
    }
    try:
        given = OutcomeIn.model_validate(
            {
                "outcome": outcome,
                "recipient_id": (
                    int(recipient_id) if recipient_id.isascii() and recipient_id.isdigit() else None
                ),
                "note": note.strip() or None,
                "learned_at": _learned_at(learned_at) if learned_at else None,
            }
        )
    except ValidationError as exc:
        first = describe_validation_error(exc)[0]
        problem = f"{first['field']}: {first['problem']}"
        return _panel(request, session, user, case_id, error=problem, form=form)
    try:
        row = service.record_outcome(
            session, user=user, request_id=case_id, given=given, now=utcnow()
        )
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _panel(
                request, session, user, case_id, error=f"{e.message} ({e.status_code})", form=form
            ),
        )
    return _panel(
        request,
        session,
        user,
        case_id,
        done=f"Outcome recorded: {row.outcome.value.replace('_', ' ')}.",
    )
