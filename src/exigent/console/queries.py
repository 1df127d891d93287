"""What the console reads: the queue (over `requests.queries`) and everything a case page shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, defer, lazyload

from exigent.auth.models import Role, User
from exigent.cases import queries as case_queries
from exigent.cases.lifecycle import OPEN_STATUSES, Status, allowed_next
from exigent.cases.models import Document, Priority, Request, Requester, TimelineEvent
from exigent.cases.schemas import RequestKind
from exigent.console.models import SavedView
from exigent.deadlines import Deadline
from exigent.directory.models import Agency, AgencyPhone
from exigent.directory.queries import dialled_phone, domains_of, phones_of, user_names
from exigent.errors import BadInput
from exigent.legal.approval import (
    ApprovalCheck,
    approval_blockers,
    current_decision,
    discloses,
    needs_legal_sign_off,
)
from exigent.legal.checks import latest_check, obligation_deadlines
from exigent.legal.decisions import DraftStart, draft_basis, draft_start
from exigent.legal.eu import stated_reasons
from exigent.legal.models import Decision, DecisionStatus, LegalCheckRecord
from exigent.legal.pending import awaiting_approval_by
from exigent.legal.policy_impact import OPEN_DECISIONS, changes_since_drafted
from exigent.legal.versions import current_policy
from exigent.verification.linking import settled
from exigent.verification.models import Callback, RiskAssessment
from exigent.verification.scoring import Weights
from exigent.verification.service import callbacks_for, verification_status
from exigent.verification.weight_sets import scored_with

DUE_WINDOWS = {
    "breached": timedelta(0),
    "1h": timedelta(hours=1),
    "4h": timedelta(hours=4),
    "24h": timedelta(hours=24),
}
QUEUE_PAGE = 100
ASSIGNABLE_ROLES = (Role.analyst, Role.lead, Role.legal, Role.admin)


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters as GET parameters; an empty filter means all open cases."""

    status: tuple[Status, ...] = ()
    priority: tuple[Priority, ...] = ()
    kind: tuple[RequestKind, ...] = ()
    assignee: str = ""
    agency: int | None = None
    due: str = ""
    # "mine": only the cases waiting for this person's approval as the second person.
    approve: str = ""

    def query_string(self) -> str:
        pairs: list[tuple[str, Any]] = [("status", s) for s in self.status]
        pairs += [("priority", p) for p in self.priority]
        pairs += [("kind", k) for k in self.kind]
        if self.assignee:
            pairs.append(("assignee", self.assignee))
        if self.agency is not None:
            pairs.append(("agency", self.agency))
        if self.due:
            pairs.append(("due", self.due))
        if self.approve:
            pairs.append(("approve", self.approve))
        return urlencode(pairs)

    @property
    def active(self) -> bool:
        return bool(self.query_string())


def _given(values: list[str]) -> list[str]:
    # The form's blank option means "any", not a value to check.
    return [value for value in values if value]


def parse_filters(params: Any) -> QueueFilters:
    """Filters from a query string (a `QueryParams` or a parsed dict of lists); bad values 422."""
    get_list = params.getlist if hasattr(params, "getlist") else lambda k: params.get(k, [])
    first = lambda k: (get_list(k) or [""])[0].strip()  # noqa: E731
    assignee = first("assignee")
    if assignee and assignee not in ("mine", "unassigned") and not assignee.isdigit():
        raise BadInput("assignee: 'mine', 'unassigned' or a person's number")
    agency_text = first("agency")
    if agency_text and not (agency_text.isdigit() and int(agency_text) < 2**31):
        raise BadInput("agency: an agency number from the list")
    due = first("due")
    if due and due not in DUE_WINDOWS:
        raise BadInput(f"due: one of {', '.join(DUE_WINDOWS)}")
    approve = first("approve")
    if approve and approve != "mine":
        raise BadInput("approve: 'mine' or nothing")
    chosen = case_queries.list_choices(
        status=_given(get_list("status")),
        priority=_given(get_list("priority")),
        kind=_given(get_list("kind")),
    )
    return QueueFilters(
        status=chosen.status,
        priority=chosen.priority,
        kind=chosen.kind,
        assignee=assignee,
        agency=int(agency_text) if agency_text else None,
        due=due,
        approve=approve,
    )


def request_filters(f: QueueFilters, user: User, now: datetime) -> case_queries.RequestFilters:
    assignee_id = None
    if f.assignee == "mine":
        assignee_id = user.id
    elif f.assignee.isdigit():
        assignee_id = int(f.assignee)
    return case_queries.RequestFilters(
        status=list(f.status) or None,
        open_only=not f.status,
        priority=list(f.priority) or None,
        kind=list(f.kind) or None,
        agency_id=f.agency,
        assignee_id=assignee_id,
        unassigned=f.assignee == "unassigned",
        decide_due_before=now + DUE_WINDOWS[f.due] if f.due else None,
        order="urgency",
    )


def _matching(user: User, f: QueueFilters, now: datetime) -> Select[Request]:
    """The cases `user` may read that the filters match, in no order."""
    statement = case_queries.filtered(
        case_queries.readable_requests(user), request_filters(f, user, now)
    )
    return statement.where(awaiting_approval_by(user)) if f.approve else statement


@dataclass
class QueueRow:
    case: Request
    assignee: str | None
    risk_level: str | None


def urgency_order() -> tuple[Any, ...]:
    """Undecided before decided; a life at risk (P0, then P1) before any other work, however
    overdue that is; then the nearest unmet clock (acknowledge, else decide)."""
    decided = case((Request.decided_at.is_not(None), 1), else_=0)
    tier = case((Request.priority == "P0", 0), (Request.priority == "P1", 1), else_=2)
    due = case(
        (Request.acknowledged_at.is_(None), Request.acknowledge_due_at), else_=Request.decide_due_at
    )
    return decided, tier, due, Request.id


def queue(
    session: Session, user: User, f: QueueFilters, *, now: datetime, page: int = 1
) -> tuple[list[QueueRow], bool]:
    """Open cases most urgent first: emergencies, then overdue (longest overdue on top), then
    soonest due.

    A case whose decide clock is met (awaiting approval, on hold) follows every case still
    waiting for an answer. Open cases are a few thousand at most, so the order is computed,
    not indexed; the filters still narrow the rows through the queue indexes.
    """
    statement = (
        _matching(user, f, now)
        .options(defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets))
        .order_by(*urgency_order())
        .offset((page - 1) * QUEUE_PAGE)
        .limit(QUEUE_PAGE + 1)
    )
    found = list(session.execute(statement).scalars())
    cases, more = found[:QUEUE_PAGE], len(found) > QUEUE_PAGE
    names = staff_names(session)
    risks = newest_risk_levels(session, [c.id for c in cases])
    rows = [
        QueueRow(case=c, assignee=names.get(c.assignee_id or 0), risk_level=risks.get(c.id))
        for c in cases
    ]
    return rows, more


NEW_EMERGENCIES_SHOWN = 50


def new_emergencies(session: Session, user: User) -> list[Request]:
    """Emergencies nobody has acknowledged yet (not assigned, not moved on from `received`),
    newest first: the queue shows them above everything else, whatever its filters, so a
    fresh P0 never waits behind older overdue work.

    Reads `ix_requests_priority_queue` (priority, status, ...): the open P0s still received.
    """
    statement = (
        case_queries.readable_requests(user)
        .where(
            Request.priority == Priority.P0,
            Request.status == Status.received,
            Request.acknowledged_at.is_(None),
        )
        .options(defer(Request.record), defer(Request.raw_submission), lazyload(Request.targets))
        .order_by(Request.received_at.desc(), Request.id.desc())
        .limit(NEW_EMERGENCIES_SHOWN)
    )
    return list(session.execute(statement).scalars())


def queue_count(session: Session, user: User, f: QueueFilters, *, now: datetime) -> int:
    """How many cases the filters match (open cases number in the thousands at most)."""
    statement = _matching(user, f, now)
    return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


def staff_names(session: Session) -> dict[int, str]:
    rows = session.execute(
        select(User.id, User.name).where(User.role.in_([str(r) for r in ASSIGNABLE_ROLES]))
    ).all()
    return {row.id: row.name for row in rows}


def assignable_staff(session: Session) -> list[User]:
    return list(
        session.execute(
            select(User)
            .where(User.role.in_([str(r) for r in ASSIGNABLE_ROLES]), User.is_active.is_(True))
            .order_by(User.name)
        ).scalars()
    )


def newest_risk_levels(session: Session, request_ids: list[int]) -> dict[int, str]:
    if not request_ids:
        return {}
    rows = session.execute(
        select(RiskAssessment.request_id, RiskAssessment.level)
        .where(RiskAssessment.request_id.in_(request_ids))
        .order_by(RiskAssessment.request_id, RiskAssessment.id)
    ).all()
    return {row.request_id: row.level for row in rows}  # the newest per case wins


def open_agencies(session: Session) -> list[tuple[int, str]]:
    """Agencies with open cases, for the agency filter."""
    rows = session.execute(
        select(Request.agency_id, Request.agency_name)
        .where(Request.status.in_(sorted(OPEN_STATUSES)), Request.agency_id.is_not(None))
        .distinct()
    ).all()
    seen: dict[int, str] = {}
    for row in rows:
        seen.setdefault(row.agency_id, row.agency_name or f"Agency {row.agency_id}")
    return sorted(seen.items(), key=lambda item: item[1])


def saved_views(session: Session, user: User) -> list[SavedView]:
    return list(
        session.execute(
            select(SavedView).where(SavedView.user_id == user.id).order_by(SavedView.name)
        ).scalars()
    )


@dataclass
class CaseView:
    """Everything the case page shows, read in one place."""

    case: Request
    requester: Requester | None
    agency: Agency | None
    documents: list[Document]
    risk: RiskAssessment | None
    # The weights the risk score was made with: its starting score and what the score means.
    risk_weights: Weights | None
    callbacks: list[Callback]
    verification_passed: bool
    verification_reason: str
    check: LegalCheckRecord | None
    current_policy_version: int
    obligations: list[Deadline]
    decision: Decision | None
    legal_sign_off_needed: list[str]
    timeline: list[TimelineEvent]
    allowed_moves: list[str]
    staff: list[User]
    discloses: bool = False
    names: dict[int, str] = field(default_factory=dict)
    # What the current policy changes about what the open decision discloses (empty when it
    # was drafted under the current version, or the change leaves what it discloses).
    policy_changes: list[str] = field(default_factory=list)
    # Why this reader's approval would be refused now; the page offers Approve only without.
    approval_blockers: list[str] = field(default_factory=list)
    draft_basis: Decision | None = None
    draft_start: dict[str, DraftStart] = field(default_factory=dict)
    # The number callbacks dial, with who found it where; the agency's mail domains; why the
    # agency may no longer change (None while it may).
    agency_phone: AgencyPhone | None = None
    agency_domains: list[str] = field(default_factory=list)
    agency_settled: str | None = None
    # Why a category is not permitted where an EU order's offence is the cause.
    category_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def sender_elsewhere(self) -> str | None:
        """The request's mail domain when it is not (under) one of its agency's domains."""
        email = str((self.record.get("requester") or {}).get("email") or "")
        if self.agency is None or "@" not in email:
            return None
        sender = email.rsplit("@", 1)[1].strip().lower()
        own = any(sender == d or sender.endswith(f".{d}") for d in self.agency_domains)
        return None if own else sender

    @property
    def record(self) -> dict[str, Any]:
        return self.case.record or {}

    @property
    def open_callback(self) -> Callback | None:
        return next((c for c in reversed(self.callbacks) if c.outcome is None), None)


def case_view(
    session: Session,
    user: User,
    case: Request,
    approval_checks: Sequence[ApprovalCheck] = (),
) -> CaseView:
    requester = session.get(Requester, case.requester_id) if case.requester_id else None
    agency = session.get(Agency, case.agency_id) if case.agency_id else None
    passed, reason = verification_status(session, case)
    decision = current_decision(session, case.id)
    check = latest_check(session, case.id)
    basis = draft_basis(session, case.id)
    is_open = decision is not None and decision.status in OPEN_DECISIONS
    staff = assignable_staff(session)
    risk = session.execute(
        select(RiskAssessment)
        .where(RiskAssessment.request_id == case.id)
        .order_by(RiskAssessment.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    agency_phone = dialled_phone(agency, phones_of(session, agency.id)) if agency else None
    names = {u.id: u.name for u in staff}
    if agency_phone and agency_phone.added_by_id not in names:
        names.update(user_names(session, {agency_phone.added_by_id}))
    return CaseView(
        case=case,
        requester=requester,
        agency=agency,
        documents=case_queries.documents_for(session, case),
        risk=risk,
        risk_weights=scored_with(session, risk.weights_version) if risk else None,
        callbacks=callbacks_for(session, case.id),
        verification_passed=passed,
        verification_reason=reason,
        check=check,
        current_policy_version=current_policy(session, seed=False).version,
        obligations=obligation_deadlines(session, case.id),
        decision=decision,
        legal_sign_off_needed=needs_legal_sign_off(session, decision) if decision else [],
        timeline=case_queries.timeline_for(session, user, case),
        allowed_moves=[str(s) for s in allowed_next(case.status)],
        staff=staff,
        discloses=bool(decision and discloses(decision)),
        names=names,
        policy_changes=changes_since_drafted(session, case, decision)
        if decision is not None and is_open
        else [],
        approval_blockers=approval_blockers(
            session, user=user, request=case, checks=approval_checks
        )
        if decision is not None and decision.status == DecisionStatus.submitted
        else [],
        draft_basis=basis,
        draft_start=draft_start(session, case, check, basis) if check is not None else {},
        agency_phone=agency_phone,
        agency_domains=domains_of(session, [agency.id])[agency.id] if agency else [],
        agency_settled=settled(session, case),
        category_reasons=stated_reasons(
            case.record or {},
            current_policy(session, seed=False).policy.eu_orders,
            check.categories,
        )
        if check is not None
        else {},
    )
