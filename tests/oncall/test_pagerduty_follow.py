"""An answer given in Exigent reaches PagerDuty, so the incident there follows the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD
from console.helpers import post_login
from exigent.auth.models import User
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.oncall import service
from exigent.oncall.models import ChannelKind, ContactMethod, DeliveryAttempt
from exigent.oncall.paging import open_page
from exigent.workflow.jobs import deadline_handlers
from http_receiver import HttpReceiver
from oncall.conftest import OnCallWorld, add_method

KEY = "case-5:p0_new"


@pytest.fixture
def pagerduty() -> Iterator[HttpReceiver]:
    """PagerDuty's events endpoint: 202 for every event unless a test scripts otherwise."""
    with HttpReceiver(default=202) as running:
        yield running


@pytest.fixture
def settings(settings: Settings, pagerduty: HttpReceiver) -> Settings:
    return settings.model_copy(update={"pagerduty_events_url": f"{pagerduty.url}/v2/enqueue"})


def _paged_by_pagerduty(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld
) -> int:
    """Ana, on call at level one, carries PagerDuty first; the page reaches her there."""
    ana = world.people["ana"]
    with factory() as session:
        session.execute(
            update(ContactMethod).where(ContactMethod.user_id == ana.id).values(position=5)
        )
        add_method(session, ana, "R0UTINGKEY0042", position=0, kind=ChannelKind.pagerduty)
        alert = open_page(
            session,
            trigger="p0_new",
            summary="A child at risk",
            request_id=None,
            severity="critical",
            dedup_key=KEY,
            now=world.now,
        )
        session.commit()
        alert_id = alert.id
    _fire(factory, settings, world.now)
    return alert_id


def _fire(factory: sessionmaker[Session], settings: Settings, at: datetime) -> int:
    return run_due(factory, deadline_handlers(), now=at, settings=settings)


def _actions(pagerduty: HttpReceiver) -> list[tuple[str, str]]:
    return [(r.json()["event_action"], r.json()["dedup_key"]) for r in pagerduty.requests]


def _answer(
    factory: sessionmaker[Session], how: str, alert_id: int, via: str, at: datetime
) -> None:
    with factory() as session:
        ana = session.scalars(select(User).where(User.email == "ana@example.test")).one()
        answer = service.acknowledge if how == "acknowledge" else service.resolve
        answer(session, user=ana, alert_id=alert_id, via=via, now=at)
        session.commit()


def test_pagerduty_sees_trigger_then_acknowledge_then_resolve_with_one_key(
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    pagerduty: HttpReceiver,
    client: TestClient,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    from exigent.auth.models import Role

    alert_id = _paged_by_pagerduty(factory, settings, world)
    assert _actions(pagerduty) == [("trigger", KEY)]
    analyst = make_account(Role.analyst, "follow.analyst@example.test")
    acked = client.post(f"/api/v1/oncall/alerts/{alert_id}/acknowledge", headers=analyst.headers)
    assert acked.status_code == 200
    # The request answered without talking to PagerDuty: a row the worker sends at once.
    assert len(pagerduty.requests) == 1
    # The API answered at the clock's own time, which may be past the world's start.
    later = utcnow() + timedelta(seconds=1)
    _fire(factory, settings, later)
    assert _actions(pagerduty) == [("trigger", KEY), ("acknowledge", KEY)]
    _answer(factory, "resolve", alert_id, "console", later)
    _fire(factory, settings, later)
    assert _actions(pagerduty) == [("trigger", KEY), ("acknowledge", KEY), ("resolve", KEY)]
    assert pagerduty.requests[1].json() == {
        "routing_key": "R0UTINGKEY0042",
        "event_action": "acknowledge",
        "dedup_key": KEY,
    }
    # Sent once each: a second run of the worker has nothing left to send.
    _fire(factory, settings, later + timedelta(minutes=10))
    assert len(pagerduty.requests) == 3
    # The page's trail says PagerDuty was told, apart from the page itself.
    assert post_login(client, email="hana@example.test", password=PASSWORD).status_code == 303
    page = client.get("/oncall/alerts").text
    assert "3 delivered, 0 failed" in page
    assert "told of the acknowledgement" in page and "told of the resolution" in page


def test_a_failed_acknowledge_is_recorded_and_retried_with_backoff(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, pagerduty: HttpReceiver
) -> None:
    alert_id = _paged_by_pagerduty(factory, settings, world)
    pagerduty.script(503)
    _answer(factory, "acknowledge", alert_id, "link", world.now)
    _fire(factory, settings, world.now)
    assert _actions(pagerduty) == [("trigger", KEY), ("acknowledge", KEY)]  # answered 503
    _fire(factory, settings, world.now + timedelta(seconds=4))
    assert len(pagerduty.requests) == 2  # the first backoff is 5 s
    _fire(factory, settings, world.now + timedelta(seconds=5))
    assert _actions(pagerduty) == [("trigger", KEY)] + [("acknowledge", KEY)] * 2
    _fire(factory, settings, world.now + timedelta(minutes=5))
    assert len(pagerduty.requests) == 3  # accepted: never sent again
    with factory() as session:
        follow_ups = session.scalars(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.alert_id == alert_id, DeliveryAttempt.step == -2)
            .order_by(DeliveryAttempt.id)
        ).all()
        assert [(a.attempt, a.delivered) for a in follow_ups] == [(1, False), (2, True)]
        assert "503" in follow_ups[0].detail


def test_an_acknowledgement_from_pagerduty_is_not_echoed_back(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, pagerduty: HttpReceiver
) -> None:
    alert_id = _paged_by_pagerduty(factory, settings, world)
    with factory() as session:
        service.answer_from_pagerduty(
            session, dedup_key=KEY, event_type="incident.acknowledged", agent="A", now=world.now
        )
        session.commit()
    _fire(factory, settings, world.now + timedelta(seconds=1))
    assert _actions(pagerduty) == [("trigger", KEY)]
    # Resolved in Exigent afterwards: PagerDuty does not know that yet, so it is told.
    _answer(factory, "resolve", alert_id, "api", world.now + timedelta(seconds=2))
    _fire(factory, settings, world.now + timedelta(seconds=2))
    assert _actions(pagerduty) == [("trigger", KEY), ("resolve", KEY)]


def test_people_reached_by_other_channels_send_nothing_to_pagerduty(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, pagerduty: HttpReceiver
) -> None:
    with factory() as session:
        alert = open_page(
            session,
            trigger="p0_new",
            summary="A child at risk",
            request_id=None,
            severity="critical",
            dedup_key=KEY,
            now=world.now,
        )
        session.commit()
        alert_id = alert.id
    _fire(factory, settings, world.now)
    _answer(factory, "resolve", alert_id, "console", world.now)
    _fire(factory, settings, world.now)
    assert pagerduty.requests == []
