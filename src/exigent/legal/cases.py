"""Legal work on a case besides decisions: re-checks, asking for information, record updates
from the requester, and what staff learn about a target's age."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.orm import Session

from exigent.audit.service import record_event
from exigent.auth.models import User
from exigent.auth.permissions import Permission
from exigent.auth.service import actor_for, require
from exigent.cases import service as cases
from exigent.cases.lifecycle import Status, can_move
from exigent.cases.models import Request, Target
from exigent.cases.schemas import IntakeRecord
from exigent.db import utcnow
from exigent.errors import BadInput, Conflict, NotFound, describe_validation_error
from exigent.legal.checks import AfterJudging, judge_case, latest_check
from exigent.legal.coppa import coppa_reasons
from exigent.legal.decisions import SETTLED
from exigent.legal.models import Decision, DecisionStatus, LegalCheckRecord, TargetAge
from exigent.legal.notify import notify, timeline_entry
from exigent.legal.policy import Route
from exigent.legal.rechecks import recheck_case
from exigent.web.labels import label

# What each required element is called when we ask an officer for it.
PLAIN_WORDS = {
    "requester.name": "your full name",
    "requester.email": "your official email address",
    "requester.phone": "a phone number where you can be reached now",
    "requester.agency_name": "the name of your agency",
    "targets": "the account(s) concerned: a username, user ID, email address or phone number",
    "data_requested": "which kinds of data you are asking for",
    "emergency.nature": "the nature of the emergency",
    "emergency.facts": "the facts that show the emergency",
    "emergency.how_data_helps": "how the data you ask for will help resolve the emergency",
    "attestation.signed": "your signed attestation that the request is genuine and urgent",
    "documents": "a copy of the legal process (subpoena, order or warrant)",
    "legal_authority": "the statute or instrument under which you ask",
    "date_range": "the date range of the data, with both a start and an end date",
    "case_number": "your agency's case or reference number",
}
# Fields that make a request what it is: changing them is a new request, not an answer.
FIXED_FIELDS = frozenset({"id", "kind", "received_via", "received_at"})


def read_check(
    session: Session, *, user: User, request_id: int
) -> tuple[Request, LegalCheckRecord]:
    """The case's current legal check (staff only)."""
    require(user, Permission.request_read_all)
    request = cases.load_for(session, user, request_id)
    check = latest_check(session, request.id)
    if check is None:
        raise NotFound(f"request {request_id} has not been judged yet")
    cases.record_read(session, user, request)
    return request, check


def case_coppa_reasons(session: Session, request: Request) -> list[str]:
    return coppa_reasons(session, request.id, IntakeRecord.model_validate(request.record))


def recheck(
    session: Session,
    *,
    user: User,
    request_id: int,
    after_judging: Sequence[AfterJudging],
    now: datetime | None = None,
) -> LegalCheckRecord:
    """Judge the case again under the current policy (after the policy changed); an open
    decision the new version changes is withdrawn for a new draft (`rechecks`)."""
    now = now or utcnow()
    require(user, Permission.legal_check)
    request = cases.load_for(session, user, request_id, for_update=True)
    recheck_case(session, user=user, request=request, after_judging=after_judging, now=now)
    check = latest_check(session, request.id)
    assert check is not None  # just stored
    return check


def missing_in_plain_words(missing: list[str]) -> list[str]:
    return [PLAIN_WORDS.get(path) or label(path).lower() for path in missing]


def info_message(request: Request, missing: list[str], extra: str | None) -> str:
    """The templated message to the requester listing what is missing."""
    lines = [
        f"To continue with your request {request.reference} we need the following:",
        *(f"- {words}" for words in missing_in_plain_words(missing)),
        "Please add them to the request (you can update it in the portal or through the API).",
    ]
    if extra and extra.strip():
        lines.append(extra.strip())
    return "\n".join(lines)


def request_info(
    session: Session,
    *,
    user: User,
    request_id: int,
    message: str | None,
    now: datetime | None = None,
) -> Request:
    """Ask the requester for the missing elements; the case waits on them when it can."""
    now = now or utcnow()
    require(user, Permission.request_ask_info)
    request = cases.load_for(session, user, request_id)
    check = latest_check(session, request.id)
    if check is None or check.route != Route.request_info:
        route = check.route if check else "not judged"
        raise Conflict(f"nothing is missing from this request (its route is {route})")
    body = info_message(request, check.missing_elements, message)
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="request_info",
        at=now,
        body=body,
        visible=True,
        data={"missing_elements": check.missing_elements},
    )
    record_event(
        session,
        actor=actor,
        action="request.request_info",
        object_type="request",
        object_id=request.id,
        after={"body": body},
        detail={"missing_elements": check.missing_elements},
        at=now,
    )
    if can_move(request.status, Status.need_info):
        request = cases.transition(
            session,
            user=user,
            request_id=request.id,
            to=Status.need_info,
            reason="Waiting on the requester for the information listed above.",
            now=now,
        )
    return request


def update_record(
    session: Session,
    *,
    user: User,
    request_id: int,
    changes: dict[str, Any],
    after_judging: Sequence[AfterJudging],
    now: datetime | None = None,
) -> tuple[Request, LegalCheckRecord]:
    """Merge the given top-level fields into the case's record (null removes one) and judge
    the case again; the earlier values stay on the timeline and in the audit log."""
    now = now or utcnow()
    require(user, Permission.request_update_record)
    request = cases.load_for(session, user, request_id)
    if request.status in SETTLED:
        raise Conflict(f"the case is {request.status}; its record can no longer change")
    record = _merged(request.record, changes)
    before = dict(request.record)
    _apply(session, request, record, now)
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="record_updated",
        at=now,
        body=f"The request was updated: {', '.join(sorted(changes))}.",
        visible=True,
        data={
            "changes": changes,
            "before": {field: before.get(field) for field in changes},
        },
    )
    record_event(
        session,
        actor=actor,
        action="request.update_record",
        object_type="request",
        object_id=request.id,
        before=before,
        after=request.record,
        detail={"fields": sorted(changes)},
        at=now,
    )
    _supersede_open_decisions(session, request.id, now)
    check = judge_case(
        session,
        request=request,
        record=record,
        actor=actor,
        now=now,
        after_judging=after_judging,
    )
    if request.assignee_id is not None and request.assignee_id != user.id:
        notify(
            session,
            user_id=request.assignee_id,
            request_id=request.id,
            body=f"{request.reference}: the request was updated ({', '.join(sorted(changes))}).",
            at=now,
        )
    session.flush()
    return request, check


def _merged(stored: dict[str, Any], changes: dict[str, Any]) -> IntakeRecord:
    if not changes:
        raise BadInput("(body): give at least one field of the intake record to change")
    fixed = sorted(FIXED_FIELDS & set(changes))
    if fixed:
        raise BadInput(
            f"{fixed[0]}: cannot be changed; submit a new request instead", field=fixed[0]
        )
    for field, value in changes.items():
        # PostgreSQL text cannot hold NUL; say so instead of failing on storing the targets.
        if _has_nul(value):
            raise BadInput(f"{field}: must not contain NUL characters", field=field)
    merged = dict(stored)
    for field, value in changes.items():
        if value is None:
            merged.pop(field, None)
        else:
            merged[field] = value
    try:
        return IntakeRecord.model_validate(merged)
    except ValidationError as exc:
        problems = describe_validation_error(exc)
        first = problems[0]
        raise BadInput(f"{first['field']}: {first['problem']}", problems=problems) from None


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _apply(session: Session, request: Request, record: IntakeRecord, now: datetime) -> None:
    request.record = record.as_submitted()
    request.case_number = record.case_number
    request.agency_name = record.requester.agency_name
    request.emergency_nature = record.emergency.nature if record.emergency else None
    request.version += 1
    request.updated_at = now
    _refresh_targets(session, request, record)


def _refresh_targets(session: Session, request: Request, record: IntakeRecord) -> None:
    """Keep targets that are still named (their decisions and ages stay), add and remove others."""
    existing = {(t.identifier_type, t.value): t for t in request.targets}
    wanted = [(t.identifier_type, t.value) for t in record.targets]
    for position, key in enumerate(wanted):
        target = existing.pop(key, None)
        if target is None:
            session.add(
                Target(
                    request_id=request.id,
                    position=position,
                    identifier_type=key[0],
                    value=key[1],
                )
            )
        else:
            target.position = position
    for target in existing.values():
        session.delete(target)
    session.flush()
    session.expire(request, ["targets"])


def _supersede_open_decisions(session: Session, request_id: int, now: datetime) -> None:
    """A decision drafted on the old record no longer answers the new one."""
    session.execute(
        update(Decision)
        .where(
            Decision.request_id == request_id,
            Decision.status.in_([DecisionStatus.draft, DecisionStatus.submitted]),
        )
        .values(status=DecisionStatus.superseded, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def mark_target_age(
    session: Session,
    *,
    user: User,
    request_id: int,
    target_id: int,
    age: int,
    source: str,
    now: datetime | None = None,
) -> Request:
    """Record a target's known age; a child under 13 flags the case for COPPA handling."""
    now = now or utcnow()
    require(user, Permission.target_mark_age)
    request = cases.load_for(session, user, request_id)
    target = next((t for t in request.targets if t.id == target_id), None)
    if target is None:
        raise NotFound(f"no target {target_id} on request {request_id}")
    if not source.strip():
        raise BadInput("source: say where the age comes from", field="source")
    session.add(
        TargetAge(
            target_id=target.id,
            request_id=request.id,
            age=age,
            source=source.strip(),
            set_by_id=user.id,
            set_at=now,
        )
    )
    session.flush()
    was = request.coppa
    request.coppa = bool(case_coppa_reasons(session, request))
    request.version += 1
    request.updated_at = now
    actor = actor_for(user)
    timeline_entry(
        session,
        request_id=request.id,
        actor=actor,
        kind="target_age",
        at=now,
        body=f"Target {target.identifier_type}:{target.value} is {age} ({source.strip()})."
        + (" COPPA handling applies." if request.coppa and not was else ""),
        data={"target_id": target.id, "age": age, "coppa": request.coppa},
    )
    record_event(
        session,
        actor=actor,
        action="target.mark_age",
        object_type="target",
        object_id=target.id,
        after={"age": age, "source": source.strip()},
        detail={"request_id": request.id, "coppa": request.coppa},
        at=now,
    )
    session.flush()
    return request
