"""Portal pages before the officer is fully in: sign-in, registration, the confirmation link
and the authenticator set-up."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.auth import second_factor
from exigent.auth.accounts import PortalAccount
from exigent.auth.deps import SESSION_COOKIE, client_address
from exigent.auth.service import log_out
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.notifications.email import MailNotSent, compose, send
from exigent.officers import authenticator, service
from exigent.portal.deps import (
    AnonCsrf,
    EnrollingOfficer,
    Officer,
)
from exigent.portal.rendering import (
    problems_of,
    redirect,
    render,
    set_session_cookie,
)
from exigent.web.deps import FormDep, SessionDep, SettingsDep

# Mounted under /portal by pages.router.
router = APIRouter(include_in_schema=False)


# Signing in and out


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/portal/home") -> Response:
    return render(request, "portal/sign_in.html", {"next": _safe_next(next), "values": {}})


def _safe_next(value: str) -> str:
    return value if value.startswith("/portal/") and "//" not in value else "/portal/home"


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[AnonCsrf])
def sign_in(
    request: Request, session: SessionDep, form: FormDep, settings: SettingsDep
) -> Response:
    email, password = str(form.get("email") or ""), str(form.get("password") or "")
    code, target = str(form.get("code") or ""), _safe_next(str(form.get("next") or ""))
    try:
        signed = service.sign_in(
            session,
            email=email,
            password=password,
            code=code,
            secret_key=settings.secret_key,
            hours=settings.session_hours,
            now=utcnow(),
            address=client_address(request),
        )
    except ExigentError as exc:
        session.commit()  # failures are counted and audited
        retry = exc.detail.get("retry_after")
        page = render(
            request,
            "portal/sign_in.html",
            {
                "next": target,
                "values": {"email": email},
                "problems": problems_of(exc),
                "unconfirmed": bool(exc.detail.get("unconfirmed")),
            },
            status_code=exc.status_code,
        )
        if retry:
            page.headers["Retry-After"] = str(retry)
        return page
    session.commit()
    response = redirect(target)
    set_session_cookie(request, response, signed.cookie, settings.session_hours)
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, officer: EnrollingOfficer) -> Response:
    log_out(session, officer.web_session)
    session.commit()
    response = redirect("/portal/sign-in")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# Registration and confirmation


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request) -> Response:
    return render(request, "portal/register.html", {"values": {"agency_country": "US"}})


def _mail_confirmation(
    request: Request, settings: Settings, account: PortalAccount, token: str
) -> str | None:
    """Send the link; None when sent, else what went wrong (the account stays, resend works)."""
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


def _mail_notice(settings: Settings, email: str, text: str) -> str | None:
    """Tell the mailbox why no new account was opened; None when sent."""
    message = compose(
        settings, to=email, subject="Your law-enforcement portal registration", text=text
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        return exc.message
    return None


@router.post("/register", response_class=HTMLResponse, dependencies=[AnonCsrf])
def register(
    request: Request, session: SessionDep, form: FormDep, settings: SettingsDep
) -> Response:
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
    except (service.AddressTaken, IntegrityError) as exc:
        # Taken, or two registrations of one address raced: the same answer as a new account.
        session.rollback()
        email = exc.email if isinstance(exc, service.AddressTaken) else data.email
        notice = exc.notice if isinstance(exc, service.AddressTaken) else service.ALREADY_REGISTERED
        return render(
            request,
            "portal/check_mail.html",
            {"email": email, "mail_error": _mail_notice(settings, email, notice)},
        )
    except ExigentError as exc:
        session.rollback()
        values.pop("password")
        return render(
            request,
            "portal/register.html",
            {"values": values, "problems": problems_of(exc)},
            status_code=exc.status_code,
        )
    # Mailed only once the account row is committed: the link must find it.
    mail_error = _mail_confirmation(request, settings, account, token)
    return render(
        request,
        "portal/check_mail.html",
        {"email": account.user.email, "mail_error": mail_error, "standing": account},
    )


@router.post("/confirm/resend", response_class=HTMLResponse, dependencies=[AnonCsrf])
def resend(request: Request, session: SessionDep, form: FormDep, settings: SettingsDep) -> Response:
    email = str(form.get("email") or "").strip().lower()
    found = service.resend_confirmation(session, email=email, now=utcnow())
    session.commit()
    mail_error = _mail_confirmation(request, settings, *found) if found else None
    return render(
        request,
        "portal/check_mail.html",
        {"email": email, "mail_error": mail_error, "resent": True},
    )


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> Response:
    # Opening the link changes nothing: mail scanners fetch links, people press the button.
    return render(request, "portal/confirm.html", {"token": token})


@router.post("/confirm/{token}", response_class=HTMLResponse, dependencies=[AnonCsrf])
def confirm(request: Request, token: str, session: SessionDep, settings: SettingsDep) -> Response:
    now = utcnow()
    try:
        account = service.confirm_email(session, token=token, now=now)
    except ExigentError as exc:
        session.rollback()
        return render(
            request,
            "portal/confirm.html",
            {"token": token, "failure": exc.message},
            status_code=exc.status_code,
        )
    cookie, _ = service.open_session_after_confirmation(
        session, account=account, hours=settings.session_hours, now=now
    )
    session.commit()
    response = redirect("/portal/totp")
    set_session_cookie(request, response, cookie, 1)
    return response


# Second factor


@router.get("/totp", response_class=HTMLResponse)
def totp_page(
    request: Request, session: SessionDep, officer: EnrollingOfficer, settings: SettingsDep
) -> Response:
    if officer.account.totp_enrolled_at is not None:
        return redirect("/portal/home")
    return _totp_form(request, session, settings, officer, {})


def _totp_form(
    request: Request,
    session: Session,
    settings: Settings,
    officer: Officer,
    problems: dict[str, str],
    status_code: int = 200,
) -> Response:
    secret = authenticator.enrolment_secret(officer.account, secret_key=settings.secret_key)
    session.commit()
    view = second_factor.setup_view(officer.account.user.email, secret)
    return render(
        request,
        "portal/totp.html",
        {**view, "problems": problems},
        officer=officer,
        status_code=status_code,
    )


@router.post("/totp", response_class=HTMLResponse)
def totp_enrol(
    request: Request,
    session: SessionDep,
    officer: EnrollingOfficer,
    form: FormDep,
    settings: SettingsDep,
) -> Response:
    try:
        codes = authenticator.complete_enrolment(
            session,
            account=officer.account,
            code=str(form.get("code") or ""),
            secret_key=settings.secret_key,
            now=utcnow(),
        )
    except ExigentError as exc:
        session.rollback()
        return _totp_form(request, session, settings, officer, problems_of(exc), exc.status_code)
    # The link's session proved the mailbox only: the password and the new app sign in next.
    log_out(session, officer.web_session)
    session.commit()
    response = render(request, "portal/recovery_codes.html", {"codes": codes})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
