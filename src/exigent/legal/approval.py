"""Two-person approval of a decision, and the seam that says whether a requester is verified.

Every path to an approved case goes through `approve_decision`: the decision's own approve
route and the lifecycle move to `approved` alike (`approval_gate` is called by the lifecycle).

Verification seam: `verification_gate(session, request) -> (passed, why)` decides whether a
disclosure to the case's requester may be approved. The default passes only a requester whose
status is `verified`; fraud verification replaces it with `set_verification_gate(gate)`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request, Requester
from exigent.directory.models import TrustStatus
from exigent.errors import Conflict
from exigent.legal.checks import latest_check
from exigent.legal.models import (
    DISCLOSING,
    Approval,
    ApprovalKind,
    Decision,
    DecisionStatus,
    LegalCheckRecord,
)
from exigent.legal.notify import timeline_entry
from exigent.legal.refusals import refuse, require_or_refuse
from exigent.legal.schemas import CategoryRuling
from exigent.legal.versions import current_policy
from exigent.notice.service import awaiting_before_disclosure


class VerificationGate(Protocol):
    """Whether a disclosure to this case's requester may be approved, and why (or why not).
    `hands` are the people who wrote the decision: their own word that the requester is
    verified does not count."""

    def __call__(
        self, session: Session, request: Request, hands: frozenset[int] = frozenset()
    ) -> tuple[bool, str]: ...


def requester_verified(
    session: Session, request: Request, hands: frozenset[int] = frozenset()
) -> tuple[bool, str]:
    """The default gate: the case's requester must have been verified."""
    requester = session.get(Requester, request.requester_id) if request.requester_id else None
    if requester is None:
        return False, "the case has no requester on record to verify"
    if requester.status == TrustStatus.verified:
        return True, f"requester {requester.email} is verified"
    return False, f"requester {requester.email} is {requester.status}, not verified"


_gate: VerificationGate = requester_verified


def set_verification_gate(gate: VerificationGate | None) -> VerificationGate:
    """Install `gate` (None restores the default); returns the gate it replaced."""
    global _gate
    previous, _gate = _gate, gate or requester_verified
    return previous


def verification_gate(
    session: Session, request: Request, hands: frozenset[int] = frozenset()
) -> tuple[bool, str]:
    return _gate(session, request, hands)


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
    session: Session, *, user: User, request: Request, to: Status, now: datetime
) -> None:
    """The lifecycle's hook: moving a case to `approved` approves its submitted decision."""
    if to is not Status.approved or not can_move(request.status, to):
        return  # other moves, and moves the lifecycle refuses with its own answer
    approve_decision(session, user=user, request=request, now=now)


def approve_decision(session: Session, *, user: User, request: Request, now: datetime) -> Decision:
    """Approve the case's submitted decision as its second person, after every check."""
    require_or_refuse(
        user, Permission.disclosure_approve, action="decision.approve", request_id=request.id
    )
    decision = current_decision(session, request.id)
    if decision is None or decision.status != DecisionStatus.submitted:
        raise _refusal(user, request, "there is no submitted decision to approve on this case", 409)
    _check_second_person(user, request, decision)
    _check_policy_current(session, user, request, decision)
    _check_sign_off(session, user, request, decision)
    if discloses(decision):
        _check_legal_process(session, user, request)
        passed, why = verification_gate(session, request, frozenset(decision.hand_ids))
        if not passed:
            raise _refusal(user, request, f"disclosure cannot be approved: {why}", 409)
        _check_user_notified(session, user, request)
    mark_decided(session, decision, DecisionStatus.approved, now)
    record_approval(session, user, request, decision, ApprovalKind.approval, None, now)
    return decision


def _refusal(user: User, request: Request, message: str, status: int) -> Exception:
    return refuse(
        user, message, status_code=status, action="decision.approve", request_id=request.id
    )


def _check_user_notified(session: Session, user: User, request: Request) -> None:
    """Process that permits user notice asks for it before disclosure: send or withhold first."""
    waiting = awaiting_before_disclosure(session, request.id)
    if waiting:
        names = ", ".join(f"notice {n.id} to {n.target_label} is {n.status}" for n in waiting)
        raise _refusal(
            user,
            request,
            "disclosure cannot be approved before the user is notified: "
            f"{names}; send it (and let it go out) or withhold it with a reason",
            409,
        )


def _check_second_person(user: User, request: Request, decision: Decision) -> None:
    """The approver had no hand in the decision: not its drafter, nor anyone who edited or
    submitted it, nor the legal reviewer who signed it off (two people, two judgements)."""
    if user.id in decision.hand_ids:
        raise _refusal(
            user,
            request,
            "a second person must approve: you drafted, edited or submitted this decision",
            403,
        )
    if any(
        a.kind == ApprovalKind.legal_sign_off and a.user_id == user.id for a in decision.approvals
    ):
        raise _refusal(
            user,
            request,
            "a second person must approve: you signed this decision off for legal, and "
            "sign-off and approval come from two different people",
            403,
        )


# A disclosure needs what the request's route asks for; an emergency never waits for paper.
NOT_DISCLOSING_ROUTES = frozenset({"request_info", "reject", "preserve_only"})


def _check_legal_process(session: Session, user: User, request: Request) -> None:
    """Compulsory process must carry its required elements (the warrant itself, say) before
    anything is disclosed under it; emergencies are excepted (18 U.S.C. 2702(b)(8))."""
    if request.kind == "emergency":
        return
    check = latest_check(session, request.id)
    if check is None:
        return
    missing = sorted(check.missing_elements)
    if missing or check.route in NOT_DISCLOSING_ROUTES:
        what = ", ".join(missing) if missing else f"the request's route is {check.route}"
        raise _refusal(
            user,
            request,
            f"disclosure cannot be approved: the legal process is incomplete ({what}); ask "
            "the requester for it (need info) and re-check before disclosing",
            409,
        )


def _check_policy_current(
    session: Session, user: User, request: Request, decision: Decision
) -> None:
    current = current_policy(session).version
    if decision.policy_version < current:
        raise _refusal(
            user,
            request,
            f"the decision was drafted under policy version {decision.policy_version}, and "
            f"version {current} is now current: re-check the case "
            f"(POST /api/v1/requests/{request.id}/legal/recheck) and draft the decision again",
            409,
        )


def _check_sign_off(session: Session, user: User, request: Request, decision: Decision) -> None:
    pending = needs_legal_sign_off(session, decision)
    if pending and not has_legal_sign_off(decision):
        raise _refusal(
            user,
            request,
            f"legal sign-off is needed first for: {', '.join(pending)}",
            409,
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
        body=f"Decision {decision.id} {words}." + (f" {note}" if note else ""),
        data={"decision_id": decision.id},
    )
    record_event(
        session,
        actor=actor,
        action=AUDIT_ACTIONS[kind],
        object_type="decision",
        object_id=decision.id,
        after={"status": str(decision.status), "approval_id": approval.id},
        detail={"request_id": request.id, "note": note},
        at=now,
    )
    session.refresh(decision)
    return approval
