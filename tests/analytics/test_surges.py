"""The surge detector on nine weeks of generated history: quiet on ordinary weeks, one alert
(with its cases, a page and a word to the leads) for an injected wave, ended once it passes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics.surge_world import FIRST_ID, Arrival, ordinary_history, write_cases
from exigent.analytics.jobs import SURGE_CHECK, surge_check
from exigent.analytics.models import SurgeAlert
from exigent.analytics.surge_alerts import check_surges
from exigent.auth.models import Role
from exigent.deadlines import Deadline
from exigent.directory.models import Agency
from exigent.legal.models import Notification
from exigent.oncall.models import Alert
from exigent.oncall.policies import ensure_defaults
from exigent.workflow.events import wire_events

NOW = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)


def _history(db: Session, wave: int = 0) -> list[int]:
    rng = random.Random(18)
    arrivals = ordinary_history(rng, NOW - timedelta(weeks=9), NOW)
    wave_cases = [
        Arrival(NOW - timedelta(minutes=7 * (i + 1)), "emergency", "child_safety", None)
        for i in range(wave)
    ]
    ids = write_cases(db, [*arrivals, *wave_cases])
    db.commit()
    return ids[len(arrivals) :]


def _alerts(db: Session) -> list[SurgeAlert]:
    return list(db.scalars(select(SurgeAlert).order_by(SurgeAlert.id)))


def test_ordinary_weeks_raise_no_alert(db: Session) -> None:
    _history(db)
    for hours_back in range(0, 24 * 14, 11):
        assert check_surges(db, NOW - timedelta(hours=hours_back)) == []
    assert _alerts(db) == []


def test_a_wave_of_child_safety_emergencies_is_one_alert_with_its_cases(
    db: Session, make_account
) -> None:  # type: ignore[no-untyped-def]
    wire_events()
    lead = make_account(Role.lead, "surge.lead@example.test")
    ensure_defaults(db, now=NOW)
    wave = _history(db, wave=14)

    check_surges(db, NOW)
    check_surges(db, NOW + timedelta(minutes=15))
    db.commit()

    [alert] = _alerts(db)
    assert (alert.kind, alert.harm) == ("emergency", "child_safety")
    assert set(wave) <= set(alert.request_ids)
    assert alert.observed >= 14 and alert.expected < 3 and alert.ended_at is None
    pages = db.scalars(select(Alert).where(Alert.trigger == "volume_surge")).all()
    assert len(pages) == 1 and "child safety" in pages[0].summary
    told = db.scalars(select(Notification).where(Notification.user_id == lead.user.id)).all()
    assert len(told) == 1 and "Surge of emergency (child safety)" in told[0].body


def test_the_alert_ends_once_the_series_is_quiet_for_a_window(db: Session) -> None:
    _history(db, wave=14)
    check_surges(db, NOW)
    check_surges(db, NOW + timedelta(hours=4))
    db.commit()
    [alert] = _alerts(db)
    assert alert.ended_at == NOW + timedelta(hours=4)


def test_the_check_runs_every_quarter_hour_in_the_worker(db: Session) -> None:
    wave = _history(db, wave=14)
    deadline = Deadline(kind=SURGE_CHECK, due_at=NOW - timedelta(hours=2), data={})
    db.add(deadline)
    db.flush()
    assert surge_check(db, deadline, NOW) == "fired"
    waiting = db.scalar(
        select(func.max(Deadline.due_at)).where(
            Deadline.kind == SURGE_CHECK, Deadline.fired_at.is_(None)
        )
    )
    assert waiting == NOW + timedelta(minutes=15)
    [alert] = _alerts(db)
    assert min(wave) >= FIRST_ID and set(wave) <= set(alert.request_ids)


def test_a_burst_of_subpoenas_from_one_agency_names_it(db: Session) -> None:
    agency = Agency(name="Springfield Police Department", state="IL", source="staff")
    db.add(agency)
    db.flush()
    rng = random.Random(3)
    arrivals = ordinary_history(rng, NOW - timedelta(weeks=9), NOW)
    burst = [
        Arrival(NOW - timedelta(minutes=5 * (i + 1)), "subpoena", None, agency.id)
        for i in range(20)
    ]
    write_cases(db, [*arrivals, *burst])
    db.commit()
    [alert] = check_surges(db, NOW)
    assert alert.kind == "subpoena" and alert.harm == ""
    assert alert.top_source.startswith("Springfield Police Department: 20 of")
