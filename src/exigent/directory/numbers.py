"""An agency's phone numbers, each with where it was found, and the one callbacks dial.

A callback is only as good as its number: one found independently of the request (the
agency's own website, an official list, an earlier confirmed callback) reaches the real
agency even when the request is forged. So every number keeps its source and its finder,
and the agency's `verified_phone` (what `verification.service.create_callback` dials) is
always one of them. Takes the acting user explicitly and never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import utcnow
from exigent.directory.models import Agency, AgencyPhone, PhoneSource
from exigent.directory.queries import get_agency
from exigent.directory.schemas import SOURCE_LABELS, PhoneCreate, phone_number
from exigent.errors import BadInput, Conflict, NotFound


def callback_source(phone: AgencyPhone) -> str:
    """How the number's provenance reads on the agency and on a callback task."""
    return f"{SOURCE_LABELS[phone.source_kind]}: {phone.source}"[:200]


def add_phone(
    session: Session,
    *,
    user: User,
    agency_id: int,
    data: PhoneCreate,
    now: datetime | None = None,
) -> AgencyPhone:
    """A lead adds a number to an agency, and may make it the one callbacks dial."""
    require(user, Permission.directory_edit)
    return attach_number(session, user, get_agency(session, agency_id), data, now or utcnow(), None)


def add_first_number(
    session: Session,
    *,
    user: User,
    agency_id: int,
    data: PhoneCreate,
    request_id: int,
    now: datetime | None = None,
) -> AgencyPhone:
    """From a case, an analyst gives its agency the callback number it lacks. Replacing a
    number already in use is a lead's decision, made on the agency's page."""
    require(user, Permission.directory_link_case)
    agency = get_agency(session, agency_id, for_update=True)
    if agency.verified_phone:
        raise Conflict(
            f"number: {agency.name} already has a callback number ({agency.verified_phone}); "
            "a lead changes it on the agency's directory page",
            field="number",
        )
    data = data.model_copy(update={"use_for_callbacks": True})
    return attach_number(session, user, agency, data, now or utcnow(), request_id)


def attach_number(
    session: Session,
    user: User,
    agency: Agency,
    data: PhoneCreate,
    now: datetime,
    request_id: int | None,
) -> AgencyPhone:
    """Add a typed number to `agency` (its callers check the rights)."""
    try:
        number = phone_number(data.number, agency.country or "US")
    except ValueError as exc:
        raise BadInput(f"number: {exc}", field="number") from None
    if number in {p.number for p in live_phones(session, agency.id)}:
        raise Conflict(f"number: {number} is already listed for {agency.name}", field="number")
    phone = record_phone(
        session,
        user=user,
        agency=agency,
        number=number,
        kind=data.source_kind,
        source=data.source,
        label=data.label or None,
        now=now,
        request_id=request_id,
    )
    if data.use_for_callbacks:
        _dial(session, user, agency, phone, now)
    return phone


def record_phone(
    session: Session,
    *,
    user: User,
    agency: Agency,
    number: str,
    kind: PhoneSource,
    source: str,
    label: str | None,
    now: datetime,
    request_id: int | None = None,
) -> AgencyPhone:
    """Store a number with its source and audit it on the agency (rights checked by callers)."""
    phone = AgencyPhone(
        agency_id=agency.id,
        number=number,
        label=label,
        source_kind=kind,
        source=source,
        added_by_id=user.id,
        added_at=now,
        request_id=request_id,
    )
    session.add(phone)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.phone_add",
        object_type="agency",
        object_id=agency.id,
        after={"number": number, "source_kind": str(kind), "source": source, "label": label},
        detail={
            "phone_id": phone.id,
            "request_id": request_id,
            "number": number,
            "source": callback_source(phone),
        },
        at=now,
    )
    return phone


def use_for_callbacks(
    session: Session, *, user: User, phone_id: int, now: datetime | None = None
) -> AgencyPhone:
    """A lead makes one of the agency's numbers the one callbacks dial."""
    require(user, Permission.directory_edit)
    phone = _phone(session, phone_id)
    if phone.retired_at is not None:
        raise Conflict(f"number: {phone.number} was retired; add it again if it is in use")
    _dial(session, user, get_agency(session, phone.agency_id), phone, now or utcnow())
    return phone


def _dial(session: Session, user: User, agency: Agency, phone: AgencyPhone, now: datetime) -> None:
    before = {"verified_phone": agency.verified_phone, "phone_source": agency.phone_source}
    agency.verified_phone = phone.number
    agency.phone_source = callback_source(phone)
    agency.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.callback_number",
        object_type="agency",
        object_id=agency.id,
        before=before,
        after={"verified_phone": agency.verified_phone, "phone_source": agency.phone_source},
        detail={
            "phone_id": phone.id,
            "number": phone.number,
            "previous": before["verified_phone"],
        },
        at=now,
    )


def retire_phone(
    session: Session, *, user: User, phone_id: int, reason: str, now: datetime | None = None
) -> AgencyPhone:
    """A number that no longer reaches the agency; if callbacks dialled it, they stop until a
    lead chooses another, rather than ring a number known to be wrong."""
    require(user, Permission.directory_edit)
    now = now or utcnow()
    if not reason.strip():
        raise BadInput("reason: say why the number is retired", field="reason")
    phone = _phone(session, phone_id)
    if phone.retired_at is not None:
        raise Conflict(f"number: {phone.number} is already retired")
    agency = get_agency(session, phone.agency_id)
    phone.retired_at, phone.retired_by_id = now, user.id
    phone.retired_reason = reason.strip()[:500]
    was_dialled = agency.verified_phone == phone.number
    if was_dialled:
        agency.verified_phone = agency.phone_source = None
    agency.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.phone_retire",
        object_type="agency",
        object_id=agency.id,
        before={"number": phone.number},
        detail={
            "phone_id": phone.id,
            "number": phone.number,
            "reason": phone.retired_reason,
            "was_dialled": was_dialled,
        },
        at=now,
    )
    return phone


def _phone(session: Session, phone_id: int) -> AgencyPhone:
    phone = session.get(AgencyPhone, phone_id)
    if phone is None:
        raise NotFound(f"no phone number {phone_id}")
    return phone


def live_phones(session: Session, agency_id: int) -> list[AgencyPhone]:
    return list(
        session.execute(
            select(AgencyPhone)
            .where(AgencyPhone.agency_id == agency_id, AgencyPhone.retired_at.is_(None))
            .order_by(AgencyPhone.id)
        ).scalars()
    )
