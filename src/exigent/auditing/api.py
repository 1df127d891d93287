"""The audit log's JSON routes: its events by the viewer's filters, and the chain's checks.
Thin; the same permission (`audit.read`) and the same record of every look as the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from exigent.audit import checks
from exigent.audit.checks import ChainCheckerDep
from exigent.audit.models import AuditCheck
from exigent.audit.queries import MAX_PAGE_SIZE, PAGE_SIZE, decode_cursor, encode_cursor
from exigent.audit.queries import known_actions as all_actions
from exigent.auditing import filters, service
from exigent.auditing.schemas import (
    AuditCheckRead,
    AuditEventPage,
    AuditEventRead,
    ChainStatusRead,
)
from exigent.auth.deps import CurrentUser
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.config import SettingsDep
from exigent.db import SessionDep, begin_read_only, utcnow

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])

Text = Annotated[str, Query(max_length=400)]


@router.get("/events")
def list_events(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    case: Text = "",
    actor: Text = "",
    action: Text = "",
    kind: Text = "",
    since: Text = "",
    until: Text = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> AuditEventPage:
    """Audit events, newest first, filtered like the audit log page: `case` (EXG-0001234),
    `actor` (email or system name), `action` (exact, or a family as `request.*`), `kind`
    (read, change, refused), `since` and `until` (UTC unless an offset is given). Reads
    included. The look is itself recorded as `audit.read`."""
    require(user, Permission.audit_read)
    secret = settings.secret_key
    params = {
        "case": case,
        "actor": actor,
        "action": action,
        "kind": kind,
        "since": since,
        "until": until,
    }
    begin_read_only(session)
    typed = filters.parse(params, lambda: all_actions(session))
    after = decode_cursor(cursor, secret) if cursor else None
    page = service.read_log(session, user, typed, after=after, limit=limit)
    session.commit()
    service.record_log_read(session, user, typed, page)
    session.commit()
    return AuditEventPage(
        items=[_event(entry) for entry in page.entries],
        next_cursor=encode_cursor(page.next_position, secret) if page.next_position else None,
    )


@router.get("/chain")
def chain_status(session: SessionDep, user: CurrentUser) -> ChainStatusRead:
    """The last finished verification of the hash chain, one running, and the events since."""
    require(user, Permission.audit_read)
    begin_read_only(session)
    status = checks.chain_status(session, utcnow())
    session.commit()
    return ChainStatusRead(
        events=status.events,
        last=_check(status.last) if status.last else None,
        running=_check(status.running) if status.running else None,
        written_since=status.written_since,
    )


@router.post(
    "/checks",
    status_code=202,
    responses={409: {"description": "a verification is already running"}},
)
def start_check(session: SessionDep, checker: ChainCheckerDep, user: CurrentUser) -> AuditCheckRead:
    """Verify the whole chain in the background; `GET /api/v1/audit/chain` shows the result."""
    require(user, Permission.audit_read)
    check = checks.start_check(session, actor=actor_for(user), now=utcnow())
    session.commit()
    checker.start(check.id)
    return _check(check)


def _event(entry: service.Entry) -> AuditEventRead:
    event = entry.event
    return AuditEventRead(
        seq=event.seq,
        at=event.at,
        actor_id=event.actor_id,
        actor=event.actor,
        actor_name=entry.name,
        action=event.action,
        kind=entry.kind,
        object_type=event.object_type,
        object_id=event.object_id,
        case_id=event.case_id,
        case_reference=entry.case_reference,
        detail=event.detail or {},
        before_digest=event.before_digest,
        after_digest=event.after_digest,
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def _check(check: AuditCheck) -> AuditCheckRead:
    return AuditCheckRead(
        id=check.id,
        actor=check.actor,
        started_at=check.started_at,
        finished_at=check.finished_at,
        events_checked=check.events_checked,
        intact=check.intact,
        broken_seq=check.broken_seq,
        reason=check.reason,
    )
