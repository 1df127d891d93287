"""Rendering portal pages: the layout context, form problems, and error pages that say what to
do next."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from exigent.auth.deps import SESSION_COOKIE
from exigent.errors import ExigentError, NotFound
from exigent.portal import cases
from exigent.portal.deps import (
    ANON_CSRF_COOKIE,
    Officer,
    SetupRequired,
    SignInRequired,
    anon_csrf_token,
)
from exigent.web.templating import templates


def render(
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
            "team_phone": request.app.state.settings.team_phone,
            **context,
        },
        status_code=status_code,
    )
    if officer is None:
        response.set_cookie(
            ANON_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/portal"
        )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def problems_of(exc: ExigentError) -> dict[str, str]:
    problems = exc.detail.get("problems")
    if isinstance(problems, dict):
        return {str(k): str(v) for k, v in problems.items()}
    field = str(exc.detail.get("field") or "form")
    return {field: exc.message.split(": ", 1)[-1] if field != "form" else exc.message}


def set_session_cookie(request: Request, response: Response, cookie: str, hours: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def uploads_of(form: FormData, name: str = "documents") -> list[cases.Upload]:
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
    401: "Sign in again, then repeat what you were doing.",
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
        return redirect(f"/portal/sign-in?next={request.url.path}")
    if isinstance(exc, SetupRequired):
        return redirect("/portal/totp")
    status = exc.status_code
    step = NEXT_STEP.get(status, "Try again in a minute; if it keeps happening, email the team.")
    if request.url.path.startswith("/portal/staff") and status == 401:
        step = "Sign in to the staff console, then open this page again."
    return render(
        request,
        "portal/error.html",
        {"message": exc.message, "next_step": step, "status": status},
        status_code=status,
    )


def not_found_page(request: Request) -> Response:
    return error_page(request, NotFound("There is no page at this address."))
