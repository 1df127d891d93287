"""Escalation policies and paging triggers as data: the defaults, and the audited edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import Actor, record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.errors import BadInput, NotFound
from exigent.oncall.models import EscalationLevel, EscalationPolicy, PagingTrigger, TargetKind
from exigent.staffing.people import SKILLS

MAX_LEVELS = 8
MAX_TIMEOUT_MINUTES = 24 * 60
MAX_REPEAT = 10


@dataclass(frozen=True)
class LevelSpec:
    kind: TargetKind
    target: str
    timeout_minutes: int


# name: (description, repeat, fallback, levels)
DEFAULT_POLICIES: dict[str, tuple[str, int, TargetKind, list[LevelSpec]]] = {
    "Emergencies": (
        "A life at risk: the analysts on shift, then the shift lead, then the head of the team.",
        2,
        TargetKind.head,
        [
            LevelSpec(TargetKind.skill, "emergency", 5),
            LevelSpec(TargetKind.lead, "", 10),
            LevelSpec(TargetKind.head, "", 15),
        ],
    ),
    "Clocks and risks": (
        "A clock about to break or broken, a critical fraud signal, a failed delivery: "
        "the shift lead, then the head of the team.",
        1,
        TargetKind.head,
        [LevelSpec(TargetKind.lead, "", 15), LevelSpec(TargetKind.head, "", 30)],
    ),
}
# name: (label, policy, severity). Another domain adds its own rows (a TERREG order, an
# NCMEC report clock) and publishes events of the same name; nothing here changes.
DEFAULT_TRIGGERS: dict[str, tuple[str, str, str]] = {
    "p0_new": ("A new P0 emergency (paged at once)", "Emergencies", "critical"),
    "sla_warning": ("An SLA clock due soon without acknowledgement", "Clocks and risks", "warning"),
    "sla_breach": ("An SLA clock breached", "Clocks and risks", "error"),
    "fraud_critical": ("A critical fraud signal on a request", "Clocks and risks", "critical"),
    "delivery_failed": ("A delivery that failed for good", "Clocks and risks", "error"),
}


def ensure_defaults(session: Session, *, now: datetime) -> bool:
    """Create the default policies and triggers if there are none; True if it did."""
    if session.scalar(select(EscalationPolicy.id).limit(1)) is not None:
        return False
    by_name: dict[str, EscalationPolicy] = {}
    for name, (description, repeat, fallback, levels) in DEFAULT_POLICIES.items():
        policy = EscalationPolicy(
            name=name,
            description=description,
            repeat_count=repeat,
            fallback_kind=fallback,
            fallback_target="",
            updated_at=now,
            levels=[
                EscalationLevel(
                    position=i,
                    target_kind=s.kind,
                    target=s.target,
                    timeout_minutes=s.timeout_minutes,
                )
                for i, s in enumerate(levels)
            ],
        )
        session.add(policy)
        by_name[name] = policy
    session.flush()
    for trigger, (label, policy_name, severity) in DEFAULT_TRIGGERS.items():
        session.add(
            PagingTrigger(
                name=trigger,
                label=label,
                enabled=True,
                policy_id=by_name[policy_name].id,
                severity=severity,
            )
        )
    record_event(
        session,
        actor=Actor.system("oncall-defaults"),
        action="oncall.policy_defaults",
        object_type="escalation_policy",
        detail={"policies": list(DEFAULT_POLICIES), "triggers": list(DEFAULT_TRIGGERS)},
        at=now,
    )
    return True


def all_policies(session: Session) -> list[EscalationPolicy]:
    return list(session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.id)))


def all_triggers(session: Session) -> list[PagingTrigger]:
    return list(session.scalars(select(PagingTrigger).order_by(PagingTrigger.id)))


def trigger_named(session: Session, name: str) -> PagingTrigger | None:
    return session.scalar(select(PagingTrigger).where(PagingTrigger.name == name))


def _snapshot(policy: EscalationPolicy) -> dict[str, object]:
    return {
        "name": policy.name,
        "repeat_count": policy.repeat_count,
        "fallback": [str(policy.fallback_kind), policy.fallback_target],
        "levels": [
            [str(level.target_kind), level.target, level.timeout_minutes] for level in policy.levels
        ],
    }


def _check_target(session: Session, kind: TargetKind, target: str, field: str) -> str:
    target = target.strip()
    if kind is TargetKind.skill and target not in SKILLS:
        raise BadInput(
            f"{field}: {target or '(empty)'} is not a skill; one of {', '.join(SKILLS)}",
            field=field,
        )
    if kind is TargetKind.person:
        found = session.scalar(select(User.id).where(User.email == target.lower()))
        if found is None:
            raise BadInput(f"{field}: no account with the email {target or '(empty)'}", field=field)
        return target.lower()
    return target if kind is TargetKind.skill else ""


def update_policy(
    session: Session,
    *,
    actor: User,
    policy_id: int,
    levels: list[LevelSpec],
    repeat_count: int,
    fallback: TargetKind,
    fallback_target: str,
    now: datetime,
) -> EscalationPolicy:
    """Replace a policy's levels, repeat and fallback; a bad field is a 422 naming it."""
    require(actor, Permission.oncall_edit)
    policy = session.get(EscalationPolicy, policy_id)
    if policy is None:
        raise NotFound(f"no escalation policy {policy_id}")
    if not levels:
        raise BadInput("levels: a policy needs at least one level", field="levels")
    if len(levels) > MAX_LEVELS:
        raise BadInput(f"levels: at most {MAX_LEVELS} levels", field="levels")
    if not 1 <= repeat_count <= MAX_REPEAT:
        raise BadInput(f"repeat_count: between 1 and {MAX_REPEAT}", field="repeat_count")
    checked = []
    for i, spec in enumerate(levels):
        if not 1 <= spec.timeout_minutes <= MAX_TIMEOUT_MINUTES:
            raise BadInput(
                f"levels[{i}].timeout_minutes: between 1 and {MAX_TIMEOUT_MINUTES} minutes",
                field=f"levels[{i}].timeout_minutes",
            )
        target = _check_target(session, spec.kind, spec.target, f"levels[{i}].target")
        checked.append(LevelSpec(spec.kind, target, spec.timeout_minutes))
    fallback_target = _check_target(session, fallback, fallback_target, "fallback_target")
    before = _snapshot(policy)
    policy.levels.clear()
    session.flush()
    policy.levels.extend(
        EscalationLevel(
            position=i, target_kind=s.kind, target=s.target, timeout_minutes=s.timeout_minutes
        )
        for i, s in enumerate(checked)
    )
    policy.repeat_count = repeat_count
    policy.fallback_kind = fallback
    policy.fallback_target = fallback_target
    policy.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor_for(actor),
        action="oncall.policy_update",
        object_type="escalation_policy",
        object_id=policy.id,
        before=before,
        after=_snapshot(policy),
        at=now,
    )
    return policy


def update_trigger(
    session: Session,
    *,
    actor: User,
    trigger_id: int,
    enabled: bool,
    policy_id: int | None,
    now: datetime,
) -> PagingTrigger:
    """Turn a trigger on or off, or point it at another policy; audited."""
    require(actor, Permission.oncall_edit)
    trigger = session.get(PagingTrigger, trigger_id)
    if trigger is None:
        raise NotFound(f"no paging trigger {trigger_id}")
    if policy_id is not None and session.get(EscalationPolicy, policy_id) is None:
        raise BadInput("policy_id: no such escalation policy", field="policy_id")
    before = {"enabled": trigger.enabled, "policy_id": trigger.policy_id}
    trigger.enabled, trigger.policy_id = enabled, policy_id
    record_event(
        session,
        actor=actor_for(actor),
        action="oncall.trigger_update",
        object_type="paging_trigger",
        object_id=trigger.id,
        before=before,
        after={"enabled": enabled, "policy_id": policy_id},
        at=now,
    )
    return trigger
