"""Reading the audit log as a person or a program: one permission (`audit.read`), the log's
filters, and every look at the log itself on the log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.models import AuditEvent
from exigent.audit.queries import PAGE_SIZE, events_page, kind_of
from exigent.audit.service import record_event
from exigent.auditing.filters import Typed
from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases.models import format_reference

# A detail value longer than this is cut in the listing (the API gives it whole).
SHOWN_CHARACTERS = 80


@dataclass(frozen=True)
class Entry:
    """One event as the viewer shows it."""

    event: AuditEvent
    kind: str
    # The acting person's name when the actor is an account, else None (system actors).
    name: str | None
    case_reference: str | None
    summary: str


@dataclass(frozen=True)
class LogPage:
    entries: list[Entry]
    # Where the next (older) page starts; None on the last page.
    next_position: tuple[datetime, int] | None


def read_log(
    session: Session,
    user: User,
    typed: Typed,
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> LogPage:
    """One page of the log for `user`, who must hold `audit.read`; nothing is recorded here
    (`record_log_read` does, once the page is in hand)."""
    require(user, Permission.audit_read)
    events, next_position = events_page(session, typed.log_filter, after=after, limit=limit)
    names = _names(session, {e.actor_id for e in events if e.actor_id is not None})
    entries = [
        Entry(
            event=event,
            kind=kind_of(event.action),
            name=names.get(event.actor_id) if event.actor_id is not None else None,
            case_reference=format_reference(event.case_id) if event.case_id else None,
            summary=summarise(event.detail),
        )
        for event in events
    ]
    return LogPage(entries=entries, next_position=next_position)


def record_log_read(session: Session, user: User, typed: Typed, page: LogPage) -> None:
    """A look at the log is on the log: the filters and the events shown. Filtered by case,
    it is also an entry of that case's own trail."""
    seqs = [entry.event.seq for entry in page.entries]
    detail: dict[str, Any] = {"filter": typed.query, "shown": len(seqs)}
    if seqs:
        detail["seqs"] = [min(seqs), max(seqs)]
    if typed.case_id is not None:
        detail["request_id"] = typed.case_id
    record_event(
        session, actor=actor_for(user), action="audit.read", object_type="audit_log", detail=detail
    )


def summarise(detail: dict[str, Any] | None) -> str:
    """A detail's facts in a line: short values whole, lists by their size."""
    parts = []
    for key, value in (detail or {}).items():
        if key == "request_id" or value is None or value == [] or value == {}:
            continue  # the case column says it; nothing to say
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value) if len(value) <= 5 else f"{len(value)} items"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items())
        else:
            shown = str(value)
        if len(shown) > SHOWN_CHARACTERS:
            shown = shown[: SHOWN_CHARACTERS - 1] + "…"
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return "; ".join(parts)


def _names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(ids)
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def staff_actors(session: Session) -> list[str]:
    """The staff's addresses, offered as the actor filter's suggestions."""
    return list(
        session.execute(
            select(User.email).where(User.role != Role.requester).order_by(User.email)
        ).scalars()
    )
