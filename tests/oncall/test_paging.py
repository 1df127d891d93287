"""Pages escalate level by level on timeout, stop on acknowledgement, survive a restart, and
never go silent when channels fail."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.cases.models import TimelineEvent
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import Deadline, run_due
from exigent.legal.models import Notification
from exigent.oncall import service
from exigent.oncall.models import Alert, ContactMethod, DeliveryAttempt, PagingTrigger
from exigent.oncall.paging import open_page
from exigent.workflow.jobs import deadline_handlers
from oncall.conftest import OnCallWorld, add_method
from oncall.receiver import Receiver


def _open(factory: sessionmaker[Session], at: datetime, key: str = "case-1:p0_new") -> int:
    with factory() as session:
        alert = open_page(
            session,
            trigger="p0_new",
            summary="A child at risk",
            request_id=None,
            severity="critical",
            dedup_key=key,
            now=at,
        )
        session.commit()
        return alert.id


def _fire(factory: sessionmaker[Session], settings: Settings, at: datetime) -> int:
    return run_due(factory, deadline_handlers(), now=at, settings=settings)


def _paths(receiver: Receiver) -> list[str]:
    return [r.path for r in receiver.received]


def test_levels_escalate_on_timeout_and_stop_on_acknowledgement(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, receiver: Receiver
) -> None:
    alert_id = _open(factory, world.now)
    _fire(factory, settings, world.now)
    assert _paths(receiver) == ["/ana"]  # level 1: the emergency analyst on shift
    _fire(factory, settings, world.now + timedelta(minutes=4))
    assert _paths(receiver) == ["/ana"]  # not yet: level 1 has 5 minutes
    _fire(factory, settings, world.now + timedelta(minutes=5))
    assert _paths(receiver) == ["/ana", "/lee"]  # level 2: the shift lead
    with factory() as session:
        lee = session.get(type(world.people["lee"]), world.people["lee"].id)
        assert lee is not None
        service.acknowledge(session, user=lee, alert_id=alert_id, via="console", now=world.now)
        session.commit()
    _fire(factory, settings, world.now + timedelta(hours=3))
    assert _paths(receiver) == ["/ana", "/lee"]  # nobody else is paged
    with factory() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None and alert.status == "acknowledged"
        assert alert.acknowledged_via == "console"


def test_opening_the_same_page_twice_makes_one(
    factory: sessionmaker[Session], world: OnCallWorld
) -> None:
    assert _open(factory, world.now) == _open(factory, world.now)


def test_a_restart_mid_escalation_resumes_without_paging_twice(
    factory: sessionmaker[Session],
    engine,  # type: ignore[no-untyped-def]
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
) -> None:
    from exigent.db import make_session_factory

    _open(factory, world.now)
    _fire(factory, settings, world.now)
    # The worker dies here; a new one (a new session factory, as a new process) takes over.
    engine.dispose()
    reborn = make_session_factory(engine)
    _fire(reborn, settings, world.now + timedelta(seconds=30))
    assert _paths(receiver) == ["/ana"]
    _fire(reborn, settings, world.now + timedelta(minutes=5))
    _fire(reborn, settings, world.now + timedelta(minutes=5))
    assert _paths(receiver) == ["/ana", "/lee"]
    with reborn() as session:
        steps = session.scalars(select(Deadline).where(Deadline.kind == "oncall_step")).all()
        fired = [d for d in steps if d.outcome == "fired"]
        assert len(fired) == 2  # two steps fired, each exactly once


def test_a_failing_channel_falls_to_the_next_method_then_level_then_fallback(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, receiver: Receiver
) -> None:
    with factory() as session:
        for method in session.scalars(select(ContactMethod)):
            if method.user_id in (world.people["ana"].id, world.people["lee"].id):
                method.target = receiver.failing(f"/down-{method.user_id}", 503)
        # Ana has a second way to be reached, which refuses for good.
        add_method(session, world.people["ana"], receiver.failing("/ana-chat", 400), position=1)
        session.commit()
    alert_id = _open(factory, world.now)
    _fire(factory, settings, world.now)
    # 503 is retried with backoff: two more tries of the first method, then the second.
    _fire(factory, settings, world.now + timedelta(seconds=15))
    _fire(factory, settings, world.now + timedelta(seconds=75))
    with factory() as session:
        trail = session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.alert_id == alert_id)
            .order_by(DeliveryAttempt.id)
        ).all()
        ana_tries = [
            (d.channel, d.attempt, d.delivered)
            for d in trail
            if d.user_id == world.people["ana"].id
        ]
        assert ana_tries == [
            ("webhook", 1, False),
            ("webhook", 2, False),
            ("webhook", 3, False),
            ("webhook", 1, False),
        ]
        # Ana unreachable by every method: level 2 at once, not after the timeout.
        assert any(d.user_id == world.people["lee"].id for d in trail)
    # Lee fails too; retries run out, and every level of both rounds goes by.
    for minutes in range(1, 200):
        _fire(factory, settings, world.now + timedelta(minutes=minutes))
    with factory() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        delivered = session.scalars(
            select(DeliveryAttempt).where(
                DeliveryAttempt.alert_id == alert_id, DeliveryAttempt.delivered.is_(True)
            )
        ).all()
        # The head of the team (level 3, then the fallback) was reached.
        assert {d.user_id for d in delivered} == {world.people["hana"].id}
        notified = session.scalars(
            select(Notification).where(Notification.user_id == world.people["hana"].id)
        ).all()
        assert notified, "the fallback is told in Exigent too"


def test_the_case_timeline_says_who_was_paged_and_what_failed(
    client,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    from factories import emergency_record

    with factory() as session:
        for method in session.scalars(
            select(ContactMethod).where(ContactMethod.user_id == world.people["ana"].id)
        ):
            method.target = receiver.failing("/ana-down", 404)
        session.commit()
    record = emergency_record(received_at=utcnow().isoformat())
    answer = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert answer.status_code in (200, 201), answer.text
    case_id = answer.json()["id"]
    _fire(factory, settings, utcnow() + timedelta(seconds=5))
    with factory() as session:
        bodies = [
            e.body or ""
            for e in session.scalars(
                select(TimelineEvent)
                .where(TimelineEvent.request_id == case_id)
                .order_by(TimelineEvent.id)
            )
        ]
    text = "\n".join(bodies)
    assert "Assigned to Ana" in text  # the emergency analyst on shift with the least work
    assert "Paging Ana by webhook 0 failed (404 Not Found)" in text
    assert "Paged Lee by webhook 0: delivered." in text


def test_sla_clocks_page_through_their_triggers_once_per_clock(
    client,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    from factories import emergency_record

    with factory() as session:
        warning = session.scalars(
            select(PagingTrigger).where(PagingTrigger.name == "sla_warning")
        ).one()
        warning.enabled = False  # warnings are off; breaches still page
        session.commit()
    # Received an hour and a half ago: both clocks are breached when the worker looks.
    record = emergency_record(received_at=(utcnow() - timedelta(minutes=90)).isoformat())
    case = client.post("/api/v1/requests", json=record, headers=officer.headers).json()
    _fire(factory, settings, utcnow())
    _fire(factory, settings, utcnow())
    with factory() as session:
        pages = session.scalars(select(Alert).where(Alert.request_id == case["id"])).all()
    triggers = sorted(a.trigger for a in pages)
    assert triggers.count("sla_breach") == 2  # acknowledge and decide, one page each
    assert "sla_warning" not in triggers
    with factory() as session:
        paged = session.scalars(
            select(DeliveryAttempt.user_id).where(
                DeliveryAttempt.alert_id.in_([a.id for a in pages if a.trigger == "sla_breach"]),
                DeliveryAttempt.delivered.is_(True),
            )
        ).all()
    assert world.people["lee"].id in paged  # the "Clocks and risks" policy: the shift lead
