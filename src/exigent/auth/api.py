"""Staff login and logout (cookie session + CSRF token), and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from exigent.auth import service
from exigent.auth.deps import SESSION_COOKIE, CurrentUser, client_address
from exigent.auth.schemas import LoginIn, LoginOut, UserRead
from exigent.config import SettingsDep
from exigent.db import SessionDep, utcnow

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/login", response_model=LoginOut)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
) -> LoginOut:
    hours = settings.session_hours
    try:
        token, web_session = service.log_in(
            session,
            email=body.email,
            password=body.password,
            code=body.code,
            address=client_address(request),
            secret_key=settings.secret_key,
            second_factor_required=settings.staff_second_factor_required,
            hours=hours,
        )
    finally:
        # A failed attempt is audited too, so commit either way.
        session.commit()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return LoginOut(
        user=UserRead.model_validate(web_session.user, from_attributes=True),
        csrf_token=web_session.csrf_token,
    )


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, session: SessionDep, user: CurrentUser) -> None:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.log_out(session, service.session_for_cookie(session, cookie, utcnow()))
        session.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)
