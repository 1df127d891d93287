"""JSON routes for policy versions, legal checks, decisions and approval, obligations,
requests for information, record updates and notifications. Thin: parse, call, commit."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exigent.auth.permissions import Permission
from exigent.auth.service import require
from exigent.cases import service as case_service
from exigent.cases.api import CaseId, read_model
from exigent.cases.deps import MoveGuardDep
from exigent.cases.models import Request as Case
from exigent.cases.schemas import IntakeRecord, RequestRead
from exigent.db import utcnow
from exigent.errors import Conflict, NotFound
from exigent.legal import cases, decisions, rechecks, versions
from exigent.legal.approval import current_decision, needs_legal_sign_off
from exigent.legal.checks import obligation_deadlines
from exigent.legal.coppa import known_ages
from exigent.legal.deps import AfterJudgingDep
from exigent.legal.engine import judge
from exigent.legal.eu import stated_reasons
from exigent.legal.models import Decision, PolicyVersion
from exigent.legal.notify import mark_read, notifications_for
from exigent.legal.policy_impact import policy_impact as impact_of
from exigent.legal.schemas import (
    ApprovalRead,
    BulkRecheckRead,
    CaseChangeRead,
    CaseTargetRead,
    DecisionIn,
    DecisionItemRead,
    DecisionRead,
    LegalCheck,
    LegalCheckRead,
    NoteIn,
    NotificationRead,
    ObligationRead,
    OpenDecisionRead,
    PolicyCellRead,
    PolicyChange,
    PolicyDiffRead,
    PolicyImpactRead,
    PolicyProposal,
    PolicyVersionRead,
    PolicyVersionSummary,
    RecheckedRead,
    RejectIn,
    RequestInfoIn,
    TargetAgeIn,
)
from exigent.legal.targets import look_up_after_draft
from exigent.web.deps import CurrentUser, RowId, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["legal"])

VersionNo = Annotated[int, Path(ge=1, le=2**31 - 1)]


# Policy


def _version_read(row: PolicyVersion) -> PolicyVersionRead:
    return PolicyVersionRead.model_validate(row, from_attributes=True)


@router.get("/policy", response_model=PolicyVersionRead)
def get_policy(session: SessionDep, user: CurrentUser) -> PolicyVersionRead:
    """The current policy version with its document."""
    result = _version_read(versions.newest_version(session, user=user))
    session.commit()
    return result


@router.get("/policy/versions", response_model=list[PolicyVersionSummary])
def list_policy_versions(session: SessionDep, user: CurrentUser) -> list[PolicyVersionSummary]:
    rows = versions.list_versions(session, user=user)
    session.commit()
    return [PolicyVersionSummary.model_validate(r, from_attributes=True) for r in rows]


@router.get("/policy/versions/{version}", response_model=PolicyVersionRead)
def get_policy_version(
    version: VersionNo, session: SessionDep, user: CurrentUser
) -> PolicyVersionRead:
    result = _version_read(versions.get_version(session, user=user, version=version))
    session.commit()
    return result


@router.post("/policy", status_code=201, response_model=PolicyVersionRead)
def change_policy(body: PolicyChange, session: SessionDep, user: CurrentUser) -> PolicyVersionRead:
    """A new policy version (legal only), with the reason for the change."""
    row = versions.change_policy(
        session,
        user=user,
        document=body.policy,
        reason=body.reason,
        expected_version=body.based_on,
    )
    result = _version_read(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict("someone changed the policy at the same moment; reload and retry") from None
    return result


@router.get("/policy/diff", response_model=PolicyDiffRead)
def policy_diff(
    session: SessionDep,
    user: CurrentUser,
    from_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    to_version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> PolicyDiffRead:
    """Every cell that differs between two versions (by default the current one and the one
    before it)."""
    newest = versions.newest_version(session, user=user).version
    to = to_version or newest
    before, after, changes = versions.diff_versions(
        session, user=user, from_version=from_version or max(to - 1, 1), to_version=to
    )
    session.commit()
    return PolicyDiffRead(
        from_version=before.version,
        to_version=after.version,
        changes=[PolicyCellRead.model_validate(c, from_attributes=True) for c in changes],
    )


@router.post("/policy/impact", response_model=PolicyImpactRead)
def policy_impact(body: PolicyProposal, session: SessionDep, user: CurrentUser) -> PolicyImpactRead:
    """Before saving (legal only): what a proposed document changes, the open cases it would
    judge differently, and which open decisions could still be approved as drafted."""
    impact = impact_of(session, user=user, document=body.policy)
    session.commit()
    return PolicyImpactRead(
        base_version=impact.base_version,
        changes=[PolicyCellRead.model_validate(c, from_attributes=True) for c in impact.cells],
        open_cases=impact.open_cases,
        cases_judged_differently=[
            CaseChangeRead.model_validate(c, from_attributes=True) for c in impact.cases_changed
        ],
        approvable_as_drafted=[
            OpenDecisionRead.model_validate(d, from_attributes=True)
            for d in impact.standing.approvable
        ],
        need_recheck=[
            OpenDecisionRead.model_validate(d, from_attributes=True)
            for d in impact.standing.need_recheck
        ],
    )


@router.post("/policy/recheck", response_model=BulkRecheckRead)
def recheck_open_cases(
    session: SessionDep, user: CurrentUser, after_judging: AfterJudgingDep
) -> BulkRecheckRead:
    """Judge every undecided open case judged under an earlier version again (legal only);
    decisions the current version changes are withdrawn for a new draft."""
    results = rechecks.recheck_open_cases(session, user=user, after_judging=after_judging)
    version = versions.current_policy(session).version
    session.commit()
    return BulkRecheckRead(
        policy_version=version,
        rechecked=[RecheckedRead(**{**r.__dict__, "withdrawn": r.withdrawn}) for r in results],
    )


@router.post("/legal-check", response_model=LegalCheck)
def legal_check(record: IntakeRecord, session: SessionDep, user: CurrentUser) -> JSONResponse:
    """The `exigent legal-check` line for one intake record under the current policy; stores
    nothing."""
    require(user, Permission.legal_check)
    check = judge(record, versions.current_policy(session, seed=False).policy)
    session.rollback()
    return JSONResponse(json.loads(check.model_dump_json()))


# The legal check of a case


@router.get("/requests/{request_id}/legal", response_model=LegalCheckRead)
def get_legal_check(request_id: CaseId, session: SessionDep, user: CurrentUser) -> LegalCheckRead:
    case, check = cases.read_check(session, user=user, request_id=request_id)
    result = _check_read(session, case, check, cases.case_coppa_reasons(session, case))
    session.commit()
    return result


@router.post("/requests/{request_id}/legal/recheck", response_model=LegalCheckRead)
def recheck(
    request_id: CaseId, session: SessionDep, user: CurrentUser, after_judging: AfterJudgingDep
) -> LegalCheckRead:
    """Judge the case again under the current policy; obligations are recomputed."""
    check = cases.recheck(session, user=user, request_id=request_id, after_judging=after_judging)
    case = case_service.load_for(session, user, request_id)
    session.refresh(case)
    result = _check_read(session, case, check, cases.case_coppa_reasons(session, case))
    session.commit()
    return result


def _check_read(session: Session, case: Case, check: Any, reasons: list[str]) -> LegalCheckRead:
    ages = known_ages(session, case.id)
    return LegalCheckRead(
        request_id=case.id,
        targets=[
            CaseTargetRead(
                id=t.id, identifier_type=t.identifier_type, value=t.value, known_age=ages.get(t.id)
            )
            for t in case.targets
        ],
        route=check.route,
        categories=check.categories,
        missing_elements=check.missing_elements,
        obligations=check.obligations,
        priority=check.priority,
        policy_version=check.policy_version,
        current_policy_version=versions.current_policy(session).version,
        judged_at=check.judged_at,
        coppa=bool(reasons),
        coppa_reasons=reasons,
        category_reasons=stated_reasons(
            case.record or {},
            versions.current_policy(session).policy.eu_orders,
            check.categories,
        ),
    )


@router.get("/requests/{request_id}/obligations", response_model=list[ObligationRead])
def get_obligations(
    request_id: CaseId, session: SessionDep, user: CurrentUser
) -> list[ObligationRead]:
    """The obligations of the case as deadlines, pending and past (cancelled ones included)."""
    require(user, Permission.request_read_all)
    case = case_service.load_for(session, user, request_id)
    rows = obligation_deadlines(session, case.id)
    case_service.record_read(session, user, case)
    session.commit()
    return [
        ObligationRead(
            id=row.id,
            kind=row.kind,
            obligation=str(row.data.get("obligation")),
            due=str(row.data.get("due")),
            due_at=row.due_at,
            fired_at=row.fired_at,
            outcome=row.outcome,
        )
        for row in rows
    ]


# Decisions


def _decision_read(session: Session, decision: Decision) -> DecisionRead:
    return DecisionRead(
        id=decision.id,
        request_id=decision.request_id,
        status=decision.status,
        drafted_by_id=decision.drafted_by_id,
        rationale=decision.rationale,
        emergency_attested=decision.emergency_attested,
        legal_bases=list(decision.legal_bases or []),
        policy_version=decision.policy_version,
        created_at=decision.created_at,
        submitted_at=decision.submitted_at,
        decided_at=decision.decided_at,
        items=[DecisionItemRead.model_validate(i, from_attributes=True) for i in decision.items],
        approvals=[
            ApprovalRead.model_validate(a, from_attributes=True) for a in decision.approvals
        ],
        needs_legal_sign_off=needs_legal_sign_off(session, decision),
    )


@router.get("/requests/{request_id}/decision", response_model=DecisionRead)
def get_decision(request_id: CaseId, session: SessionDep, user: CurrentUser) -> DecisionRead:
    require(user, Permission.request_read_all)
    case = case_service.load_for(session, user, request_id)
    decision = current_decision(session, case.id)
    if decision is None:
        raise NotFound(f"request {request_id} has no decision yet")
    case_service.record_read(session, user, case)
    result = _decision_read(session, decision)
    session.commit()
    return result


@router.put("/requests/{request_id}/decision", response_model=DecisionRead)
def draft_decision(
    request_id: CaseId,
    body: DecisionIn,
    session: SessionDep,
    user: CurrentUser,
    after_judging: AfterJudgingDep,
    settings: SettingsDep,
) -> DecisionRead:
    """Write the draft: an outcome per target and requested category, each with a reason."""
    decision = decisions.draft(
        session,
        user=user,
        request_id=request_id,
        rationale=body.rationale,
        emergency_attested=body.emergency_attested,
        items=[
            decisions.ItemDraft(
                target_id=i.target_id, category=str(i.category), outcome=i.outcome, reason=i.reason
            )
            for i in body.items
        ],
        after_judging=after_judging,
        legal_bases=body.legal_bases,
    )
    look_up_after_draft(session, settings=settings, user=user, request_id=request_id)
    result = _decision_read(session, decision)
    session.commit()
    return result


@router.post("/requests/{request_id}/decision/submit", response_model=DecisionRead)
def submit_decision(request_id: CaseId, session: SessionDep, user: CurrentUser) -> DecisionRead:
    decision = decisions.submit(session, user=user, request_id=request_id)
    result = _decision_read(session, decision)
    session.commit()
    return result


@router.post("/requests/{request_id}/decision/sign-off", response_model=DecisionRead)
def sign_off_decision(
    request_id: CaseId, body: NoteIn, session: SessionDep, user: CurrentUser
) -> DecisionRead:
    """Legal's sign-off on the categories the policy sends to legal review."""
    decision = decisions.sign_off(session, user=user, request_id=request_id, note=body.note)
    result = _decision_read(session, decision)
    session.commit()
    return result


@router.post("/requests/{request_id}/decision/approve", response_model=RequestRead)
def approve_decision(
    request_id: CaseId, body: NoteIn, session: SessionDep, user: CurrentUser, guard: MoveGuardDep
) -> RequestRead:
    """Second-person approval: the case moves to `approved`."""
    case = decisions.approve(session, user=user, request_id=request_id, note=body.note, guard=guard)
    session.commit()
    return read_model(case)


@router.post("/requests/{request_id}/decision/reject", response_model=DecisionRead)
def reject_decision(
    request_id: CaseId, body: RejectIn, session: SessionDep, user: CurrentUser
) -> DecisionRead:
    decision = decisions.reject(session, user=user, request_id=request_id, note=body.note)
    result = _decision_read(session, decision)
    session.commit()
    return result


# Requests for information, record updates, target ages


@router.post("/requests/{request_id}/request-info", response_model=RequestRead)
def request_info(
    request_id: CaseId, body: RequestInfoIn, session: SessionDep, user: CurrentUser
) -> RequestRead:
    """Ask the requester for the missing elements, in plain words, on their timeline."""
    case = cases.request_info(session, user=user, request_id=request_id, message=body.message)
    session.commit()
    return read_model(case)


@router.patch("/requests/{request_id}/record", response_model=RequestRead)
def update_record(
    request_id: CaseId,
    session: SessionDep,
    user: CurrentUser,
    changes: Annotated[dict[str, Any], Body(description="top-level intake fields; null removes")],
    after_judging: AfterJudgingDep,
) -> RequestRead:
    """Change top-level fields of the intake record; the case is judged again."""
    case, _ = cases.update_record(
        session, user=user, request_id=request_id, changes=changes, after_judging=after_judging
    )
    session.commit()
    session.refresh(case)
    return read_model(case)


@router.post("/requests/{request_id}/targets/{target_id}/age", response_model=RequestRead)
def mark_target_age(
    request_id: CaseId, target_id: RowId, body: TargetAgeIn, session: SessionDep, user: CurrentUser
) -> RequestRead:
    """Record a target's known age; under 13 flags the case for COPPA handling."""
    case = cases.mark_target_age(
        session,
        user=user,
        request_id=request_id,
        target_id=target_id,
        age=body.age,
        source=body.source,
    )
    session.commit()
    return read_model(case)


# Notifications


@router.get("/notifications", response_model=list[NotificationRead])
def list_notifications(
    session: SessionDep,
    user: CurrentUser,
    unread_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationRead]:
    """Your own notifications, newest first."""
    rows = notifications_for(session, user=user, unread_only=unread_only, limit=limit)
    session.commit()
    return [NotificationRead.model_validate(r, from_attributes=True) for r in rows]


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead)
def read_notification(
    notification_id: RowId, session: SessionDep, user: CurrentUser
) -> NotificationRead:
    row = mark_read(session, user=user, notification_id=notification_id, at=utcnow())
    session.commit()
    return NotificationRead.model_validate(row, from_attributes=True)
