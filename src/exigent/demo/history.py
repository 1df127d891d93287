"""The demo's history: months to years of cases written in bulk, for dashboards, transparency
reports and the queue's scale; one audit event records the whole batch.

Each case is drawn from `history_mix` (country, kind, harm, outcome), walked through the
lifecycle with timeline entries at drawn times (recent ones stay open where they would be
today), assigned to a demo analyst; a fraud is caught by a callback the agency denied, and a
case answered in part or with nothing has its approved decision. The fact rows are derived
from each batch's raw rows with the same set-based queries that keep them current.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.progress import Progress
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from exigent.analytics.facts import derive_facts
from exigent.analytics.models import CaseFact
from exigent.analytics.status_time import write_status_time
from exigent.audit.service import record_event
from exigent.auth.models import Role, User
from exigent.cases.lifecycle import DECIDED_STATUSES, Status
from exigent.cases.models import Request, Target, TimelineEvent
from exigent.demo import texts
from exigent.demo.bulk import BulkWriter, bulk_load
from exigent.demo.history_mix import Drawn, country_weights, draw_case, walk
from exigent.demo.history_risk import risk_rows
from exigent.demo.people import SEEDER
from exigent.directory.models import Agency, AgencyDomain
from exigent.legal.models import Decision, DecisionItem, LegalCheckRecord
from exigent.legal.policy import default_policy
from exigent.verification.models import Callback, RiskAssessment

HISTORY_BATCH = 5000
# The default demo's history: enough months for dashboards to look alive.
DEFAULT_HISTORY = 6000
DEFAULT_SPAN_DAYS = 540


class _Ids:
    """The next free id of each table the history writes with explicit ids."""

    def __init__(self, session: Session) -> None:
        def after(column: Any) -> int:
            return int(session.execute(select(func.max(column))).scalar() or 0) + 1

        self.request = after(Request.id)
        self.check = after(LegalCheckRecord.id)
        self.decision = after(Decision.id)


class _World:
    """Who the history's cases come from and go to."""

    def __init__(self, session: Session) -> None:
        self.requesters = list(session.execute(text("SELECT id FROM requesters")).scalars())
        us = select(AgencyDomain.agency_id).where(AgencyDomain.agency_id.is_not(None)).limit(5000)
        self.agencies: dict[str, list[int]] = {
            "US": [a for a in session.execute(us).scalars() if a]
        }
        for country, agency_id in session.execute(
            select(Agency.country, func.min(Agency.id)).group_by(Agency.country)
        ):
            if not self.agencies.get(country):
                self.agencies[country] = [agency_id]
        staff = select(User.id).where(User.role.in_([Role.analyst, Role.lead]))
        self.analysts: list[int | None] = list(session.execute(staff).scalars()) or [None]
        self.drafter = self.analysts[0]


def seed_history(
    factory: sessionmaker[Session],
    count: int,
    rng: random.Random,
    *,
    open_cases: int = 0,
    span_days: int | None = None,
    ending: timedelta = timedelta(0),
) -> None:
    """Add `count` historical cases in bulk, received over `span_days` up to `ending` before
    today (no per-row audit: one event records it); the last `open_cases` arrive in the last
    fortnight."""
    span = span_days or (DEFAULT_SPAN_DAYS if count <= 50_000 else 1095)
    with factory() as session:
        _add_national_agencies(session)
        session.commit()
        world, ids = _World(session), _Ids(session)
        session.rollback()
    start_id, now = ids.request, datetime.now(UTC)
    span_end = now - ending
    engine = factory.kw["bind"]
    # One connection for the whole load, so SQLite's bulk-load pragmas hold for all of it.
    with engine.connect() as connection, bulk_load(connection), Progress() as progress:
        task = progress.add_task("historical cases", total=count)
        for offset in range(0, count, HISTORY_BATCH):
            size = min(HISTORY_BATCH, count - offset)
            recent = max(0, offset + size - (count - open_cases)) if open_cases else 0
            with factory(bind=connection) as session:
                _write_batch(session, rng, ids, world, size, recent, (span, span_end), now)
                session.commit()
            progress.advance(task, size)
    with factory() as session:
        _advance_sequences(session)
        record_event(
            session,
            actor=SEEDER,
            action="demo.history",
            object_type="request",
            detail={"count": count, "first_id": start_id},
        )
        session.commit()


def _add_national_agencies(session: Session) -> None:
    """One national police agency for each country the history draws from, when missing."""
    have = set(session.execute(select(Agency.country).distinct()).scalars())
    countries, _ = country_weights()
    rows = [
        {"name": f"National police ({code})", "agency_type": "national police", "country": code}
        | {"source": "demo", "status": "verified"}
        for code in countries
        if code not in have
    ]
    if rows:
        session.execute(insert(Agency), rows)


def _write_batch(
    session: Session,
    rng: random.Random,
    ids: _Ids,
    world: _World,
    size: int,
    recent: int,
    received_over: tuple[int, datetime],
    now: datetime,
) -> None:
    """`size` cases received over `received_over` (so many days up to an end), walked as far
    as they would have got by `now`; the last `recent` in the fortnight before the end."""
    span, span_end = received_over
    policy = default_policy()
    countries, weights = country_weights()
    rows: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("requests", "targets", "timeline", "checks", "decisions")
    }
    rows |= {"items": [], "callbacks": [], "risks": []}
    for index in range(size):
        drawn = draw_case(rng, countries, weights)
        days = rng.random() * 14 if index >= size - recent else rng.random() * span
        received = span_end - timedelta(days=days)
        priority = str(policy.priorities[drawn.kind])
        sla = policy.sla[policy.priorities[drawn.kind]]
        moves = walk(rng, drawn.outcome, priority, received, now)
        case_id = ids.request
        ids.request += 1
        agency_id = rng.choice(world.agencies.get(drawn.country) or world.agencies["US"])
        rows["requests"].append(
            _request_row(rng, case_id, drawn, priority, received, moves, world, agency_id)
            | {
                "acknowledge_due_at": sla.acknowledge.due_from(received),
                "decide_due_at": sla.decide.due_from(received),
            }
        )
        rows["targets"].append(_target_row(rng, case_id))
        rows["timeline"] += _timeline_rows(case_id, drawn, received, moves)
        rows["risks"] += risk_rows(rng, case_id, drawn.fraud, received)
        if drawn.fraud and moves:
            rows["callbacks"].append(_denied_callback(case_id, agency_id, moves[0][1]))
        reached = {status for status, _ in moves}
        answered_in_part = drawn.outcome in {"produced_partial", "nothing_produced"}
        if answered_in_part and Status.approved in reached and world.drafter is not None:
            _decision_rows(rows, ids, world, case_id, drawn, priority, moves)
    writer = BulkWriter(session.connection())
    _insert_all(writer, rows)
    first = ids.request - size
    writer.insert(_table(CaseFact), derive_facts(session, list(range(first, ids.request))))
    write_status_time(session, first, ids.request - 1)


def _request_row(
    rng: random.Random,
    case_id: int,
    drawn: Drawn,
    priority: str,
    received: datetime,
    moves: list[tuple[Status, datetime]],
    world: _World,
    agency_id: int,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": drawn.kind,
        "received_via": "portal",
        "received_at": received.isoformat(),
    }
    if rng.random() < 0.3 and drawn.kind != "emergency":
        record["nondisclosure_order"] = {"present": True}
    decided = next((at for status, at in moves if status in DECIDED_STATUSES), None)
    closed = next((at for status, at in moves if status is Status.closed), None)
    return {
        "id": case_id,
        "submission_digest": f"{case_id:064x}",
        "kind": drawn.kind,
        "received_via": rng.choice(["portal", "portal", "portal", "email", "api"]),
        "received_at": received,
        "received_offset_minutes": 0,
        "status": moves[-1][0] if moves else Status.received,
        "priority": priority,
        "emergency_nature": drawn.harm,
        "requester_id": rng.choice(world.requesters) if world.requesters else None,
        "agency_id": agency_id,
        "assignee_id": rng.choice(world.analysts) if moves else None,
        "record": record,
        "raw_submission": json.dumps(record),
        "needs_completion": False,
        "acknowledged_at": moves[0][1] if moves else None,
        "decided_at": decided,
        "closed_at": closed,
        "created_at": received,
        "updated_at": moves[-1][1] if moves else received,
        "version": len(moves) + 1,
    }


def _target_row(rng: random.Random, case_id: int) -> dict[str, Any]:
    return {
        "request_id": case_id,
        "position": 0,
        "identifier_type": "username",
        "value": texts.username(rng),
    }


def _timeline_rows(
    case_id: int, drawn: Drawn, received: datetime, moves: list[tuple[Status, datetime]]
) -> list[dict[str, Any]]:
    entry = {"request_id": case_id, "actor": "history", "visible_to_requester": False}
    rows = [entry | {"at": received, "kind": "received", "to_status": Status.received}]
    rows[0] |= {"from_status": None, "body": None, "data": {}}
    before = Status.received
    for status, at in moves:
        body = (
            "fraud: the agency denied sending it"
            if drawn.fraud and status is Status.rejected
            else None
        )
        rows.append(
            entry
            | {"at": at, "kind": "transition", "from_status": before, "to_status": status}
            | {"body": body, "data": {}}
        )
        before = status
    return rows


def _denied_callback(case_id: int, agency_id: int, at: datetime) -> dict[str, Any]:
    return {
        "request_id": case_id,
        "agency_id": agency_id,
        "number_dialled": "+12025550100",
        "number_source": "agency website",
        "created_at": at,
        "answered_by": "Duty officer",
        "outcome": "denied",
        "supervisor_confirmed": True,
        "notes": "The agency has no such officer and sent no request.",
        "called_at": at + timedelta(minutes=5),
    }


def _decision_rows(
    rows: dict[str, list[dict[str, Any]]],
    ids: _Ids,
    world: _World,
    case_id: int,
    drawn: Drawn,
    priority: str,
    moves: list[tuple[Status, datetime]],
) -> None:
    """An approved decision: part withheld (answered in part), or all withheld (nothing)."""
    at = dict(moves)[Status.approved]
    check_id, decision_id = ids.check, ids.decision
    ids.check, ids.decision = check_id + 1, decision_id + 1
    rows["checks"].append(
        {"id": check_id, "request_id": case_id, "policy_version": 1, "route": "disclose_review"}
        | {"categories": {}, "missing_elements": [], "obligations": [], "priority": priority}
        | {"judged_at": at}
    )
    rows["decisions"].append(
        {"id": decision_id, "request_id": case_id, "drafted_by_id": world.drafter}
        | {"rationale": "Within scope in part.", "emergency_attested": False, "legal_bases": []}
        | {"status": "approved", "policy_version": 1, "legal_check_id": check_id}
        | {"created_at": at, "updated_at": at, "submitted_at": at, "decided_at": at}
    )
    first = "withhold" if drawn.outcome == "nothing_produced" else "disclose"
    for category, outcome in (("subscriber_info", first), ("content", "withhold")):
        rows["items"].append(
            {"decision_id": decision_id, "target_id": None, "target_label": "username"}
            | {"category": category, "outcome": outcome, "reason": "the order's scope"}
        )


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _insert_all(writer: BulkWriter, rows: dict[str, list[dict[str, Any]]]) -> None:
    models = {
        "requests": Request,
        "targets": Target,
        "timeline": TimelineEvent,
        "callbacks": Callback,
        "risks": RiskAssessment,
        "checks": LegalCheckRecord,
        "decisions": Decision,
        "items": DecisionItem,
    }
    for name, model in models.items():
        writer.insert(_table(model), rows[name])


def _advance_sequences(session: Session) -> None:
    """Explicit ids do not move PostgreSQL's sequences; move them past the highest id."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("requests", "targets", "legal_checks", "decisions"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
