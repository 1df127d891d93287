"""Every SELECT of cases, starting from a statement scoped to what the user may read."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, defer, lazyload

from exigent.auth.models import Role, User
from exigent.errors import BadInput
from exigent.requests.lifecycle import OPEN_STATUSES
from exigent.requests.models import Document, Request, TimelineEvent

MAX_PAGE = 200


def readable_requests(user: User) -> Select[Request]:
    statement = select(Request)
    if user.role == Role.requester:
        mine = [Request.submitted_by_id == user.id]
        if user.requester_id is not None:
            mine.append(Request.requester_id == user.requester_id)
        return statement.where(or_(*mine))
    if user.role == Role.scheduler or not user.is_staff:
        return statement.where(Request.id.is_(None))
    return statement


@dataclass(frozen=True)
class RequestFilters:
    status: list[str] | None = None
    open_only: bool = False
    priority: list[str] | None = None
    kind: list[str] | None = None
    agency_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    decide_due_before: datetime | None = None
    order: str = "urgency"


ORDERS = {"urgency", "newest"}


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != 2:
            raise ValueError
        return values
    except ValueError:
        raise BadInput("cursor: not a cursor this API returned", field="cursor") from None


def filtered(statement: Select[Request], f: RequestFilters) -> Select[Request]:
    if f.status:
        statement = statement.where(Request.status.in_(f.status))
    elif f.open_only:
        statement = statement.where(Request.status.in_(sorted(OPEN_STATUSES)))
    if f.priority:
        statement = statement.where(Request.priority.in_(f.priority))
    if f.kind:
        statement = statement.where(Request.kind.in_(f.kind))
    if f.agency_id is not None:
        statement = statement.where(Request.agency_id == f.agency_id)
    if f.assignee_id is not None:
        statement = statement.where(Request.assignee_id == f.assignee_id)
    if f.unassigned:
        statement = statement.where(Request.assignee_id.is_(None))
    if f.decide_due_before is not None:
        statement = statement.where(Request.decide_due_at <= f.decide_due_before)
    return statement


def list_requests(
    session: Session, user: User, filters: RequestFilters, *, limit: int, cursor: str | None
) -> tuple[list[Request], str | None]:
    """One page in a stable order (keyset pagination: deep pages cost the same as the first)."""
    if filters.order not in ORDERS:
        raise BadInput(f"order: one of {', '.join(sorted(ORDERS))}", field="order")
    limit = max(1, min(limit, MAX_PAGE))
    # A page shows summaries: the stored submission and targets stay in the database.
    statement = filtered(readable_requests(user), filters).options(
        defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets)
    )
    if filters.order == "urgency":
        key, key_of = Request.decide_due_at, lambda r: r.decide_due_at.isoformat()
        if cursor:
            due, last_id = _decode_cursor(cursor)
            due_at = datetime.fromisoformat(due)
            statement = statement.where(or_(key > due_at, (key == due_at) & (Request.id > last_id)))
        statement = statement.order_by(key, Request.id)
    else:
        key_of = lambda r: r.received_at.isoformat()  # noqa: E731
        if cursor:
            received, last_id = _decode_cursor(cursor)
            at = datetime.fromisoformat(received)
            statement = statement.where(
                or_(Request.received_at < at, (Request.received_at == at) & (Request.id < last_id))
            )
        statement = statement.order_by(Request.received_at.desc(), Request.id.desc())
    rows = list(session.execute(statement.limit(limit + 1)).scalars())
    page, more = rows[:limit], len(rows) > limit
    next_cursor = _encode_cursor([key_of(page[-1]), page[-1].id]) if more and page else None
    return page, next_cursor


def timeline_for(session: Session, user: User, request: Request) -> list[TimelineEvent]:
    statement = select(TimelineEvent).where(TimelineEvent.request_id == request.id)
    if user.role == Role.requester:
        statement = statement.where(TimelineEvent.visible_to_requester.is_(True))
    return list(session.execute(statement.order_by(TimelineEvent.at, TimelineEvent.id)).scalars())


def documents_for(session: Session, request: Request) -> list[Document]:
    return list(
        session.execute(
            select(Document).where(Document.request_id == request.id).order_by(Document.id)
        ).scalars()
    )
