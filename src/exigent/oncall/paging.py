"""Pages: opened once per reason, walked through their policy by deadline rows until someone
acknowledges, and recorded attempt by attempt on the case's timeline.

Each escalation step is a deadline row fired by the worker (`jobs.py`), so an escalation
survives a restart and no step fires twice: a step row carries the number of the step it is,
and fires only if it is the alert's next step; every other one (a level escalated early, an
acknowledged page) finds nothing to do. Contacting a person tries their methods in order; a
method that may work later is tried again by a row of its own, with backoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import Role, User
from exigent.cases.models import Request, TimelineEvent
from exigent.config import Settings, get_settings
from exigent.deadlines import schedule
from exigent.legal.notify import notify
from exigent.oncall import ack_links
from exigent.oncall.channels import Message, Severity
from exigent.oncall.delivery import deliver
from exigent.oncall.models import (
    Alert,
    AlertStatus,
    ContactMethod,
    DeliveryAttempt,
    EscalationPolicy,
    PagingTrigger,
)
from exigent.oncall.rota import OnCall, answering, roster_at
from exigent.oncall.transports import MAX_ATTEMPTS_PER_METHOD, backoff

STEP = "oncall_step"
CONTACT = "oncall_contact"
PAGER = Actor.system("paging")
FALLBACK_STEP = -1
DELIVERED, PENDING, UNREACHABLE = "delivered", "pending", "unreachable"


def _settings(session: Session) -> Settings:
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else get_settings()


def open_page(
    session: Session,
    *,
    trigger: str,
    summary: str,
    request_id: int | None,
    severity: str,
    dedup_key: str,
    now: datetime,
) -> Alert:
    """Open a page for `trigger`, or return the one already open with `dedup_key`.

    The first step is due at once and wakes the workers when the caller commits.
    """
    found = _open_with(session, dedup_key)
    if found is not None:
        return found
    rule = session.scalar(select(PagingTrigger).where(PagingTrigger.name == trigger))
    alert = Alert(
        trigger=trigger,
        summary=summary[:500],
        severity=severity,
        request_id=request_id,
        policy_id=rule.policy_id if rule is not None else None,
        dedup_key=dedup_key,
        open_key=dedup_key,
        status=AlertStatus.open,
        opened_at=now,
        steps=0,
    )
    try:
        with session.begin_nested():
            session.add(alert)
            session.flush()
    except IntegrityError:
        # Another trigger opened the same page a moment ago: that one is this one.
        raced = _open_with(session, dedup_key)
        if raced is None:
            raise
        return raced
    schedule(
        session,
        kind=STEP,
        due_at=now,
        request_id=request_id,
        data={"alert_id": alert.id, "step": 1},
        wake=True,
    )
    timeline(session, alert, now, "page_opened", f"Page opened: {summary}")
    record_event(
        session,
        actor=PAGER,
        action="oncall.page_open",
        object_type="oncall_alert",
        object_id=alert.id,
        detail={"trigger": trigger, "dedup_key": dedup_key, "request_id": request_id},
        at=now,
    )
    return alert


def _open_with(session: Session, dedup_key: str) -> Alert | None:
    return session.scalar(select(Alert).where(Alert.open_key == dedup_key))


def timeline(session: Session, alert: Alert, now: datetime, kind: str, body: str) -> None:
    if alert.request_id is None:
        return
    session.add(
        TimelineEvent(
            request_id=alert.request_id,
            at=now,
            kind=kind,
            actor=PAGER.label,
            body=body,
            data={"alert_id": alert.id},
        )
    )


@dataclass(frozen=True)
class Place:
    """Where step `step` (1-based) of a policy with `levels` levels and `rounds` rounds is."""

    round: int
    level: int
    exhausted: bool


def place_of(step: int, levels: int, rounds: int) -> Place:
    index = step - 1
    if levels == 0 or index >= levels * max(1, rounds):
        return Place(round=0, level=0, exhausted=True)
    return Place(round=index // levels, level=index % levels, exhausted=False)


def fire_step(session: Session, alert_id: int, step: int, now: datetime) -> str:
    """Page the level of step `step`, and schedule the next step after its timeout."""
    alert = session.get(Alert, alert_id, with_for_update=True, populate_existing=True)
    if alert is None or alert.status is not AlertStatus.open:
        return "cancelled"
    if step != alert.steps + 1:
        return "cancelled"  # escalated early or already fired: a stale row
    alert.steps = step
    policy = session.get(EscalationPolicy, alert.policy_id) if alert.policy_id else None
    levels = policy.levels if policy is not None else []
    rounds = policy.repeat_count if policy is not None else 1
    place = place_of(step, len(levels), rounds)
    if place.exhausted:
        _fallback(session, alert, policy, now, "nobody acknowledged after every level")
        return "fired"
    level = levels[place.level]
    settings = _settings(session)
    roster = roster_at(session, now, ahead=timedelta(0))
    people = answering(
        session, roster, level.target_kind, level.target, head_email=settings.oncall_head_email
    )
    schedule(
        session,
        kind=STEP,
        due_at=now + timedelta(minutes=level.timeout_minutes),
        request_id=alert.request_id,
        data={"alert_id": alert.id, "step": step + 1},
    )
    if not people:
        timeline(
            session,
            alert,
            now,
            "page_nobody",
            f"Nobody is on call for level {place.level + 1} ({level.target_kind}"
            f"{' ' + level.target if level.target else ''}).",
        )
        _fallback(session, alert, policy, now, f"nobody on call at level {place.level + 1}")
        _escalate_now(session, alert, step, now)
        return "fired"
    outcomes = [
        reach(session, alert, person.user_id, step=step, position=0, attempt=1, now=now)
        for person in people
    ]
    if all(outcome == UNREACHABLE for outcome in outcomes):
        _escalate_now(session, alert, step, now)
    return "fired"


def _escalate_now(session: Session, alert: Alert, step: int, now: datetime) -> None:
    """Nobody at this level can be reached: the next step is due now, not after the timeout
    (the timeout's row, carrying the same step number, then finds it fired)."""
    schedule(
        session,
        kind=STEP,
        due_at=now,
        request_id=alert.request_id,
        data={"alert_id": alert.id, "step": step + 1},
        wake=True,
    )


def _methods(session: Session, user_id: int) -> list[ContactMethod]:
    return list(
        session.scalars(
            select(ContactMethod)
            .where(ContactMethod.user_id == user_id, ContactMethod.enabled.is_(True))
            .order_by(ContactMethod.position, ContactMethod.id)
        )
    )


def _message(session: Session, alert: Alert, user_id: int, now: datetime) -> Message:
    settings = _settings(session)
    token = ack_links.issue(
        session,
        alert_id=alert.id,
        user_id=user_id,
        now=now,
        hours=settings.oncall_ack_link_hours,
    )
    base = settings.base_url.rstrip("/")
    case = session.get(Request, alert.request_id) if alert.request_id else None
    reference = f"{case.reference}: " if case is not None else ""
    return Message(
        subject=f"[{alert.severity.upper()}] {reference}{alert.summary}"[:200],
        text=f"Exigent page #{alert.id} ({alert.trigger}). {alert.summary}",
        severity=_severity(alert.severity),
        dedup_key=alert.dedup_key,
        link=f"{base}/console/cases/{alert.request_id}" if alert.request_id else None,
        acknowledge_link=f"{base}/oncall/ack/{token}",
    )


def _severity(value: str) -> Severity:
    try:
        return Severity(value)
    except ValueError:
        return Severity.critical


def reach(
    session: Session,
    alert: Alert,
    user_id: int,
    *,
    step: int,
    position: int,
    attempt: int,
    now: datetime,
) -> str:
    """Try `user_id`'s method at `position`; on failure retry it later or try the next one.
    Returns DELIVERED, PENDING (a retry is scheduled) or UNREACHABLE."""
    person = session.get(User, user_id)
    name = person.name if person is not None else f"user {user_id}"
    methods = _methods(session, user_id)
    if position >= len(methods):
        if not methods:
            _attempt(
                session, alert, user_id, None, "none", step, 1, False, "no contact method", now
            )
        timeline(
            session, alert, now, "page_unreachable", f"{name} could not be reached by any method."
        )
        return UNREACHABLE
    method = methods[position]
    delivery = deliver(
        session, method, _message(session, alert, user_id, now), _settings(session), now
    )
    _attempt(
        session,
        alert,
        user_id,
        method,
        str(method.kind),
        step,
        attempt,
        delivery.ok,
        delivery.detail,
        now,
    )
    channel = method.label or str(method.kind)
    if delivery.ok:
        timeline(session, alert, now, "page_delivered", f"Paged {name} by {channel}: delivered.")
        return DELIVERED
    if delivery.retry and attempt < MAX_ATTEMPTS_PER_METHOD:
        wait = int(backoff(attempt).total_seconds())
        timeline(
            session,
            alert,
            now,
            "page_failed",
            f"Paging {name} by {channel} failed ({delivery.detail}); trying again in {wait} s.",
        )
        schedule(
            session,
            kind=CONTACT,
            due_at=now + backoff(attempt),
            request_id=alert.request_id,
            data={
                "alert_id": alert.id,
                "user_id": user_id,
                "step": step,
                "position": position,
                "attempt": attempt + 1,
            },
        )
        return PENDING
    timeline(
        session,
        alert,
        now,
        "page_failed",
        f"Paging {name} by {channel} failed ({delivery.detail}); trying the next method.",
    )
    return reach(session, alert, user_id, step=step, position=position + 1, attempt=1, now=now)


def _attempt(
    session: Session,
    alert: Alert,
    user_id: int | None,
    method: ContactMethod | None,
    channel: str,
    step: int,
    attempt: int,
    ok: bool,
    detail: str,
    now: datetime,
) -> None:
    session.add(
        DeliveryAttempt(
            alert_id=alert.id,
            user_id=user_id,
            contact_method_id=method.id if method is not None else None,
            channel=channel,
            step=step,
            attempt=attempt,
            at=now,
            delivered=ok,
            detail=detail[:2000],
        )
    )
    session.flush()


def _delivered_at(session: Session, alert: Alert, step: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    DeliveryAttempt.alert_id == alert.id,
                    DeliveryAttempt.step == step,
                    DeliveryAttempt.delivered.is_(True),
                )
            )
        )
    )


def fire_contact(session: Session, data: dict[str, int], now: datetime) -> str:
    """A retry of one method for one person, if the page is still at that step and open."""
    alert = session.get(Alert, data["alert_id"], with_for_update=True, populate_existing=True)
    if alert is None or alert.status is not AlertStatus.open:
        return "cancelled"
    if data["step"] != FALLBACK_STEP and alert.steps != data["step"]:
        return "cancelled"  # the escalation has moved on
    outcome = reach(
        session,
        alert,
        data["user_id"],
        step=data["step"],
        position=data["position"],
        attempt=data["attempt"],
        now=now,
    )
    # The last hope of this level failed: the next level now, unless someone was reached.
    step = data["step"]
    if outcome == UNREACHABLE and step != FALLBACK_STEP and not _delivered_at(session, alert, step):
        _escalate_now(session, alert, step, now)
    return "fired"


def _fallback(
    session: Session, alert: Alert, policy: EscalationPolicy | None, now: datetime, why: str
) -> None:
    """Never silence: the policy's fallback by their methods, and an in-app notice to them;
    if the fallback names nobody, every active lead and admin gets the notice."""
    settings = _settings(session)
    people: list[OnCall] = []
    if policy is not None:
        roster = roster_at(session, now, ahead=timedelta(0))
        people = answering(
            session,
            roster,
            policy.fallback_kind,
            policy.fallback_target,
            head_email=settings.oncall_head_email,
        )
    ids = [p.user_id for p in people] or list(
        session.scalars(
            select(User.id).where(User.is_active.is_(True), User.role.in_([Role.lead, Role.admin]))
        )
    )
    names = ", ".join(p.name for p in people) or "every lead and admin"
    timeline(session, alert, now, "page_fallback", f"Fallback ({why}): notifying {names}.")
    for user_id in ids:
        notify(
            session,
            user_id=user_id,
            request_id=alert.request_id,
            body=f"Page #{alert.id} needs someone ({why}): {alert.summary}",
            at=now,
        )
        if people:
            reach(session, alert, user_id, step=FALLBACK_STEP, position=0, attempt=1, now=now)
