"""The demo officer's portal account: confirmed, verified, with a published authenticator key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.auth import second_factor
from exigent.auth.accounts import DomainStanding, PortalAccount
from exigent.auth.models import User
from exigent.cases.models import Requester

# A fixed, published key: only for the demo officer, so anyone can add it to an app.
DEMO_TOTP_SECRET = "EXIGENTDEMOPORTALOFFICER"


def attach_demo_account(
    session: Session, *, user: User, agency_name: str, secret_key: str, now: datetime
) -> PortalAccount:
    """Give the demo officer a confirmed portal account with the published demo key."""
    requester = session.execute(
        select(Requester).where(Requester.email == user.email)
    ).scalar_one_or_none()
    if requester is None:
        requester = Requester(
            email=user.email, name=user.name, agency_name=agency_name, first_seen_at=now
        )
        session.add(requester)
        session.flush()
    user.requester_id = requester.id
    account = PortalAccount(
        user_id=user.id,
        requester_id=requester.id,
        title="Detective",
        phone="+12175550143",
        agency_name=agency_name,
        agency_country="US",
        agency_state="IL",
        supervisor_name="Lt. Omar Reyes",
        supervisor_phone="+12175550100",
        domain_standing=DomainStanding.unlisted,
        domain_note="demo account",
        email_confirmed_at=now,
        verified_at=now,
        totp_secret=second_factor.seal(DEMO_TOTP_SECRET, secret_key),
        totp_enrolled_at=now,
        failed_attempts=0,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account
