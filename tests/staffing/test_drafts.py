"""Draft rosters: the problem read from the tables, a run to the end, publishing and re-planning."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role, User
from exigent.errors import Conflict
from exigent.legal.models import Notification
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.drafting import build_problem
from exigent.staffing.drafts import request_draft, run_draft
from exigent.staffing.exposure import ExposureFigures, no_exposure
from exigent.staffing.models import CoverageRequirement, Shift, StaffProfile, TimeOff, TimeOffStatus
from exigent.staffing.publish import publish
from staffing.roster_world import World, build, day_shift, person

ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


def next_monday() -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 - today.weekday())


def team(session: Session) -> tuple[World, User]:
    """Three people in Dublin on day shifts, one emergency analyst asked for 08:00-16:00."""
    world = build(session)
    kim = person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
    session.add(
        CoverageRequirement(
            template="test",
            skill="emergency",
            minimum=1,
            zone="Europe/Dublin",
            weekdays=ALL_DAYS,
            start=time(8),
            end=time(16),
        )
    )
    session.flush()
    return world, kim


def _drafted(factory: sessionmaker[Session], kim_id: int, starts_on: date) -> RosterDraft:
    with factory() as session:
        kim = session.get(User, kim_id)
        assert kim is not None
        draft = request_draft(
            session, actor=kim, starts_on=starts_on, days=7, seconds=3, now=datetime.now(UTC)
        )
        session.commit()
        draft_id = draft.id
    run_draft(factory, draft_id, exposure=no_exposure)
    with factory() as session:
        done = session.get(RosterDraft, draft_id)
        assert done is not None
        session.expunge(done)
        return done


def _roster(session: Session, since: datetime) -> set[tuple[int, datetime]]:
    return {
        (s.user_id, s.starts_at)
        for s in session.scalars(select(Shift).where(Shift.starts_at >= since))
    }


def test_the_problem_holds_approved_time_off_skills_zones_and_the_roster_in_force(db) -> None:  # type: ignore[no-untyped-def]
    world, _kim = team(db)
    monday = next_monday()
    ana, ben = world.people["ana"], world.people["ben"]
    db.add(
        TimeOff(
            user_id=ana.id,
            starts_on=monday + timedelta(days=2),
            ends_on=monday + timedelta(days=2),
            status=TimeOffStatus.approved,
            reason="Dentist",
        )
    )
    db.add(
        TimeOff(
            user_id=ben.id,
            starts_on=monday,
            ends_on=monday + timedelta(days=6),
            status=TimeOffStatus.requested,
        )
    )
    db.get(StaffProfile, ben.id).skills = ["emergency", "lang:fr"]
    day_shift(db, world.day, ana, monday + timedelta(days=1))
    db.flush()

    problem = build_problem(
        db, starts_on=monday, days=7, exposure=ExposureFigures(level={ana.id: 0.8})
    ).problem

    people = {p.name: p for p in problem.people}
    assert set(people) == {"Ana", "Ben", "Cy"}  # Kim has no skills: not on the roster
    assert people["Ana"].zone == "Europe/Dublin" and people["Ana"].exposure == 0.8
    assert people["Ben"].skills == frozenset({"emergency", "lang:fr"})
    # Only the approved time off counts, as the whole day on Ana's own clock.
    (away,) = people["Ana"].time_off
    assert away.reason == "Dentist"
    assert away.start == datetime.combine(monday + timedelta(days=2), time(), tzinfo=UTC)
    assert people["Ben"].time_off == ()
    # 08:00-16:00 Dublin, every day: eight hours a day at UTC in winter, in summer an hour earlier.
    assert len(problem.requirements) == 7 * 8
    assert {r.skill for r in problem.requirements} == {"emergency"}
    (current,) = problem.current
    assert (current.person, current.day, current.shift) == (str(ana.id), 1, "D")
    # Public holidays come from the person's country (Ireland's here, the default is US).
    assert all(isinstance(day, date) for day in people["Cy"].holidays)


def test_a_draft_runs_to_done_and_publishing_replaces_the_roster_at_once(factory) -> None:  # type: ignore[no-untyped-def]
    monday = next_monday()
    with factory() as session:
        world, kim = team(session)
        # Cy's shifts of the roster in force, none of Ana's or Ben's.
        for offset in range(3):
            day_shift(session, world.day, world.people["cy"], monday + timedelta(days=offset))
        session.commit()
        kim_id, ids = kim.id, {h: u.id for h, u in world.people.items()}

    draft = _drafted(factory, kim_id, monday)

    assert draft.status == DraftStatus.done and draft.finished_at is not None
    assert draft.roster and draft.heatmap and draft.best_objective is not None
    assert not draft.gaps, "three people cover one analyst for eight hours a day"
    assert {s["name"] for s in draft.scores} == {"Ana", "Ben", "Cy"}
    start = datetime.combine(monday, time(), tzinfo=UTC)
    with factory() as session:
        before = _roster(session, start)
        kim = session.get(User, kim_id)
        changed = publish(session, actor=kim, draft_id=draft.id, now=datetime.now(UTC))
        session.commit()
    with factory() as session:
        after = _roster(session, start)
        drafted = {(int(r["person"]), datetime.fromisoformat(r["start"])) for r in draft.roster}
        assert after == drafted and set(changed) == before ^ after
        told = set(session.scalars(select(Notification.user_id)))
        assert told == {user_id for user_id, _ in before ^ after}
        assert ids["ana"] in told
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "roster_draft.publish")
        ).one()
        assert event.actor_id == kim_id
        assert session.get(RosterDraft, draft.id).status == DraftStatus.published  # type: ignore[union-attr]
        # Published once: pressing again changes nothing.
        with pytest.raises(Conflict):
            publish(session, actor=kim, draft_id=draft.id, now=datetime.now(UTC))  # type: ignore[arg-type]
        session.rollback()
        assert _roster(session, start) == after


def test_a_re_plan_after_a_sick_call_changes_few_shifts(factory) -> None:  # type: ignore[no-untyped-def]
    monday = next_monday()
    with factory() as session:
        _world, kim = team(session)
        session.commit()
        kim_id = kim.id
    first = _drafted(factory, kim_id, monday)
    with factory() as session:
        publish(session, actor=session.get(User, kim_id), draft_id=first.id, now=datetime.now(UTC))  # type: ignore[arg-type]
        session.commit()
        # Ana is off sick on Wednesday and Thursday.
        ana = session.scalars(select(User).where(User.name == "Ana")).one()
        session.add(
            TimeOff(
                user_id=ana.id,
                starts_on=monday + timedelta(days=2),
                ends_on=monday + timedelta(days=3),
                status=TimeOffStatus.approved,
                reason="Sick",
            )
        )
        sick = sum(
            1 for row in first.roster if int(row["person"]) == ana.id and row["day"] in (2, 3)
        )
        session.commit()
    assert sick, "Ana works Wednesday or Thursday in the first roster"

    again = _drafted(factory, kim_id, monday)

    assert again.status == DraftStatus.done and not again.gaps
    assert not any(int(row["person"]) == ana.id and row["day"] in (2, 3) for row in again.roster)
    # Her shifts go, and at most as many come in to cover them: the rest of the week stays.
    assert again.changed is not None and again.changed <= 2 * sick + 2


def test_only_a_scheduler_publishes(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        _world, kim = team(session)
        session.commit()
        kim_id = kim.id
    draft = _drafted(factory, kim_id, next_monday())
    # Cy is an analyst on the roster: the draft is about Cy's shifts, not Cy's to publish.
    assert post_login(client, email="cy@example.test", password=PASSWORD).status_code == 303
    csrf = csrf_of(client.get("/console").text)
    refused = client.post(
        f"/staffing/drafts/{draft.id}/publish", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert refused.status_code == 403
    with factory() as session:
        assert session.get(RosterDraft, draft.id).status == DraftStatus.done  # type: ignore[union-attr]
        assert session.scalars(select(Shift)).first() is None
    # The scheduler can, from the page.
    client.cookies.clear()
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"/staffing/drafts/{draft.id}")
    assert page.status_code == 200 and "Publish this roster" in page.text
    done = client.post(
        f"/staffing/drafts/{draft.id}/publish",
        data={"csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Published" in client.get(done.headers["location"]).text


def test_a_draft_asked_for_with_a_bad_length_names_the_field(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        team(session)
        session.commit()
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303
    page = client.get("/staffing/drafts")
    refused = client.post(
        "/staffing/drafts",
        data={
            "csrf_token": csrf_of(page.text),
            "starts_on": next_monday().isoformat(),
            "days": "90",
        },
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "days: between 7 and 42 days" in refused.text
    with factory() as session:
        assert session.scalars(select(RosterDraft)).first() is None
