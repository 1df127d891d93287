"""The referral page's CyberTipline panel: confirm and file the report, follow it, retract it.

Loaded into the console's case page with htmx for a case of kind referral. Filing and
retracting post (CSRF checked by `PageUser`) and answer the panel again with 200, saying what
was done or, inline, why not; a role without `ncmec.report` is refused with a 403 before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.platform_data.registry import open_adapter
from exigent.referrals.cybertipline.models import CyberTiplineFiling, IncidentKind
from exigent.referrals.cybertipline.report import IncidentType
from exigent.referrals.cybertipline.service import (
    Confirmation,
    file_report,
    filings_of,
    referral_of,
    retract,
)
from exigent.referrals.models import ContentKind, HarmType
from exigent.web.deps import (
    CaseId,
    FormDep,
    Reader,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    page_permission,
)
from exigent.web.refusals import turned_down
from exigent.web.templating import templates

router = APIRouter(prefix="/console", include_in_schema=False)
Reporter = Annotated[User, Depends(page_permission(Permission.ncmec_report))]
INCIDENT_TYPES = [(kind, IncidentType[kind.name].value) for kind in IncidentKind]
WHERE = "cybertipline"


def _panel(
    request: Request,
    session: Session,
    user: User,
    case_id: int,
    *,
    done: str | None = None,
    error: str | None = None,
    form: FormData | None = None,
) -> HTMLResponse:
    case = cases.load_for(session, user, case_id)
    referral = referral_of(session, case.id)
    filings = filings_of(session, case.id) if referral else []
    people = {f.filed_by_id for f in filings} | {f.retracted_by_id for f in filings}
    names = dict(
        session.execute(select(User.id, User.name).where(User.id.in_(people - {None}))).all()
    )
    content = {c.id: c for c in referral.content} if referral else {}
    context = {
        "user": user,
        "c": case,
        "referral": referral,
        "due": referral is not None and referral.harm_type is HarmType.child_sexual_exploitation,
        "live": next((f for f in filings if f.status in ("in_progress", "finished")), None),
        "filings": filings,
        "names": names,
        "content": content,
        "media": [c for c in content.values() if c.kind is ContentKind.media],
        "incident_types": INCIDENT_TYPES,
        "incident_text": dict(INCIDENT_TYPES),
        "now": utcnow(),
        "form": form,
        "done": done,
        "error": error,
        "csrf_token": getattr(request.state, "csrf_token", None),
    }
    cases.record_read(session, user, case)
    if filings:
        record_event(
            session,
            actor=actor_for(user),
            action="cybertipline.read",
            object_type="request",
            object_id=case.id,
            detail={"filings": [f.id for f in filings]},
        )
    session.commit()
    return templates.TemplateResponse(request, "cybertipline/_panel.html", context)


@router.get("/cases/{case_id}/referral/cybertipline", response_class=HTMLResponse)
def cybertipline_panel(
    case_id: CaseId, request: Request, session: SessionDep, user: Reader
) -> HTMLResponse:
    return _panel(request, session, user, case_id)


def _refused(
    request: Request,
    session: Session,
    factory: sessionmaker[Session],
    user: User,
    case_id: int,
    exc: ExigentError,
    form: FormData | None = None,
) -> HTMLResponse:
    return turned_down(
        session,
        exc,
        factory=factory,
        show=lambda e: _panel(
            request, session, user, case_id, error=f"{e.message} ({e.status_code})", form=form
        ),
    )


@router.post("/cases/{case_id}/referral/cybertipline", response_class=HTMLResponse)
def file_cybertipline(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reporter,
    form: FormDep,
) -> HTMLResponse:
    try:
        confirmation = confirmation_from(form, utcnow())
        filing_id = _file(factory, settings, user, case_id, confirmation)
    except ExigentError as exc:
        return _refused(request, session, factory, user, case_id, exc, form)
    filing = session.get(CyberTiplineFiling, filing_id)
    files = len(filing.content_ids) if filing else 0
    done = (
        f"CyberTipline report filed: it is being sent to NCMEC now ({files} file"
        f"{'s' if files != 1 else ''}), and the accounts are preserved for a year."
    )
    return _panel(request, session, user, case_id, done=done)


def _file(
    factory: sessionmaker[Session],
    settings: Settings,
    user: User,
    case_id: int,
    confirmation: Confirmation,
) -> int:
    with open_adapter(settings) as adapter:
        return file_report(
            factory,
            user=user,
            request_id=case_id,
            confirmation=confirmation,
            settings=settings,
            adapter=adapter,
        )


@router.post("/cases/{case_id}/referral/cybertipline/retract", response_class=HTMLResponse)
def retract_cybertipline(
    case_id: CaseId,
    request: Request,
    session: SessionDep,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    user: Reporter,
) -> HTMLResponse:
    try:
        said = retract(session, user=user, request_id=case_id, settings=settings)
        session.commit()
    except ExigentError as exc:
        return _refused(request, session, factory, user, case_id, exc)
    return _panel(request, session, user, case_id, done=said)


def _bad(field: str, problem: str) -> ExigentError:
    return ExigentError(f"{field}: {problem}", status_code=422)


def confirmation_from(form: FormData, now: datetime) -> Confirmation:
    """What the analyst confirmed, each field checked and named when it is wrong."""
    kind = str(form.get("incident_type") or "")
    if kind not in IncidentKind.__members__:
        raise _bad("incident_type", "choose one of NCMEC's incident types")
    incident_at = _incident_at(str(form.get("incident_at") or ""), now)
    escalate_reason = str(form.get("escalate_reason") or "").strip() or None
    if form.get("escalate") and escalate_reason is None:
        raise _bad("escalate_reason", "say why NCMEC should treat the report as urgent")
    return Confirmation(
        incident_type=IncidentKind(kind),
        incident_at=incident_at,
        escalate_reason=escalate_reason if form.get("escalate") else None,
        victim=_victim(form),
        content_ids=tuple(_ids(form.getlist("files"))),
    )


def _incident_at(value: str, now: datetime) -> datetime:
    if not value:
        raise _bad("incident_at", "give the time of the incident (UTC)")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad("incident_at", f"{value!r} is not a date and time") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if moment > now + timedelta(minutes=5):
        raise _bad("incident_at", "is in the future")
    return moment


def _victim(form: FormData) -> dict[str, object]:
    victim: dict[str, object] = {}
    for key in ("first_name", "last_name", "screen_name", "note"):
        text = str(form.get(f"victim_{key}") or "").strip()
        if text:
            victim[key] = text[:500]
    age = str(form.get("victim_age") or "").strip()
    if age:
        if not (age.isascii() and age.isdigit()) or not 0 <= int(age) <= 120:
            raise _bad("victim_age", f"{age!r} is not an age in whole years")
        victim["age"] = int(age)
    return victim


def _ids(values: Sequence[object]) -> list[int]:
    found = []
    for value in values:
        text = str(value)
        if not (text.isascii() and text.isdigit()):
            raise _bad("files", f"{text!r} is not one of the referral's files")
        found.append(int(text))
    return found
