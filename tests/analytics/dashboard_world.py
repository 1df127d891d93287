"""A month of cases for the dashboard tests, the fact rows for them, and independent counts
read straight from `requests`, `timeline_events`, `risk_assessments` and `callbacks`.

The cases go in through the intake API; their clocks and states are then set to known
instants (with the timeline rows that record each change), so every figure has one right
answer. Until the fact upkeep writes `analytics_case_facts` with every change, `write_facts`
builds the rows from the raw ones (or lets `exigent.analytics.facts.refresh_facts` do it).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from exigent.analytics.models import CaseFact, FactOutcome
from exigent.cases.models import Request, TimelineEvent
from exigent.directory.models import Agency
from exigent.verification.models import Callback, RiskAssessment
from factories import emergency_record, subpoena_record
from legal.flows import create_case

# The period every test reads: November 2026, in UTC.
PERIOD = {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
OPEN = {
    "received",
    "triaged",
    "verifying",
    "under_review",
    "need_info",
    "awaiting_approval",
    "approved",
    "producing",
}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _requester(country: str) -> dict[str, Any]:
    return {
        **emergency_record()["requester"],
        "agency_country": country,
        "agency_state": None if country != "US" else "IL",
    }


@dataclass
class World:
    ids: dict[str, int]
    agency_id: int


def _event(
    session: Session, case_id: int, when: datetime, kind: str, before: str | None, after: str | None
) -> None:
    session.add(
        TimelineEvent(
            request_id=case_id,
            at=when,
            kind=kind,
            actor="tests",
            from_status=before,
            to_status=after,
            data={},
        )
    )


def _live(session: Session, case_id: int, **values: Any) -> None:
    row = session.get(Request, case_id)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)


def build(client: Any, account: Any, factory: Any, assignee_id: int, other_id: int) -> World:
    """Seven cases around November 2026 (UTC) in states that test each figure."""
    sent = {
        # Answered well inside its clocks, then delivered.
        "delivered": emergency_record(
            received_at="2026-11-03T10:00:00Z", requester=_requester("US")
        ),
        # Withdrawn by the agency two days after it came in.
        "withdrawn": subpoena_record(
            received_at="2026-11-10T08:00:00Z", requester=_requester("DE")
        ),
        # Moved from received to triaged to under review within the period, acknowledged
        # late, still open: a breach of both clocks.
        "moving": emergency_record(received_at="2026-11-20T12:00:00Z", requester=_requester("GB")),
        # 23:30 on 30 November in New York is 04:30 on 1 December in UTC: not November's.
        "late_evening": subpoena_record(
            received_at="2026-11-30T23:30:00-05:00", requester=_requester("US")
        ),
        # 23:30 on 31 October in Berlin is 22:30 UTC: October's, not November's.
        "october": emergency_record(
            received_at="2026-10-31T23:30:00+01:00", requester=_requester("DE")
        ),
        # 22:00 UTC on the last day: November's. An impostor caught by a denied callback.
        "impostor": emergency_record(
            received_at="2026-11-30T22:00:00Z", requester=_requester("US")
        ),
        # Decided with nothing produced; slow to acknowledge, quick to decide after.
        "rejected": subpoena_record(received_at="2026-11-15T06:00:00Z", requester=_requester("US")),
    }
    ids = {name: create_case(client, account, record)["id"] for name, record in sent.items()}
    with factory() as session:
        agency = Agency(
            name="Springfield Police Department",
            agency_type="local_police",
            country="US",
            source="tests",
        )
        session.add(agency)
        session.flush()
        for name, case_id in ids.items():
            # The directory knows the US agency; a foreign agency is known by what it said.
            declared = sent[name]["requester"]["agency_country"]
            _live(
                session,
                case_id,
                agency_id=agency.id if declared == "US" else None,
                assignee_id=assignee_id,
                acknowledged_at=None,
                decided_at=None,
                closed_at=None,
            )
        _live(session, ids["rejected"], assignee_id=other_id)
        _settle(session, ids, agency.id)
        session.commit()
        return World(ids=ids, agency_id=agency.id)


def _settle(session: Session, ids: dict[str, int], agency_id: int) -> None:
    """Each case's clocks and states, with the timeline rows of each change."""
    d = ids["delivered"]
    _live(
        session,
        d,
        status="delivered",
        acknowledged_at=at("2026-11-03T10:10:00Z"),
        decided_at=at("2026-11-03T12:00:00Z"),
        closed_at=at("2026-11-04T09:00:00Z"),
    )
    _event(session, d, at("2026-11-03T10:10:00Z"), "status", "received", "triaged")
    _event(session, d, at("2026-11-03T12:00:00Z"), "status", "triaged", "approved")
    _event(session, d, at("2026-11-04T09:00:00Z"), "status", "producing", "delivered")
    w = ids["withdrawn"]
    _live(session, w, status="withdrawn", closed_at=at("2026-11-12T08:00:00Z"))
    _event(session, w, at("2026-11-12T08:00:00Z"), "status", "received", "withdrawn")
    m = ids["moving"]
    row = session.get(Request, m)
    assert row is not None
    _live(
        session,
        m,
        status="under_review",
        acknowledged_at=row.acknowledge_due_at + timedelta(hours=3),
    )
    _event(session, m, at("2026-11-21T12:00:00Z"), "status", "received", "triaged")
    _event(session, m, at("2026-11-22T12:00:00Z"), "status", "triaged", "under_review")
    r = ids["rejected"]
    row = session.get(Request, r)
    assert row is not None
    _live(
        session,
        r,
        status="rejected",
        acknowledged_at=row.acknowledge_due_at + timedelta(hours=1),
        decided_at=row.acknowledge_due_at + timedelta(hours=2),
        closed_at=row.acknowledge_due_at + timedelta(hours=2),
    )
    _event(
        session,
        r,
        row.acknowledge_due_at + timedelta(hours=2),
        "status",
        "under_review",
        "rejected",
    )
    i = ids["impostor"]
    _live(
        session,
        i,
        status="rejected",
        acknowledged_at=at("2026-11-30T22:05:00Z"),
        decided_at=at("2026-11-30T23:00:00Z"),
        closed_at=at("2026-11-30T23:00:00Z"),
    )
    _event(session, i, at("2026-11-30T23:00:00Z"), "status", "verifying", "rejected")
    session.add(
        RiskAssessment(
            request_id=i,
            score=88,
            level="critical",
            verification_required=True,
            signals=[
                {"code": "lookalike_domain", "weight": 40, "detail": "x"},
                {"code": "freemail", "weight": 0, "detail": "y"},
            ],
            weights_version=1,
            assessed_at=at("2026-11-30T22:01:00Z"),
        )
    )
    session.add(
        Callback(
            request_id=i,
            agency_id=agency_id,
            number_dialled="+12175557000",
            number_source="directory",
            outcome="denied",
            called_at=at("2026-11-30T22:40:00Z"),
        )
    )


# Fact rows, built from the raw rows until the upkeep keeps them.

OUTCOME_OF = {
    "delivered": FactOutcome.produced_full,
    "withdrawn": FactOutcome.withdrawn,
    "rejected": FactOutcome.rejected,
    "preserved": FactOutcome.preserved_only,
    "closed": FactOutcome.nothing_produced,
}


def _seconds(start: datetime, end: datetime | None) -> int | None:
    return None if end is None else int((end - start).total_seconds())


def write_facts(session: Session) -> None:
    """The fact rows of every case: by the upkeep's own refresh if it exists, else built here."""
    try:
        facts = importlib.import_module("exigent.analytics.facts")
    except ImportError:
        facts = None
    if facts is not None and hasattr(facts, "rebuild_facts"):
        facts.rebuild_facts(session)
        session.commit()
        return
    session.execute(CaseFact.__table__.delete())
    for row in session.scalars(select(Request)):
        session.add(_fact_of(session, row))
    session.commit()


def _fact_of(session: Session, row: Request) -> CaseFact:
    status = str(row.status)
    delivered = session.scalar(
        select(TimelineEvent.at).where(
            TimelineEvent.request_id == row.id, TimelineEvent.to_status == "delivered"
        )
    )
    risk = session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.request_id == row.id)
        .order_by(RiskAssessment.id.desc())
    ).first()
    denied = session.scalar(
        select(Callback.called_at).where(
            Callback.request_id == row.id, Callback.outcome == "denied"
        )
    )
    received = row.received_at
    return CaseFact(
        request_id=row.id,
        received_at=received,
        hour_of_week=received.weekday() * 24 + received.hour,
        kind=str(row.kind),
        priority=str(row.priority),
        channel=str(row.received_via),
        harm=str(row.emergency_nature) if row.emergency_nature else None,
        country=(row.record.get("requester") or {}).get("agency_country") or "ZZ",
        agency_id=row.agency_id,
        agency_type="local_police" if row.agency_id else None,
        requester_id=row.requester_id,
        assignee_id=row.assignee_id,
        status=status,
        is_open=status in OPEN,
        outcome=OUTCOME_OF.get(status, FactOutcome.pending),
        accounts=len(row.targets),
        emergency=str(row.kind) == "emergency",
        acknowledge_due_at=row.acknowledge_due_at,
        decide_due_at=row.decide_due_at,
        acknowledged_at=row.acknowledged_at,
        decided_at=row.decided_at,
        delivered_at=delivered,
        closed_at=row.closed_at,
        acknowledge_seconds=_seconds(received, row.acknowledged_at),
        decide_seconds=_seconds(received, row.decided_at),
        deliver_seconds=_seconds(received, delivered),
        fraud_level=str(risk.level) if risk else None,
        fraud_signals=[s["code"] for s in risk.signals if s["weight"] > 0] if risk else [],
        fraud_caught_by="callback_denied" if denied else None,
        fraud_caught_at=denied,
    )


# Independent counts: plain SQL over the raw tables, filtered and counted in Python.


def raw_cases(session: Session) -> list[dict[str, Any]]:
    """Every case as the `requests` table holds it, with its timeline's last status."""
    rows = session.execute(
        text(
            "SELECT id, kind, priority, received_via, received_at, status, assignee_id, "
            "acknowledge_due_at, decide_due_at, acknowledged_at, decided_at, agency_id, record "
            "FROM requests ORDER BY id"
        )
    ).mappings()
    cases = []
    for row in rows:
        case = dict(row)
        for name in (
            "received_at",
            "acknowledge_due_at",
            "decide_due_at",
            "acknowledged_at",
            "decided_at",
        ):
            case[name] = _aware(case[name])
        record = case["record"]
        case["country"] = (
            record if isinstance(record, dict) else __import__("json").loads(record)
        )["requester"]["agency_country"]
        cases.append(case)
    return cases


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def in_period(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in cases if SINCE <= c["received_at"] < UNTIL]


def last_status(session: Session) -> dict[int, str]:
    """Each case's state as its timeline last recorded it."""
    moved: dict[int, str] = {}
    for case_id, status in session.execute(
        text(
            "SELECT request_id, to_status FROM timeline_events "
            "WHERE to_status IS NOT NULL ORDER BY id"
        )
    ):
        moved[case_id] = status
    return moved
