"""Each case's fact row, derived from the raw rows and written in bulk.

A fact is read from the case (`requests`), its agency, targets, newest risk assessment,
callbacks, requester's and agency's marks, approved decision, timeline and EU order;
`refresh_facts` rewrites the rows of some cases (the session hook in `upkeep` calls it before
every commit), `rebuild_facts` all of them in batches (the migration backfill and `exigent
analytics rebuild`), with each case's time per status (`status_time`) beside them. Each
input is one grouped query per batch, so a batch of thousands of cases costs about ten
statements whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact, FactOutcome
from exigent.analytics.status_time import clear_status_time, write_status_time
from exigent.cases.lifecycle import OPEN_STATUSES, RejectionReason, Status
from exigent.cases.models import Request, Requester, Target, TimelineEvent, TrustStatus
from exigent.cases.schemas import RequestKind
from exigent.db import utcnow
from exigent.directory.models import Agency, MarkSubject, VerificationMark
from exigent.eu_orders.models import EuOrderRecord, OrderStatus
from exigent.legal.models import Decision, DecisionItem, DecisionStatus, Outcome
from exigent.referrals.models import Referral
from exigent.verification.models import Callback, CallbackOutcome, RiskAssessment

BATCH = 5000
UNKNOWN_COUNTRY = "ZZ"
# Open, for the backlog: still waiting on the team's answer. A delivered case or a hold in
# place has had it, though the case stays open in the queue until it is closed.
AWAITING_ANSWER = OPEN_STATUSES - {Status.delivered, Status.preserved}
# Orders that ask the platform to act on content rather than to disclose data.
ACTING_KINDS = frozenset({RequestKind.eu_removal_order, RequestKind.dsa_order_to_act})
PRESERVING_KINDS = frozenset(
    {
        RequestKind.preservation,
        RequestKind.preservation_extension,
        RequestKind.eu_preservation_order,
    }
)
# How an impostor's case is recognised, in the order a tie is broken; never from free text
# (see `_caught` and docs/architecture.md, "Analytics: the fact table").
CAUGHT_WAYS = ("callback_denied", "rejected_fraud", "requester_marked", "agency_marked")


@dataclass
class _Inputs:
    """What one batch of cases needs besides the case row itself, by request id."""

    targets: dict[int, int] = field(default_factory=dict)
    risk: dict[int, tuple[str, list[dict[str, Any]]]] = field(default_factory=dict)
    denied_at: dict[int, datetime] = field(default_factory=dict)
    marked_at: dict[int, datetime] = field(default_factory=dict)  # by requester id
    agency_marked_at: dict[int, datetime] = field(default_factory=dict)  # by agency id
    reached: dict[int, dict[str, datetime | None]] = field(default_factory=dict)
    items: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    orders: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    harms: dict[int, str] = field(default_factory=dict)


def refresh_facts(session: Session, request_ids: Iterable[int]) -> int:
    """Rewrite the fact rows of these cases from their raw rows; return how many were written."""
    ids = sorted(set(request_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = derive_facts(session, chunk)
        session.execute(delete(CaseFact).where(CaseFact.request_id.in_(chunk)))
        if rows:
            insert_facts(session, rows)
        written += len(rows)
    return written


def rebuild_facts(session: Session, *, batch: int = BATCH) -> int:
    """Rewrite every case's fact row and time per status, a batch of ids at a time; the caller
    commits."""
    session.execute(delete(CaseFact))
    clear_status_time(session)
    written, after = 0, 0
    while True:
        chunk = list(
            session.execute(
                select(Request.id).where(Request.id > after).order_by(Request.id).limit(batch)
            ).scalars()
        )
        if not chunk:
            return written
        rows = derive_facts(session, chunk)
        insert_facts(session, rows)
        write_status_time(session, chunk[0], chunk[-1])
        written += len(rows)
        after = chunk[-1]


def insert_facts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert fact rows on the connection: one statement, no per-row ORM bookkeeping."""
    table: Any = CaseFact.__table__
    if rows:
        session.connection().execute(insert(table), rows)


def facts_missing(session: Session) -> bool:
    """True when cases exist but no fact row does: the table was just created."""
    has_fact = session.execute(select(CaseFact.request_id).limit(1)).first() is not None
    has_case = session.execute(select(Request.id).limit(1)).first() is not None
    return has_case and not has_fact


def derive_facts(session: Session, request_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The fact rows (as insert parameters) of these cases, from their raw rows."""
    cases = session.execute(_case_query(request_ids)).all()
    if not cases:
        return []
    inputs = _load_inputs(
        session,
        request_ids,
        {c.requester_id for c in cases} - {None},
        {c.agency_id for c in cases} - {None},
    )
    now = utcnow()
    return [_fact(row, inputs, now) for row in cases]


def _case_query(request_ids: Sequence[int]) -> Any:
    return (
        select(
            Request.id,
            Request.received_at,
            Request.kind,
            Request.priority,
            Request.received_via,
            Request.emergency_nature,
            Request.agency_id,
            Agency.country,
            Agency.agency_type,
            Request.requester_id,
            Request.assignee_id,
            Request.status,
            Request.acknowledge_due_at,
            Request.decide_due_at,
            Request.acknowledged_at,
            Request.decided_at,
            Request.closed_at,
            # One path, read as a boolean: SQLite gives 1 for a JSON true, and indexing twice
            # quotes the inner object, so nothing was ever found there.
            Request.record[("nondisclosure_order", "present")].as_boolean().label("nondisclosure"),
            Request.record["requester"]["agency_country"].as_string().label("declared_country"),
        )
        .outerjoin(Agency, Agency.id == Request.agency_id)
        .where(Request.id.in_(request_ids))
    )


def _load_inputs(
    session: Session, ids: Sequence[int], requester_ids: set[Any], agency_ids: set[Any]
) -> _Inputs:
    found = _Inputs()
    counted = (
        select(Target.request_id, func.count())
        .where(Target.request_id.in_(ids))
        .group_by(Target.request_id)
    )
    found.targets = {rid: n for rid, n in session.execute(counted)}
    newest = (
        select(func.max(RiskAssessment.id))
        .where(RiskAssessment.request_id.in_(ids))
        .group_by(RiskAssessment.request_id)
    )
    risks = select(RiskAssessment.request_id, RiskAssessment.level, RiskAssessment.signals).where(
        RiskAssessment.id.in_(newest)
    )
    found.risk = {rid: (str(level), signals) for rid, level, signals in session.execute(risks)}
    denied = (
        select(Callback.request_id, func.min(Callback.called_at))
        .where(Callback.request_id.in_(ids), Callback.outcome == CallbackOutcome.denied)
        .group_by(Callback.request_id)
    )
    found.denied_at = {rid: at for rid, at in session.execute(denied) if at is not None}
    found.marked_at = _requesters_marked(session, requester_ids)
    found.agency_marked_at = _agencies_marked(session, agency_ids)
    found.reached = _transitions(session, ids)
    found.items = _approved_items(session, ids)
    orders = select(
        EuOrderRecord.request_id, EuOrderRecord.issuing_state, EuOrderRecord.status
    ).where(EuOrderRecord.request_id.in_(ids))
    found.orders = {rid: (state, str(status)) for rid, state, status in session.execute(orders)}
    harms = select(Referral.request_id, Referral.harm_type).where(Referral.request_id.in_(ids))
    found.harms = {rid: str(harm) for rid, harm in session.execute(harms)}
    return found


def _requesters_marked(session: Session, requester_ids: set[Any]) -> dict[int, datetime]:
    """Requesters standing as fraudulent, with the first time they were marked so."""
    if not requester_ids:
        return {}
    first_mark = (
        select(func.min(VerificationMark.at))
        .where(
            VerificationMark.subject_type == MarkSubject.requester,
            VerificationMark.subject_id == Requester.id,
            VerificationMark.status == TrustStatus.fraudulent,
        )
        .scalar_subquery()
    )
    query = select(Requester.id, func.coalesce(first_mark, Requester.last_seen_at)).where(
        Requester.id.in_(requester_ids), Requester.status == TrustStatus.fraudulent
    )
    return {rid: at for rid, at in session.execute(query)}


def _agencies_marked(session: Session, agency_ids: set[Any]) -> dict[int, datetime]:
    """Agencies standing as fraudulent (a bogus agency, not one impersonated), with the first
    time they were marked so."""
    if not agency_ids:
        return {}
    first_mark = (
        select(func.min(VerificationMark.at))
        .where(
            VerificationMark.subject_type == MarkSubject.agency,
            VerificationMark.subject_id == Agency.id,
            VerificationMark.status == TrustStatus.fraudulent,
        )
        .scalar_subquery()
    )
    query = select(Agency.id, func.coalesce(first_mark, Agency.updated_at)).where(
        Agency.id.in_(agency_ids), Agency.status == TrustStatus.fraudulent
    )
    return {aid: at for aid, at in session.execute(query)}


def _transitions(session: Session, ids: Sequence[int]) -> dict[int, dict[str, datetime | None]]:
    """When each case first reached the statuses an outcome depends on."""

    def first(condition: Any) -> Any:
        return func.min(case((condition, TimelineEvent.at)))

    moved_to = TimelineEvent.to_status
    # The reason code the analyst chose on rejecting; the free-text reason is never read.
    fraud = TimelineEvent.data["reason_code"].as_string() == RejectionReason.fraud.value
    query = (
        select(
            TimelineEvent.request_id,
            first(moved_to == Status.delivered),
            first(moved_to == Status.withdrawn),
            first(moved_to == Status.rejected),
            first(moved_to == Status.preserved),
            first(and_(moved_to == Status.rejected, fraud)),
        )
        .where(TimelineEvent.request_id.in_(ids), TimelineEvent.to_status.is_not(None))
        .group_by(TimelineEvent.request_id)
    )
    names = ("delivered", "withdrawn", "rejected", "preserved", "rejected_fraud")
    return {rid: dict(zip(names, times, strict=True)) for rid, *times in session.execute(query)}


def _approved_items(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, int, int]]:
    """Per case, the newest approved decision's items disclosed, partly disclosed, withheld."""
    newest = (
        select(func.max(Decision.id))
        .where(Decision.request_id.in_(ids), Decision.status == DecisionStatus.approved)
        .group_by(Decision.request_id)
    )

    def count(outcome: Outcome) -> Any:
        return func.count(case((DecisionItem.outcome == outcome, 1)))

    query = (
        select(
            Decision.request_id,
            count(Outcome.disclose),
            count(Outcome.partial),
            count(Outcome.withhold),
        )
        .outerjoin(DecisionItem, DecisionItem.decision_id == Decision.id)
        .where(Decision.id.in_(newest))
        .group_by(Decision.request_id)
    )
    return {rid: (full, part, held) for rid, full, part, held in session.execute(query)}


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else int((end - start).total_seconds())


def _fact(row: Any, inputs: _Inputs, now: datetime) -> dict[str, Any]:
    rid, received = row.id, row.received_at
    reached = inputs.reached.get(rid, {})
    order = inputs.orders.get(rid)
    level, signals = inputs.risk.get(rid, (None, []))
    caught_by, caught_at = _caught(row, inputs, reached)
    kind = RequestKind(row.kind)
    # The issuing Member State, else the directory's agency, else the country the requester
    # gave (a foreign agency is seldom in the directory).
    issuing = order[0] if order and order[0] else None
    country = issuing or row.country or row.declared_country or UNKNOWN_COUNTRY
    delivered = reached.get("delivered")
    return {
        "request_id": rid,
        "received_at": received,
        "hour_of_week": received.weekday() * 24 + received.hour,
        "kind": str(kind),
        "priority": str(row.priority),
        "channel": str(row.received_via),
        "harm": inputs.harms.get(rid) or (row.emergency_nature and str(row.emergency_nature)),
        "country": country.upper(),
        "agency_id": row.agency_id,
        "agency_type": row.agency_type,
        "requester_id": row.requester_id,
        "assignee_id": row.assignee_id,
        "status": str(row.status),
        "is_open": Status(row.status) in AWAITING_ANSWER,
        "outcome": _outcome(row, kind, reached, inputs.items.get(rid), order),
        "accounts": inputs.targets.get(rid, 0),
        "emergency": kind is RequestKind.emergency,
        "preservation": kind in PRESERVING_KINDS,
        "nondisclosure": row.nondisclosure is True,
        "acknowledge_due_at": row.acknowledge_due_at,
        "decide_due_at": row.decide_due_at,
        "acknowledged_at": row.acknowledged_at,
        "decided_at": row.decided_at,
        "delivered_at": delivered,
        "closed_at": row.closed_at,
        "acknowledge_seconds": _seconds(received, row.acknowledged_at),
        "decide_seconds": _seconds(received, row.decided_at),
        "deliver_seconds": _seconds(received, delivered),
        "fraud_level": level,
        "fraud_signals": sorted({s["code"] for s in signals if s.get("weight", 0) > 0}),
        "fraud_caught_by": caught_by,
        "fraud_caught_at": caught_at,
        "updated_at": now,
    }


def _caught(
    row: Any, inputs: _Inputs, reached: dict[str, datetime | None]
) -> tuple[str | None, datetime | None]:
    """The first way the case was caught as an impostor's, and when (never before receipt).

    Only structured facts count: a callback the agency denied, a rejection whose reason code
    is `fraud`, the requester or the agency standing as fraudulent (from their first such
    mark). A rejection without a code (older rows, or an API caller that gave none) is not
    read as a fraud by its words; such a case counts only by the other three facts.
    """
    marked = inputs.marked_at.get(row.requester_id) if row.requester_id else None
    bogus = inputs.agency_marked_at.get(row.agency_id) if row.agency_id else None
    times = (
        inputs.denied_at.get(row.id),
        reached.get("rejected_fraud"),
        marked and max(marked, row.received_at),
        bogus and max(bogus, row.received_at),
    )
    ways = zip(CAUGHT_WAYS, times, strict=True)
    found = [(at, order, how) for order, (how, at) in enumerate(ways) if at is not None]
    if not found:
        return None, None
    at, _, how = min(found)
    return how, at


def _outcome(
    row: Any,
    kind: RequestKind,
    reached: dict[str, datetime | None],
    items: tuple[int, int, int] | None,
    order: tuple[str | None, str] | None,
) -> FactOutcome:
    """What the case came to; see `FactOutcome` and docs/architecture.md (Analytics)."""
    if kind in ACTING_KINDS:
        if order and order[1] == OrderStatus.executed:
            return FactOutcome.executed
        if (order and order[1] in {OrderStatus.refused, OrderStatus.obstructed}) or reached.get(
            "rejected"
        ):
            return FactOutcome.not_executed
    if reached.get("withdrawn"):
        return FactOutcome.withdrawn
    if reached.get("rejected"):
        return FactOutcome.rejected
    if reached.get("delivered"):
        if items is None or (items[1] == 0 and items[2] == 0):
            return FactOutcome.produced_full
        if items[0] or items[1]:
            return FactOutcome.produced_partial
        return FactOutcome.nothing_produced
    if reached.get("preserved") or (kind in PRESERVING_KINDS and row.status == Status.closed):
        return FactOutcome.preserved_only
    if row.status == Status.closed:
        return FactOutcome.nothing_produced
    return FactOutcome.pending
