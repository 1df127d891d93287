"""Draft rosters over JSON: start, follow, read, publish; a run a restart stopped shows as
failed; a swap survives a re-plan and the draft's shifts are checked against it again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from exigent.audit.models import AuditEvent
from exigent.auth.models import Role, User
from exigent.staffing import swaps
from exigent.staffing.clock import shift_times
from exigent.staffing.draft_models import DraftStatus, RosterDraft
from exigent.staffing.models import Shift, ShiftType
from exigent.staffing.publish import publish
from staffing.roster_world import day_shift
from staffing.test_drafts import next_monday, team


def test_a_scheduler_starts_follows_reads_and_publishes_a_draft_over_the_api(
    client, factory, make_account
) -> None:  # type: ignore[no-untyped-def]
    scheduler = make_account(Role.scheduler)
    with factory() as session:
        team(session)
        session.commit()
    monday = next_monday()
    started = client.post(
        "/api/v1/staffing/drafts",
        json={"starts_on": monday.isoformat(), "days": 7, "seconds": 3},
        headers=scheduler.headers,
    )
    assert started.status_code == 202, started.text
    draft_id = started.json()["id"]
    assert started.json()["progress"]["seconds_limit"] == 3
    client.app.state.drafter.wait(timeout=60)  # type: ignore[attr-defined]
    read = client.get(f"/api/v1/staffing/drafts/{draft_id}", headers=scheduler.headers).json()
    assert read["status"] == "done" and read["objective"] is not None
    assert read["bound"] is not None and read["bound"] <= read["objective"]
    # One emergency analyst 08:00-16:00 each day: covered, no gap, a score per person.
    assert len(read["roster"]) >= 7 and read["gaps"] == []
    assert sorted(s["name"] for s in read["scores"]) == ["Ana", "Ben", "Cy"]
    emergency = [c for c in read["heatmap"] if c["skill"] == "emergency" and c["required"]]
    assert emergency and all(c["rostered"] >= c["required"] for c in emergency)
    listed = client.get("/api/v1/staffing/drafts", headers=scheduler.headers).json()
    assert [d["id"] for d in listed] == [draft_id]
    published = client.post(
        f"/api/v1/staffing/drafts/{draft_id}/publish", headers=scheduler.headers
    )
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = client.post(f"/api/v1/staffing/drafts/{draft_id}/publish", headers=scheduler.headers)
    assert again.status_code == 409
    with factory() as session:
        assert len(session.scalars(select(Shift)).all()) == len(read["roster"])
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "roster_draft")
        ).all()
        assert actions == ["roster_draft.request", "roster_draft.publish"]


def test_a_bad_draft_request_names_the_field_and_starts_nothing(
    client, factory, make_account
) -> None:  # type: ignore[no-untyped-def]
    scheduler = make_account(Role.scheduler)
    refused = client.post(
        "/api/v1/staffing/drafts",
        json={"starts_on": next_monday().isoformat(), "days": 90},
        headers=scheduler.headers,
    )
    assert refused.status_code == 422 and "days" in refused.text
    with factory() as session:
        assert session.scalars(select(RosterDraft)).first() is None


def test_a_draft_a_restart_left_running_is_listed_as_failed(client, factory, make_account) -> None:  # type: ignore[no-untyped-def]
    scheduler = make_account(Role.scheduler)
    with factory() as session:
        _world, kim = team(session)
        long_ago = datetime.now(UTC) - timedelta(minutes=20)
        for status in (DraftStatus.running, DraftStatus.queued):
            session.add(
                RosterDraft(
                    starts_on=next_monday(),
                    days=7,
                    seconds_limit=60,
                    status=status,
                    created_by_id=kim.id,
                    created_at=long_ago,
                )
            )
        session.commit()
    with factory() as session:
        first = session.scalars(select(RosterDraft.id).order_by(RosterDraft.id)).first()
    read = client.get(f"/api/v1/staffing/drafts/{first}", headers=scheduler.headers).json()
    assert (read["status"], read["error"]) == ("failed", "stopped by a restart; start it again")
    listed = client.get("/api/v1/staffing/drafts", headers=scheduler.headers).json()
    assert [(d["status"], d["error"]) for d in listed] == [
        ("failed", "stopped by a restart; start it again")
    ] * 2


def test_a_swap_survives_a_re_plan_and_the_drafts_shifts_beside_it_are_checked_again(
    factory,
) -> None:  # type: ignore[no-untyped-def]
    monday = next_monday()
    wednesday = monday + timedelta(days=2)
    with factory() as session:
        world, kim = team(session)
        ana, cy = world.people["ana"], world.people["ben"]
        evening = ShiftType(code="V", name="Evening", local_start=time(18), minutes=480)
        session.add(evening)
        session.flush()
        # Ana's Wednesday goes to Ben by a swap a scheduler accepted.
        shift = day_shift(session, world.day, ana, wednesday)
        now = datetime.now(UTC)
        swap = swaps.file(session, actor=kim, shift_id=shift.id, to_user_id=cy.id, now=now)
        swaps.decide(session, actor=kim, swap_id=swap.id, accept=True, now=now)
        # A re-plan made before the swap: Ana on Wednesday, and Ben on Tuesday evening,
        # which ends at 02:00 on Wednesday, six hours before the shift Ben now holds.
        rows = []
        for who, kind, on in ((ana, world.day, wednesday), (cy, evening, wednesday - timedelta(1))):
            start, end = shift_times(on, kind.local_start, kind.minutes, who.timezone)
            day = (on - monday).days
            rows.append(
                {
                    "person": str(who.id),
                    "day": day,
                    "shift": kind.code,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
            )
        draft = RosterDraft(
            starts_on=monday,
            days=7,
            seconds_limit=3,
            status=DraftStatus.done,
            created_by_id=kim.id,
            roster=rows,
        )
        session.add(draft)
        session.commit()
        shift_id, draft_id, kim_id, cy_id, ana_id = shift.id, draft.id, kim.id, cy.id, ana.id
    with factory() as session:
        publish(session, actor=session.get(User, kim_id), draft_id=draft_id, now=datetime.now(UTC))  # type: ignore[arg-type]
        session.commit()
    with factory() as session:
        kept = session.get(Shift, shift_id)
        assert kept is not None and kept.user_id == cy_id
        # Ben keeps the swapped shift and not the evening beside it; Ana's drafted day stays.
        assert sorted(s.user_id for s in session.scalars(select(Shift))) == sorted([cy_id, ana_id])
        detail = session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "roster_draft.publish")
        ).one()
        assert detail["kept_for_swaps"] == [shift_id]
        assert [d["user_id"] for d in detail["dropped_beside_swaps"]] == [cy_id]
