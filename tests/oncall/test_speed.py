"""A new emergency's page leaves at once: the worker wakes on commit instead of at its next
poll, and an escalation's next level fires on time, not up to a poll late."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import Worker
from exigent.oncall.models import EscalationPolicy
from exigent.oncall.paging import open_page
from exigent.workflow.jobs import deadline_handlers
from oncall.conftest import OnCallWorld
from oncall.receiver import Receiver

# Far longer than the test waits: only a wake-up can explain a page in time.
SLOW_POLL = 60.0


def test_a_page_reaches_its_channel_within_two_seconds_of_commit(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, receiver: Receiver
) -> None:
    worker = Worker(factory, deadline_handlers(), SLOW_POLL, settings)
    worker.listen(settings.database_url)
    worker.start_in_background()
    try:
        time.sleep(0.5)  # the worker has found nothing due and waits for its poll
        with factory() as session:
            open_page(
                session,
                trigger="p0_new",
                summary="A life at risk",
                request_id=None,
                severity="critical",
                dedup_key="speed:1",
                now=utcnow(),
            )
            session.commit()
            committed = time.monotonic()
        assert receiver.wait_for(1, timeout=5)
        assert receiver.received[0].at - committed < 2.0
    finally:
        worker.stop()


def test_the_next_level_fires_within_five_seconds_of_its_timeout(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, receiver: Receiver
) -> None:
    with factory() as session:
        policy = session.scalars(
            select(EscalationPolicy).where(EscalationPolicy.name == "Emergencies")
        ).one()
        policy.levels[0].timeout_minutes = 1
        session.commit()
    worker = Worker(factory, deadline_handlers(), SLOW_POLL, settings)
    worker.start_in_background()
    try:
        with factory() as session:
            open_page(
                session,
                trigger="p0_new",
                summary="No answer",
                request_id=None,
                severity="critical",
                dedup_key="speed:2",
                now=utcnow(),
            )
            session.commit()
        assert receiver.wait_for(1, timeout=5)
        first = receiver.received[0].at
        assert receiver.wait_for(2, timeout=70)
        assert receiver.received[1].path == "/lee"
        late = receiver.received[1].at - first - timedelta(minutes=1).total_seconds()
        assert late < 5.0
    finally:
        worker.stop()
