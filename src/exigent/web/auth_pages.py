"""Staff sign-in and sign-out pages: the same web session as `POST /api/v1/auth/login`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exigent.auth import service
from exigent.auth.deps import SESSION_COOKIE
from exigent.db import SessionDep, utcnow
from exigent.errors import Unauthorized
from exigent.web.deps import SignedInUser, safe_next
from exigent.web.templating import templates

router = APIRouter(include_in_schema=False)


def _login_form(
    request: Request,
    next_path: str,
    *,
    email: str = "",
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "login.html",
        {"next": safe_next(next_path), "email": email, "error": error},
        status_code=status,
    )


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/console") -> HTMLResponse:
    return _login_form(request, next)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/console",
) -> Response:
    if not email.strip() or not password:
        field = "email" if not email.strip() else "password"
        return _login_form(request, next, email=email, error=f"Enter your {field}.", status=422)
    hours = request.app.state.settings.session_hours
    try:
        token, web_session = service.log_in(session, email=email, password=password, hours=hours)
    except Unauthorized as exc:
        session.commit()  # the failed attempt is audited
        return _login_form(
            request, next, email=email, error=exc.message.capitalize() + ".", status=401
        )
    session.commit()
    target = safe_next(next)
    if not web_session.user.is_staff:
        target = "/portal"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: SignedInUser) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.log_out(session, service.session_for_cookie(session, cookie, utcnow()))
        session.commit()
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
