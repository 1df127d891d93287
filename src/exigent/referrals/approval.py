"""A referral's part in approval: a disclosure rests on an assessment to refer now and on a
legal basis recorded on the decision; there is no requester to verify."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth.models import User
from exigent.cases.models import Request
from exigent.cases.schemas import RequestKind
from exigent.legal.approval import ApprovalCheck, approval_refusal, discloses
from exigent.legal.models import Decision
from exigent.referrals.assessments import latest_assessment, stands_for_referral
from exigent.referrals.models import Referral


def disclosure_refused(session: Session, request: Request, *, has_bases: bool) -> str | None:
    """Why a referral may not disclose yet (None when it may): no assessment to refer now
    (or the analyst's override, with its reason), or no legal basis confirmed."""
    referral = session.execute(
        select(Referral).where(Referral.request_id == request.id)
    ).scalar_one_or_none()
    if referral is None:
        return f"case {request.reference} has no referral record: nothing supports a disclosure"
    why = stands_for_referral(latest_assessment(session, referral.id))
    if why:
        return f"disclosure cannot be approved: {why}"
    if not has_bases:
        return (
            "disclosure cannot be approved: no legal basis is recorded on the decision; "
            "confirm the bases it relies on in the decision form"
        )
    return None


def referral_ready(session: Session, user: User, request: Request, decision: Decision) -> None:
    """The approval check for a referral that discloses."""
    if request.kind != RequestKind.referral or not discloses(decision):
        return
    why = disclosure_refused(session, request, has_bases=bool(decision.legal_bases))
    if why:
        raise approval_refusal(user, request, why, 409)


def unless_referral(check: ApprovalCheck) -> ApprovalCheck:
    """`check`, except on a referral: the team tells authorities it found itself, from
    independently sourced addresses, so there is no requester whose identity to verify."""

    def checked(session: Session, user: User, request: Request, decision: Decision) -> None:
        if request.kind == RequestKind.referral:
            return
        check(session, user, request, decision)

    return checked
