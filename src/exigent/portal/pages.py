"""The portal's pages for a signed-in officer (home, requests, case) and the staff account
list. Thin: read the form, call the service, commit, render."""

from __future__ import annotations

import pathlib
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.exc import IntegrityError

from exigent.cases import queries
from exigent.cases import service as case_service
from exigent.cases.models import Requester, TrustStatus
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.eu_orders import form as eu_form
from exigent.eu_orders.form import form_from_certificate
from exigent.intake import ratelimit
from exigent.legal.cases import update_record
from exigent.legal.decisions import SETTLED
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.versions import current_policy
from exigent.portal import cases, forms
from exigent.portal import home as home_list
from exigent.portal.account_pages import router as account_router
from exigent.portal.deps import (
    CurrentOfficer,
    Officer,
)
from exigent.portal.rendering import (
    problems_of,
    redirect,
    render,
    uploads_of,
)
from exigent.portal.staff_pages import router as staff_router
from exigent.production import delivery, reads
from exigent.production.models import DownloadOutcome
from exigent.production.package import zip_stream
from exigent.web.actions import confirmation, see_done
from exigent.web.deps import (
    CaseId,
    FileStoreDep,
    FormDep,
    IntRowId,
    SessionDep,
    SettingsDep,
)

router = APIRouter(prefix="/portal", include_in_schema=False)
AccountId = IntRowId

router.include_router(account_router)
router.include_router(staff_router)


@router.get("", response_class=HTMLResponse)
def portal_root() -> Response:
    return redirect("/portal/home")


# Home and requests


def _requester(session: SessionDep, officer: Officer) -> Requester | None:
    return session.get(Requester, officer.account.requester_id)


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, officer: CurrentOfficer) -> Response:
    asked = {k: request.query_params.get(k, "") for k in ("q", "status", "page")}
    try:
        found = home_list.find_own(
            session,
            officer.user,
            query=asked["q"],
            status=asked["status"],
            page=asked["page"] or "1",
        )
        problem = None
    except BadInput as exc:
        found, problem = home_list.find_own(session, officer.user), exc
    case_service.record_list(session, officer.user, [case.id for case in found.cases])
    requester = _requester(session, officer)
    deliveries = delivery.delivered_to(session, officer.user)
    reads.record_deliveries_read(session, officer.user, deliveries)
    session.commit()
    return render(
        request,
        "portal/home.html",
        {
            "found": found,
            "asked": asked,
            "problem": problem,
            "statuses": home_list.STATUS_CHOICES,
            "status_words": forms.status_words,
            "awaiting": requester is None or requester.status == TrustStatus.unverified,
            "ready": [d for d in deliveries if d.state == "live"],
            "earlier": [d for d in deliveries if d.state != "live"],
        },
        officer=officer,
    )


@router.get("/requests/new", response_class=HTMLResponse)
def choose_kind(request: Request, officer: CurrentOfficer) -> Response:
    return render(request, "portal/choose_kind.html", {"kinds": forms.KINDS}, officer=officer)


def _kind(kind: str) -> str:
    if kind not in forms.KINDS:
        raise NotFound(f"There is no kind of request called {kind!r}.")
    return kind


def _form_context(
    request: Request, session: SessionDep, officer: Officer, kind: str, form: Any
) -> dict[str, Any]:
    record = forms.record_from_form(
        form, kind=kind, account=officer.account, now=utcnow(), documents=_placeholders(form)
    )
    valid, problems = forms.validate(record)
    missing = forms.missing_for(valid, current_policy(session).policy) if valid else []
    return {"missing": missing, "invalid": problems if valid is None else {}, "kind": kind}


def _placeholders(form: Any) -> list[dict[str, str]]:
    """The check cannot see files not yet sent; it counts what the officer has chosen."""
    raw = form.get("documents_count") if hasattr(form, "get") else None
    count = int(raw) if isinstance(raw, str) and raw.isdigit() else 0
    return [
        {"sha256": "0" * 64, "filename": f"chosen-{i}", "media_type": "application/pdf"}
        for i in range(min(count, 100))
    ]


class _Empty:
    """A form nobody has filled in yet."""

    def get(self, key: str, /) -> Any:
        return None

    def getlist(self, key: str, /) -> list[Any]:
        return []


def _request_form(
    request: Request,
    session: SessionDep,
    officer: Officer,
    kind: str,
    form: Any,
    *,
    problems: dict[str, str] | None = None,
    key: str | None = None,
    status_code: int = 200,
    upload_limit: int | None = None,
) -> Response:
    context = _form_context(request, session, officer, kind, form)
    return render(
        request,
        "portal/request_form.html",
        {
            "kind": kind,
            "kind_label": forms.KINDS[kind][0],
            "kind_help": forms.KINDS[kind][1],
            "parts": forms.sections(kind),
            "form": form,
            "key": key or uuid.uuid4().hex,
            "problems": problems or {},
            "forms": forms,
            "account": officer.account,
            "upload_limit": upload_limit,
            **_eu_context(session, kind, form),
            **context,
        },
        officer=officer,
        status_code=status_code,
    )


def _eu_context(session: SessionDep, kind: str, form: Any) -> dict[str, Any]:
    """The certificate's fields of an order from an EU authority, filled in as sent."""
    if "eu_order" not in forms.sections(kind):
        return {}
    return {
        "v": form_from_certificate(forms.eu_certificate(form)),
        "roles": eu_form.ROLES,
        "sections": eu_form.SECTIONS,
        "categories": eu_form.CATEGORIES,
        "offences": eu_form.serious_offences(current_policy(session).policy),
    }


@router.get("/requests/new/{kind}", response_class=HTMLResponse)
def request_form(
    request: Request,
    kind: str,
    session: SessionDep,
    officer: CurrentOfficer,
    settings: SettingsDep,
) -> Response:
    return _request_form(
        request,
        session,
        officer,
        _kind(kind),
        _Empty(),
        upload_limit=settings.max_upload_bytes,
    )


@router.post("/requests/check/{kind}", response_class=HTMLResponse)
def check_form(
    request: Request, kind: str, session: SessionDep, officer: CurrentOfficer, form: FormDep
) -> Response:
    """The live list of what is still missing, for the form's htmx call."""
    context = _form_context(request, session, officer, _kind(kind), form)
    return render(request, "portal/_missing.html", {**context, "partial": True}, officer=officer)


# The emergency form's address, whose body may be larger than one file (see web.limits).
EMERGENCY_FORM = "/portal/requests/new/emergency"


@router.post("/requests/new/{kind}", response_class=HTMLResponse)
def submit_request(
    request: Request,
    kind: str,
    session: SessionDep,
    officer: CurrentOfficer,
    form: FormDep,
    settings: SettingsDep,
    store: FileStoreDep,
) -> Response:
    kind = _kind(kind)
    key = str(form.get("idempotency_key") or "")
    now = utcnow()
    try:
        verdict = ratelimit.judge(
            session,
            settings,
            user=officer.user,
            emergency=kind == "emergency",
            idempotency_key=key,
            now=now,
        )
        case, created = cases.submit(
            session,
            user=officer.user,
            account=officer.account,
            kind=kind,
            form=form,
            idempotency_key=key,
            uploads=uploads_of(form),
            store=store,
            max_bytes=settings.max_upload_bytes,
            policy=current_policy(session).policy,
            now=now,
        )
        if created and verdict.over:
            ratelimit.flag(session, request_id=case.id, user=officer.user, verdict=verdict, now=now)
        session.commit()
    except IntegrityError:
        # The other click of a double-click won the race: show the case it created.
        session.rollback()
        existing = cases.existing_submission(session, officer.user, key)
        if existing is None:
            raise
        case = existing
    except ExigentError as exc:
        session.rollback()
        # A refusal names the intake field (`eu_order.listed_offence`); the form marks its own.
        problems = {forms.field_of(k): v for k, v in problems_of(exc).items()}
        if isinstance(exc, ratelimit.RateLimited):  # said above the form, which stays filled in
            problems = {"form": exc.message.split(": ", 1)[-1]}
        page = _request_form(
            request,
            session,
            officer,
            kind,
            form,
            problems=problems,
            key=key,
            status_code=exc.status_code,
            upload_limit=settings.max_upload_bytes,
        )
        if isinstance(exc, ratelimit.RateLimited):
            page.headers["Retry-After"] = str(exc.detail["retry_after"])
        return page
    return redirect(f"/portal/requests/{case.id}?sent=1")


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def case_page(
    request: Request,
    request_id: CaseId,
    session: SessionDep,
    officer: CurrentOfficer,
    sent: bool = False,
) -> Response:
    return _case_page(request, session, officer, request_id, sent=sent)


def _case_page(
    request: Request,
    session: SessionDep,
    officer: Officer,
    request_id: int,
    *,
    sent: bool = False,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    case = case_service.load_for(session, officer.user, request_id)
    case_service.record_read(session, officer.user, case)
    question = cases.open_question(session, user=officer.user, case=case)
    policy = current_policy(session).policy
    missing = cases.still_missing(case, policy) if question or sent else []
    deliveries = delivery.delivered_to(session, officer.user, request_id=case.id)
    reads.record_deliveries_read(session, officer.user, deliveries)
    context = {
        "case": case,
        "record": case.record,
        "sent": sent,
        "words": forms.status_words(case.status),
        "kinds": forms.KINDS,
        "messages": cases.messages(session, user=officer.user, case=case),
        "question": question,
        "missing": missing,
        "missing_fields": {field for field, _ in missing},
        "documents": queries.documents_for(session, case),
        "forms": forms,
        "form": _Empty(),
        "problems": problems or {},
        "settled": case.status in SETTLED,
        "deliveries": deliveries,
        "confirmed": confirmation(request, forms.CONFIRMATIONS),
        "refused_files": cases.refused_files(session, user=officer.user, case=case),
    }
    session.commit()
    return render(request, "portal/case.html", context, officer=officer, status_code=status_code)


@router.get("/deliveries/{link_id}/download")
def download(
    request: Request, link_id: AccountId, session: SessionDep, officer: CurrentOfficer
) -> Response:
    """The Download button: the officer's own delivery as a streamed zip; every try is logged
    (who, when, IP) in the chain of custody, refused ones included."""
    opened = delivery.open_own_link(
        session,
        user=officer.user,
        link_id=link_id,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )
    session.commit()
    if opened.outcome is DownloadOutcome.wrong_account:
        raise NotFound(f"no delivery {link_id} for your account")
    opened.raise_unless_granted()
    production = opened.production
    folder = f"production-{production.id}"
    return StreamingResponse(
        zip_stream(pathlib.Path(production.package_path or ""), folder),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{folder}.zip"',
            "X-Manifest-SHA256": production.manifest_sha256 or "",
        },
    )


@router.post("/requests/{request_id}/messages", response_class=HTMLResponse)
def send_message(
    request: Request,
    request_id: CaseId,
    session: SessionDep,
    officer: CurrentOfficer,
    form: FormDep,
) -> Response:
    body = str(form.get("message") or "").strip()
    if not body:
        return _case_page(
            request,
            session,
            officer,
            request_id,
            problems={"message": "Write a message before sending."},
            status_code=422,
        )
    case_service.add_note(
        session,
        user=officer.user,
        request_id=request_id,
        body=body[:20_000],
        visible_to_requester=True,
    )
    session.commit()
    return see_done(f"/portal/requests/{request_id}", "message", "messages")


@router.post("/requests/{request_id}/answer", response_class=HTMLResponse)
def answer(
    request: Request,
    request_id: CaseId,
    session: SessionDep,
    officer: CurrentOfficer,
    after_judging: AfterJudgingDep,
    form: FormDep,
    settings: SettingsDep,
    store: FileStoreDep,
) -> Response:
    try:
        cases.answer(
            session,
            user=officer.user,
            request_id=request_id,
            message=str(form.get("message") or "")[:20_000],
            form=form,
            uploads=uploads_of(form),
            store=store,
            max_bytes=settings.max_upload_bytes,
            now=utcnow(),
            after_judging=after_judging,
        )
        session.commit()
    except (BadInput, cases.FormProblems) as exc:
        session.rollback()
        return _case_page(
            request, session, officer, request_id, problems=problems_of(exc), status_code=422
        )
    return see_done(f"/portal/requests/{request_id}", "answer", "messages")


@router.post("/requests/{request_id}/documents", response_class=HTMLResponse)
def upload(
    request: Request,
    request_id: CaseId,
    session: SessionDep,
    officer: CurrentOfficer,
    after_judging: AfterJudgingDep,
    form: FormDep,
    settings: SettingsDep,
    store: FileStoreDep,
) -> Response:
    uploads = uploads_of(form)
    if not uploads:
        return _case_page(
            request,
            session,
            officer,
            request_id,
            problems={"documents": "Choose a file to upload."},
            status_code=422,
        )
    case = case_service.load_for(session, officer.user, request_id)
    try:
        refs = cases.attach(
            session,
            user=officer.user,
            case=case,
            uploads=uploads,
            store=store,
            max_bytes=settings.max_upload_bytes,
        )
        if case.status not in SETTLED:
            update_record(
                session,
                user=officer.user,
                request_id=case.id,
                changes={"documents": [*case.record.get("documents", []), *refs]},
                after_judging=after_judging,
            )
        session.commit()
    except ExigentError as exc:
        session.rollback()
        return _case_page(
            request, session, officer, request_id, problems=problems_of(exc), status_code=422
        )
    return see_done(f"/portal/requests/{request_id}", "uploaded", "documents-card")


# Staff: verifying officers' accounts (linked from the console)
