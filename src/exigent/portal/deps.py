"""Who is signed in to the portal, and the CSRF check every portal form post passes."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.accounts import PortalAccount
from exigent.auth.deps import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE
from exigent.auth.models import Door, Proof, Role, User, WebSession
from exigent.auth.service import session_for_cookie
from exigent.db import utcnow
from exigent.errors import ExigentError, Forbidden
from exigent.officers.service import IF_URGENT, barred
from exigent.web.deps import SessionDep

# Before sign-in there is no session to hold a CSRF token: a cookie and a hidden field must
# carry the same random value (double submit), which another site cannot read or set.
ANON_CSRF_COOKIE = "exigent_portal_csrf"
CSRF_FIELD = "csrf_token"


class SignInRequired(ExigentError):
    """No portal session: pages answer with the sign-in page, saying why."""

    status_code = 401


class SetupRequired(ExigentError):
    """Signed in, but the authenticator is not set up yet: pages go to its setup."""

    status_code = 403


@dataclass
class Officer:
    user: User
    account: PortalAccount
    web_session: WebSession

    @property
    def csrf_token(self) -> str:
        return self.web_session.csrf_token


async def _sent_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    form = await request.form()
    value = form.get(CSRF_FIELD)
    return value if isinstance(value, str) else ""


async def officer_csrf(request: Request) -> str:
    """The CSRF token a signed-in officer's form post sent. Read here because reading the body
    is async; `_officer` compares it. Without a session cookie the body is not read."""
    if request.method in SAFE_METHODS or not request.cookies.get(SESSION_COOKIE):
        return ""
    return await _sent_csrf(request)


OfficerCsrf = Annotated[str, Depends(officer_csrf)]


def check_csrf(request: Request, sent: str, expected: str) -> None:
    if request.method in SAFE_METHODS:
        return
    if not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "This form has expired or did not come from this site. Go back, reload the page "
            "and send it again."
        )


def _officer(request: Request, session: Session, sent: str, *, enrolled: bool) -> Officer:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise SignInRequired("Sign in to continue.")
    try:
        web_session = session_for_cookie(session, cookie, utcnow())
    except ExigentError:
        raise SignInRequired("Your session has ended; sign in again.") from None
    user = web_session.user
    if user.role != Role.requester or web_session.door != Door.portal:
        raise Forbidden("This is the law-enforcement portal; staff use the console.")
    # A session from the mailed link proves the mailbox, enough only to set up the app.
    if web_session.proof not in (Proof.second_factor, Proof.email_link):
        raise SignInRequired("Sign in with your authenticator app to continue.")
    account = session.execute(
        select(PortalAccount).where(PortalAccount.user_id == user.id)
    ).scalar_one_or_none()
    if account is None:
        raise Forbidden("This account has no portal profile; contact the response team.")
    if barred(session, account):
        raise Forbidden(
            "This account is suspended. Your supervisor can contact the platform's "
            f"law-enforcement response team. {IF_URGENT}"
        )
    check_csrf(request, sent, web_session.csrf_token)
    if enrolled and account.totp_enrolled_at is None:
        raise SetupRequired("Set up your authenticator app before you continue.")
    if enrolled and web_session.proof != Proof.second_factor:
        raise SignInRequired("Sign in with your authenticator app to continue.")
    request.state.csrf_token = web_session.csrf_token
    session.commit()
    return Officer(user=user, account=account, web_session=web_session)


def signed_in_officer(request: Request, session: SessionDep, sent: OfficerCsrf) -> Officer:
    return _officer(request, session, sent, enrolled=True)


def enrolling_officer(request: Request, session: SessionDep, sent: OfficerCsrf) -> Officer:
    return _officer(request, session, sent, enrolled=False)


CurrentOfficer = Annotated[Officer, Depends(signed_in_officer)]
EnrollingOfficer = Annotated[Officer, Depends(enrolling_officer)]


def anon_csrf_token(request: Request) -> str:
    """The visitor's pre-sign-in CSRF value (a fresh one if they have none yet)."""
    return request.cookies.get(ANON_CSRF_COOKIE) or secrets.token_urlsafe(24)


async def check_anon_csrf(request: Request) -> None:
    """The double-submit check of a form posted before sign-in. `async` (it reads the body)
    and touches no database."""
    sent = "" if request.method in SAFE_METHODS else await _sent_csrf(request)
    check_csrf(request, sent, request.cookies.get(ANON_CSRF_COOKIE) or "")


AnonCsrf = Depends(check_anon_csrf)
