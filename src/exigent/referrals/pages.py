"""The referral's assessment panel on the case page: the imminent-risk checklist with its live
recommendation, the legal bases it proposes for the decision, the packages sent to police and
EU authorities, the calls made to them and the holds kept. Thin htmx routes.

Each action posts (CSRF checked by `PageUser`) and answers the panel again with 200, saying
what was done or, inline, why not (htmx swaps only 2xx answers).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.cases import service as cases
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.legal.approval import current_decision
from exigent.legal.versions import current_policy
from exigent.platform_data.registry import open_adapter
from exigent.production.models import PreservationHold
from exigent.referrals import assessments as assessing
from exigent.referrals import bases, holds, packages
from exigent.referrals.assessment import (
    CHECKLIST,
    Answer,
    cite,
)
from exigent.referrals.models import Recommendation, Referral
from exigent.web.deps import CaseId, FormDep, Reader, SessionDep, SessionFactoryDep, SettingsDep
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)
PANEL = "referrals/_assessment.html"


def assessment_form(fields: dict[str, str]) -> assessing.AssessmentInput:
    """The checklist as posted: `answer:<item>`, `note:<item>`, `chosen`, `override_reason`."""
    return assessing.AssessmentInput(
        answers={i.key: fields.get(f"answer:{i.key}", "unknown") for i in CHECKLIST},
        notes={i.key: fields.get(f"note:{i.key}", "")[:1000] for i in CHECKLIST},
        chosen=fields.get("chosen", "").strip(),
        override_reason=fields.get("override_reason", "")[:4000],
        summary=fields.get("summary", "")[:4000],
    )


def _typed_from(referral: Referral, latest: Any) -> dict[str, str]:
    """What the form starts from: the latest assessment's answers, else all unknown."""
    if latest is None:
        return {}
    typed = {}
    for key, value in (latest.answers or {}).items():
        typed[f"answer:{key}"] = str(value.get("answer", "unknown"))
        typed[f"note:{key}"] = str(value.get("note", ""))
    typed["summary"] = latest.notes or ""
    return typed


def proposed_bases(session: Session, referral: Referral, advice: Any) -> list[dict[str, str]]:
    ids = bases.proposed_ids(session, referral, advice)
    return [
        {"id": b, "text": t}
        for b, t in zip(ids, cite(current_policy(session).policy, ids), strict=True)
    ]


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    typed: dict[str, str] | None = None,
    done: str | None = None,
    error: tuple[str, str] | None = None,
) -> HTMLResponse:
    case, referral = assessing.referral_of(session, user, case_id)
    assessments = assessing.assessments_of(session, referral.id)
    latest = assessments[0] if assessments else None
    fields = typed if typed is not None else _typed_from(referral, latest)
    form = assessment_form(fields)
    try:
        advice = assessing.preview(referral, form)
    except ExigentError:
        advice = None
    decision = current_decision(session, case.id)
    recipients = assessing.recipients_of(session, referral.id)
    policy = current_policy(session).policy
    kept = holds.holds_of(session, referral.id)
    hold_rows = {h.hold_id: session.get(PreservationHold, h.hold_id) for h in kept}
    calls = assessing.calls_of(session, referral.id)
    people = {a.assessor_id for a in assessments} | {call.logged_by_id for call in calls}
    names: dict[int, str] = {}
    if people:
        rows = session.execute(select(User.id, User.name).where(User.id.in_(people)))
        names = {user_id: name for user_id, name in rows}
    context = {
        "user": user,
        "c": case,
        "referral": referral,
        "checklist": CHECKLIST,
        "answers": [str(a) for a in Answer],
        "typed": fields,
        "advice": advice,
        "recommendations": [str(r) for r in Recommendation],
        "words": assessing.WORDS,
        "latest": latest,
        "earlier": assessments[1:],
        "questions": assessing.QUESTIONS,
        "bases": proposed_bases(session, referral, advice),
        "decision": decision,
        "decision_bases": cite(policy, decision.legal_bases or []) if decision else [],
        "recipients": recipients,
        "sendable": packages.pending_recipients(session, referral.id),
        "package_kinds": {str(k) for k in packages.PACKAGE_KINDS},
        "calls": calls,
        "recipient_names": {r.id: r.name for r in recipients},
        "holds": [(h, hold_rows[h.hold_id]) for h in kept],
        "names": names,
        "now_local": utcnow().strftime("%Y-%m-%dT%H:%M"),
        "done": done,
        "error": error,
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    cases.record_read(session, user, case)
    session.commit()
    return templates.TemplateResponse(request, PANEL, context)


@router.get("/cases/{case_id}/referral/assessment", response_class=HTMLResponse)
def assessment_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> HTMLResponse:
    return _panel(request, session, user, case_id)


@router.post("/cases/{case_id}/referral/assessment/preview", response_class=HTMLResponse)
def assessment_preview(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader, form: FormDep
) -> HTMLResponse:
    """The recommendation for the answers as they stand, before anything is saved."""
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    case, referral = assessing.referral_of(session, user, case_id)
    try:
        advice, problem = assessing.preview(referral, assessment_form(fields)), None
    except ExigentError as exc:
        advice, problem = None, exc.message
    cases.record_read(session, user, case)
    session.commit()
    return templates.TemplateResponse(
        request,
        "referrals/_advice.html",
        {"advice": advice, "problem": problem, "words": assessing.WORDS},
    )


def _act(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    case_id: int,
    where: str,
    action: Callable[[], str],
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        done = action()
        session.commit()
    except ExigentError as exc:
        return turned_down(
            session,
            exc,
            factory=factory,
            show=lambda e: _panel(
                request,
                session,
                user,
                case_id,
                typed=typed if where == "assessment" else None,
                error=(where, f"{e.message} ({e.status_code})"),
            ),
        )
    return _panel(request, session, user, case_id, done=done)


@router.post("/cases/{case_id}/referral/assessment", response_class=HTMLResponse)
def save_assessment(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    form: FormDep,
) -> HTMLResponse:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}

    def run() -> str:
        saved = assessing.save_assessment(
            session, user=user, request_id=case_id, form=assessment_form(fields)
        )
        return f"Assessment {saved.id} saved: {assessing.WORDS[saved.recommendation]}."

    return _act(request, session, factory, user, case_id, "assessment", run, typed=fields)


@router.post("/cases/{case_id}/referral/send", response_class=HTMLResponse)
def send_packages(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reader,
) -> HTMLResponse:
    def run() -> str:
        with open_adapter(settings) as adapter:
            sent = packages.send_packages(
                factory, user=user, request_id=case_id, settings=settings, adapter=adapter
            )
        session.expire_all()
        return " ".join(f"{s.name}: {s.said}." for s in sent)

    return _act(request, session, factory, user, case_id, "send", run)


Short = Annotated[str, Form(max_length=300)]


@router.post("/cases/{case_id}/referral/calls", response_class=HTMLResponse)
def log_call(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    user: Reader,
    recipient_id: Annotated[str, Form(max_length=20)] = "",
    called_at: Annotated[str, Form(max_length=40)] = "",
    number: Annotated[str, Form(max_length=40)] = "",
    spoke_with: Short = "",
    their_reference: Short = "",
    summary: Annotated[str, Form(max_length=4000)] = "",
) -> HTMLResponse:
    def run() -> str:
        if not (recipient_id.isascii() and recipient_id.isdigit()):
            raise BadInput("recipient_id: choose who you called", field="recipient_id")
        call = assessing.log_call(
            session,
            user=user,
            request_id=case_id,
            call=assessing.CallInput(
                recipient_id=int(recipient_id),
                called_at=_when(called_at),
                number=number,
                spoke_with=spoke_with,
                their_reference=their_reference,
                summary=summary,
            ),
        )
        return f"Call {call.id} logged."

    return _act(request, session, factory, user, case_id, "calls", run)


def _when(text: str) -> datetime:
    """A `datetime-local` value, read as UTC (the panel says so); empty means now."""
    if not text.strip():
        return utcnow()
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(
            f"called_at: {text!r} is not a date and time such as 2026-11-24T02:10",
            field="called_at",
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
