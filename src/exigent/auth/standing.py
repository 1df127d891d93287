"""Shutting accounts out at once: sessions ended, API tokens refused, the token cache of this
process emptied (other processes forget within the cache's two seconds). Nothing here commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from exigent.auth.models import User, WebSession
from exigent.auth.token_cache import forget_all


def shut_out(session: Session, user_ids: Collection[int], now: datetime) -> None:
    """Disable these accounts and end their sessions; a disabled account's API tokens and
    delivery downloads are refused by the same checks that read `is_active`."""
    if not user_ids:
        return
    ids = list(user_ids)
    session.execute(
        update(User)
        .where(User.id.in_(ids))
        .values(is_active=False)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(WebSession)
        .where(WebSession.user_id.in_(ids), WebSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    forget_all()
