"""Preservation holds: the target accounts' data kept as it was on the request, until expiry.

A hold snapshots the requested categories (all of them when the request names none) of each
target account, as of the moment the request was received, into the file store; later
deletion by the user then loses nothing. It expires after the policy's preservation period
(or the period a European Preservation Order sets, `hold_term.py`), can be extended once (the
policy's `max_preservation_extensions`), reminds the case's assignee before expiry and is
released at expiry by the deadline worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.service import Actor
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for, merged
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request
from exigent.cases.schemas import DataCategory
from exigent.config import Settings
from exigent.db import begin_read_only, utcnow
from exigent.errors import Conflict, NotFound
from exigent.files import FileStore
from exigent.legal.notify import timeline_entry
from exigent.legal.versions import current_policy
from exigent.platform_data.adapter import PlatformAdapter
from exigent.production.content_hold import PreservedContent, keep_until
from exigent.production.custody import custody
from exigent.production.hold_collect import (
    Collected,
    HoldPlan,
    PlannedTarget,
    Taken,
    collect_hold,
)
from exigent.production.hold_term import RELEASE as RELEASE
from exigent.production.hold_term import REMINDER as REMINDER
from exigent.production.hold_term import cancel_expiry, order_term, schedule_expiry
from exigent.production.models import HoldStatus, PreservationHold, PreservationSnapshot
from exigent.production.service import note_children, related_requests

PRESERVATION_KINDS = frozenset({"preservation", "preservation_extension"})


def _categories(request: Request) -> list[str]:
    asked = [str(c) for c in request.record.get("data_requested") or []]
    return asked or [str(c) for c in DataCategory]


def place_hold(
    factory: sessionmaker[Session],
    *,
    user: User,
    request_id: int,
    settings: Settings,
    adapter: PlatformAdapter,
    now: datetime | None = None,
) -> int:
    """Preserve the case's target accounts as of the request; one active hold per case.

    Three steps, as a production's build: what to keep is read in a reader's transaction, the
    platform's data is written to the file store outside any transaction (it can take
    minutes, and the case must stay writable meanwhile), then the hold is recorded in one
    write transaction and committed. Returns the hold's id.
    """
    now = now or utcnow()
    with factory() as session:
        begin_read_only(session)
        plan = _plan(session, merged(session, user), request_id)
    collected = None
    if plan is not None:
        collected = collect_hold(plan, adapter, FileStore(settings.file_store), now.date())
    # A failure from here on leaves the stored snapshots without rows: the store is content
    # addressed, so the same bytes may belong to another hold, and they are left in place.
    with factory() as session:
        hold = _record(session, merged(session, user), request_id, plan, collected, settings, now)
        session.commit()
        return hold.id


def _checked(session: Session, user: User, request_id: int) -> Request:
    """The case, if the user may place a hold on it and it has none yet."""
    request = cases.load_for(session, user, request_id)
    require_or_refuse(
        user, Permission.preservation_manage, action="preservation.create", request_id=request.id
    )
    existing = active_hold(session, request.id)
    if existing is not None:
        raise Conflict(f"case {request.reference} already has an active hold ({existing.id})")
    return request


def _extends(session: Session, request: Request) -> PreservationHold | None:
    """The agency's earlier hold an extension request keeps for longer, if there is one."""
    if request.kind != "preservation_extension":
        return None
    return _related_hold(session, request)


def _plan(session: Session, user: User, request_id: int) -> HoldPlan | None:
    """What to collect; None when the case extends an earlier hold and collects nothing."""
    request = _checked(session, user, request_id)
    if _extends(session, request) is not None:
        return None
    return _plan_of(request)


def _plan_of(request: Request) -> HoldPlan:
    return HoldPlan(
        request_id=request.id,
        received_at=request.received_at,
        categories=tuple(_categories(request)),
        targets=tuple(PlannedTarget(t.id, t.identifier_type, t.value) for t in request.targets),
    )


def _record(
    session: Session,
    user: User,
    request_id: int,
    plan: HoldPlan | None,
    collected: Collected | None,
    settings: Settings,
    now: datetime,
) -> PreservationHold:
    """The hold as collected, after the same checks again: the case may have moved on."""
    request = _checked(session, user, request_id)
    earlier = _extends(session, request)
    if earlier is not None:
        # The agency asks to keep what it already preserved: the same hold, extended.
        hold = _extend(session, user, earlier, settings, now, via=request)
        _answer_with_hold(session, user, request, hold, now)
        return hold
    if plan is None or collected is None or plan != _plan_of(request):
        raise Conflict(
            f"case {request.reference} changed while its data was being preserved "
            "(its targets, categories or the hold it extends); place the hold again"
        )
    hold = _new_hold(session, user, request, plan, collected, settings, now)
    _answer_with_hold(session, user, request, hold, now)
    return hold


def _new_hold(
    session: Session,
    user: User,
    request: Request,
    plan: HoldPlan,
    collected: Collected,
    settings: Settings,
    now: datetime,
    *,
    expires_at: datetime | None = None,
) -> PreservationHold:
    policy = current_policy(session).policy
    categories = list(plan.categories)
    hold = PreservationHold(
        request_id=request.id,
        status=HoldStatus.active,
        categories=categories,
        as_of=plan.received_at,
        expires_at=expires_at
        or order_term(session, request.id)
        or request.received_at + timedelta(days=policy.obligations.preservation_days),
        extensions=0,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(hold)
    session.flush()
    actor = actor_for(user)
    for taken in collected.taken:
        session.add(_snapshot_row(hold, taken, plan.cutoff, now))
        custody(
            session,
            request_id=request.id,
            hold_id=hold.id,
            actor=actor,
            event="preserved",
            at=now,
            sha256=taken.sha256,
            detail={
                "target": taken.target_label,
                "dataset": taken.dataset,
                "records": taken.records,
            },
        )
    schedule_expiry(session, hold, settings)
    note_children(session, user=user, request_id=request.id, ages=collected.children, now=now)
    missing = collected.missing
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="preservation_hold",
        at=now,
        body=f"Preservation hold {hold.id}: {collected.records} records of "
        f"{', '.join(categories)} kept as of {plan.received_at:%Y-%m-%d %H:%M} UTC until "
        f"{hold.expires_at:%Y-%m-%d}."
        + (f" No account found for {', '.join(missing)}." if missing else ""),
        visible=True,
        data={"hold_id": hold.id, "records": collected.records, "not_found": missing},
    )
    return hold


def _snapshot_row(
    hold: PreservationHold, taken: Taken, cutoff: str, now: datetime
) -> PreservationSnapshot:
    return PreservationSnapshot(
        hold_id=hold.id,
        target_id=taken.target_id,
        target_label=taken.target_label,
        account_id=taken.account_id,
        dataset=taken.dataset,
        category=taken.category,
        sha256=taken.sha256,
        size_bytes=taken.size_bytes,
        records=taken.records,
        cutoff=cutoff,
        taken_at=now,
    )


def _answer_with_hold(
    session: Session, user: User, request: Request, hold: PreservationHold, now: datetime
) -> None:
    """A preservation request is answered by the hold itself: nothing is disclosed."""
    if request.kind in PRESERVATION_KINDS and can_move(request.status, Status.preserved):
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


def active_hold(session: Session, request_id: int) -> PreservationHold | None:
    """The case's first active hold (a referral keeps one per kind of recipient told)."""
    return session.execute(
        select(PreservationHold)
        .where(
            PreservationHold.request_id == request_id,
            PreservationHold.status == HoldStatus.active,
        )
        .order_by(PreservationHold.id)
        .limit(1)
    ).scalar_one_or_none()


def plan_for(request: Request) -> HoldPlan:
    """What a new hold of the case keeps: its targets' requested categories as of receipt."""
    return _plan_of(request)


def record_new_hold(
    session: Session,
    *,
    user: User,
    request: Request,
    plan: HoldPlan,
    collected: Collected,
    settings: Settings,
    expires_at: datetime,
    now: datetime,
) -> PreservationHold:
    """Record a hold collected for a case that may already hold others (a referral's, one per
    kind of recipient), expiring when the caller's rule says; the caller checks it is due."""
    if plan != _plan_of(request):
        raise Conflict(
            f"case {request.reference} changed while its data was being preserved; "
            "place the hold again"
        )
    return _new_hold(session, user, request, plan, collected, settings, now, expires_at=expires_at)


def record_content_hold(
    session: Session,
    *,
    user: User,
    request: Request,
    preserved: PreservedContent,
    settings: Settings,
    now: datetime,
    expires_at: datetime | None = None,
) -> PreservationHold:
    """Record removed content kept for review (`content_hold.py`) as a hold of the order's
    case, until six months after the removal unless the caller says longer."""
    plan = HoldPlan(request.id, preserved.as_of, preserved.categories, targets=())
    until = expires_at or keep_until(preserved.as_of)
    collected = preserved.collected
    hold = _new_hold(session, user, request, plan, collected, settings, now, expires_at=until)
    custody(
        session,
        request_id=request.id,
        hold_id=hold.id,
        actor=actor_for(user),
        event="preserved",
        at=now,
        sha256=preserved.manifest_sha256,
        detail={"manifest": preserved.content.url},
    )
    return hold


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
    if order_term(session, hold.request_id) is not None:
        # The authority sets a European Preservation Order's period (2023/1543 Art. 11).
        raise refuse(
            user,
            f"hold {hold.id} keeps data for a European Preservation Order: its period moves "
            "only with the authority's extension or its confirmation that production follows",
            status_code=409,
            action="preservation.extend",
            request_id=via.id if via else hold.request_id,
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
    cancel_expiry(session, hold, now)
    session.flush()
    schedule_expiry(session, hold, settings)
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
    cancel_expiry(session, hold, now)
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
