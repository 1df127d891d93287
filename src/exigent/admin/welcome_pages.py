"""`/welcome/{token}`: an invited (or reset) staff member chooses a password and sets up the
authenticator, then signs in at /login.

Opening the link changes nothing (mail scanners fetch links); each step is a form post. The
posts need no separate CSRF value: the link's token is in the address they post to, and
another site cannot know it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from exigent.admin import setup
from exigent.auth import second_factor
from exigent.auth.models import User
from exigent.db import utcnow
from exigent.errors import ExigentError
from exigent.web.deps import SessionDep, SettingsDep
from exigent.web.templating import templates

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Path(min_length=20, max_length=100)]
Password = Annotated[str, Form(max_length=setup.MAX_PASSWORD)]


def _page(
    request: Request,
    user: User,
    token: str,
    secret_key: str,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "person": user,
        "token": token,
        "problems": problems or {},
        "step": "authenticator" if setup.awaits_authenticator(user) else "password",
        "min_password": setup.MIN_PASSWORD,
    }
    if context["step"] == "authenticator":
        secret = second_factor.enrolment_secret(user, secret_key=secret_key)
        context |= second_factor.setup_view(user.email, secret)
    return templates.TemplateResponse(request, "admin/welcome.html", context, status_code)


def _problem(exc: ExigentError) -> dict[str, str]:
    return {str(exc.detail.get("field") or "code"): exc.message.split(": ", 1)[-1]}


@router.get("/welcome/{token}", response_class=HTMLResponse)
def welcome(token: Token, request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    _, user = setup.open_link(session, token, utcnow())
    page = _page(request, user, token, settings.secret_key)
    session.rollback()  # a look only: nothing it touched is kept
    return page


@router.post("/welcome/{token}/password", response_class=HTMLResponse)
def choose_password(
    token: Token,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    password: Password = "",
    password_again: Password = "",
) -> Response:
    secret_key = settings.secret_key
    try:
        user, _ = setup.choose_password(
            session,
            token=token,
            password=password,
            again=password_again,
            secret_key=secret_key,
            now=utcnow(),
        )
    except setup.LinkGone:
        raise
    except ExigentError as exc:
        session.rollback()
        _, user = setup.open_link(session, token, utcnow())
        return _page(request, user, token, secret_key, _problem(exc), exc.status_code)
    session.commit()
    return _page(request, user, token, secret_key)


@router.post("/welcome/{token}/authenticator", response_class=HTMLResponse)
def set_up_authenticator(
    token: Token,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    secret_key = settings.secret_key
    try:
        user, codes = setup.finish(
            session, token=token, code=code, secret_key=secret_key, now=utcnow()
        )
    except setup.LinkGone:
        raise
    except ExigentError as exc:
        session.rollback()
        _, user = setup.open_link(session, token, utcnow())
        return _page(request, user, token, secret_key, _problem(exc), exc.status_code)
    session.commit()
    return templates.TemplateResponse(
        request, "admin/welcome_done.html", {"person": user, "codes": codes}
    )
