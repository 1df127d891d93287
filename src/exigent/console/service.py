"""Saved views of the queue, per person. Never commits; audited like every other write."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.service import actor_for
from exigent.console.models import SavedView
from exigent.console.queries import parse_filters
from exigent.db import utcnow
from exigent.errors import BadInput, NotFound

MAX_VIEWS = 30


def save_view(
    session: Session, *, user: User, name: str, query: str, now: datetime | None = None
) -> SavedView:
    """Save the queue's current filters under a name; the same name replaces the older view."""
    now = now or utcnow()
    name = " ".join(name.split())
    if not name:
        raise BadInput("name: give the view a name", field="name")
    if len(name) > 80:
        raise BadInput("name: at most 80 characters", field="name")
    # Only filters the queue knows survive; anything else in the string is dropped.
    normalised = parse_filters(parse_qs(query.lstrip("?"))).query_string()
    view = session.execute(
        select(SavedView).where(SavedView.user_id == user.id, SavedView.name == name)
    ).scalar_one_or_none()
    if view is None:
        count = len(session.execute(select(SavedView.id).where(SavedView.user_id == user.id)).all())
        if count >= MAX_VIEWS:
            raise BadInput(f"name: you already have {MAX_VIEWS} views; delete one first")
        view = SavedView(user_id=user.id, name=name, query=normalised, created_at=now)
        session.add(view)
    else:
        view.query = normalised
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="console.view_save",
        object_type="saved_view",
        object_id=view.id,
        after={"name": name, "query": normalised},
        at=now,
    )
    return view


def delete_view(session: Session, *, user: User, view_id: int) -> None:
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        raise NotFound(f"no saved view {view_id} of yours")
    session.delete(view)
    record_event(
        session,
        actor=actor_for(user),
        action="console.view_delete",
        object_type="saved_view",
        object_id=view_id,
        before={"name": view.name, "query": view.query},
    )
    session.flush()
