"""One-time links that acknowledge a page from wherever its message is read.

Only the token's sha256 is stored. A token nobody issued is a forgery (403); one already used
or past its time is gone (410). Following the link shows a confirmation: a GET never
acknowledges, because mail scanners follow links.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.errors import ExigentError, Forbidden
from exigent.oncall.models import AckLink


class LinkGone(ExigentError):
    status_code = 410


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session, *, alert_id: int, user_id: int | None, now: datetime, hours: int
) -> str:
    """A new link's token for one person and one page; shown in one message, never again."""
    token = secrets.token_urlsafe(32)
    session.add(
        AckLink(
            alert_id=alert_id,
            user_id=user_id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return token


def usable(session: Session, token: str, now: datetime, *, lock: bool = False) -> AckLink:
    """The link `token` opens, if it may still be used; 403 if forged, 410 if used or expired."""
    statement = select(AckLink).where(AckLink.token_hash == _hash(token))
    if lock:
        statement = statement.with_for_update()
    link = session.scalar(statement)
    if link is None:
        raise Forbidden("this acknowledge link is not one Exigent issued")
    if link.used_at is not None:
        raise LinkGone("this acknowledge link was already used; open the console to see the page")
    if link.expires_at <= now:
        raise LinkGone("this acknowledge link has expired; open the console to acknowledge")
    return link
