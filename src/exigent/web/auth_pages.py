"""Staff sign-in and sign-out pages: the same web session as `POST /api/v1/auth/login`."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exigent.auth import service
from exigent.auth.deps import SESSION_COOKIE, client_address
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.web.deps import SessionDep, SettingsDep, SignedInUser, safe_next
from exigent.web.places import landing_path
from exigent.web.templating import templates

router = APIRouter(include_in_schema=False)


# Before sign-in there is no session to hold a CSRF token: a cookie and a hidden field carry
# the same random value (double submit), so another site cannot sign a browser in as itself.
LOGIN_CSRF_COOKIE = "exigent_login_csrf"


def _login_form(
    request: Request,
    settings: Settings,
    next_path: str,
    *,
    email: str = "",
    error: str | None = None,
    field: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "next": safe_next(next_path, default=""),
            "email": email,
            "error": error,
            "field": field,
            "login_csrf": token,
            "code_required": settings.staff_second_factor_required,
        },
        status_code=status,
        headers=headers,
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, settings: SettingsDep, next: str = "") -> HTMLResponse:
    return _login_form(request, settings, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    code: Annotated[str, Form(max_length=20)] = "",
    # Empty: the page the person's role lands on (`web.places.landing_path`).
    next: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(csrf_token, expected):
        return _login_form(
            request,
            settings,
            next,
            email=email,
            error="This sign-in form has expired or did not come from this site. Try again.",
            status=403,
        )
    if not email.strip() or not password:
        field = "email" if not email.strip() else "password"
        return _login_form(
            request, settings, next, email=email, error=f"Enter your {field}.", status=422
        )
    try:
        token, web_session = service.log_in(
            session,
            email=email,
            password=password,
            code=code,
            address=client_address(request),
            secret_key=settings.secret_key,
            second_factor_required=settings.staff_second_factor_required,
            hours=settings.session_hours,
        )
    except ExigentError as exc:
        session.commit()  # the failed attempt is counted and audited
        retry = exc.detail.get("retry_after")
        return _login_form(
            request,
            settings,
            next,
            email=email,
            error=_sentence(exc.message),
            field=exc.detail.get("field"),
            status=exc.status_code,
            headers={"Retry-After": str(retry)} if retry else None,
        )
    session.commit()
    landing = landing_path(web_session.user)
    response = RedirectResponse(safe_next(next, default=landing), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _sentence(message: str) -> str:
    """An error as a sentence; the field's name that leads API errors is dropped."""
    for prefix in ("code: ", "password: ", "email: "):
        message = message.removeprefix(prefix)
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: SignedInUser) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.log_out(session, service.session_for_cookie(session, cookie, utcnow()))
        session.commit()
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
