"""Verification's part in approval: a disclosure waits until the requester is verified."""

from __future__ import annotations

from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.legal.approval import (
    ApprovalCheck,
    VerificationGate,
    approval_refusal,
    discloses,
)
from exigent.legal.models import Decision
from exigent.verification.service import verification_status


def verified_requester(gate: VerificationGate = verification_status) -> ApprovalCheck:
    """The approval check: anything disclosed goes only to a requester `gate` passes (a
    callback confirmed, the risk of the request weighed); the decision's own authors cannot
    vouch for them."""

    def check(session: Session, user: User, request: Request, decision: Decision) -> None:
        if not discloses(decision):
            return
        passed, why = gate(session, request, frozenset(decision.hand_ids))
        if not passed:
            raise approval_refusal(user, request, f"disclosure cannot be approved: {why}", 409)

    return check
