"""Staff corrections of an agency on its page, and an agency added from a case.

Takes the acting user explicitly and never commits; each change is audited on the agency,
with the fields it changed, so the page can show who changed what and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.db import utcnow
from exigent.directory.models import Agency, AgencyPhone
from exigent.directory.numbers import attach_number
from exigent.directory.queries import get_agency
from exigent.directory.schemas import AgencyDetails, PhoneCreate
from exigent.directory.service import agency_state, changed_fields, check_ori_free, new_agency


def edit_details(
    session: Session,
    *,
    user: User,
    agency_id: int,
    details: AgencyDetails,
    now: datetime | None = None,
) -> Agency:
    """A lead corrects the agency's name, type, place, ORI, homepage or notes."""
    require(user, Permission.directory_edit)
    now = now or utcnow()
    agency = get_agency(session, agency_id, for_update=True)
    check_ori_free(session, details.ori, agency.id)
    before = agency_state(agency)
    agency.name = details.name
    agency.agency_type = details.agency_type or None
    agency.country = details.country
    agency.state = details.state.upper() if details.state else None
    agency.ori = details.ori
    agency.homepage_url = details.homepage_url or None
    agency.notes = details.notes or None
    changes = changed_fields(before, agency)
    if not changes:
        return agency
    agency.updated_at = now
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="directory.agency_update",
        object_type="agency",
        object_id=agency.id,
        before=before,
        after=agency_state(agency),
        detail={"changes": changes},
        at=now,
    )
    return agency


def create_agency(
    session: Session,
    *,
    user: User,
    details: AgencyDetails,
    phone: PhoneCreate | None,
    now: datetime | None = None,
) -> Agency:
    """A lead adds an agency the directory lacks, with a number when one is known."""
    require(user, Permission.directory_edit)
    now = now or utcnow()
    agency = new_agency(session, user, details, now, request_id=None)
    if phone is not None:
        attach_number(session, user, agency, phone, now, None)
    return agency


def create_for_case(
    session: Session,
    *,
    user: User,
    details: AgencyDetails,
    phone: PhoneCreate,
    request_id: int,
    now: datetime | None = None,
) -> tuple[Agency, AgencyPhone]:
    """From a case, an agency the directory lacks, with the number found for it; a number is
    required, since an agency nobody can call back cannot verify the case."""
    require(user, Permission.directory_link_case)
    now = now or utcnow()
    agency = new_agency(session, user, details, now, request_id=request_id)
    dialled = phone.model_copy(update={"use_for_callbacks": True})
    return agency, attach_number(session, user, agency, dialled, now, request_id)
