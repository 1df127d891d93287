"""`CurrentUser`: a bearer API token, or a staff session cookie with its CSRF header."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import User
from exigent.auth.service import (
    caller_of,
    sha256_hex,
    signed_in_session,
    token_for,
    token_use_is_stale,
    touch_token,
)
from exigent.auth.token_cache import TokenCache
from exigent.db import SessionFactoryDep, begin_read_only, utcnow
from exigent.errors import Forbidden, Unauthorized

SESSION_COOKIE = "exigent_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, configure uvicorn's
    --forwarded-allow-ips so this is the client's, not the proxy's)."""
    return request.client.host if request.client else "unknown"


bearer = HTTPBearer(auto_error=False, description="API token (exg_...) issued by an admin")


async def get_token_cache(request: Request) -> TokenCache:
    cache: TokenCache = request.app.state.token_cache
    return cache


TokenCacheDep = Annotated[TokenCache, Depends(get_token_cache)]


async def get_current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cache: TokenCacheDep,
    factory: SessionFactoryDep,
) -> User:
    """The caller. `async` with no database work on the event loop: a token seen in the last
    moments is answered from memory (no worker thread for the busiest caller, intake), and
    the database look-up runs in a worker thread."""
    if credentials is None and not request.cookies.get(SESSION_COOKIE):
        raise Unauthorized("log in, or send an API token as 'Authorization: Bearer exg_...'")
    if credentials is not None:
        known = cache.user_for(sha256_hex(credentials.credentials), utcnow())
        if known is not None:
            return known
    return await run_in_threadpool(_look_up_user, request, credentials, cache, factory)


def _look_up_user(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None,
    cache: TokenCache,
    factory: sessionmaker[Session],
) -> User:
    """The caller from the database, in a session of its own (the user comes back detached,
    its columns loaded)."""
    now = utcnow()
    with factory() as session:
        # The look-up only reads: on SQLite it must not queue behind (or hold up) the writers.
        begin_read_only(session)
        if credentials is not None:
            token = token_for(session, credentials.credentials, now)
            session.commit()
            if token_use_is_stale(token, now):
                touch_token(session, token.id, now)
                session.commit()
            cache.remember(sha256_hex(credentials.credentials), token)
            return caller_of(token)
        web_session = signed_in_session(session, request.cookies[SESSION_COOKIE], now)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER) or ""
            if not hmac.compare_digest(sent, web_session.csrf_token):
                raise Forbidden(f"missing or wrong {CSRF_HEADER} header for a cookie session")
        request.state.csrf_token = web_session.csrf_token
        session.commit()
        return web_session.user


CurrentUser = Annotated[User, Depends(get_current_user)]
