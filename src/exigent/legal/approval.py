"""Approving a decision: a second person, under a policy that has not changed what it discloses,
with legal sign-off where the policy asks for it, and every other check the application
assembles.

Approval runs a tuple of `ApprovalCheck`s. Legal contributes its own (`LEGAL_CHECKS`);
verification contributes whether the requester is verified (`verification/approval.py`) and
notice whether the user was told first (`notice/approval.py`); the application joins them
(`exigent.workflow.approval`) and hands them to the lifecycle's move to `approved`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.refusals import refuse, require_or_refuse
from exigent.auth.service import actor_for
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request
from exigent.cases.schemas import RequestKind
from exigent.errors import Conflict, ExigentError
from exigent.legal.checks import latest_check
from exigent.legal.coppa import known_ages
from exigent.legal.models import (
    DISCLOSING,
    Approval,
    ApprovalKind,
    Decision,
    DecisionStatus,
    LegalCheckRecord,
)
from exigent.legal.notify import timeline_entry
from exigent.legal.policy_impact import NOT_DISCLOSING_ROUTES, changes_since_drafted
from exigent.legal.schemas import CategoryRuling
from exigent.legal.versions import current_policy
from exigent.notifications.events import Event, publish

# Below this age a target is a child for the briefs to legal and leadership.
ADULT_AGE = 18
# Published when an emergency disclosure is approved for a target known to be a child.
CHILD_DISCLOSURE = "child_disclosure"


class ApprovalCheck(Protocol):
    """One rule an approval must pass; it raises an audited refusal when the rule is not met."""

    def __call__(
        self, session: Session, user: User, request: Request, decision: Decision
    ) -> None: ...


class VerificationGate(Protocol):
    """Whether a disclosure to this case's requester may be approved, and why (or why not).
    `hands` are the people who wrote the decision: their own word that the requester is
    verified does not count."""

    def __call__(
        self, session: Session, request: Request, hands: frozenset[int] = frozenset()
    ) -> tuple[bool, str]: ...


AUDIT_ACTIONS = {
    ApprovalKind.approval: "decision.approve",
    ApprovalKind.rejection: "decision.reject",
    ApprovalKind.legal_sign_off: "decision.legal_sign_off",
}


def current_decision(session: Session, request_id: int) -> Decision | None:
    """The case's newest decision that has not been superseded."""
    return session.execute(
        select(Decision)
        .where(Decision.request_id == request_id, Decision.status != DecisionStatus.superseded)
        .order_by(Decision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def needs_legal_sign_off(session: Session, decision: Decision) -> list[str]:
    """Categories the decision would disclose that the policy routes to legal review."""
    check = session.get(LegalCheckRecord, decision.legal_check_id)
    rulings = check.categories if check else {}
    return sorted(
        {
            item.category
            for item in decision.items
            if item.outcome in DISCLOSING
            and rulings.get(item.category) == CategoryRuling.legal_review
        }
    )


def has_legal_sign_off(decision: Decision) -> bool:
    return any(a.kind == ApprovalKind.legal_sign_off for a in decision.approvals)


def discloses(decision: Decision) -> bool:
    return any(item.outcome in DISCLOSING for item in decision.items)


def approval_gate(
    session: Session,
    *,
    user: User,
    request: Request,
    to: Status,
    now: datetime,
    checks: Sequence[ApprovalCheck],
) -> None:
    """The lifecycle's guard: moving a case to `approved` approves its submitted decision."""
    if to is not Status.approved or not can_move(request.status, to):
        return  # other moves, and moves the lifecycle refuses with its own answer
    approve_decision(session, user=user, request=request, now=now, checks=checks)


def approve_decision(
    session: Session,
    *,
    user: User,
    request: Request,
    now: datetime,
    checks: Sequence[ApprovalCheck],
) -> Decision:
    """Approve the case's submitted decision as its second person, after every check."""
    require_or_refuse(
        user, Permission.disclosure_approve, action="decision.approve", request_id=request.id
    )
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.submitted:
        raise approval_refusal(
            user, request, "there is no submitted decision to approve on this case", 409
        )
    for check in checks:
        check(session, user, request, decision)
    mark_decided(session, decision, DecisionStatus.approved, now)
    current = current_policy(session).version
    remark = (
        f"Approved as drafted under policy v{decision.policy_version}: v{current} changes "
        "nothing it discloses."
        if decision.policy_version != current
        else None
    )
    record_approval(
        session, user, request, decision, ApprovalKind.approval, None, now, remark=remark
    )
    if _discloses_about_a_child(session, request, decision):
        summary = f"{request.reference}: emergency disclosure approved for a target under 18"
        publish(session, Event(CHILD_DISCLOSURE, now, request.id, summary))
    return decision


def _discloses_about_a_child(session: Session, request: Request, decision: Decision) -> bool:
    """An emergency disclosure (no compulsory process) about a target known to be under 18."""
    if request.kind != RequestKind.emergency or not discloses(decision):
        return False
    return any(age < ADULT_AGE for age in known_ages(session, request.id).values())


def approval_blockers(
    session: Session, *, user: User, request: Request, checks: Sequence[ApprovalCheck]
) -> list[str]:
    """Why approving the case's decision now would be refused, found without trying (empty:
    it would be approved), so a page never offers an approval that will be turned down."""
    if not user_can(user, Permission.disclosure_approve):
        return [f"your role ({user.role}) does not allow {Permission.disclosure_approve}"]
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.submitted:
        return ["there is no submitted decision to approve on this case"]
    reasons = []
    if not can_move(request.status, Status.approved):
        reasons.append(f"the case is {request.status.replace('_', ' ')}, not awaiting approval")
    for check in checks:
        try:
            check(session, user, request, decision)
        except ExigentError as refused:  # the checks only read: nothing to roll back
            reasons.append(refused.message)
    return reasons


def approval_refusal(user: User, request: Request, message: str, status: int) -> Exception:
    """An audited refusal of this approval, for a check to raise."""
    return refuse(
        user, message, status_code=status, action="decision.approve", request_id=request.id
    )


def _check_second_person(
    session: Session, user: User, request: Request, decision: Decision
) -> None:
    """The approver had no hand in the decision: not its drafter, nor anyone who edited or
    submitted it, nor the legal reviewer who signed it off (two people, two judgements)."""
    if user.id in decision.hand_ids:
        raise approval_refusal(
            user,
            request,
            "a second person must approve: you drafted, edited or submitted this decision",
            403,
        )
    if any(
        a.kind == ApprovalKind.legal_sign_off and a.user_id == user.id for a in decision.approvals
    ):
        raise approval_refusal(
            user,
            request,
            "a second person must approve: you signed this decision off for legal, and "
            "sign-off and approval come from two different people",
            403,
        )


def _check_legal_process(
    session: Session, user: User, request: Request, decision: Decision
) -> None:
    """Compulsory process must carry its required elements (the warrant itself, say) before
    anything is disclosed under it; emergencies are excepted (18 U.S.C. 2702(b)(8)), and so
    are referrals, which no one requested: their legal bases are on the decision."""
    if request.kind in ("emergency", "referral") or not discloses(decision):
        return
    check = latest_check(session, request.id)
    if check is None:
        return
    missing = sorted(check.missing_elements)
    if missing or check.route in NOT_DISCLOSING_ROUTES:
        what = ", ".join(missing) if missing else f"the request's route is {check.route}"
        raise approval_refusal(
            user,
            request,
            f"disclosure cannot be approved: the legal process is incomplete ({what}); ask "
            "the requester for it (need info) and re-check before disclosing",
            409,
        )


def _check_policy_unchanged(
    session: Session, user: User, request: Request, decision: Decision
) -> None:
    """A decision drafted under an older version may be approved as drafted when the current
    version changes nothing it discloses (`policy_impact`); otherwise the case is re-checked."""
    changes = changes_since_drafted(session, request, decision)
    if changes:
        current = current_policy(session).version
        raise approval_refusal(
            user,
            request,
            f"the decision was drafted under policy version {decision.policy_version}, and "
            f"version {current} changes what it discloses ({'; '.join(changes)}): re-check "
            f"the case under version {current} and draft the decision again",
            409,
        )


def _check_sign_off(session: Session, user: User, request: Request, decision: Decision) -> None:
    pending = needs_legal_sign_off(session, decision)
    if pending and not has_legal_sign_off(decision):
        raise approval_refusal(
            user,
            request,
            f"legal sign-off is needed first for: {', '.join(pending)}",
            409,
        )


# Legal's own checks, in the order a refusal should name them.
LEGAL_CHECKS: tuple[ApprovalCheck, ...] = (
    _check_second_person,
    _check_policy_unchanged,
    _check_sign_off,
    _check_legal_process,
)


def mark_decided(
    session: Session, decision: Decision, status: DecisionStatus, now: datetime
) -> None:
    """Compare-and-swap from `submitted`: of two racing approvers exactly one wins."""
    result = session.execute(
        update(Decision)
        .where(Decision.id == decision.id, Decision.status == DecisionStatus.submitted)
        .values(status=status, decided_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("someone else decided on this decision at the same moment; reload")
    session.refresh(decision)


def record_approval(
    session: Session,
    user: User,
    request: Request,
    decision: Decision,
    kind: ApprovalKind,
    note: str | None,
    now: datetime,
    *,
    remark: str | None = None,
) -> Approval:
    approval = Approval(
        decision_id=decision.id,
        user_id=user.id,
        role=str(user.role),
        kind=kind,
        note=note,
        created_at=now,
    )
    session.add(approval)
    session.flush()
    actor = actor_for(user)
    words = {
        ApprovalKind.approval: "approved",
        ApprovalKind.rejection: "rejected",
        ApprovalKind.legal_sign_off: "signed off by legal",
    }[kind]
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind=f"decision_{kind}",
        at=now,
        body=f"Decision {decision.id} {words}."
        + (f" {remark}" if remark else "")
        + (f" {note}" if note else ""),
        data={"decision_id": decision.id, "policy_version": decision.policy_version},
    )
    record_event(
        session,
        actor=actor,
        action=AUDIT_ACTIONS[kind],
        object_type="decision",
        object_id=decision.id,
        after={"status": str(decision.status), "approval_id": approval.id},
        detail={
            "request_id": request.id,
            "note": note,
            "policy_version": decision.policy_version,
        },
        at=now,
    )
    session.refresh(decision)
    return approval
