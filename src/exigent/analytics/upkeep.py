"""Fact rows kept current in the transaction that changes the case.

After each flush the session notes the cases whose rows it wrote (a case, its timeline,
targets, risk assessments, callbacks, decisions and their items, legal checks, EU orders,
referrals, or a requester or agency whose standing changed); just before commit it rewrites
their facts and their time per status, so the commit that moves a case also moves its fact
row, and a rollback takes both away. A status change made with an UPDATE statement
(`cases.service`) always adds a timeline entry, which is what brings its case here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from exigent.analytics.facts import refresh_facts
from exigent.analytics.status_time import refresh_status_time
from exigent.cases.models import Request, Requester, Target, TimelineEvent
from exigent.directory.models import Agency
from exigent.eu_orders.models import EuOrderRecord
from exigent.legal.models import Decision, DecisionItem, LegalCheckRecord
from exigent.referrals.models import Referral
from exigent.verification.models import Callback, RiskAssessment

PENDING_KEY = "analytics_fact_requests"
PENDING_REQUESTERS_KEY = "analytics_fact_requesters"
PENDING_AGENCIES_KEY = "analytics_fact_agencies"
_KEYS = (PENDING_KEY, PENDING_REQUESTERS_KEY, PENDING_AGENCIES_KEY)
# Rows that name their case by `request_id`.
_BY_REQUEST_ID = (
    TimelineEvent,
    Target,
    RiskAssessment,
    Callback,
    Decision,
    # The newest legal check decides whether review waits on legal.
    LegalCheckRecord,
    EuOrderRecord,
    Referral,
)


def install() -> None:
    """Keep fact rows current in every session from now on (idempotent)."""
    if not event.contains(Session, "after_flush", _note_touched):
        event.listen(Session, "after_flush", _note_touched)
        event.listen(Session, "before_commit", _refresh_touched)
        event.listen(Session, "after_rollback", _forget)


def note_cases_changed(session: Session, request_ids: Iterable[int]) -> None:
    """Name cases whose rows were written on the connection, past the ORM's flush."""
    session.info.setdefault(PENDING_KEY, set()).update(request_ids)


def _note_touched(session: Session, _context: Any) -> None:
    cases: set[int] = session.info.setdefault(PENDING_KEY, set())
    requesters: set[int] = session.info.setdefault(PENDING_REQUESTERS_KEY, set())
    agencies: set[int] = session.info.setdefault(PENDING_AGENCIES_KEY, set())
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Request):
            cases.add(row.id)
        elif isinstance(row, _BY_REQUEST_ID):
            cases.add(row.request_id)
        elif isinstance(row, DecisionItem):
            decision = session.get(Decision, row.decision_id)
            if decision is not None:
                cases.add(decision.request_id)
        elif isinstance(row, Requester) and _standing_changed(row):
            requesters.add(row.id)
        elif isinstance(row, Agency) and _standing_changed(row):
            agencies.add(row.id)
    cases.discard(None)


def _standing_changed(subject: Requester | Agency) -> bool:
    """Marked or cleared; not merely seen again, which every intake writes and which would
    rewrite all of a busy requester's cases each time."""
    state: Any = inspect(subject)
    return not state.pending and state.attrs.status.history.has_changes()


def _refresh_touched(session: Session) -> None:
    # Commit calls this before its own flush: flush first, so the last changes are noted.
    if session.new or session.dirty or session.deleted:
        session.flush()
    if not any(session.info.get(key) for key in _KEYS):
        return
    cases: set[int] = session.info.pop(PENDING_KEY, set())
    requesters: set[int] = session.info.pop(PENDING_REQUESTERS_KEY, set())
    agencies: set[int] = session.info.pop(PENDING_AGENCIES_KEY, set())
    if requesters:
        their_cases = select(Request.id).where(Request.requester_id.in_(requesters))
        cases.update(session.execute(their_cases).scalars())
    if agencies:
        its_cases = select(Request.id).where(Request.agency_id.in_(agencies))
        cases.update(session.execute(its_cases).scalars())
    if cases:
        refresh_facts(session, cases)
        refresh_status_time(session, cases)
        # Writing the facts flushes nothing new that concerns a case; clear what it noted.
        _forget(session)


def _forget(session: Session) -> None:
    for key in _KEYS:
        session.info.pop(key, None)
