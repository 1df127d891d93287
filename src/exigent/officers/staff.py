"""Staff verification of officer accounts: verify, suspend or mark fraudulent. Nothing here
commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.accounts import PortalAccount
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.service import actor_for
from exigent.auth.standing import shut_out
from exigent.auth.token_cache import forget_all
from exigent.cases.models import Requester, TrustStatus
from exigent.directory.service import set_requester_status
from exigent.errors import BadInput, Forbidden, NotFound

STAFF_MARKS = frozenset({TrustStatus.verified, TrustStatus.suspended, TrustStatus.fraudulent})


def list_accounts(session: Session, *, user: User) -> list[tuple[PortalAccount, Requester]]:
    """Every portal account, those awaiting verification first (staff who may verify)."""
    _require_verifier(user)
    rows = session.execute(
        select(PortalAccount, Requester)
        .join(Requester, Requester.id == PortalAccount.requester_id)
        .order_by(PortalAccount.created_at.desc(), PortalAccount.id.desc())
    ).all()
    waiting = [(a, r) for a, r in rows if r.status == TrustStatus.unverified]
    others = [(a, r) for a, r in rows if r.status != TrustStatus.unverified]
    return waiting + others


def _require_verifier(user: User) -> None:
    if not user_can(user, Permission.portal_account_verify):
        raise Forbidden(f"your role ({user.role}) cannot verify portal accounts; a lead can")


def set_account_status(
    session: Session,
    *,
    user: User,
    account_id: int,
    status: str,
    reason: str,
    now: datetime,
) -> tuple[PortalAccount, Requester]:
    """Verify, suspend or mark fraudulent; a suspended or fraudulent account cannot sign in,
    and the mark feeds the requester history the fraud engine reads."""
    _require_verifier(user)
    try:
        mark = TrustStatus(status)
    except ValueError:
        mark = None
    if mark not in STAFF_MARKS or mark is None:
        raise BadInput("status: one of verified, suspended, fraudulent", field="status")
    if not reason.strip():
        raise BadInput(
            "reason: say how you checked (who you called, on which number)", field="reason"
        )
    account = session.get(PortalAccount, account_id)
    if account is None:
        raise NotFound(f"no portal account {account_id}")
    requester = set_requester_status(
        session,
        user=user,
        requester_id=account.requester_id,
        status=mark,
        reason=reason.strip(),
        now=now,
    )
    active = mark == TrustStatus.verified
    if active:
        _link(account, requester, user, now)
    else:
        shut_out(session, [account.user_id], now)
    record_event(
        session,
        actor=actor_for(user),
        action="portal.account_status",
        object_type="portal_account",
        object_id=account.id,
        after={"status": str(mark), "can_sign_in": active},
        detail={"reason": reason.strip(), "email": account.user.email},
        at=now,
    )
    return account, requester


def _link(account: PortalAccount, requester: Requester, user: User, now: datetime) -> None:
    """Verified: the account becomes its requester (their cases and deliveries are now its
    own), and what the officer typed at registration is accepted as the requester's profile."""
    account.verified_at, account.verified_by_id = now, user.id
    account.user.is_active = True
    account.user.requester_id = requester.id
    requester.name = account.user.name
    requester.title = account.title or requester.title
    requester.badge_number = account.badge_number or requester.badge_number
    requester.phone = account.phone
    requester.agency_name = account.agency_name
    forget_all()
