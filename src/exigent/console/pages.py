"""The staff console: the queue, a case and its actions, the policy. Thin HTML routes.

Actions are plain form posts (Post/Redirect/Get). A refused or invalid action renders the
case page again with the reason next to the panel it came from, and a 4xx status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, has_permission
from exigent.auth.refusals import Refused, record_refusal
from exigent.cases import service as case_service
from exigent.cases.deps import MoveGuardDep
from exigent.cases.models import Document, parse_reference
from exigent.cases.schemas import MAX_ID
from exigent.console import queries, service
from exigent.db import SessionDep, utcnow
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.files import viewable_media_type
from exigent.legal import cases as legal_cases
from exigent.legal import decisions, versions
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.models import Outcome
from exigent.verification import service as verification
from exigent.verification.models import CallbackOutcome
from exigent.web.deps import page_permission
from exigent.web.security_headers import DOCUMENT_POLICY
from exigent.web.templating import templates
from exigent.wellbeing.service import harm_category, is_media

router = APIRouter(prefix="/console", include_in_schema=False)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Query(ge=1, le=10_000)]
Reader = Annotated[User, Depends(page_permission(Permission.request_read_all))]
PolicyReader = Annotated[User, Depends(page_permission(Permission.policy_read))]
DONE = {
    "assigned": "Assigned.",
    "moved": "Status changed.",
    "note": "Note added.",
    "callback": "Callback task opened: call the number shown.",
    "outcome": "Callback outcome recorded.",
    "draft": "Draft decision saved.",
    "submitted": "Decision submitted for approval by a second person.",
    "approved": "Decision approved. The case is approved for production.",
    "rejected": "Decision sent back to review.",
    "signed_off": "Legal sign-off recorded.",
    "rechecked": "Legal check run again under the current policy.",
}


def render(
    request: Request,
    user: User,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "csrf_token": getattr(request.state, "csrf_token", None),
            "can": lambda p: has_permission(Role(user.role), Permission(p)),
            "now": utcnow(),
            **context,
        },
        status_code=status_code,
    )


# The queue


@router.get("", response_class=HTMLResponse)
def queue_page(
    request: Request, session: SessionDep, user: Reader, page: PageNo = 1
) -> HTMLResponse:
    filters = queries.parse_filters(request.query_params)
    rows, more = queries.queue(session, user, filters, now=utcnow(), page=page)
    case_service.record_list(session, user, [row.case.id for row in rows])
    context = {
        "rows": rows,
        "filters": filters,
        "more": more,
        "page": page,
        "count": queries.queue_count(session, user, filters, now=utcnow()),
        "staff": queries.assignable_staff(session),
        "agencies": queries.open_agencies(session),
        "views": queries.saved_views(session, user),
        "query": filters.query_string(),
    }
    session.commit()
    return render(request, user, "console/queue.html", context)


@router.get("/queue-rows", response_class=HTMLResponse)
def queue_rows(
    request: Request, session: SessionDep, user: Reader, page: PageNo = 1
) -> HTMLResponse:
    """The queue's rows alone, for the 30-second refresh."""
    filters = queries.parse_filters(request.query_params)
    rows, _ = queries.queue(session, user, filters, now=utcnow(), page=page)
    case_service.record_list(session, user, [row.case.id for row in rows])
    session.commit()
    return render(request, user, "console/_queue_rows.html", {"rows": rows})


@router.get("/find")
def find_case(user: Reader, ref: str = "") -> Response:
    """Jump to a case by its reference (EXG-0001234 or the digits)."""
    number = parse_reference(ref)
    if number is None or not 1 <= number <= MAX_ID:
        raise BadInput(f"ref: {ref!r} is not a case reference like EXG-0001234")
    return RedirectResponse(f"/console/cases/{number}", status_code=303)


@router.post("/views")
def save_view(
    session: SessionDep,
    user: Reader,
    name: Annotated[str, Form(max_length=200)] = "",
    query: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    view = service.save_view(session, user=user, name=name, query=query)
    session.commit()
    return RedirectResponse(f"/console?{view.query}", status_code=303)


@router.post("/views/{view_id}/delete")
def delete_view(view_id: RowId, session: SessionDep, user: Reader) -> Response:
    service.delete_view(session, user=user, view_id=view_id)
    session.commit()
    return RedirectResponse("/console", status_code=303)


# A case


def _case_page(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    case = case_service.load_for(session, user, case_id)
    view = queries.case_view(session, user, case)
    case_service.record_read(session, user, case)
    session.commit()
    done = request.query_params.get("done", "")
    return render(
        request,
        user,
        "console/case.html",
        {
            "v": view,
            "c": view.case,
            "errors": errors or {},
            "flash": {"kind": "ok", "text": DONE[done]} if done in DONE else None,
            "media": [d for d in view.documents if d.stored and is_media(d)],
            "harm": harm_category(view.case),
            "outcomes": [str(o) for o in Outcome],
            "callback_outcomes": [str(o) for o in CallbackOutcome],
        },
        status_code=status_code,
    )


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: CaseId, request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    return _case_page(request, session, user, case_id)


def _act(
    request: Request,
    session: Session,
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
    except Refused as exc:
        session.rollback()
        record_refusal(request.app.state.session_factory, exc)
        return _case_page(
            request,
            session,
            user,
            case_id,
            errors={panel: exc.message},
            status_code=exc.status_code,
        )
    except NotFound:
        session.rollback()
        raise
    except ExigentError as exc:
        session.rollback()
        return _case_page(
            request,
            session,
            user,
            case_id,
            errors={panel: exc.message},
            status_code=exc.status_code,
        )
    return RedirectResponse(f"/console/cases/{case_id}?done={done}#{panel}", status_code=303)


@router.post("/cases/{case_id}/assign")
def assign(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    assignee_id: Annotated[str, Form()] = "",
) -> Response:
    def run() -> object:
        if not assignee_id.isdigit() or int(assignee_id) > 2**31:
            raise BadInput("assignee: choose a person from the list")
        return case_service.assign(
            session, user=user, request_id=case_id, assignee_id=int(assignee_id)
        )

    return _act(request, session, user, case_id, "assignment", "assigned", run)


@router.post("/cases/{case_id}/transition")
def transition(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
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

    return _act(request, session, user, case_id, "status", "moved", run)


@router.post("/cases/{case_id}/notes")
def add_note(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
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

    return _act(request, session, user, case_id, "timeline", "note", run)


@router.post("/cases/{case_id}/callbacks")
def open_callback(case_id: CaseId, request: Request, session: SessionDep, user: Reader) -> Response:
    return _act(
        request,
        session,
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

    return _act(request, session, user, case_id, "verification", "outcome", run)


@router.post("/cases/{case_id}/recheck")
def recheck(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    after_judging: AfterJudgingDep,
) -> Response:
    return _act(
        request,
        session,
        user,
        case_id,
        "legal",
        "rechecked",
        lambda: legal_cases.recheck(
            session, user=user, request_id=case_id, after_judging=after_judging
        ),
    )


@router.post("/cases/{case_id}/decision")
async def draft_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    after_judging: AfterJudgingDep,
) -> Response:
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}

    def run() -> object:
        items = []
        for key, outcome in fields.items():
            if not key.startswith("outcome:"):
                continue
            _, target, category = key.split(":", 2)
            if not target.isdigit() or outcome not in {str(o) for o in Outcome}:
                raise BadInput(f"{category}: choose disclose, partial or withhold")
            reason = fields.get(f"reason:{target}:{category}", "").strip()
            if not reason:
                raise BadInput(f"{category}: give a reason for {outcome}")
            items.append(
                decisions.ItemDraft(
                    target_id=int(target),
                    category=category,
                    outcome=Outcome(outcome),
                    reason=reason,
                )
            )
        return decisions.draft(
            session,
            user=user,
            request_id=case_id,
            rationale=fields.get("rationale", ""),
            emergency_attested=fields.get("emergency_attested") == "yes",
            items=items,
            after_judging=after_judging,
        )

    return await _run_async(request, session, user, case_id, "decision", "draft", run)


async def _run_async(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    panel: str,
    done: str,
    action: Callable[[], object],
) -> Response:
    from fastapi.concurrency import run_in_threadpool

    return await run_in_threadpool(_act, request, session, user, case_id, panel, done, action)


@router.post("/cases/{case_id}/decision/submit")
def submit_decision(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> Response:
    return _act(
        request,
        session,
        user,
        case_id,
        "decision",
        "submitted",
        lambda: decisions.submit(session, user=user, request_id=case_id),
    )


@router.post("/cases/{case_id}/decision/approve")
def approve_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    guard: MoveGuardDep,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return _act(
        request,
        session,
        user,
        case_id,
        "approval",
        "approved",
        lambda: decisions.approve(
            session, user=user, request_id=case_id, note=note.strip() or None, guard=guard
        ),
    )


@router.post("/cases/{case_id}/decision/reject")
def reject_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return _act(
        request,
        session,
        user,
        case_id,
        "approval",
        "rejected",
        lambda: decisions.reject(session, user=user, request_id=case_id, note=note),
    )


@router.post("/cases/{case_id}/decision/sign-off")
def sign_off_decision(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    user: Reader,
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    return _act(
        request,
        session,
        user,
        case_id,
        "approval",
        "signed_off",
        lambda: decisions.sign_off(
            session, user=user, request_id=case_id, note=note.strip() or None
        ),
    )


@router.get("/documents/{document_id}/file")
def document_file(
    document_id: RowId, request: Request, session: SessionDep, user: Reader
) -> Response:
    """A document's bytes for the viewer (the page shows media blurred until revealed)."""
    document = session.get(Document, document_id)
    if document is None or not document.stored:
        raise NotFound(f"no stored document {document_id} that you can see")
    case = case_service.load_for(session, user, document.request_id)
    case_service.record_read(session, user, case)
    session.commit()
    path = request.app.state.file_store.path_for(document.sha256)
    if not path.is_file():
        raise NotFound(f"the bytes of document {document_id} are missing from the file store")
    # The type is what the bytes are, never what the sender claimed: a page claimed as text,
    # or text claimed as a page, would run in the console's origin as the person opening it.
    media_type = viewable_media_type(path)
    if media_type is None:
        return FileResponse(
            path,
            media_type="application/octet-stream",
            headers={
                "Cache-Control": "private, no-store",
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(document.filename)}",
            },
        )
    if media_type == "text/plain":
        media_type = "text/plain; charset=utf-8"
    return FileResponse(
        path,
        media_type=media_type,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f"inline; filename*=UTF-8''{quote(document.filename)}",
            "Content-Security-Policy": DOCUMENT_POLICY,
        },
    )


# Policy


@router.get("/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    session: SessionDep,
    user: PolicyReader,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> HTMLResponse:
    rows = versions.list_versions(session, user=user)
    current = rows[0].version if rows else 1
    shown = versions.get_version(session, user=user, version=version or current)
    session.commit()
    return render(
        request,
        user,
        "console/policy.html",
        {"versions": rows, "shown": shown, "doc": shown.document, "current": current},
    )


@router.post("/policy", response_class=HTMLResponse)
def change_policy(
    request: Request,
    session: SessionDep,
    user: PolicyReader,
    document: Annotated[str, Form(max_length=200_000)] = "",
    reason: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """A new policy version from the edited document (legal only; refusals are audited)."""
    try:
        try:
            parsed = json.loads(document)
        except json.JSONDecodeError as exc:
            raise BadInput(f"policy: not valid JSON (line {exc.lineno}: {exc.msg})") from None
        if not isinstance(parsed, dict):
            raise BadInput("policy: the document must be a JSON object")
        row = versions.change_policy(session, user=user, document=parsed, reason=reason)
        session.commit()
    except Refused as exc:
        session.rollback()
        record_refusal(request.app.state.session_factory, exc)
        return _policy_error(request, session, user, exc, document, reason)
    except ExigentError as exc:
        session.rollback()
        return _policy_error(request, session, user, exc, document, reason)
    return RedirectResponse(f"/console/policy?version={row.version}&saved=1", status_code=303)


def _policy_error(
    request: Request,
    session: Session,
    user: User,
    exc: ExigentError,
    document: str,
    reason: str,
) -> HTMLResponse:
    rows = versions.list_versions(session, user=user)
    shown = rows[0]
    session.commit()
    return render(
        request,
        user,
        "console/policy.html",
        {
            "versions": rows,
            "shown": shown,
            "doc": shown.document,
            "current": shown.version,
            "error": exc.message,
            "draft": document,
            "reason": reason,
        },
        status_code=exc.status_code,
    )
