"""`CurrentUser`: a bearer API token, or a staff session cookie with its CSRF header."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from exigent.auth.models import User
from exigent.auth.service import session_for_cookie, token_for, token_use_is_stale, touch_token
from exigent.db import SessionDep, begin_read_only, utcnow
from exigent.errors import Forbidden, Unauthorized

SESSION_COOKIE = "exigent_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer = HTTPBearer(auto_error=False, description="API token (exg_...) issued by an admin")


def get_current_user(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    now = utcnow()
    if credentials is None and not request.cookies.get(SESSION_COOKIE):
        raise Unauthorized("log in, or send an API token as 'Authorization: Bearer exg_...'")
    # The look-up only reads: on SQLite it must not queue behind (or hold up) the writers.
    begin_read_only(session)
    if credentials is not None:
        token = token_for(session, credentials.credentials, now)
        session.commit()
        if token_use_is_stale(token, now):
            touch_token(session, token.id, now)
            session.commit()
        return token.user
    web_session = session_for_cookie(session, request.cookies[SESSION_COOKIE], now)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or ""
        if not hmac.compare_digest(sent, web_session.csrf_token):
            raise Forbidden(f"missing or wrong {CSRF_HEADER} header for a cookie session")
    request.state.csrf_token = web_session.csrf_token
    session.commit()
    return web_session.user


CurrentUser = Annotated[User, Depends(get_current_user)]
