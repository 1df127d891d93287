"""The officer's second factor: enrolment of the portal account's authenticator, audited.
The mechanics (sealing, codes, recovery codes) are shared with staff in
`exigent.auth.second_factor`. Nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth import second_factor
from exigent.auth.accounts import PortalAccount
from exigent.auth.service import actor_for


def enrolment_secret(account: PortalAccount, *, secret_key: str) -> str:
    return second_factor.enrolment_secret(account, secret_key=secret_key)


def complete_enrolment(
    session: Session, *, account: PortalAccount, code: str, secret_key: str, now: datetime
) -> list[str]:
    """Check the first code from the app; return recovery codes, shown this once."""
    codes = second_factor.complete_enrolment(
        session,
        holder=account,
        user_id=account.user_id,
        code=code,
        secret_key=secret_key,
        now=now,
    )
    record_event(
        session,
        actor=actor_for(account.user),
        action="portal.totp_enrolled",
        object_type="portal_account",
        object_id=account.id,
        at=now,
    )
    return codes
