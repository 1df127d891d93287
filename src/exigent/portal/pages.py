"""The portal's HTML pages under /portal. Thin: read the form, call the service, commit, render."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData, UploadFile

from exigent.audit.service import record_event
from exigent.auth.deps import SESSION_COOKIE, CurrentUser
from exigent.auth.service import actor_for, log_out
from exigent.config import Settings
from exigent.db import SessionDep, utcnow
from exigent.directory.models import TrustStatus
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.files import FileStore
from exigent.legal.decisions import SETTLED
from exigent.legal.versions import current_policy
from exigent.notifications.email import MailNotSent, compose, send
from exigent.portal import cases, forms, service
from exigent.portal.deps import (
    ANON_CSRF_COOKIE,
    AnonCsrf,
    CurrentOfficer,
    EnrollingOfficer,
    Officer,
    SetupRequired,
    SignInRequired,
    anon_csrf_token,
)
from exigent.portal.models import PortalAccount
from exigent.requests import queries
from exigent.requests import service as case_service
from exigent.requests.lifecycle import Status
from exigent.requests.models import Requester
from exigent.requests.schemas import MAX_ID
from exigent.web.templating import templates

router = APIRouter(prefix="/portal", include_in_schema=False)
CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _store(request: Request) -> FileStore:
    store: FileStore = request.app.state.file_store
    return store


def _render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    officer: Officer | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    token = officer.csrf_token if officer else anon_csrf_token(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "officer": officer,
            "csrf_token": officer.csrf_token if officer else None,
            "form_csrf": token,
            "problems": {},
            **context,
        },
        status_code=status_code,
    )
    if officer is None:
        response.set_cookie(
            ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/portal"
        )
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _problems(exc: ExigentError) -> dict[str, str]:
    problems = exc.detail.get("problems")
    if isinstance(problems, dict):
        return {str(k): str(v) for k, v in problems.items()}
    field = str(exc.detail.get("field") or "form")
    return {field: exc.message.split(": ", 1)[-1] if field != "form" else exc.message}


def _set_session_cookie(request: Request, response: Response, cookie: str, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _uploads(form: FormData, name: str = "documents") -> list[cases.Upload]:
    return [
        cases.Upload(
            filename=item.filename or "",
            media_type=item.content_type or "application/octet-stream",
            stream=item.file,
        )
        for item in form.getlist(name)
        if isinstance(item, UploadFile) and item.filename
    ]


# Errors: what happened, then what to do next.

NEXT_STEP = {
    403: "Go back to your requests, or sign in again with the right account.",
    404: "Check the address, or go back to your requests: every request you sent is listed there.",
    409: "Reload the page to see where things stand now, then try again.",
    413: "Send a smaller file (split a large PDF), or send it by email to the response team.",
    422: "Go back, correct what is named above and send the form again.",
    429: "Wait until the time given above, then sign in again.",
}


def error_page(request: Request, exc: ExigentError) -> Response:
    """Any refusal on a portal page, as a page that says what to do next."""
    staff = request.url.path.startswith("/portal/staff")
    if isinstance(exc, SignInRequired) and not staff and request.method == "GET":
        return _redirect(f"/portal/sign-in?next={request.url.path}")
    if isinstance(exc, SetupRequired):
        return _redirect("/portal/totp")
    status = exc.status_code
    step = NEXT_STEP.get(status, "Try again in a minute; if it keeps happening, email the team.")
    if request.url.path.startswith("/portal/staff") and status == 401:
        step = "Sign in to the staff console, then open this page again."
    return _render(
        request,
        "portal/error.html",
        {"message": exc.message, "next_step": step, "status": status},
        status_code=status,
    )


def not_found_page(request: Request) -> Response:
    return error_page(request, NotFound("There is no page at this address."))


# Signing in and out


@router.get("", response_class=HTMLResponse)
def portal_root() -> Response:
    return _redirect("/portal/home")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/portal/home") -> Response:
    return _render(request, "portal/sign_in.html", {"next": _safe_next(next), "values": {}})


def _safe_next(value: str) -> str:
    return value if value.startswith("/portal/") and "//" not in value else "/portal/home"


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[AnonCsrf])
async def sign_in(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    code, target = str(form.get("code") or ""), _safe_next(str(form.get("next") or ""))
    settings = _settings(request)
    try:
        signed = service.sign_in(
            session,
            email=email,
            password=password,
            code=code,
            secret_key=settings.secret_key,
            hours=settings.session_hours,
            now=utcnow(),
        )
    except ExigentError as exc:
        session.commit()  # failures are counted and audited
        return _render(
            request,
            "portal/sign_in.html",
            {
                "next": target,
                "values": {"email": email},
                "problems": _problems(exc),
                "unconfirmed": bool(exc.detail.get("unconfirmed")),
            },
            status_code=exc.status_code,
        )
    enrolled = signed.account.totp_enrolled_at is not None
    session.commit()
    response = _redirect(target if enrolled else "/portal/totp")
    _set_session_cookie(request, response, signed.cookie, settings.session_hours)
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, officer: EnrollingOfficer) -> Response:
    log_out(session, officer.web_session)
    session.commit()
    response = _redirect("/portal/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# Registration and confirmation


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    return _render(request, "portal/register.html", {"values": {"agency_country": "US"}})


def _mail_confirmation(request: Request, account: PortalAccount, token: str) -> str | None:
    """Send the link; None when sent, else what went wrong (the account stays, resend works)."""
    settings = _settings(request)
    link = str(request.base_url).rstrip("/") + f"/portal/confirm/{token}"
    message = compose(
        settings,
        to=account.user.email,
        subject="Confirm your email for the law-enforcement portal",
        text=service.confirmation_text(account.user.name, link),
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        return exc.message
    return None


@router.post("/register", response_class=HTMLResponse, dependencies=[AnonCsrf])
async def register(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    names = (
        "name",
        "title",
        "badge_number",
        "agency_name",
        "agency_country",
        "agency_state",
        "email",
        "phone",
        "password",
        "supervisor_name",
        "supervisor_phone",
    )
    values = {name: str(form.get(name) or "") for name in names}
    data = service.Registration()
    for name, value in values.items():
        setattr(data, name, value)
    try:
        account, token = service.register(session, data=data, now=utcnow())
        session.commit()
    except ExigentError as exc:
        session.rollback()
        values.pop("password")
        return _render(
            request,
            "portal/register.html",
            {"values": values, "problems": _problems(exc)},
            status_code=exc.status_code,
        )
    # Mailed only once the account row is committed: the link must find it.
    mail_error = _mail_confirmation(request, account, token)
    return _render(
        request,
        "portal/check_mail.html",
        {"email": account.user.email, "mail_error": mail_error, "standing": account},
    )


@router.post("/confirm/resend", response_class=HTMLResponse, dependencies=[AnonCsrf])
async def resend(request: Request, session: SessionDep) -> Response:
    form = await request.form()
    email = str(form.get("email") or "").strip().lower()
    found = service.resend_confirmation(session, email=email, now=utcnow())
    session.commit()
    mail_error = _mail_confirmation(request, *found) if found else None
    return _render(
        request,
        "portal/check_mail.html",
        {"email": email, "mail_error": mail_error, "resent": True},
    )


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> Response:
    # Opening the link changes nothing: mail scanners fetch links, people press the button.
    return _render(request, "portal/confirm.html", {"token": token})


@router.post("/confirm/{token}", response_class=HTMLResponse, dependencies=[AnonCsrf])
def confirm(request: Request, token: str, session: SessionDep) -> Response:
    settings = _settings(request)
    now = utcnow()
    try:
        account = service.confirm_email(session, token=token, now=now)
    except ExigentError as exc:
        session.rollback()
        return _render(
            request,
            "portal/confirm.html",
            {"token": token, "failure": exc.message},
            status_code=exc.status_code,
        )
    cookie, _ = service.open_session_after_confirmation(
        session, account=account, hours=settings.session_hours, now=now
    )
    session.commit()
    response = _redirect("/portal/totp")
    _set_session_cookie(request, response, cookie, 1)
    return response


# Second factor


def _qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


@router.get("/totp", response_class=HTMLResponse)
def totp_page(request: Request, session: SessionDep, officer: EnrollingOfficer) -> Response:
    if officer.account.totp_enrolled_at is not None:
        return _redirect("/portal/home")
    return _totp_form(request, session, officer, {})


def _totp_form(
    request: Request,
    session: SessionDep,
    officer: Officer,
    problems: dict[str, str],
    status_code: int = 200,
) -> Response:
    secret = service.enrolment_secret(officer.account, secret_key=_settings(request).secret_key)
    session.commit()
    uri = service.provisioning_uri(officer.account, secret)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return _render(
        request,
        "portal/totp.html",
        {"uri": uri, "secret": grouped, "qr": _qr_svg(uri), "problems": problems},
        officer=officer,
        status_code=status_code,
    )


@router.post("/totp", response_class=HTMLResponse)
async def totp_enrol(request: Request, session: SessionDep, officer: EnrollingOfficer) -> Response:
    form = await request.form()
    try:
        codes = service.complete_enrolment(
            session,
            account=officer.account,
            code=str(form.get("code") or ""),
            secret_key=_settings(request).secret_key,
            now=utcnow(),
        )
    except ExigentError as exc:
        session.rollback()
        return _totp_form(request, session, officer, _problems(exc), exc.status_code)
    session.commit()
    return _render(request, "portal/recovery_codes.html", {"codes": codes}, officer=officer)


# Home and requests


def _requester(session: SessionDep, officer: Officer) -> Requester | None:
    return session.get(Requester, officer.account.requester_id)


@router.get("/home", response_class=HTMLResponse)
def home(request: Request, session: SessionDep, officer: CurrentOfficer) -> Response:
    page, _ = queries.list_requests(
        session, officer.user, queries.RequestFilters(order="newest"), limit=100, cursor=None
    )
    case_service.record_list(session, officer.user, [case.id for case in page])
    requester = _requester(session, officer)
    session.commit()
    return _render(
        request,
        "portal/home.html",
        {
            "cases": page,
            "kinds": forms.KINDS,
            "status_words": forms.status_words,
            "awaiting": requester is None or requester.status == TrustStatus.unverified,
        },
        officer=officer,
    )


@router.get("/requests/new", response_class=HTMLResponse)
def choose_kind(request: Request, officer: CurrentOfficer) -> Response:
    return _render(request, "portal/choose_kind.html", {"kinds": forms.KINDS}, officer=officer)


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
    return {"missing": missing, "invalid": problems if valid is None else {}}


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
) -> Response:
    context = _form_context(request, session, officer, kind, form)
    return _render(
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
            **context,
        },
        officer=officer,
        status_code=status_code,
    )


@router.get("/requests/new/{kind}", response_class=HTMLResponse)
def request_form(
    request: Request, kind: str, session: SessionDep, officer: CurrentOfficer
) -> Response:
    return _request_form(request, session, officer, _kind(kind), _Empty())


@router.post("/requests/check/{kind}", response_class=HTMLResponse)
async def check_form(
    request: Request, kind: str, session: SessionDep, officer: CurrentOfficer
) -> Response:
    """The live list of what is still missing, for the form's htmx call."""
    form = await request.form()
    context = _form_context(request, session, officer, _kind(kind), form)
    return _render(request, "portal/_missing.html", context, officer=officer)


@router.post("/requests/new/{kind}", response_class=HTMLResponse)
async def submit_request(
    request: Request, kind: str, session: SessionDep, officer: CurrentOfficer
) -> Response:
    form = await request.form()
    kind = _kind(kind)
    key = str(form.get("idempotency_key") or "")
    settings = _settings(request)
    try:
        case, _ = cases.submit(
            session,
            user=officer.user,
            account=officer.account,
            kind=kind,
            form=form,
            idempotency_key=key,
            uploads=_uploads(form),
            store=_store(request),
            max_bytes=settings.max_upload_bytes,
            policy=current_policy(session).policy,
            now=utcnow(),
        )
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
        return _request_form(
            request,
            session,
            officer,
            kind,
            form,
            problems=_problems(exc),
            key=key,
            status_code=exc.status_code,
        )
    return _redirect(f"/portal/requests/{case.id}?sent=1")


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
    missing = cases.still_missing(case, policy) if question else []
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
        "settled": Status(case.status) in SETTLED,
    }
    session.commit()
    return _render(request, "portal/case.html", context, officer=officer, status_code=status_code)


@router.post("/requests/{request_id}/messages", response_class=HTMLResponse)
async def send_message(
    request: Request, request_id: CaseId, session: SessionDep, officer: CurrentOfficer
) -> Response:
    form = await request.form()
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
    return _redirect(f"/portal/requests/{request_id}#messages")


@router.post("/requests/{request_id}/answer", response_class=HTMLResponse)
async def answer(
    request: Request, request_id: CaseId, session: SessionDep, officer: CurrentOfficer
) -> Response:
    form = await request.form()
    try:
        cases.answer(
            session,
            user=officer.user,
            request_id=request_id,
            message=str(form.get("message") or "")[:20_000],
            form=form,
            uploads=_uploads(form),
            store=_store(request),
            max_bytes=_settings(request).max_upload_bytes,
            now=utcnow(),
        )
        session.commit()
    except (BadInput, cases.FormProblems) as exc:
        session.rollback()
        return _case_page(
            request, session, officer, request_id, problems=_problems(exc), status_code=422
        )
    return _redirect(f"/portal/requests/{request_id}#messages")


@router.post("/requests/{request_id}/documents", response_class=HTMLResponse)
async def upload(
    request: Request, request_id: CaseId, session: SessionDep, officer: CurrentOfficer
) -> Response:
    form = await request.form()
    uploads = _uploads(form)
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
            store=_store(request),
            max_bytes=_settings(request).max_upload_bytes,
        )
        if Status(case.status) not in SETTLED:
            from exigent.legal.cases import update_record

            update_record(
                session,
                user=officer.user,
                request_id=case.id,
                changes={"documents": [*case.record.get("documents", []), *refs]},
            )
        session.commit()
    except ExigentError as exc:
        session.rollback()
        return _case_page(
            request, session, officer, request_id, problems=_problems(exc), status_code=422
        )
    return _redirect(f"/portal/requests/{request_id}#documents")


# Staff: verifying officers' accounts (linked from the console)


@router.get("/staff/accounts", response_class=HTMLResponse)
def staff_accounts(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    rows = service.list_accounts(session, user=user)
    record_event(
        session,
        actor=actor_for(user),
        action="portal.accounts_list",
        object_type="portal_account",
        detail={"count": len(rows)},
    )
    session.commit()
    return templates.TemplateResponse(
        request,
        "portal/staff_accounts.html",
        {"rows": rows, "csrf_token": request.state.csrf_token if _cookie(request) else None},
    )


def _cookie(request: Request) -> bool:
    return bool(request.cookies.get(SESSION_COOKIE)) and hasattr(request.state, "csrf_token")


@router.post("/staff/accounts/{account_id}/status", response_class=HTMLResponse)
async def staff_set_status(
    request: Request, account_id: AccountId, session: SessionDep, user: CurrentUser
) -> Response:
    form = await request.form()
    try:
        account, requester = service.set_account_status(
            session,
            user=user,
            account_id=account_id,
            status=str(form.get("status") or ""),
            reason=str(form.get("reason") or ""),
            now=utcnow(),
        )
        session.commit()
    except BadInput as exc:
        session.rollback()
        found = session.get(PortalAccount, account_id)
        if found is None:
            raise
        # htmx swaps only successful answers; the row itself says what was wrong.
        context = {
            "account": found,
            "requester": session.get(Requester, found.requester_id),
            "error": exc.message,
        }
        return templates.TemplateResponse(request, "portal/_staff_row.html", context)
    return templates.TemplateResponse(
        request, "portal/_staff_row.html", {"account": account, "requester": requester}
    )
