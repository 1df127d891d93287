"""Choosing a recipient the proposals did not name: a directory agency, or another authority."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases import service as cases
from exigent.cases.models import Request
from exigent.directory.service import load_agency
from exigent.errors import BadInput
from exigent.referrals.models import RecipientKind, RecipientStatus, ReferralRecipient
from exigent.referrals.recipients import LIVE, _state, recipients_of, referral_of

MAX_NAME = 300


def choose_agency(
    session: Session, *, user: User, case: Request, agency_id: int, now: datetime
) -> ReferralRecipient:
    """A directory agency the analyst picked instead, with the directory's own number."""
    require(user, Permission.referral_recipients)
    referral = referral_of(session, case)
    agency = load_agency(session, agency_id)
    for row in recipients_of(session, referral.id):
        if row.agency_id == agency.id and row.status in LIVE:
            raise BadInput(f"agency: {agency.name} is already on the list ({row.status})")
    reasons = [f"Chosen from the directory by {user.name}"]
    if agency.verified_phone:
        reasons.append(
            f"Phone {agency.verified_phone} from {agency.phone_source or 'the directory'}"
        )
    else:
        reasons.append("No independently sourced number on file: find one before calling")
    row = ReferralRecipient(
        referral_id=referral.id,
        kind=RecipientKind.police if agency.country == "US" else RecipientKind.other,
        name=agency.name,
        agency_id=agency.id,
        ori=agency.ori,
        country=agency.country,
        phone=agency.verified_phone,
        reasons=reasons,
        rank=0,
    )
    return _add(session, user, case, row, now)


def choose_other(
    session: Session,
    *,
    user: User,
    case: Request,
    name: str,
    phone: str,
    email: str,
    now: datetime,
) -> ReferralRecipient:
    """An authority outside the directory, entered by hand with how to reach it."""
    require(user, Permission.referral_recipients)
    referral = referral_of(session, case)
    name, phone, email = name.strip(), phone.strip(), email.strip()
    if not name:
        raise BadInput("name: say which authority this is")
    if len(name) > MAX_NAME:
        raise BadInput(f"name: at most {MAX_NAME} characters")
    if not phone and not email:
        raise BadInput("phone: give a phone number or an email address to reach it")
    if phone and not _phone_like(phone):
        raise BadInput("phone: digits, spaces, + - ( ) and . only, 7 to 40 characters")
    if email and ("@" not in email or len(email) > 320 or " " in email):
        raise BadInput("email: not an email address")
    row = ReferralRecipient(
        referral_id=referral.id,
        kind=RecipientKind.other,
        name=name,
        phone=phone or None,
        email=email or None,
        reasons=[f"Entered by hand by {user.name}: an authority outside the directory"],
        rank=0,
    )
    return _add(session, user, case, row, now)


def _phone_like(phone: str) -> bool:
    return 7 <= len(phone) <= 40 and all(c.isdigit() or c in " +-().x" for c in phone)


def _add(
    session: Session, user: User, case: Request, row: ReferralRecipient, now: datetime
) -> ReferralRecipient:
    row.status = RecipientStatus.chosen
    row.chosen_by_id, row.chosen_at, row.created_at = user.id, now, now
    session.add(row)
    session.flush()
    actor = actor_for(user)
    record_event(
        session,
        actor=actor,
        action="referral.recipient_added",
        object_type="referral_recipient",
        object_id=row.id,
        after=_state(row),
        detail={"request_id": case.id},
        at=now,
    )
    cases.timeline_entry(
        session, case, actor, "referral_recipients", now, body=f"Recipient chosen: {row.name}"
    )
    return row
