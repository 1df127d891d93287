"""Reading the audit log: filtered pages, newest first, by keyset on (at, seq).

The log can hold millions of events (every read of case data is one), so a page never counts
or offsets: it continues from the last event shown, and each filter (case, actor, action,
time) has an index that leads with it and ends with (at, seq) (`models.AuditEvent`).
Who may read the log is the caller's business (the `auditing` screens); this only reads.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from exigent.audit.models import AuditEvent
from exigent.errors import BadInput

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CURSOR_SALT = "exigent.audit.cursor"
MAX_CURSOR = 300
# What reads look like: a person saw case data (a listing, a record, a revealed item).
READ_SUFFIXES = (".read", ".list")
READ_ACTIONS = frozenset({"content.reveal"})
REFUSED_SUFFIX = ".refused"
KINDS = ("read", "change", "refused")


def kind_of(action: str) -> str:
    """Whether an event records a read, a change, or a refused attempt."""
    if action.endswith(REFUSED_SUFFIX):
        return "refused"
    if action.endswith(READ_SUFFIXES) or action in READ_ACTIONS:
        return "read"
    return "change"


@dataclass(frozen=True)
class LogFilter:
    case_id: int | None = None
    actor: str | None = None
    # The actions to show; None shows every action, an empty tuple none.
    actions: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None


def known_actions(session: Session) -> list[str]:
    """Every distinct action in the log, sorted: one index probe per action (a loose index
    scan), however many events there are."""
    rows = session.execute(
        text(
            "WITH RECURSIVE actions(action) AS ("
            " SELECT MIN(action) FROM audit_events"
            " UNION ALL"
            " SELECT (SELECT MIN(action) FROM audit_events WHERE action > actions.action)"
            " FROM actions WHERE actions.action IS NOT NULL"
            ") SELECT action FROM actions WHERE action IS NOT NULL"
        )
    ).scalars()
    return sorted(rows)


def events_page(
    session: Session,
    log_filter: LogFilter,
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> tuple[list[AuditEvent], tuple[datetime, int] | None]:
    """Up to `limit` events matching `log_filter`, newest first, after the position `after`;
    and the position to continue from, None on the last page."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    actions = log_filter.actions
    if actions is not None and len(actions) > 1:
        # One ordered index range per action, merged here: a database asked for several
        # actions at once sorts all of their events before the cursor to find the next page.
        rows = heapq.merge(
            *(_newest(session, log_filter, (action,), after, limit + 1) for action in actions),
            key=lambda event: (event.at, event.seq),
            reverse=True,
        )
        found = list(itertools.islice(rows, limit + 1))
    else:
        found = _newest(session, log_filter, actions, after, limit + 1)
    page = found[:limit]
    more = len(found) > limit and bool(page)
    return page, ((page[-1].at, page[-1].seq) if more else None)


def _newest(
    session: Session,
    log_filter: LogFilter,
    actions: tuple[str, ...] | None,
    after: tuple[datetime, int] | None,
    count: int,
) -> list[AuditEvent]:
    if actions is not None and not actions:
        return []
    statement = select(AuditEvent)
    if log_filter.case_id is not None:
        statement = statement.where(AuditEvent.case_id == log_filter.case_id)
    if log_filter.actor is not None:
        statement = statement.where(AuditEvent.actor == log_filter.actor)
    if actions is not None:
        statement = statement.where(AuditEvent.action == actions[0])
    if log_filter.since is not None:
        statement = statement.where(AuditEvent.at >= log_filter.since)
    if log_filter.until is not None:
        statement = statement.where(AuditEvent.at < log_filter.until)
    if after is not None:
        at, seq = after
        statement = statement.where(
            or_(AuditEvent.at < at, and_(AuditEvent.at == at, AuditEvent.seq < seq))
        )
    statement = statement.order_by(AuditEvent.at.desc(), AuditEvent.seq.desc())
    return list(session.execute(statement.limit(count)).scalars())


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=CURSOR_SALT)


def encode_cursor(position: tuple[datetime, int], secret_key: str) -> str:
    """Where a page ended, signed: the log is read only from positions it handed out."""
    at, seq = position
    return str(_signer(secret_key).dumps([at.isoformat(), seq]))


def decode_cursor(cursor: str, secret_key: str) -> tuple[datetime, int]:
    """The position a cursor names; 422 naming `cursor` for anything else."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise BadData("not a cursor")
        values = _signer(secret_key).loads(cursor)
        if not (isinstance(values, list) and len(values) == 2):
            raise ValueError
        key, seq = values
        if not (isinstance(key, str) and type(seq) is int and seq >= 1):
            raise ValueError
        at = datetime.fromisoformat(key)
        if at.tzinfo is None:
            raise ValueError
        return at, seq
    except (BadData, ValueError):
        raise BadInput(
            "cursor: not a position this log handed out; start from the newest entries",
            field="cursor",
        ) from None
