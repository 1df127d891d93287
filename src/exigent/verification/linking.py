"""A case's agency, set by staff: link a case to a directory agency (found, or added with a
sourced number), and assess its risk again against the directory as it now is.

Intake links a case to an agency only when the sender's domain is in the directory; an
emergency from an agency the directory lacks could then never be called back, so never be
verified nor approved. Here the team finds or adds the agency from the case, and the case
gets its callback number. Takes the acting user explicitly and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases import service as case_service
from exigent.cases.lifecycle import Status
from exigent.cases.models import Request, TrustStatus
from exigent.cases.schemas import IntakeRecord, RequestKind
from exigent.db import utcnow
from exigent.directory import editing, numbers
from exigent.directory.marks import append_mark
from exigent.directory.models import Agency, AgencyPhone, MarkSubject
from exigent.directory.queries import get_agency
from exigent.directory.schemas import AgencyDetails, PhoneCreate, phone_number
from exigent.errors import BadInput, Conflict
from exigent.notifications.events import Event, publish
from exigent.verification.intake import assess_record, assessment_row
from exigent.verification.models import RiskAssessment
from exigent.verification.service import _newest_risk, callbacks_for

# Past approval the agency that verified the case is part of the record of the disclosure.
SETTLED = frozenset(
    {
        Status.approved,
        Status.producing,
        Status.delivered,
        Status.closed,
        Status.rejected,
        Status.withdrawn,
    }
)
BARRED = frozenset({TrustStatus.suspended, TrustStatus.fraudulent})


@dataclass(frozen=True)
class Linked:
    """A case's new agency and its risk before and after the new assessment."""

    agency: Agency
    risk_before: RiskAssessment | None
    risk_after: RiskAssessment


def link_agency(
    session: Session,
    *,
    user: User,
    request_id: int,
    agency_id: int,
    now: datetime | None = None,
) -> Linked:
    """Link the case to an agency found in the directory, and assess it again."""
    require(user, Permission.directory_link_case)
    now = now or utcnow()
    case = case_service.load_for(session, user, request_id, for_update=True)
    return _link(session, user, case, get_agency(session, agency_id), now)


def add_agency(
    session: Session,
    *,
    user: User,
    request_id: int,
    details: AgencyDetails,
    phone: PhoneCreate,
    now: datetime | None = None,
) -> Linked:
    """Add the agency the directory lacks, with a number found independently of the request,
    and link the case to it."""
    require(user, Permission.directory_link_case)
    now = now or utcnow()
    case = case_service.load_for(session, user, request_id, for_update=True)
    _check_open(session, case)
    _not_the_requests_own(case, phone.number, details.country)
    agency, _ = editing.create_for_case(
        session, user=user, details=details, phone=phone, request_id=case.id, now=now
    )
    return _link(session, user, case, agency, now)


def add_number(
    session: Session,
    *,
    user: User,
    request_id: int,
    phone: PhoneCreate,
    now: datetime | None = None,
) -> AgencyPhone:
    """Give the case's agency the callback number it lacks (found independently)."""
    require(user, Permission.directory_link_case)
    now = now or utcnow()
    case = case_service.load_for(session, user, request_id, for_update=True)
    if case.agency_id is None:
        raise Conflict("agency: link the case to its agency before adding the agency's number")
    agency = get_agency(session, case.agency_id)
    _not_the_requests_own(case, phone.number, agency.country or "US")
    added = numbers.add_first_number(
        session, user=user, agency_id=agency.id, data=phone, request_id=case.id, now=now
    )
    case_service.timeline_entry(
        session,
        case,
        actor_for(user),
        "agency_number",
        now,
        body=f"{agency.name}'s callback number {added.number} added "
        f"({numbers.callback_source(added)}).",
        data={"agency_id": agency.id, "phone_id": added.id},
    )
    return added


def reassess(
    session: Session, *, user: User, request_id: int, now: datetime | None = None
) -> RiskAssessment:
    """Score the case again against the directory, weights and marks as they are now."""
    require(user, Permission.verification_assess)
    now = now or utcnow()
    case = case_service.load_for(session, user, request_id, for_update=True)
    if case.kind == RequestKind.referral:
        raise BadInput(
            f"request_id: {case.reference} is a referral the team raised; the fraud score "
            "weighs a requester, and a referral has none"
        )
    return _reassess(session, user, case, now, "asked for")[1]


def _link(session: Session, user: User, case: Request, agency: Agency, now: datetime) -> Linked:
    _check_linkable(session, case, agency)
    previous = case.agency_id
    case.agency_id = agency.id
    case.version += 1
    case.updated_at = now
    actor = actor_for(user)
    number = (
        f"callbacks dial {agency.verified_phone} ({agency.phone_source})"
        if agency.verified_phone
        else "it has no callback number yet"
    )
    case_service.timeline_entry(
        session,
        case,
        actor,
        "agency_linked",
        now,
        body=f"Linked to {_named(agency)} in the directory; {number}.",
        data={"agency_id": agency.id, "previous_agency_id": previous},
    )
    record_event(
        session,
        actor=actor,
        action="request.agency_link",
        object_type="request",
        object_id=case.id,
        before={"agency_id": previous},
        after={"agency_id": agency.id},
        detail={"agency": agency.name},
        at=now,
    )
    append_mark(
        session,
        user=user,
        subject=MarkSubject.request_agency,
        subject_id=case.id,
        status=str(agency.id),
        reason=None,
        now=now,
    )
    session.flush()
    before, after = _reassess(session, user, case, now, f"linked to {agency.name}")
    return Linked(agency=agency, risk_before=before, risk_after=after)


def _named(agency: Agency) -> str:
    where = ", ".join(p for p in (agency.state, agency.country) if p)
    ori = f", ORI {agency.ori}" if agency.ori else ""
    return f"{agency.name} ({where}{ori})"


def settled(session: Session, case: Request) -> str | None:
    """Why the case's agency may no longer change, or None: not once the case is approved (or
    ended), nor while a callback is open or after one was answered."""
    if case.status in SETTLED:
        return f"{case.reference} is {case.status.replace('_', ' ')}; its agency is settled"
    for callback in callbacks_for(session, case.id):
        if callback.outcome is None:
            return (
                f"callback task {callback.id} on {callback.number_dialled} is open; record "
                "its outcome before linking another agency"
            )
        if callback.outcome != "no_answer":
            return (
                f"the agency on {callback.number_dialled} already {callback.outcome} the "
                f"request (callback {callback.id}); the case stays with that agency"
            )
    return None


def _check_open(session: Session, case: Request) -> None:
    why = settled(session, case)
    if why is not None:
        raise Conflict(f"agency: {why}")


def _check_linkable(session: Session, case: Request, agency: Agency) -> None:
    _check_open(session, case)
    if case.agency_id == agency.id:
        raise Conflict(f"agency: {case.reference} is already linked to {agency.name}")
    if agency.status in BARRED:
        raise Conflict(
            f"agency: {agency.name} is marked {agency.status}; a case cannot be verified through it"
        )


def _not_the_requests_own(case: Request, typed: str, country: str) -> None:
    """A number the request gave reaches whoever sent it: a forger gives their own."""
    try:
        number = phone_number(typed, country)
    except ValueError as exc:
        raise BadInput(f"number: {exc}", field="number") from None
    requester: dict[str, Any] = (case.record or {}).get("requester") or {}
    for key, what in (("phone", "the requester's"), ("supervisor_phone", "the supervisor's")):
        given = requester.get(key)
        if given and _same(given, number, country):
            raise BadInput(
                f"number: {number} is {what} number as given in the request; a callback must "
                "reach the agency on a number found independently (its own website, an "
                "official list), never one the request supplied",
                field="number",
            )


def _same(given: str, number: str, country: str) -> bool:
    try:
        return phone_number(given, country) == number
    except ValueError:
        return False


def _reassess(
    session: Session, user: User, case: Request, now: datetime, why: str
) -> tuple[RiskAssessment | None, RiskAssessment]:
    before = _newest_risk(session, case.id)
    try:
        record = IntakeRecord.model_validate(case.record)
    except ValidationError:
        raise Conflict(
            f"{case.reference}'s stored record no longer reads as an intake record; "
            "it cannot be assessed again"
        ) from None
    assessed = assess_record(session, record, exclude=case.id)
    row = RiskAssessment(**assessment_row(case.id, assessed.result, now, assessed.weights_version))
    session.add(row)
    session.flush()
    was = f"{before.score} ({before.level})" if before else "not assessed"
    callback = "a callback is required" if row.verification_required else "no callback required"
    case_service.timeline_entry(
        session,
        case,
        actor_for(user),
        "risk_assessed",
        now,
        body=f"Risk assessed again ({why}): {was} → {row.score} ({row.level}); {callback}.",
        data={"before": before.score if before else None, "after": row.score},
    )
    record_event(
        session,
        actor=actor_for(user),
        action="verification.reassess",
        object_type="request",
        object_id=case.id,
        before={"score": before.score} if before else None,
        after={"score": row.score, "level": str(row.level)},
        detail={"why": why, "weights_version": row.weights_version},
        at=now,
    )
    if str(row.level) == "critical" and (before is None or str(before.level) != "critical"):
        # Newly critical: on call pages for it if a trigger says so (it listens, we announce).
        publish(
            session,
            Event(
                "fraud_critical",
                now,
                case.id,
                f"Critical fraud risk on {case.reference} ({row.score}), {why}",
            ),
        )
    return before, row
