"""A case in the console: its page (with the reason of a turned-down action next to the panel
it came from) and its documents' bytes for the viewer. Thin HTML routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.cases import service as case_service
from exigent.cases.lifecycle import RejectionReason, Status
from exigent.cases.models import Document
from exigent.cases.models import Request as CaseRow
from exigent.cases.schemas import RequestKind
from exigent.console import queries
from exigent.console.next_move import next_move
from exigent.directory.forms import KIND_CHOICES
from exigent.directory.queries import Found, search_agencies, user_names
from exigent.errors import NotFound
from exigent.files import viewable_media_type
from exigent.legal.deps import approval_checks_of
from exigent.legal.missing import missing_for_staff
from exigent.legal.models import Outcome
from exigent.legal.targets import unknown_targets
from exigent.oncall import queries as oncall_queries
from exigent.referrals.bases import decision_bases
from exigent.referrals.models import RaisedVia
from exigent.referrals.service import referral_for
from exigent.verification.models import CallbackOutcome
from exigent.web.actions import confirmation
from exigent.web.deps import CaseId, FileStoreDep, Reader, RowId, SessionDep
from exigent.web.labels import label
from exigent.web.render import render
from exigent.web.security_headers import DOCUMENT_POLICY
from exigent.wellbeing.service import harm_category, is_media

router = APIRouter(prefix="/console", include_in_schema=False)

# What the page says after a successful action, named by the `done` of its redirect and shown
# in the panel its `at` names (`web.actions`).
DONE = {
    "assigned": "Assigned.",
    **{f"moved_to_{s}": f"Case moved to {s.replace('_', ' ')}." for s in Status},
    "note": "Note added.",
    "callback": "Callback task opened: call the number shown.",
    "outcome": "Callback outcome recorded.",
    "draft": "Draft decision saved.",
    "submitted": "Decision submitted: the case is awaiting approval by a second person.",
    "approved": "Decision approved. The case is approved for production.",
    "rejected": "Decision sent back to review.",
    "signed_off": "Legal sign-off recorded.",
    "rechecked": "Checked again under the current policy; the timeline says what changed.",
    "linked": "Case linked to the agency and its risk assessed again.",
    "agency_added": "Agency added to the directory, the case linked to it and assessed again.",
    "number_added": "Callback number added: open a callback task and call it.",
    "reassessed": "Risk assessed again.",
}


def agency_search(
    request: Request, session: Session, user: User, view: queries.CaseView
) -> tuple[str, str, list[Found] | None]:
    """What the agency panel searched for and found: the query typed, else (for a case with
    no agency yet) the agency the request names; None when there is nothing to search."""
    if not user_can(user, Permission.directory_link_case) or view.agency_settled:
        return "", "", None
    text = request.query_params.get("agency_q", "")[:300]
    state = request.query_params.get("agency_state", "")[:10]
    if not text and not state and view.agency is None:
        claimed = view.record.get("requester") or {}
        text = str(claimed.get("agency_name") or "")[:300]
        state = str(claimed.get("agency_state") or "")[:10]
    if not text and not state:
        return text, state, None
    return text, state, search_agencies(session, text=text, state=state, limit=20)


@dataclass(frozen=True)
class DecisionForm:
    """A decision form sent back: what was typed, and each missing field's message."""

    values: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


def show_case(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, dict[str, str]] | None = None,
    decision_form: DecisionForm | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The case page; `errors` maps a panel (or a field of a panel's form) to the reason its
    action was turned down, `typed` a form to what was typed in it."""
    case = case_service.load_for(session, user, case_id)
    view = queries.case_view(session, user, case, approval_checks_of(request))
    agency_q, agency_state, found = agency_search(request, session, user, view)
    unknown = unknown_targets(session, case.id)
    case_service.record_read(session, user, case)
    session.commit()
    return render(
        request,
        user,
        "console/case.html",
        {
            "v": view,
            "c": view.case,
            "errors": errors or {},
            "df": decision_form,
            "confirmed": confirmation(request, DONE),
            "next_move": next_move(view, user),
            "media": [d for d in view.documents if d.stored and is_media(d)],
            "harm": harm_category(view.case),
            "outcomes": [str(o) for o in Outcome],
            "callback_outcomes": [str(o) for o in CallbackOutcome],
            "rejection_reasons": {str(r): label(r) for r in RejectionReason},
            "typed": typed or {},
            "agency_q": agency_q,
            "agency_state": agency_state,
            "found": found,
            "kinds": KIND_CHOICES,
            "unknown_targets": unknown,
            "missing_for_staff": missing_for_staff,
            # Pages sent about this case that nobody has answered: acknowledged from here.
            "open_pages": oncall_queries.open_alerts_of_case(session, case.id),
            # A referral's decision confirms the legal bases it relies on.
            "referral_bases": decision_bases(session, view.case),
            "raised": raised_internally(session, view.case),
        },
        status_code=status_code,
    )


@dataclass(frozen=True)
class RaisedInternally:
    """Who raised a referral and how: what the case page shows where a request's
    requester verification would be."""

    team: str
    via: str
    by: str | None


def raised_internally(session: Session, case: CaseRow) -> RaisedInternally | None:
    referral = referral_for(session, case.id) if case.kind == RequestKind.referral else None
    if referral is None:
        return None
    by = user_names(session, {referral.raised_by_id}).get(referral.raised_by_id or 0)
    via = (
        "the escalation API"
        if referral.raised_via == RaisedVia.api
        else "the console's escalation form"
    )
    return RaisedInternally(team=referral.reporting_team, via=via, by=by)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: CaseId, request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    return show_case(request, session, user, case_id)


@router.get("/documents/{document_id}/file")
def document_file(
    document_id: RowId, session: SessionDep, user: Reader, store: FileStoreDep
) -> Response:
    """A document's bytes for the viewer (the page shows media blurred until revealed)."""
    document = session.get(Document, document_id)
    if document is None or not document.stored:
        raise NotFound(f"no stored document {document_id} that you can see")
    case = case_service.load_for(session, user, document.request_id)
    case_service.record_read(session, user, case)
    session.commit()
    path = store.path_for(document.sha256)
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
