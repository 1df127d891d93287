"""Preservation holds: the target accounts' data kept as it was on the request, until expiry.

A hold snapshots the requested categories (all of them when the request names none) of each
target account, as of the moment the request was received, into the file store; later
deletion by the user then loses nothing. It expires after the policy's preservation period,
can be extended once (the policy's `max_preservation_extensions`), reminds the case's assignee
before expiry and is released at expiry by the deadline worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import Actor
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request
from exigent.cases.schemas import DataCategory
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import Deadline, schedule
from exigent.errors import Conflict, NotFound
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.legal.versions import current_policy
from exigent.platform_data.adapter import PlatformAdapter, iso
from exigent.production.custody import custody
from exigent.production.models import HoldStatus, PreservationHold, PreservationSnapshot
from exigent.production.service import note_children, related_requests
from exigent.production.snapshots import write_snapshot

PRESERVATION_KINDS = frozenset({"preservation", "preservation_extension"})
REMINDER = "preservation_reminder"
RELEASE = "preservation_release"


def _categories(request: Request) -> list[str]:
    asked = [str(c) for c in request.record.get("data_requested") or []]
    return asked or [str(c) for c in DataCategory]


def create_hold(
    session: Session,
    *,
    user: User,
    request_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None = None,
) -> PreservationHold:
    """Preserve the case's target accounts as of the request; one active hold per case."""
    now = now or utcnow()
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.preservation_manage, action="preservation.create", request_id=request.id
    )
    existing = active_hold(session, request.id)
    if existing is not None:
        raise Conflict(f"case {request.reference} already has an active hold ({existing.id})")
    if request.kind == "preservation_extension":
        earlier = _related_hold(session, request)
        if earlier is not None:
            # The agency asks to keep what it already preserved: the same hold, extended.
            hold = _extend(session, user, earlier, settings, now, via=request)
            _answer_with_hold(session, user, request, hold, now)
            return hold
    policy = current_policy(session).policy
    categories = _categories(request)
    hold = PreservationHold(
        request_id=request.id,
        status=HoldStatus.active,
        categories=categories,
        as_of=request.received_at,
        expires_at=request.received_at + timedelta(days=policy.obligations.preservation_days),
        extensions=0,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(hold)
    session.flush()
    store = FileStore(settings.file_store)
    cutoff = iso(request.received_at)
    end = iso(request.received_at + timedelta(seconds=1))
    kept, missing = 0, []
    children: dict[int, int] = {}
    actor = actor_for(user)
    for target in request.targets:
        label = f"{target.identifier_type}:{target.value}"
        account = adapter.find_account(target.identifier_type, target.value)
        if account is None:
            missing.append(label)
            continue
        age = account.age_on(now.date())
        if age is not None and age < 13:
            children[target.id] = age
        for dataset in adapter.datasets():
            if dataset.category not in categories:
                continue
            rows = adapter.stream(account, dataset.name, end=end if dataset.ranged else None)
            sha, size, count = write_snapshot(store, rows)
            session.add(
                PreservationSnapshot(
                    hold_id=hold.id,
                    target_id=target.id,
                    target_label=label,
                    account_id=account.account_id,
                    dataset=dataset.name,
                    category=dataset.category,
                    sha256=sha,
                    size_bytes=size,
                    records=count,
                    cutoff=cutoff,
                    taken_at=now,
                )
            )
            kept += count
            custody(
                session,
                request_id=request.id,
                hold_id=hold.id,
                actor=actor,
                event="preserved",
                at=now,
                sha256=sha,
                detail={"target": label, "dataset": dataset.name, "records": count},
            )
    _schedule(session, hold, settings)
    note_children(session, user=user, request_id=request.id, ages=children, now=now)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="preservation_hold",
        at=now,
        body=f"Preservation hold {hold.id}: {kept} records of {', '.join(categories)} kept as "
        f"of {request.received_at:%Y-%m-%d %H:%M} UTC until {hold.expires_at:%Y-%m-%d}."
        + (f" No account found for {', '.join(missing)}." if missing else ""),
        visible=True,
        data={"hold_id": hold.id, "records": kept, "not_found": missing},
    )
    _answer_with_hold(session, user, request, hold, now)
    return hold


def _answer_with_hold(
    session: Session, user: User, request: Request, hold: PreservationHold, now: datetime
) -> None:
    """A preservation request is answered by the hold itself: nothing is disclosed."""
    if request.kind in PRESERVATION_KINDS and can_move(Status(request.status), Status.preserved):
        cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=Status.preserved,
            reason=f"Preservation hold {hold.id} keeps the data until {hold.expires_at:%Y-%m-%d}.",
            now=now,
        )


def _related_hold(session: Session, request: Request) -> PreservationHold | None:
    """The active hold of the same agency's earlier case under the same case number."""
    related = [i for i in related_requests(session, request) if i != request.id]
    if not related:
        return None
    return session.execute(
        select(PreservationHold)
        .where(
            PreservationHold.request_id.in_(related),
            PreservationHold.status == HoldStatus.active,
        )
        .order_by(PreservationHold.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _schedule(session: Session, hold: PreservationHold, settings: Settings) -> None:
    data = {"hold_id": hold.id, "expires_at": hold.expires_at.isoformat()}
    reminder_at = hold.expires_at - timedelta(days=settings.preservation_reminder_days)
    schedule(session, kind=REMINDER, due_at=reminder_at, request_id=hold.request_id, data=data)
    schedule(session, kind=RELEASE, due_at=hold.expires_at, request_id=hold.request_id, data=data)


def _cancel_pending(session: Session, hold: PreservationHold, now: datetime) -> None:
    pending = session.execute(
        select(Deadline).where(
            Deadline.request_id == hold.request_id,
            Deadline.kind.in_([REMINDER, RELEASE]),
            Deadline.fired_at.is_(None),
        )
    ).scalars()
    ids = [d.id for d in pending if d.data.get("hold_id") == hold.id]
    if ids:
        session.execute(
            update(Deadline)
            .where(Deadline.id.in_(ids))
            .values(fired_at=now, outcome="cancelled")
            .execution_options(synchronize_session=False)
        )


def active_hold(session: Session, request_id: int) -> PreservationHold | None:
    return session.execute(
        select(PreservationHold).where(
            PreservationHold.request_id == request_id,
            PreservationHold.status == HoldStatus.active,
        )
    ).scalar_one_or_none()


def load_hold(session: Session, user: User, hold_id: int) -> PreservationHold:
    hold = session.get(PreservationHold, hold_id)
    if hold is None:
        raise NotFound(f"no preservation hold {hold_id} that you can see")
    cases.load_for(session, user, hold.request_id)
    return hold


def extend_hold(
    session: Session,
    *,
    user: User,
    hold_id: int,
    settings: Settings,
    now: datetime | None = None,
) -> PreservationHold:
    """Another preservation period, once; a second extension is refused."""
    now = now or utcnow()
    hold = load_hold(session, user, hold_id)
    require_or_refuse(
        user,
        Permission.preservation_manage,
        action="preservation.extend",
        request_id=hold.request_id,
    )
    return _extend(session, user, hold, settings, now, via=None)


def _extend(
    session: Session,
    user: User,
    hold: PreservationHold,
    settings: Settings,
    now: datetime,
    *,
    via: Request | None,
) -> PreservationHold:
    if hold.status != HoldStatus.active:
        raise Conflict(
            f"hold {hold.id} was released on {hold.released_at:%Y-%m-%d}; it cannot be extended"
        )
    policy = current_policy(session).policy
    if hold.extensions >= policy.max_preservation_extensions:
        raise refuse(
            user,
            f"hold {hold.id} was already extended {hold.extensions} time(s); the policy allows "
            f"{policy.max_preservation_extensions}",
            status_code=409,
            action="preservation.extend",
            request_id=via.id if via else hold.request_id,
        )
    before = hold.expires_at
    hold.expires_at = before + timedelta(days=policy.obligations.preservation_days)
    hold.extensions += 1
    _cancel_pending(session, hold, now)
    session.flush()
    _schedule(session, hold, settings)
    detail = {"from": before.isoformat(), "to": hold.expires_at.isoformat()}
    if via is not None:
        detail["requested_by_case"] = via.reference
    custody(
        session,
        request_id=hold.request_id,
        hold_id=hold.id,
        actor=actor_for(user),
        event="hold_extended",
        at=now,
        detail=detail,
    )
    return hold


def release_hold(
    session: Session, *, actor: Actor, hold: PreservationHold, reason: str, now: datetime
) -> PreservationHold:
    if hold.status != HoldStatus.active:
        return hold
    hold.status = HoldStatus.released
    hold.released_at = now
    hold.release_reason = reason
    _cancel_pending(session, hold, now)
    custody(
        session,
        request_id=hold.request_id,
        hold_id=hold.id,
        actor=actor,
        event="hold_released",
        at=now,
        detail={"reason": reason},
    )
    timeline_entry(
        session,
        request_id=hold.request_id,
        actor=actor,
        kind="preservation_released",
        at=now,
        body=f"Preservation hold {hold.id} released: {reason}",
        visible=True,
        data={"hold_id": hold.id},
    )
    return hold


def release_by_user(
    session: Session, *, user: User, hold_id: int, reason: str, now: datetime | None = None
) -> PreservationHold:
    now = now or utcnow()
    hold = load_hold(session, user, hold_id)
    require_or_refuse(
        user,
        Permission.preservation_manage,
        action="preservation.release",
        request_id=hold.request_id,
    )
    if hold.status != HoldStatus.active:
        raise Conflict(f"hold {hold.id} is already released")
    return release_hold(session, actor=actor_for(user), hold=hold, reason=reason, now=now)


def holds_for(session: Session, *, user: User, request_id: int) -> list[PreservationHold]:
    request = cases.load_for(session, user, request_id)
    return list(
        session.execute(
            select(PreservationHold)
            .where(PreservationHold.request_id == request.id)
            .order_by(PreservationHold.id)
        ).scalars()
    )


def snapshots_for(session: Session, hold_id: int) -> list[PreservationSnapshot]:
    return list(
        session.execute(
            select(PreservationSnapshot)
            .where(PreservationSnapshot.hold_id == hold_id)
            .order_by(PreservationSnapshot.id)
        ).scalars()
    )
