"""Reading the audit log: its filters, its pages, each event's case, and recorded checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import insert, text, update

from exigent.audit import checks
from exigent.audit.models import AuditCheck, AuditEvent
from exigent.audit.queries import LogFilter, events_page, known_actions
from exigent.audit.service import Actor, Event, _chained, record_events, verify_chain
from exigent.auditing import filters
from exigent.errors import BadInput, Conflict
from exigent.migrate import alembic_config, upgrade

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ANALYST = Actor(11, "analyst@example.test", "analyst")
LEAD = Actor(12, "lead@example.test", "lead")


def _events() -> list[Event]:
    """A small day of work on two cases, by two people and the worker."""
    return [
        Event(ANALYST, "request.read", "request", 7, at=T0),
        Event(ANALYST, "request.transition", "request", 7, at=T0 + timedelta(minutes=1)),
        Event(LEAD, "request.read", "request", 8, at=T0 + timedelta(minutes=2)),
        Event(
            LEAD,
            "decision.approve",
            "decision",
            3,
            detail={"request_id": 7},
            at=T0 + timedelta(minutes=3),
        ),
        Event(Actor.system("worker"), "sla.warning", "request", 8, at=T0 + timedelta(minutes=4)),
        Event(ANALYST, "request.list", "request", detail={"ids": [7, 8]}, at=T0 + timedelta(5)),
        Event(LEAD, "decision.approve.refused", "request", 8, at=T0 + timedelta(minutes=6)),
    ]


@pytest.fixture
def log(db) -> Any:  # type: ignore[no-untyped-def]
    record_events(db, _events())
    db.commit()
    return db


def _actions(db, log_filter: LogFilter) -> list[str]:  # type: ignore[no-untyped-def]
    page, _ = events_page(db, log_filter, limit=200)
    return [event.action for event in page]


def test_each_event_knows_its_case_from_the_object_or_the_detail(log) -> None:  # type: ignore[no-untyped-def]
    by_case = _actions(log, LogFilter(case_id=7))
    # Newest first; the approval names the case in its detail; a listing is no one case's.
    assert by_case == ["decision.approve", "request.transition", "request.read"]
    assert _actions(log, LogFilter(case_id=8)) == [
        "decision.approve.refused",
        "sla.warning",
        "request.read",
    ]


def test_filters_by_actor_action_family_kind_and_time(log) -> None:  # type: ignore[no-untyped-def]
    assert _actions(log, LogFilter(actor="lead@example.test")) == [
        "decision.approve.refused",
        "decision.approve",
        "request.read",
    ]
    known = lambda: known_actions(log)  # noqa: E731
    family = filters.parse({"action": "request.*"}, known).log_filter
    assert _actions(log, family) == [
        "request.list",
        "request.read",
        "request.transition",
        "request.read",
    ]
    reads = filters.parse({"kind": "read"}, known).log_filter
    assert _actions(log, reads) == ["request.list", "request.read", "request.read"]
    refused = filters.parse({"kind": "refused"}, known).log_filter
    assert _actions(log, refused) == ["decision.approve.refused"]
    window = filters.parse({"since": "2026-12-01T09:01", "until": "2026-12-01T09:03"}, known)
    assert _actions(log, window.log_filter) == ["request.read", "request.transition"]
    day = filters.parse({"since": "2026-12-01", "until": "2026-12-01"}, known).log_filter
    assert len(_actions(log, day)) == 6  # the listing was five days later
    both = filters.parse({"case": "EXG-0000007", "actor": "Analyst@Example.test "}, known)
    assert _actions(log, both.log_filter) == ["request.transition", "request.read"]


def test_known_actions_are_found_without_reading_every_event(log) -> None:  # type: ignore[no-untyped-def]
    assert known_actions(log) == sorted({e.action for e in _events()})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"case": "EXG-12x"}, "case"),
        ({"case": "0"}, "case"),
        ({"action": "DROP TABLE"}, "action"),
        ({"kind": "maybe"}, "kind"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-12-02", "until": "2026-12-01"}, "until"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(BadInput) as refused:
        filters.parse(params, lambda: [])
    assert refused.value.detail["field"] == field


def test_pages_continue_where_the_last_ended_without_gaps_or_repeats(db) -> None:  # type: ignore[no-untyped-def]
    # Many events at the same instant: the page boundary falls inside a run of equal times.
    same = [Event(ANALYST, "request.read", "request", 5, at=T0) for _ in range(7)]
    later = [Event(LEAD, "request.read", "request", 5, at=T0 + timedelta(seconds=1))] * 3
    record_events(db, same + later)
    db.commit()
    seen: list[int] = []
    after = None
    while True:
        page, after = events_page(db, LogFilter(case_id=5), after=after, limit=4)
        seen += [event.seq for event in page]
        if after is None:
            break
    assert seen == list(range(10, 0, -1))


def test_a_changed_case_link_breaks_the_chain(log) -> None:  # type: ignore[no-untyped-def]
    log.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(case_id=8))
    log.commit()
    _, broken = verify_chain(log)
    assert broken is not None and broken.seq == 4 and "case" in broken.reason


def test_a_check_walks_the_chain_records_its_result_and_itself(log, factory) -> None:  # type: ignore[no-untyped-def]
    auditor = Actor(13, "auditor@example.test", "auditor")
    started = checks.start_check(log, actor=auditor, now=datetime.now(UTC)).id
    log.commit()
    with pytest.raises(Conflict):
        checks.start_check(log, actor=auditor, now=datetime.now(UTC))
    log.rollback()
    done = checks.walk(factory, started)
    assert done.intact is True and done.events_checked == len(_events())
    with factory() as session:
        status = checks.chain_status(session, datetime.now(UTC))
        assert status.running is None and status.last is not None and status.last.intact
        # The check itself went on the chain after the walk.
        assert status.written_since == 1
        assert _actions(session, LogFilter(actor="auditor@example.test")) == ["audit.verify"]


def test_a_tampered_chain_is_recorded_as_broken(log, factory) -> None:  # type: ignore[no-untyped-def]
    log.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(actor="someone@else"))
    log.commit()
    started = checks.start_check(log, actor=Actor.system("tests"), now=datetime.now(UTC))
    log.commit()
    done = checks.walk(factory, started.id)
    assert done.intact is False and done.broken_seq == 2 and done.events_checked == 1
    with factory() as session:
        assert session.get(AuditCheck, started.id).finished_at is not None  # type: ignore[union-attr]


def test_a_check_whose_process_died_is_forgotten_after_a_while(db) -> None:  # type: ignore[no-untyped-def]
    long_ago = datetime.now(UTC) - checks.STALE_AFTER - timedelta(minutes=1)
    checks.start_check(db, actor=Actor.system("tests"), now=long_ago)
    db.commit()
    assert checks.chain_status(db, datetime.now(UTC)).running is None
    checks.start_check(db, actor=Actor.system("tests"), now=datetime.now(UTC))


def test_the_migration_finds_the_case_of_events_written_before_it(database_url) -> None:  # type: ignore[no-untyped-def]
    from exigent.db import make_engine

    command.downgrade(alembic_config(database_url), "0011")
    engine = make_engine(database_url)
    try:
        prev = "0" * 64
        rows = []
        for seq, event in enumerate(_events(), start=1):
            values = _chained(event, seq, prev)
            prev = values.pop("hash")
            values["hash"] = prev
            values.pop("case_id")
            rows.append(values)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_events"))
            # The table as it was: no case column, so the insert names none.
            connection.execute(insert(AuditEvent.__table__), rows)
            connection.execute(
                text("UPDATE audit_head SET seq = :seq, hash = :hash"),
                {"seq": len(rows), "hash": prev},
            )
        upgrade(database_url)
        with engine.connect() as connection:
            cases = connection.execute(
                text("SELECT case_id FROM audit_events ORDER BY seq")
            ).scalars()
            assert list(cases) == [7, 7, 8, 7, 8, None, 8]
        from exigent.db import make_session_factory

        with make_session_factory(engine)() as session:
            assert verify_chain(session) == (len(rows), None)
    finally:
        upgrade(database_url)
        engine.dispose()


def test_pages_of_several_actions_interleave_in_time_order(log) -> None:  # type: ignore[no-untyped-def]
    every = LogFilter(actions=("request.read", "request.transition", "sla.warning"))
    seen: list[str] = []
    after = None
    while True:
        page, after = events_page(log, every, after=after, limit=2)
        seen += [event.action for event in page]
        if after is None:
            break
    assert seen == ["sla.warning", "request.read", "request.transition", "request.read"]
