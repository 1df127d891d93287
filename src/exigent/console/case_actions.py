"""A case's actions in the console: assign, move, note, callbacks, legal re-check. Thin.

Actions are plain form posts (Post/Redirect/Get). A refused or invalid action renders the
case page again with the reason next to the panel it came from, and a 4xx status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.cases import service as case_service
from exigent.cases.deps import MoveGuardDep
from exigent.console.case_pages import show_case
from exigent.errors import BadInput, ExigentError
from exigent.legal import cases as legal_cases
from exigent.legal.deps import AfterJudgingDep
from exigent.verification import service as verification
from exigent.verification.models import CallbackOutcome
from exigent.web.deps import CaseId, Reader, RowId, SessionDep, SessionFactoryDep
from exigent.web.refusals import turned_down

router = APIRouter(prefix="/console", include_in_schema=False)


def act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    case_id: int,
    panel: str,
    done: str,
    action: Callable[[], object],
) -> Response:
    """Run one action; on success commit and go back to the case, else show why in `panel`."""
    try:
        action()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda error: show_case(
                request,
                session,
                user,
                case_id,
                errors={panel: error.message},
                status_code=error.status_code,
            ),
        )
    return RedirectResponse(f"/console/cases/{case_id}?done={done}#{panel}", status_code=303)


@router.post("/cases/{case_id}/assign")
def assign(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    assignee_id: Annotated[str, Form()] = "",
) -> Response:
    def run() -> object:
        if not assignee_id.isdigit() or int(assignee_id) > 2**31:
            raise BadInput("assignee: choose a person from the list")
        return case_service.assign(
            session, user=user, request_id=case_id, assignee_id=int(assignee_id)
        )

    return act(request, session, factory, user, case_id, "assignment", "assigned", run)


@router.post("/cases/{case_id}/transition")
def transition(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    guard: MoveGuardDep,
    to: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=20_000)] = "",
    version: Annotated[int | None, Form(ge=1, le=2**31)] = None,
) -> Response:
    def run() -> object:
        return case_service.transition(
            session,
            user=user,
            request_id=case_id,
            to=to,
            reason=reason.strip() or None,
            expected_version=version,
            guard=guard,
        )

    return act(request, session, factory, user, case_id, "status", "moved", run)


@router.post("/cases/{case_id}/notes")
def add_note(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    body: Annotated[str, Form(max_length=20_000)] = "",
    visible: Annotated[str, Form()] = "",
) -> Response:
    def run() -> object:
        if not body.strip():
            raise BadInput("note: write something first")
        return case_service.add_note(
            session,
            user=user,
            request_id=case_id,
            body=body.strip(),
            visible_to_requester=visible == "yes",
        )

    return act(request, session, factory, user, case_id, "timeline", "note", run)


@router.post("/cases/{case_id}/callbacks")
def open_callback(
    case_id: CaseId, request: Request, session: SessionDep, factory: SessionFactoryDep, user: Reader
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "verification",
        "callback",
        lambda: verification.create_callback(session, user=user, request_id=case_id),
    )


@router.post("/cases/{case_id}/callbacks/{callback_id}/outcome")
def callback_outcome(
    case_id: CaseId,
    callback_id: RowId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    outcome: Annotated[str, Form()] = "",
    answered_by: Annotated[str, Form(max_length=300)] = "",
    supervisor_confirmed: Annotated[str, Form()] = "",
    notes: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    def run() -> object:
        if outcome not in {str(o) for o in CallbackOutcome}:
            raise BadInput("outcome: choose confirmed, denied or no answer")
        return verification.record_outcome(
            session,
            user=user,
            callback_id=callback_id,
            result=verification.CallbackResult(
                outcome=CallbackOutcome(outcome),
                answered_by=answered_by,
                supervisor_confirmed=supervisor_confirmed == "yes",
                notes=notes.strip() or None,
            ),
        )

    return act(request, session, factory, user, case_id, "verification", "outcome", run)


@router.post("/cases/{case_id}/recheck")
def recheck(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    after_judging: AfterJudgingDep,
) -> Response:
    return act(
        request,
        session,
        factory,
        user,
        case_id,
        "legal",
        "rechecked",
        lambda: legal_cases.recheck(
            session, user=user, request_id=case_id, after_judging=after_judging
        ),
    )
