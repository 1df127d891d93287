"""A staff member's own sign-in security: set up the authenticator app while signed in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth import second_factor
from exigent.auth.models import User
from exigent.auth.service import actor_for, password_matches
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import BadInput, ExigentError
from exigent.web.deps import PageUser, SessionDep, SettingsDep
from exigent.web.render import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    session: Session,
    settings: Settings,
    user: User,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, object] = {"problems": problems or {}, "enrolled": user.totp_enrolled_at}
    if user.totp_enrolled_at is None:
        secret = second_factor.enrolment_secret(user, secret_key=settings.secret_key)
        context |= second_factor.setup_view(user.email, secret)
    session.commit()  # the sealed secret is kept until the first code confirms it
    return render(request, user, "account/security.html", context, status_code)


@router.get("/account/security", response_class=HTMLResponse)
def security_page(
    request: Request, session: SessionDep, user: PageUser, settings: SettingsDep
) -> Response:
    return _page(request, session, settings, session.merge(user))


@router.post("/account/security", response_class=HTMLResponse)
def enrol(
    request: Request,
    session: SessionDep,
    user: PageUser,
    settings: SettingsDep,
    password: Annotated[str, Form(max_length=1000)] = "",
    code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Turn on the authenticator: the password again (a borrowed, unlocked screen is not
    enough) and the app's first code."""
    me = session.merge(user)
    now = utcnow()
    try:
        if not password_matches(me.password_hash, password):
            raise BadInput("password: this is not your password", field="password")
        codes = second_factor.complete_enrolment(
            session,
            holder=me,
            user_id=me.id,
            code=code,
            secret_key=settings.secret_key,
            now=now,
        )
    except ExigentError as exc:
        session.rollback()
        field = str(exc.detail.get("field") or "code")
        problem = exc.message.split(": ", 1)[-1]
        return _page(
            request, session, settings, session.merge(user), {field: problem}, exc.status_code
        )
    record_event(
        session,
        actor=actor_for(me),
        action="auth.totp_enrolled",
        object_type="user",
        object_id=me.id,
        at=now,
    )
    session.commit()
    return render(request, me, "account/recovery_codes.html", {"codes": codes})
