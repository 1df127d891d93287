"""Approval's checks, joined from the domains that contribute them, and the guard that runs
them on the lifecycle's move to `approved`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request
from exigent.cases.service import MoveGuard
from exigent.config import Settings
from exigent.eu_orders.approval import enforcing_state_heard
from exigent.legal.approval import LEGAL_CHECKS, ApprovalCheck, VerificationGate, approval_gate
from exigent.legal.targets import look_up_targets
from exigent.notice.approval import user_notified
from exigent.referrals.approval import referral_ready, unless_referral
from exigent.verification.approval import verified_requester
from exigent.verification.service import verification_status


def approval_checks(gate: VerificationGate = verification_status) -> tuple[ApprovalCheck, ...]:
    """Legal's checks first (second person, current policy, sign-off, complete process), then
    the requester's verification by `gate` (a referral has no requester), then the user notice
    owed before disclosure, then a referral's assessment and legal bases, then an EU order's
    wait for the enforcing state."""
    return (
        *LEGAL_CHECKS,
        unless_referral(verified_requester(gate)),
        user_notified,
        referral_ready,
        enforcing_state_heard,
    )


# Moves after which the case page should say whether each target is on the platform.
LOOKUP_ON = frozenset({Status.triaged, Status.approved})


def approval_guard(
    checks: tuple[ApprovalCheck, ...], settings: Settings | None = None
) -> MoveGuard:
    """The lifecycle's guard: a move to `approved` approves the decision after `checks`; with
    `settings`, triage and approval also look the targets up on the platform."""

    def guard(session: Session, *, user: User, request: Request, to: Status, now: datetime) -> None:
        if settings is not None and to in LOOKUP_ON:
            look_up_targets(session, settings=settings, user=user, request=request, now=now)
        approval_gate(session, user=user, request=request, to=to, now=now, checks=checks)

    return guard
