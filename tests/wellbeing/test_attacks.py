"""Anonymous check-ins under attack: nothing a log reader, an auditor or a lead can see tells
who sent one, or dates it; and nobody reads another person's named check-ins."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.wellbeing.models import CheckIn
from staffing.roster_world import person


def _check_in(client, email: str, **data: str):  # type: ignore[no-untyped-def]
    assert post_login(client, email=email, password=PASSWORD).status_code == 303
    csrf = csrf_of(client.get("/wellbeing/check-in").text)
    return client.post(
        "/wellbeing/check-in",
        data={"csrf_token": csrf, "effort": "4", **data},
        follow_redirects=False,
    )


def test_the_answer_to_a_check_in_does_not_say_whether_it_was_anonymous(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        person(session, "ana", "Europe/Dublin", ["emergency"])
        session.commit()
    named = _check_in(client, "ana@example.test")
    anonymous = _check_in(client, "ana@example.test", anonymous="true")
    # The address is written to the access log beside the client's address and the time.
    assert named.status_code == anonymous.status_code == 303
    assert named.headers["location"] == anonymous.headers["location"]
    assert "Thank you" in client.get(anonymous.headers["location"]).text


def test_audited_named_check_ins_leave_no_id_gap_to_date_an_anonymous_one(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        person(session, "ana", "Europe/Dublin", ["emergency"])
        person(session, "ben", "Europe/Dublin", ["emergency"])
        session.commit()
    _check_in(client, "ana@example.test")
    _check_in(client, "ben@example.test", anonymous="true")
    _check_in(client, "ana@example.test", effort="3")
    with factory() as session:
        ids = [row.id for row in session.scalars(select(CheckIn).order_by(CheckIn.id))]
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "wellbeing.check_in")
        ).all()
    assert len(ids) == 3 and len(events) == 2
    seen = {str(i) for i in ids}
    assert all(e.object_id not in seen for e in events)
    assert all(str(ids[1]) not in str(e.detail) for e in events)


def test_nobody_reads_anothers_named_check_ins(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        person(session, "ana", "Europe/Dublin", ["emergency"])
        person(session, "ben", "Europe/Dublin", ["emergency"])
        person(session, "sam", "Europe/Dublin", ["lead"], role=Role.lead)
        session.commit()
    _check_in(client, "ana@example.test", note="My dog died this week")
    for other in ("ben@example.test", "sam@example.test"):
        assert post_login(client, email=other, password=PASSWORD).status_code == 303
        for path in ("/wellbeing", "/wellbeing/check-in", "/wellbeing/team"):
            answer = client.get(path)
            assert "My dog died" not in answer.text, (other, path)


def test_a_lead_cannot_watch_an_anonymous_check_in_arrive_or_pick_one_out(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        person(session, "ana", "Europe/Dublin", ["emergency"])
        person(session, "sam", "Europe/Dublin", ["lead"], role=Role.lead)
        session.commit()
    lead = type(client)(client.app)
    assert post_login(lead, email="sam@example.test", password=PASSWORD).status_code == 303
    before = lead.get("/wellbeing/team").text
    _check_in(client, "ana@example.test", anonymous="true", off_hours_minutes="90")
    after = lead.get("/wellbeing/team").text
    # Today's arrive tomorrow: the page does not change the minute one is sent.
    assert 'data-check-ins="' not in after and "90 min" not in after
    assert "No check-ins in this period." in before and "No check-ins in this period." in after
    with factory() as session:
        row = session.scalars(select(CheckIn)).one()
        row.shift_on = row.shift_on - timedelta(days=1)
        session.commit()
    # Yesterday's lone check-in is still too few to show without showing its sender's.
    alone = lead.get("/wellbeing/team").text
    assert "data-check-ins-few" in alone and "90 min" not in alone
