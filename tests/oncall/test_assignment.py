"""A new P0 goes to the emergency analyst on shift with the least open work, then the least
exposure; whoever is given a case off shift is told."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from exigent.auth.models import Role
from exigent.cases.models import Document, Request, TimelineEvent
from exigent.db import utcnow
from exigent.legal.models import Notification
from exigent.oncall.assignment import choose_analyst
from exigent.wellbeing.models import ExposureEvent
from factories import emergency_record
from oncall.conftest import OnCallWorld, add_person, add_shift


def _now_record() -> dict:  # type: ignore[type-arg]
    return emergency_record(received_at=utcnow().isoformat())


def test_least_open_work_then_least_exposure(
    client,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    case = client.post("/api/v1/requests", json=_now_record(), headers=officer.headers).json()
    with factory() as session:
        cy = add_person(session, "cy", ["emergency"])
        add_shift(session, cy, world.now - timedelta(hours=1), 8, ["emergency"])
        # The new case went to Ana: now Cy has less open work.
        assert choose_analyst(session, utcnow()) == cy.id
        # Equal work: Dee has seen an hour of harmful content today, Cy nothing more.
        dee = add_person(session, "dee", ["emergency"])
        add_shift(session, dee, world.now - timedelta(hours=1), 8, ["emergency"])
        document = Document(
            request_id=case["id"], sha256="0" * 64, filename="x.png", media_type="image/png"
        )
        session.add(document)
        session.flush()
        for user_id, seconds in ((cy.id, 600), (dee.id, 3600)):
            session.add(
                ExposureEvent(
                    user_id=user_id,
                    request_id=case["id"],
                    document_id=document.id,
                    harm_category="suicide_self_harm",
                    revealed_at=utcnow() - timedelta(hours=1),
                    seconds=seconds,
                    shift_on=utcnow().date(),
                )
            )
        session.commit()
        assert choose_analyst(session, utcnow()) == cy.id


def test_a_new_p0_is_assigned_and_its_page_names_the_case(
    client,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    first = client.post("/api/v1/requests", json=_now_record(), headers=officer.headers).json()
    second = client.post("/api/v1/requests", json=_now_record(), headers=officer.headers).json()
    with factory() as session:
        cases = [session.get(Request, c["id"]) for c in (first, second)]
        assignees = [c.assignee_id for c in cases if c is not None]
        acknowledged = [c.acknowledged_at for c in cases if c is not None]
    # Ana is the one emergency analyst on shift (Lee's shift covers `lead`): she takes both,
    # and neither case counts as acknowledged by the assignment.
    assert assignees == [world.people["ana"].id, world.people["ana"].id]
    assert acknowledged == [None, None]


def test_assigning_someone_off_shift_tells_them(
    client,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    officer,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    case = client.post("/api/v1/requests", json=_now_record(), headers=officer.headers).json()
    lead = make_account(Role.lead, "assigning.lead@example.test")
    bo = world.people["bo"]  # on shift only from the hand-over in two hours
    answer = client.post(
        f"/api/v1/requests/{case['id']}/assignment",
        json={"assignee_id": bo.id},
        headers=lead.headers,
    )
    assert answer.status_code == 200, answer.text
    with factory() as session:
        told = session.scalars(select(Notification).where(Notification.user_id == bo.id)).all()
        timeline = session.scalars(
            select(TimelineEvent.body).where(TimelineEvent.request_id == case["id"])
        ).all()
    assert any("outside your shift" in n.body for n in told)
    assert "Bo is not on shift now and was told of this assignment." in timeline
