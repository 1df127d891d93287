"""The dependencies routes take, as `Annotated` aliases, in one place.

A route names what it needs in its signature and never reads `request.app.state` itself:

    def page(case_id: CaseId, session: SessionDep, user: Reader, settings: SettingsDep): ...

- `SettingsDep`, `EngineDep`, `SessionFactoryDep`, `FileStoreDep`: what `create_app` made and
  keeps on `app.state` (each is defined beside its type, in the layer below that needs it).
- `SessionDep`: the request's database session.
- `CurrentUser`: an API caller (bearer token, or staff cookie with its CSRF header).
- `SignedInUser`, `PageUser`, `Reader`: the person on an HTML page, or a redirect to login.
- `CaseId`, `RowId`, `IntRowId`: path ids, bounded so a wild number is a 422, not a lookup.
- `FormDep`: the request's form, read (asynchronously) before the route runs.

Routes and dependencies that touch the database are plain `def`: FastAPI runs them in its
worker threads, so a transaction waiting for SQLite's write lock holds up no other request.
Only reading the body is `async`; it is done in dependencies of its own (`FormDep`, and the
CSRF token a form carries), whose result the plain `def` receives.

Pages never answer a JSON 401: a browser that lost its session is sent to `/login?next=...`
and comes back to where it was. Form posts carry the CSRF token as a hidden `csrf_token`
field (or the htmx header that `app.js` adds), checked against the session's token.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Path, Request
from starlette.datastructures import FormData

from exigent.auth.deps import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, CurrentUser
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import signed_in_session
from exigent.config import SettingsDep
from exigent.db import (
    MAX_ID,
    MAX_INT_ID,
    EngineDep,
    SessionDep,
    SessionFactoryDep,
    utcnow,
)
from exigent.errors import Forbidden, Unauthorized
from exigent.files import FileStoreDep

__all__ = [
    "CaseId",
    "CurrentUser",
    "EngineDep",
    "FileStoreDep",
    "FormDep",
    "IntRowId",
    "PageUser",
    "Reader",
    "RowId",
    "SessionDep",
    "SessionFactoryDep",
    "SettingsDep",
    "SignedInUser",
]

# A case's number and any other row's id (64-bit keys); `IntRowId` for the tables keyed by a
# 32-bit INTEGER (people, portal accounts, agencies).
CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
IntRowId = Annotated[int, Path(ge=1, le=MAX_INT_ID)]


async def read_form(request: Request) -> FormData:
    """The request's form (fields and files). Parsed once: Starlette keeps it on the request,
    so the CSRF check and the route share one parse."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]

CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """Raised by a page dependency; rendered as a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def safe_next(value: str | None, default: str = "/console") -> str:
    """A same-site path to return to after login; anything else falls back to `default`."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def login_url(next_path: str) -> str:
    return "/login?next=" + quote(safe_next(next_path), safe="/")


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token a signed-in form post sent: the htmx header, else the hidden field.

    Read here because reading the body is async; `get_signed_in_user` compares it. None when
    there is nothing to check (a safe method) or nobody to check it for (no session cookie:
    the body is then not read at all).
    """
    if request.method in SAFE_METHODS or not request.cookies.get(SESSION_COOKIE):
        return None
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else ""
    return sent


def get_signed_in_user(
    request: Request,
    session: SessionDep,
    sent: Annotated[str | None, Depends(sent_csrf_token)],
) -> User:
    """Anyone signed in (staff or officer), with the CSRF check on form posts."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired(here)
    try:
        web_session = signed_in_session(session, cookie, utcnow())
    except Unauthorized:
        session.rollback()
        raise LoginRequired(here) from None
    # Known before the CSRF check, so even its 403 page offers the navigation and sign-out.
    request.state.user = web_session.user
    request.state.csrf_token = web_session.csrf_token
    if request.method not in SAFE_METHODS and not hmac.compare_digest(
        sent or "", web_session.csrf_token
    ):
        # Out of the session first, so the rollback does not expire what the 403 page shows.
        session.expunge(web_session.user)
        session.rollback()
        raise Forbidden(
            "this form was sent without its security token (or with an old one); "
            "reload the page and try again"
        )
    user = web_session.user
    # End the look-up's transaction: on SQLite it would hold the write lock for the whole page.
    session.commit()
    return user


SignedInUser = Annotated[User, Depends(get_signed_in_user)]


def get_page_user(user: SignedInUser) -> User:
    """A staff member; officers are sent to their portal with a 403 page."""
    if not user.is_staff:
        raise Forbidden("the console is for staff; officers use the law-enforcement portal")
    return user


PageUser = Annotated[User, Depends(get_page_user)]


def page_permission(permission: Permission) -> Callable[[User], User]:
    """A dependency: the page user, refused with a 403 page when their role lacks `permission`."""

    def check(user: PageUser) -> User:
        if not user_can(user, permission):
            raise Forbidden(f"your role ({user.role}) cannot open this page: it needs {permission}")
        return user

    return check


def page_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency: the page user, refused with a 403 page unless they hold one of `roles`."""

    def check(user: PageUser) -> User:
        if user.role not in roles:
            names = ", ".join(str(r) for r in roles)
            raise Forbidden(f"this page is for {names}; your role is {user.role}")
        return user

    return check


# Staff who read every case: the queue, a case and the panels loaded into its page.
Reader = Annotated[User, Depends(page_permission(Permission.request_read_all))]
