"""Delivery: an expiring link that only the requester's portal account can use.

The token is shown once, to the staff member who issues it, and goes to the requester through
the portal; Exigent keeps only its SHA-256. Every use is logged (who, when, from where),
granted or refused, and refused uses are audited like any other attempt to get round a rule.
Re-delivery revokes the live link and issues a new one.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import Conflict, ExigentError, NotFound
from exigent.legal.notify import timeline_entry
from exigent.notifications.email import MailNotSent, compose, send
from exigent.production.custody import custody
from exigent.production.models import (
    DeliveryLink,
    DownloadAttempt,
    DownloadOutcome,
    Production,
    ProductionStatus,
)
from exigent.production.service import production_reference

TOKEN_PREFIX = "exd_"


class Gone(ExigentError):
    status_code = 410


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def recipient_for(session: Session, request: Request) -> User | None:
    """The requester's portal account: the one that submitted the case, or the officer's own."""
    if request.submitted_by_id is not None:
        submitter = session.get(User, request.submitted_by_id)
        if submitter is not None and submitter.role == Role.requester and submitter.is_active:
            return submitter
    if request.requester_id is None:
        return None
    return session.execute(
        select(User)
        .where(
            User.role == Role.requester,
            User.requester_id == request.requester_id,
            User.is_active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def load_production(session: Session, user: User, production_id: int) -> Production:
    production = session.get(Production, production_id)
    if production is None:
        raise NotFound(f"no production {production_id} that you can see")
    cases.load_for(session, user, production.request_id)  # 404 unless the user may see the case
    return production


def link_for_account(
    session: Session,
    *,
    production: Production,
    recipient: User,
    user: User,
    settings: Settings,
    now: datetime,
    note: dict[str, Any] | None = None,
) -> tuple[DeliveryLink, str]:
    """A new one-time download link of `production` for `recipient`'s portal account, with its
    chain-of-custody entry; returns the link and its token (shown once, stored as a hash)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    link = DeliveryLink(
        production_id=production.id,
        recipient_id=recipient.id,
        token_hash=token_hash(token),
        issued_by_id=user.id,
        issued_at=now,
        expires_at=now + timedelta(hours=settings.delivery_link_hours),
    )
    session.add(link)
    session.flush()
    custody(
        session,
        request_id=production.request_id,
        production_id=production.id,
        actor=actor_for(user),
        event="link_issued",
        at=now,
        sha256=production.manifest_sha256,
        detail={
            "link_id": link.id,
            "recipient": recipient.email,
            "expires_at": link.expires_at.isoformat(),
            **(note or {}),
        },
    )
    return link, token


def issue_link(
    session: Session,
    *,
    user: User,
    production_id: int,
    settings: Settings,
    now: datetime | None = None,
) -> tuple[DeliveryLink, str]:
    """A new link for the requester (revoking any live one); returns it and its token."""
    now = now or utcnow()
    production = load_production(session, user, production_id)
    require_or_refuse(
        user,
        Permission.production_deliver,
        action="production.deliver",
        request_id=production.request_id,
    )
    if production.status != ProductionStatus.built:
        raise Conflict(f"production {production.id} is {production.status}; only a built one ships")
    request = session.get(Request, production.request_id)
    assert request is not None
    if request.status not in {Status.producing, Status.delivered}:
        raise Conflict(f"case {request.reference} is {request.status}; it cannot be delivered")
    recipient = recipient_for(session, request)
    if recipient is None:
        raise Conflict(
            f"the requester of {request.reference} has no portal account: productions are "
            "delivered only to the verified requester's own account"
        )
    actor = actor_for(user)
    for live in _live_links(session, production.id, now):
        live.revoked_at = now
        live.revoked_reason = "re-delivered: replaced by a new link"
        custody(
            session,
            request_id=request.id,
            production_id=production.id,
            actor=actor,
            event="link_revoked",
            at=now,
            detail={"link_id": live.id, "reason": live.revoked_reason},
        )
    link, token = link_for_account(
        session, production=production, recipient=recipient, user=user, settings=settings, now=now
    )
    reference = production_reference(request, production.id)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="production_delivered",
        at=now,
        body=f"Production {reference} is ready to download in the portal until "
        f"{link.expires_at:%Y-%m-%d %H:%M} UTC.",
        visible=True,
        data={"production_id": production.id, "link_id": link.id},
    )
    if request.status is Status.producing:
        cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=Status.delivered,
            reason=f"Production {reference} delivered to {recipient.email} through the portal.",
            now=now,
        )
    return link, token


def mail_link(
    session: Session, settings: Settings, link: DeliveryLink, token: str
) -> tuple[str, str | None]:
    """Send the link to the recipient's portal address; returns (address, error or None).

    The mail only carries the link: opening it still needs the recipient's own portal login,
    so a forwarded or intercepted message gives no one else the data.
    """
    recipient = session.get(User, link.recipient_id)
    production = session.get(Production, link.production_id)
    assert recipient is not None and production is not None
    request = session.get(Request, production.request_id)
    assert request is not None
    reference = production_reference(request, production.id)
    text = (
        f"Production {reference} for your case {request.case_number or request.reference} is "
        f"ready.\n\nDownload it, logged in to your portal account ({recipient.email}), from:\n"
        f"{settings.base_url.rstrip('/')}/api/v1/deliveries/{token}\n\n"
        f"The link works only for your account and expires {link.expires_at:%Y-%m-%d %H:%M} UTC. "
        f"Every download is logged.\n\nThe package's seal (SHA-256 of manifest.json, also "
        f"printed on the cover letter): {production.manifest_sha256}\n"
    )
    message = compose(
        settings, to=recipient.email, subject=f"Production {reference} ready", text=text
    )
    try:
        send(settings, message)
    except MailNotSent as exc:
        return recipient.email, exc.message
    return recipient.email, None


def _live_links(session: Session, production_id: int, now: datetime) -> list[DeliveryLink]:
    return list(
        session.execute(
            select(DeliveryLink).where(
                DeliveryLink.production_id == production_id,
                DeliveryLink.revoked_at.is_(None),
                DeliveryLink.expires_at > now,
            )
        ).scalars()
    )


def revoke_link(
    session: Session, *, user: User, link_id: int, reason: str, now: datetime | None = None
) -> DeliveryLink:
    now = now or utcnow()
    link = session.get(DeliveryLink, link_id)
    if link is None:
        raise NotFound(f"no delivery link {link_id}")
    production = load_production(session, user, link.production_id)
    require_or_refuse(
        user,
        Permission.production_deliver,
        action="production.revoke_link",
        request_id=production.request_id,
    )
    if link.revoked_at is None:
        link.revoked_at = now
        link.revoked_reason = reason.strip() or "revoked"
        custody(
            session,
            request_id=production.request_id,
            production_id=production.id,
            actor=actor_for(user),
            event="link_revoked",
            at=now,
            detail={"link_id": link.id, "reason": link.revoked_reason},
        )
    return link


@dataclass(frozen=True)
class Opened:
    link: DeliveryLink
    production: Production
    outcome: DownloadOutcome

    def raise_unless_granted(self) -> None:
        match self.outcome:
            case DownloadOutcome.downloaded:
                return
            case DownloadOutcome.wrong_account:
                raise ExigentError(
                    "this delivery link belongs to another account; the attempt was logged",
                    status_code=403,
                )
            case DownloadOutcome.expired:
                raise Gone(
                    f"this delivery link expired at {self.link.expires_at:%Y-%m-%d %H:%M} UTC; "
                    "ask the team to deliver again"
                )
            case DownloadOutcome.revoked:
                raise Gone("this delivery link was revoked; use the newest link in the portal")


def open_link(
    session: Session,
    *,
    user: User,
    token: str,
    ip: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> Opened:
    """Judge one use of a link and log it (the caller commits, then answers or streams)."""
    now = now or utcnow()
    link = session.execute(
        select(DeliveryLink).where(DeliveryLink.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if link is None:
        raise NotFound("no such delivery link")
    return _judge(session, user=user, link=link, ip=ip, user_agent=user_agent, now=now)


def open_own_link(
    session: Session,
    *,
    user: User,
    link_id: int,
    ip: str | None,
    user_agent: str | None,
    now: datetime | None = None,
) -> Opened:
    """The portal's download button: the link by its id, judged and logged like a token's use.

    The caller commits (so a refused try stays logged), then answers or streams; the page
    answers another account's link with a 404, not confirming it exists.
    """
    now = now or utcnow()
    link = session.get(DeliveryLink, link_id)
    if link is None:
        raise NotFound(f"no delivery {link_id} for your account")
    return _judge(session, user=user, link=link, ip=ip, user_agent=user_agent, now=now)


@dataclass(frozen=True)
class Delivered:
    """One delivery link of the signed-in officer, as the portal lists it."""

    link: DeliveryLink
    production: Production
    request: Request
    state: str  # live, expired, revoked


def delivered_to(
    session: Session, user: User, *, request_id: int | None = None, now: datetime | None = None
) -> list[Delivered]:
    """The delivery links issued to `user`'s own account (newest first); nobody else's."""
    now = now or utcnow()
    statement = (
        select(DeliveryLink, Production, Request)
        .join(Production, Production.id == DeliveryLink.production_id)
        .join(Request, Request.id == Production.request_id)
        .where(DeliveryLink.recipient_id == user.id)
        .order_by(DeliveryLink.issued_at.desc(), DeliveryLink.id.desc())
    )
    if request_id is not None:
        statement = statement.where(Production.request_id == request_id)
    result = []
    for link, production, request in session.execute(statement).all():
        if link.revoked_at is not None:
            state = "revoked"
        elif link.expires_at <= now:
            state = "expired"
        else:
            state = "live"
        result.append(Delivered(link, production, request, state))
    return result


def _judge(
    session: Session,
    *,
    user: User,
    link: DeliveryLink,
    ip: str | None,
    user_agent: str | None,
    now: datetime,
) -> Opened:
    production = session.get(Production, link.production_id)
    assert production is not None
    if link.recipient_id != user.id:
        outcome = DownloadOutcome.wrong_account
    elif link.revoked_at is not None:
        outcome = DownloadOutcome.revoked
    elif link.expires_at <= now:
        outcome = DownloadOutcome.expired
    else:
        outcome = DownloadOutcome.downloaded
    session.add(
        DownloadAttempt(
            link_id=link.id,
            production_id=production.id,
            user_id=user.id,
            at=now,
            ip=ip,
            user_agent=(user_agent or "")[:500] or None,
            outcome=outcome,
        )
    )
    custody(
        session,
        request_id=production.request_id,
        production_id=production.id,
        actor=actor_for(user),
        event="downloaded" if outcome is DownloadOutcome.downloaded else "download_refused",
        at=now,
        sha256=production.manifest_sha256 if outcome is DownloadOutcome.downloaded else None,
        detail={"link_id": link.id, "outcome": str(outcome), "ip": ip, "user": user.email},
    )
    return Opened(link, production, outcome)


def attempts(session: Session, production_id: int) -> list[DownloadAttempt]:
    return list(
        session.execute(
            select(DownloadAttempt)
            .where(DownloadAttempt.production_id == production_id)
            .order_by(DownloadAttempt.id)
        ).scalars()
    )
