"""Appending to and verifying the audit chain. Callers append inside their own transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from exigent.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from exigent.db import utcnow

HEAD_ID = 1


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, or the system itself (worker, importer)."""

    id: int | None
    label: str
    role: str

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(id=None, label=label, role="system")


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=True)


def digest(value: Any) -> str | None:
    """SHA-256 of a state's canonical JSON; None stands for "no state" (created or deleted)."""
    if value is None:
        return None
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def _event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    body = canonical(
        {
            "seq": event["seq"],
            "at": event["at"].isoformat(),
            "actor_id": event["actor_id"],
            "actor": event["actor"],
            "action": event["action"],
            "object_type": event["object_type"],
            "object_id": event["object_id"],
            "before": event["before_digest"],
            "after": event["after_digest"],
            "detail": event["detail"],
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _as_values(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in CHAINED_FIELDS}


CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before_digest",
    "after_digest",
    "detail",
)


@dataclass(frozen=True)
class Event:
    """One thing to put on the record: who did what to which object, with digests of the
    object's state before and after."""

    actor: Actor
    action: str
    object_type: str
    object_id: str | int | None = None
    before: Any = None
    after: Any = None
    detail: dict[str, Any] | None = None
    at: datetime | None = None
    # The digest of `after` when the caller already has it (intake: the submission digest).
    after_digest: str | None = None


def record_event(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    before: Any = None,
    after: Any = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Append one event, chained to the tip; the head lock is held until the caller commits."""
    event = Event(actor, action, object_type, object_id, before, after, detail, at)
    return record_events(session, [event])[0]


def record_events(session: Session, events: list[Event]) -> list[dict[str, Any]]:
    """Append events in order, chained to the tip and to each other, in three statements
    whatever their number; the head lock is held until the caller commits."""
    if not events:
        return []
    seq, prev_hash = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID).with_for_update()
    ).one()
    rows: list[dict[str, Any]] = []
    for event in events:
        seq += 1
        values = _chained(event, seq, prev_hash)
        prev_hash = values["hash"]
        rows.append(values)
    # Core statements, not the unit of work: this runs on every read and write of case data.
    session.execute(insert(AuditEvent), rows)
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=seq, hash=prev_hash)
        .execution_options(synchronize_session=False)
    )
    return rows


def _chained(event: Event, seq: int, prev_hash: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "seq": seq,
        "at": (event.at or utcnow()).astimezone(UTC),
        "actor_id": event.actor.id,
        "actor": event.actor.label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": None if event.object_id is None else str(event.object_id),
        "before_digest": digest(event.before),
        "after_digest": event.after_digest or digest(event.after),
        "detail": json.loads(canonical(event.detail or {})),
    }
    values["prev_hash"] = prev_hash
    values["hash"] = _event_hash(prev_hash, values)
    values["case_id"] = case_of(values["object_type"], values["object_id"], values["detail"])
    return values


# Case numbers have at most nine digits; anything longer names no case (the migration that
# filled in the older events' cases follows the same rule).
MAX_CASE_ID = 999_999_999


def case_of(object_type: str, object_id: str | None, detail: Any) -> int | None:
    """The case an event is about: the request itself, or the `request_id` its detail names.
    Derived from chained fields only, so verifying the chain also vouches for it."""
    if object_type == "request" and object_id and object_id.isascii() and object_id.isdigit():
        return int(object_id) if len(object_id) <= 9 else None
    value = detail.get("request_id") if isinstance(detail, dict) else None
    if type(value) is int and 0 <= value <= MAX_CASE_ID:
        return value
    return None


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.seq > last)
                .order_by(AuditEvent.seq)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return how many events checked and the first broken link, if any."""
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for event in _events(session):
        if event.seq != expected_seq:
            return count, ChainBreak(expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return count, ChainBreak(event.seq, "does not link to the event before it")
        if _event_hash(prev_hash, _as_values(event)) != event.hash:
            return count, ChainBreak(event.seq, "content was changed after it was written")
        if event.case_id != case_of(event.object_type, event.object_id, event.detail):
            return count, ChainBreak(event.seq, "its case was changed after it was written")
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, HEAD_ID)
    if head is None or head.seq != count or head.hash != prev_hash:
        return count, ChainBreak(count + 1, "events after this point were removed")
    return count, None
