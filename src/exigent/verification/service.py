"""Assessment against the database, risk stored on cases, callbacks and verification status.

Takes the acting user explicitly and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.auth.refusals import refuse
from exigent.auth.service import actor_for, require
from exigent.auth.standing import shut_out
from exigent.cases import service as case_service
from exigent.cases.models import Request, Requester, TrustStatus
from exigent.cases.schemas import IntakeRecord, RequestKind
from exigent.db import utcnow
from exigent.directory.marks import append_mark
from exigent.directory.models import Agency, MarkSubject, VerificationMark
from exigent.directory.service import record_requester_status
from exigent.errors import BadInput, Conflict, NotFound
from exigent.notifications.events import Event, publish
from exigent.verification.db_directory import directory_for
from exigent.verification.db_history import (
    LayeredHistory,
    history_lock,
    shared_history,
)
from exigent.verification.engine import Assessor, past_request
from exigent.verification.models import Callback, CallbackOutcome, RiskAssessment
from exigent.verification.schemas import AssessmentRead
from exigent.verification.weight_sets import current_weights

# Published when the agency denies a request on callback: someone posed as police.
FRAUD_CONFIRMED = "fraud_confirmed"


def assess_records(
    session: Session, *, user: User, records: Sequence[IntakeRecord]
) -> list[AssessmentRead]:
    """Judge records against the database's history, in order of arrival, storing nothing."""
    require(user, Permission.verification_assess)
    directory = directory_for(session)
    assessor = Assessor(directory=directory, weights=current_weights(session, seed=False))
    order = sorted(range(len(records)), key=lambda index: records[index].received_at)
    results: dict[int, AssessmentRead] = {}
    with history_lock():
        history = LayeredHistory(shared_history(session, directory))
        for index in order:
            ctx = assessor.context(records[index], history)
            results[index] = assessor.assess_context(ctx)
            history.add(past_request(ctx, f"record-{index + 1}"), ctx.fingerprint)
    return [results[index] for index in range(len(records))]


def require_internal_read(user: User, request_id: int) -> None:
    """Only the team reads how a case was verified: the number dialled, who answered, the
    notes, the risk score and its signals. Asked before the case is looked up, so an officer
    gets the same answer for their own case as for any other, and the try is audited."""
    if user_can(user, Permission.request_read_all):
        return
    raise refuse(
        user,
        "verification details (callbacks, risk score and signals) are internal to the "
        f"response team; your role ({user.role}) cannot read them",
        status_code=403,
        action="verification.read",
        request_id=request_id,
    )


def current_risk(session: Session, *, user: User, request_id: int) -> RiskAssessment:
    """The case's newest stored assessment."""
    require_internal_read(user, request_id)
    case = case_service.load_for(session, user, request_id)
    row = _newest_risk(session, case.id)
    if row is None:
        raise NotFound(f"request {request_id} has not been assessed")
    case_service.record_read(session, user, case)
    return row


def _newest_risk(session: Session, request_id: int) -> RiskAssessment | None:
    return session.execute(
        select(RiskAssessment)
        .where(RiskAssessment.request_id == request_id)
        .order_by(RiskAssessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def create_callback(
    session: Session, *, user: User, request_id: int, now: datetime | None = None
) -> Callback:
    """A callback task on the agency's independently sourced number (never the request's)."""
    require(user, Permission.verification_callback)
    now = now or utcnow()
    case = case_service.load_for(session, user, request_id)
    if case.agency_id is None:
        raise Conflict(
            f"request {case.reference} is not linked to a directory agency: find the agency "
            "in the case page's Agency panel (or add it there with a number found on its own "
            "website or an official list) and link the case first"
        )
    agency = session.get(Agency, case.agency_id)
    if agency is None or not agency.verified_phone or not agency.phone_source:
        raise Conflict(
            f"agency {case.agency_id} has no independently sourced phone number: add one "
            "found on the agency's own website or an official list in the case page's Agency "
            "panel before calling back; never use the number in the request"
        )
    callback = Callback(
        request_id=case.id,
        agency_id=agency.id,
        number_dialled=agency.verified_phone,
        number_source=agency.phone_source,
        created_by_id=user.id,
        created_at=now,
    )
    session.add(callback)
    session.flush()
    record_event(
        session,
        actor=actor_for(user),
        action="verification.callback_create",
        object_type="callback",
        object_id=callback.id,
        after={"request_id": case.id, "number": callback.number_dialled},
        detail={"request_id": case.id, "number_source": callback.number_source},
        at=now,
    )
    return callback


@dataclass(frozen=True)
class CallbackResult:
    outcome: CallbackOutcome
    answered_by: str
    supervisor_confirmed: bool
    notes: str | None


def record_outcome(
    session: Session,
    *,
    user: User,
    callback_id: int,
    result: CallbackResult,
    now: datetime | None = None,
) -> Callback:
    """Record who answered and what they said; a denial marks the case as fraud."""
    require(user, Permission.verification_callback)
    now = now or utcnow()
    callback = session.get(Callback, callback_id)
    if callback is None:
        raise NotFound(f"no callback {callback_id}")
    case_service.load_for(session, user, callback.request_id)
    if callback.outcome is not None:
        raise Conflict(f"callback {callback_id} already has an outcome ({callback.outcome})")
    if result.outcome is not CallbackOutcome.no_answer and not result.answered_by.strip():
        raise BadInput("answered_by: say who answered the call", field="answered_by")
    callback.outcome = result.outcome
    callback.answered_by = result.answered_by.strip() or None
    callback.supervisor_confirmed = result.supervisor_confirmed
    callback.notes = result.notes
    callback.called_by_id = user.id
    callback.called_at = now
    if result.outcome is not CallbackOutcome.no_answer:
        append_mark(
            session,
            user=user,
            subject=MarkSubject.request,
            subject_id=callback.request_id,
            status=str(result.outcome),
            reason=result.notes,
            now=now,
        )
    session.flush()
    _mark_requester(session, user, callback, now)
    record_event(
        session,
        actor=actor_for(user),
        action="verification.callback_outcome",
        object_type="callback",
        object_id=callback.id,
        after={
            "outcome": str(result.outcome),
            "answered_by": callback.answered_by,
            "supervisor_confirmed": result.supervisor_confirmed,
        },
        detail={"request_id": callback.request_id},
        at=now,
    )
    if callback.outcome == CallbackOutcome.denied:
        # The agency says it never sent this: someone posed as police. Briefs hear of it.
        summary = f"the agency denied request {callback.request_id} on callback"
        publish(session, Event(FRAUD_CONFIRMED, now, callback.request_id, summary))
    return callback


def _mark_requester(session: Session, user: User, callback: Callback, now: datetime) -> None:
    """A callback that verifies the case verifies its requester; a denial exposes them."""
    case = session.get(Request, callback.request_id)
    if case is None:
        return
    if case.requester_id is None:
        _shut_out_denied_sender(session, case, callback, now)
        return
    if callback.outcome == CallbackOutcome.denied:
        status, reason = TrustStatus.fraudulent, "the agency denied the request on callback"
    elif callback.outcome == CallbackOutcome.confirmed and (
        case.kind != RequestKind.emergency or callback.supervisor_confirmed
    ):
        status, reason = TrustStatus.verified, "the agency confirmed the request on callback"
    else:
        return
    record_requester_status(
        session,
        user=user,
        requester_id=case.requester_id,
        status=status,
        reason=f"{reason} {callback.id} to {callback.number_dialled}",
        now=now,
    )


def read_callbacks(session: Session, *, user: User, request_id: int) -> list[Callback]:
    """The case's callbacks, for the team only; the read is audited."""
    require_internal_read(user, request_id)
    case = case_service.load_for(session, user, request_id)
    rows = callbacks_for(session, case.id)
    case_service.record_read(session, user, case)
    return rows


def read_status(session: Session, *, user: User, request_id: int) -> tuple[Request, bool, str]:
    """Whether the case's verification has passed and why, for the team only; audited."""
    require_internal_read(user, request_id)
    case = case_service.load_for(session, user, request_id)
    passed, reason = verification_status(session, case)
    case_service.record_read(session, user, case)
    return case, passed, reason


def _no_requester(session: Session, request: Request) -> str:
    """Why a case without a requester cannot pass: usually an officer account not verified yet."""
    sender = session.get(User, request.submitted_by_id) if request.submitted_by_id else None
    if sender is not None and not sender.is_staff:
        return (
            f"no callback confirmed the request, and the sending account {sender.email} is "
            "unverified: verify the portal account, or confirm the request by a callback"
        )
    return "no callback confirmed the request and there is no requester on record"


def _verified_by(session: Session, requester_id: int) -> int | None:
    """Who made the requester's newest `verified` mark."""
    return session.execute(
        select(VerificationMark.created_by_id)
        .where(
            VerificationMark.subject_type == MarkSubject.requester,
            VerificationMark.subject_id == requester_id,
            VerificationMark.status == str(TrustStatus.verified),
        )
        .order_by(VerificationMark.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _shut_out_denied_sender(
    session: Session, case: Request, callback: Callback, now: datetime
) -> None:
    """An unverified officer account whose request the agency denied cannot send another."""
    if callback.outcome != CallbackOutcome.denied or case.submitted_by_id is None:
        return
    sender = session.get(User, case.submitted_by_id)
    if sender is not None and not sender.is_staff:
        shut_out(session, [sender.id], now)


def callbacks_for(session: Session, request_id: int) -> list[Callback]:
    return list(
        session.execute(
            select(Callback).where(Callback.request_id == request_id).order_by(Callback.id)
        ).scalars()
    )


def verification_status(
    session: Session, request: Request, hands: frozenset[int] = frozenset()
) -> tuple[bool, str]:
    """Whether the case's requester counts as verified for a disclosure, and why. A requester
    marked verified by one of `hands` (the decision's own writers) does not count."""
    if request.kind == RequestKind.referral:
        # The team raised it: nobody asked, so there is no one to call back or vouch for.
        return True, "raised internally by the team: there is no requester to verify"
    for callback in reversed(callbacks_for(session, request.id)):
        if callback.outcome == CallbackOutcome.denied:
            return False, f"the agency denied the request on callback {callback.id}"
        if callback.outcome == CallbackOutcome.confirmed:
            emergency = request.kind == RequestKind.emergency
            if emergency and not callback.supervisor_confirmed:
                return False, (
                    f"callback {callback.id} confirmed the officer but not a supervisor, "
                    "which an emergency request needs"
                )
            return True, (
                f"confirmed on callback {callback.id} to {callback.number_dialled} "
                f"({callback.number_source}), answered by {callback.answered_by}"
            )
    requester = session.get(Requester, request.requester_id) if request.requester_id else None
    if requester is None:
        return False, _no_requester(session, request)
    if requester.status != TrustStatus.verified:
        return False, (
            f"no callback to a directory number confirmed the request, and requester "
            f"{requester.email} is {requester.status}"
        )
    vouched_by = _verified_by(session, requester.id)
    if vouched_by in hands:
        return False, (
            f"requester {requester.email} was marked verified by someone who wrote this "
            "decision; another person must verify them (a callback or a lead's mark)"
        )
    risk = _newest_risk(session, request.id)
    if risk is None or risk.verification_required:
        return False, (
            f"requester {requester.email} is verified, but this request's risk assessment "
            "requires a callback"
        )
    return True, f"requester {requester.email} is verified and the request needs no callback"
