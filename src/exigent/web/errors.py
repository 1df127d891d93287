"""Error pages for people: what happened and what to do next. API paths keep their JSON."""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.deps import SESSION_COOKIE
from exigent.auth.models import User
from exigent.auth.service import signed_in_session
from exigent.db import begin_read_only, utcnow
from exigent.web.deps import LoginRequired, login_url
from exigent.web.templating import templates

TITLES = {
    400: "The request could not be understood",
    401: "You are not signed in",
    403: "You cannot do this",
    404: "Not found",
    405: "This page does not accept that",
    409: "This could not be done as things stand",
    413: "The file is too large",
    422: "Something in the form needs fixing",
    500: "Something went wrong on our side",
    503: "The service is back in a moment",
}
NEXT_STEPS = {
    400: "Go back, check what you entered and try again.",
    401: "Sign in again; you will come back to this page.",
    403: "If you need this, ask your lead or an administrator for the right role. "
    "Otherwise go back to where you were.",
    404: "Check the case number or the address. Cases you cannot see are reported as not "
    "found. Go back to the queue to find the case.",
    405: "Use the buttons on the page rather than typing the address.",
    409: "Reload the page to see the case as it is now, then try again. If it keeps happening, "
    "tell your lead what you were trying to do.",
    413: "Send a smaller file, or split it into parts.",
    422: "Go back, correct the field named above and send the form again.",
    500: "Try again in a minute. If it keeps happening, tell the on-call engineer the time "
    "shown below; an emergency can be worked by phone meanwhile.",
    503: "Wait a few seconds, then reload the page or send the form again. If it lasts more "
    "than a minute, tell the on-call engineer; an emergency can be worked by phone meanwhile.",
}


def wants_html(request: Request) -> bool:
    """A person's page rather than an API call."""
    path = request.url.path
    return not (path.startswith("/api/") or path == "/openapi.json")


def error_page(
    request: Request,
    status_code: int,
    message: str,
    *,
    user: User | None = None,
    csrf_token: str | None = None,
) -> HTMLResponse:
    """The page; with the signed-in `user` it keeps their navigation and sign-out."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "status_code": status_code,
            "heading": TITLES.get(status_code, "Something went wrong"),
            "message": message,
            "next_step": NEXT_STEPS.get(status_code, NEXT_STEPS[400]),
            "at": utcnow().strftime("%Y-%m-%d %H:%M:%S UTC"),
            "user": user,
            "csrf_token": csrf_token if user is not None else None,
        },
        status_code=status_code,
    )


async def page_error(
    request: Request, status_code: int, message: str, *, look_up: bool = True
) -> HTMLResponse:
    """`error_page` for whoever is signed in: the page's own user when a page dependency found
    them, else the session cookie's (an address with no page has no dependency). `look_up`
    is False while the database is out of reach."""
    user, csrf_token = await _signed_in(request, look_up)
    return error_page(request, status_code, message, user=user, csrf_token=csrf_token)


async def _signed_in(request: Request, look_up: bool) -> tuple[User | None, str | None]:
    user = getattr(request.state, "user", None)
    # A route that rolled back has expired what it loaded, and its session is closed by now.
    if isinstance(user, User) and not inspect(user).expired_attributes:
        return user, getattr(request.state, "csrf_token", None)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or not look_up:
        return None, None
    try:
        return await run_in_threadpool(_session_owner, request.app.state.session_factory, cookie)
    except Exception:  # an error page must still say what went wrong, signed in or not
        return None, None


def _session_owner(factory: sessionmaker[Session], cookie: str) -> tuple[User | None, str | None]:
    with factory() as session:
        begin_read_only(session)
        web_session = signed_in_session(session, cookie, utcnow())
        user, csrf_token = web_session.user, web_session.csrf_token
        session.expunge_all()
        session.rollback()
    return user, csrf_token


def login_redirect(request: Request, exc: LoginRequired) -> Response:
    target = login_url(exc.next_path)
    if request.headers.get("HX-Request"):
        # htmx would swap the login page into a fragment; ask it to navigate instead.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
