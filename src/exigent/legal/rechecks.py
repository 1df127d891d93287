"""Judging open cases again after the policy changed: one case, or every case judged under an
earlier version in one action.

A re-check stores the new judgement (`checks.judge_case`) and settles the case's open decision
by the rule in `policy_impact`: a decision the new version changes nothing of stays as drafted,
under its version, and can be approved; one whose disclosed categories it changes is withdrawn
(superseded) and its case goes back to review, where the draft form starts from it. Every
re-check leaves a timeline entry saying which of the two happened and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.refusals import require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.legal.approval import current_decision
from exigent.legal.checks import AfterJudging, judge_case, latest_check
from exigent.legal.models import Decision, DecisionStatus, LegalCheckRecord
from exigent.legal.notify import timeline_entry
from exigent.legal.policy_impact import (
    OPEN_DECISIONS,
    check_differences,
    readable_record,
    undecided_cases,
    what_changes,
)
from exigent.legal.versions import current_policy


@dataclass(frozen=True)
class Rechecked:
    """One case judged again: from which version, and what became of its open decision."""

    request_id: int
    reference: str
    from_version: int | None
    to_version: int
    differences: list[str]
    decision_id: int | None = None
    # What the new version changes about what the open decision discloses; when not empty,
    # the decision was withdrawn and the case needs a new draft.
    decision_changes: list[str] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        return bool(self.decision_changes)


def recheck_case(
    session: Session,
    *,
    user: User,
    request: Request,
    after_judging: Sequence[AfterJudging],
    now: datetime,
    bulk: bool = False,
) -> Rechecked:
    """Judge one case again under the current policy and settle its open decision."""
    previous = latest_check(session, request.id)
    from_version = request.policy_version
    row = judge_case(
        session,
        request=request,
        record=IntakeRecord.model_validate(request.record),
        actor=actor_for(user),
        now=now,
        after_judging=after_judging,
    )
    result = Rechecked(
        request_id=request.id,
        reference=request.reference,
        from_version=from_version,
        to_version=row.policy_version,
        differences=check_differences(previous, row),
    )
    decision = current_decision(session, request.id)
    if (
        decision is not None
        and decision.status in OPEN_DECISIONS
        and decision.policy_version != row.policy_version
    ):
        drafted = session.get(LegalCheckRecord, decision.legal_check_id)
        changes = what_changes(kind=request.kind, decision=decision, drafted=drafted, judged=row)
        result = replace(result, decision_id=decision.id, decision_changes=changes)
        if changes:
            _withdraw(session, user, request, decision, result, now)
    _tell_timeline(session, user, result, now, bulk=bulk)
    return result


def _withdraw(
    session: Session,
    user: User,
    request: Request,
    decision: Decision,
    result: Rechecked,
    now: datetime,
) -> None:
    """The new version changes what the decision discloses: it can no longer be approved as
    drafted, so it leaves the approval queue and its case goes back to review."""
    was = decision.status
    session.execute(
        update(Decision)
        .where(Decision.id == decision.id, Decision.status.in_(OPEN_DECISIONS))
        .values(status=DecisionStatus.superseded, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(decision)
    record_event(
        session,
        actor=actor_for(user),
        action="decision.withdraw",
        object_type="decision",
        object_id=decision.id,
        before={"status": str(was)},
        after={"status": str(DecisionStatus.superseded)},
        detail={
            "request_id": request.id,
            "drafted_under": decision.policy_version,
            "policy_version": result.to_version,
            "changes": result.decision_changes,
        },
        at=now,
    )
    if request.status is Status.awaiting_approval:
        cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=Status.under_review,
            reason=(
                f"Policy v{result.to_version} changes what decision {decision.id} discloses; "
                "it goes back for a new draft."
            ),
            now=now,
        )


def _tell_timeline(
    session: Session, user: User, result: Rechecked, now: datetime, *, bulk: bool
) -> None:
    was = f" (was v{result.from_version})" if result.from_version != result.to_version else ""
    how = " with every open case judged under an earlier version" if bulk else ""
    found = "; ".join(result.differences) or "the route and every ruling are unchanged"
    lines = [f"Checked again under policy v{result.to_version}{was}{how}: {found}."]
    if result.decision_id is not None and result.withdrawn:
        lines.append(
            f"Decision {result.decision_id} was withdrawn from approval, because "
            f"v{result.to_version} changes what it discloses "
            f"({'; '.join(result.decision_changes)}). Draft it again: the form starts from it."
        )
    elif result.decision_id is not None:
        lines.append(
            f"Decision {result.decision_id} discloses nothing v{result.to_version} changes: "
            "it can be approved as drafted, under the version it was drafted under."
        )
    timeline_entry(
        session,
        request_id=result.request_id,
        actor=actor_for(user),
        kind="legal_recheck",
        at=now,
        body=" ".join(lines),
        data={
            "from_version": result.from_version,
            "policy_version": result.to_version,
            "decision_id": result.decision_id,
            "withdrawn": result.withdrawn,
        },
    )


def stale_cases(session: Session, user: User) -> list[int]:
    """Undecided open cases the user may read that were judged under an earlier version."""
    current = current_policy(session, seed=False).version
    statement = undecided_cases(user).where(
        or_(Request.policy_version < current, Request.policy_version.is_(None))
    )
    return list(session.execute(statement.with_only_columns(Request.id)).scalars())


def recheck_open_cases(
    session: Session,
    *,
    user: User,
    after_judging: Sequence[AfterJudging],
    now: datetime | None = None,
) -> list[Rechecked]:
    """Judge every undecided open case judged under an earlier version again (legal only): one
    action, each case audited and told on its timeline, and one event for the whole."""
    now = now or utcnow()
    require_or_refuse(user, Permission.policy_edit, action="policy.recheck", request_id=None)
    current = current_policy(session).version
    ids = stale_cases(session, user)
    # Every case row is locked before the first audit event takes the chain's head, the
    # order every other writer takes them in (case, then head), so no two can deadlock.
    requests = list(
        session.execute(
            select(Request).where(Request.id.in_(ids)).order_by(Request.id).with_for_update()
        ).scalars()
    )
    # A record stored before it was whole cannot be judged; it waits for someone to complete
    # it rather than stopping the re-check of every other case.
    readable = [r for r in requests if readable_record(r) is not None]
    results = [
        recheck_case(
            session, user=user, request=request, after_judging=after_judging, now=now, bulk=True
        )
        for request in readable
    ]
    skipped = sorted({r.id for r in requests} - {r.id for r in readable})
    record_event(
        session,
        actor=actor_for(user),
        action="policy.recheck",
        object_type="policy",
        object_id=current,
        detail={
            "cases": [r.request_id for r in results],
            "withdrawn": [r.decision_id for r in results if r.withdrawn],
            **({"unreadable": skipped} if skipped else {}),
        },
        at=now,
    )
    return results
