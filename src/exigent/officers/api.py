"""JSON routes for staff: portal accounts awaiting verification, and marking them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from exigent.auth.accounts import PortalAccount
from exigent.cases.models import Requester
from exigent.db import utcnow
from exigent.officers import staff
from exigent.web.deps import CurrentUser, SessionDep

router = APIRouter(prefix="/api/v1/portal", tags=["portal"])
AccountId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class AccountRead(BaseModel):
    id: int
    user_id: int
    requester_id: int
    email: str
    name: str
    title: str | None
    badge_number: str | None
    phone: str
    agency_name: str
    agency_country: str
    agency_state: str | None
    supervisor_name: str | None
    supervisor_phone: str | None
    domain_standing: str = Field(description="listed, unlisted or lookalike at registration")
    domain_note: str | None
    email_confirmed: bool
    second_factor: bool
    status: str = Field(description="unverified, verified, suspended or fraudulent")
    can_sign_in: bool
    created_at: datetime


class StatusIn(BaseModel):
    status: str = Field(description="verified, suspended or fraudulent")
    reason: str = Field(min_length=1, max_length=5000, description="how it was checked")


def read(account: PortalAccount, requester: Requester) -> AccountRead:
    return AccountRead(
        id=account.id,
        user_id=account.user_id,
        requester_id=account.requester_id,
        email=account.user.email,
        name=account.user.name,
        title=account.title,
        badge_number=account.badge_number,
        phone=account.phone,
        agency_name=account.agency_name,
        agency_country=account.agency_country,
        agency_state=account.agency_state,
        supervisor_name=account.supervisor_name,
        supervisor_phone=account.supervisor_phone,
        domain_standing=account.domain_standing,
        domain_note=account.domain_note,
        email_confirmed=account.email_confirmed_at is not None,
        second_factor=account.totp_enrolled_at is not None,
        status=requester.status,
        can_sign_in=account.user.is_active,
        created_at=account.created_at,
    )


@router.get("/accounts", response_model=list[AccountRead])
def list_accounts(session: SessionDep, user: CurrentUser) -> list[AccountRead]:
    """Officers' portal accounts, those awaiting verification first (lead, admin)."""
    rows = staff.list_accounts(session, user=user)
    session.commit()
    return [read(account, requester) for account, requester in rows]


@router.post("/accounts/{account_id}/status", response_model=AccountRead)
def set_status(
    account_id: AccountId, body: StatusIn, session: SessionDep, user: CurrentUser
) -> AccountRead:
    """Verify, suspend or mark fraudulent (audited; suspended and fraudulent cannot sign in)."""
    account, requester = staff.set_account_status(
        session,
        user=user,
        account_id=account_id,
        status=body.status,
        reason=body.reason,
        now=utcnow(),
    )
    session.commit()
    return read(account, requester)
