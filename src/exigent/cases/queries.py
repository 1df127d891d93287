"""Every SELECT of cases, starting from a statement scoped to what the user may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any, ClassVar

from itsdangerous import BadData, URLSafeSerializer
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, defer, lazyload

from exigent.auth.models import Role, User
from exigent.cases.lifecycle import OPEN_STATUSES, Status
from exigent.cases.models import Document, Priority, Request, TimelineEvent
from exigent.cases.schemas import RequestKind
from exigent.cases.scope import read_scope
from exigent.db import MAX_ID
from exigent.errors import BadInput, describe_validation_error

MAX_PAGE = 200


def readable_requests(user: User) -> Select[Request]:
    """Every case `user` may read (`cases.scope`); lists and filters start from this."""
    scope = read_scope(user)
    statement = select(Request)
    return statement if scope.everything else statement.where(scope.condition())


class ListChoices(BaseModel):
    """The status, priority and kind filters of a list of cases, checked in one place for the
    JSON API and the console queue: a value that is not a member is refused by name (422)
    rather than matching nothing."""

    model_config = ConfigDict(frozen=True)
    ENUMS: ClassVar[dict[str, type[StrEnum]]] = {
        "status": Status,
        "priority": Priority,
        "kind": RequestKind,
    }

    status: tuple[Status, ...] = ()
    priority: tuple[Priority, ...] = ()
    kind: tuple[RequestKind, ...] = ()

    @field_validator("status", "priority", "kind", mode="before")
    @classmethod
    def members_only(cls, values: Any, info: ValidationInfo) -> Any:
        # Checked before pydantic's own enum check, so the words match the console's and a
        # NUL (which no database text stores) is named as such.
        enum = cls.ENUMS[str(info.field_name)]
        allowed = {str(member) for member in enum}
        for value in values if isinstance(values, list | tuple) else [values]:
            if isinstance(value, str) and "\x00" in value:
                raise ValueError("must not contain NUL characters")
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {', '.join(sorted(allowed))}")
        return values


def list_choices(
    *,
    status: list[str] | None = None,
    priority: list[str] | None = None,
    kind: list[str] | None = None,
) -> ListChoices:
    """The filters as members; 422 naming the filter and its allowed values otherwise."""
    given = {"status": status, "priority": priority, "kind": kind}
    try:
        return ListChoices.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problems = describe_validation_error(exc)
        first = problems[0]
        raise BadInput(
            f"{first['field']}: {first['problem']}", field=first["field"], problems=problems
        ) from None


@dataclass(frozen=True)
class RequestFilters:
    status: list[Status] | None = None
    open_only: bool = False
    priority: list[Priority] | None = None
    kind: list[RequestKind] | None = None
    agency_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    decide_due_before: datetime | None = None
    order: str = "urgency"


ORDERS = {"urgency", "newest"}


CURSOR_SALT = "exigent.requests.cursor"
# Longer than any cursor handed out (about 100 characters).
MAX_CURSOR = 500


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=CURSOR_SALT)


def _encode_cursor(order: str, key: datetime, last_id: int, secret_key: str) -> str:
    """Where a page ended, signed: a cursor is only ever one this API handed out."""
    return str(_signer(secret_key).dumps([order, key.isoformat(), last_id]))


def _decode_cursor(cursor: str, order: str, secret_key: str | None) -> tuple[datetime, int]:
    """The position a cursor names; 422 for anything this API did not issue for this order."""
    try:
        if secret_key is None or len(cursor) > MAX_CURSOR:
            raise BadData("not a cursor")
        values = _signer(secret_key).loads(cursor)
        # Signed by us, still checked: a cursor from an older release may read differently.
        if not (isinstance(values, list) and len(values) == 3 and values[0] == order):
            raise ValueError
        _, key, last_id = values
        if not (isinstance(key, str) and type(last_id) is int and 1 <= last_id <= MAX_ID):
            raise ValueError
        at = datetime.fromisoformat(key)
        if at.tzinfo is None:
            raise ValueError
        return at, last_id
    except (BadData, ValueError):
        raise BadInput(
            "cursor: not a cursor this API returned for this order; start from the first page",
            field="cursor",
        ) from None


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
    session: Session,
    user: User,
    filters: RequestFilters,
    *,
    limit: int,
    cursor: str | None,
    secret_key: str | None = None,
) -> tuple[list[Request], str | None]:
    """One page in a stable order (keyset pagination: deep pages cost the same as the first).

    Cursors are signed with `secret_key`; a caller without one reads the first page only.
    """
    if filters.order not in ORDERS:
        raise BadInput(f"order: one of {', '.join(sorted(ORDERS))}", field="order")
    limit = max(1, min(limit, MAX_PAGE))
    # A page shows summaries: the stored submission and targets stay in the database.
    statement = filtered(readable_requests(user), filters).options(
        defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets)
    )
    after = _decode_cursor(cursor, filters.order, secret_key) if cursor else None
    if filters.order == "urgency":
        key_of = attrgetter("decide_due_at")
        if after:
            due_at, last_id = after
            due = Request.decide_due_at
            statement = statement.where(or_(due > due_at, (due == due_at) & (Request.id > last_id)))
        statement = statement.order_by(Request.decide_due_at, Request.id)
    else:
        key_of = attrgetter("received_at")
        if after:
            at, last_id = after
            statement = statement.where(
                or_(Request.received_at < at, (Request.received_at == at) & (Request.id < last_id))
            )
        statement = statement.order_by(Request.received_at.desc(), Request.id.desc())
    rows = list(session.execute(statement.limit(limit + 1)).scalars())
    page, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more and page and secret_key is not None:
        last = page[-1]
        next_cursor = _encode_cursor(filters.order, key_of(last), last.id, secret_key)
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
