"""End-of-shift check-ins: named ones reach the person's page and their exposure figure;
anonymous ones keep no user at all and count only in the team's totals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.staffing.models import Shift
from exigent.wellbeing.models import CheckIn
from exigent.workflow.exposure import recent_exposure
from staffing.roster_world import person


def _signed_in(client, email: str) -> str:  # type: ignore[no-untyped-def]
    assert post_login(client, email=email, password=PASSWORD).status_code == 303
    return csrf_of(client.get("/wellbeing/check-in").text)


def test_a_heavy_named_check_in_shows_on_my_page_and_raises_my_exposure(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        ana = person(session, "ana", "Europe/Dublin", ["emergency"])
        session.commit()
        before = recent_exposure(session, utcnow()).level.get(ana.id, 0.0)
    csrf = _signed_in(client, "ana@example.test")
    done = client.post(
        "/wellbeing/check-in",
        data={"csrf_token": csrf, "effort": "5", "off_hours_minutes": "40", "note": "Two P0s"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "done=kept" in done.headers["location"]
    page = client.get("/wellbeing").text
    assert "5 (very heavy)" in page and "Two P0s" in page
    with factory() as session:
        after = recent_exposure(session, utcnow()).level[ana.id]
        assert after > before
        (row,) = session.scalars(select(CheckIn)).all()
        assert row.user_id == ana.id
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == "wellbeing.check_in"))
            .one()
            .actor_id
            == ana.id
        )


def test_an_anonymous_check_in_stores_no_user_and_counts_only_for_the_team(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        ana = person(session, "ana", "Europe/Dublin", ["emergency"])
        person(session, "sam", "Europe/Dublin", ["lead"], role=Role.lead)
        session.commit()
    csrf = _signed_in(client, "ana@example.test")
    with_note = client.post(
        "/wellbeing/check-in",
        data={"csrf_token": csrf, "effort": "4", "anonymous": "true", "note": "It was Sam"},
    )
    assert with_note.status_code == 422 and "note: an anonymous check-in keeps no note" in (
        with_note.text
    )
    done = client.post(
        "/wellbeing/check-in",
        data={"csrf_token": csrf, "effort": "4", "off_hours_minutes": "30", "anonymous": "true"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and "done=kept" in done.headers["location"]
    assert "No check-in with your name yet" in client.get("/wellbeing").text
    with factory() as session:
        (row,) = session.scalars(select(CheckIn)).all()
        assert row.user_id is None and row.note is None and row.effort == 4
        assert recent_exposure(session, utcnow()).level == {}
        assert not session.scalars(
            select(AuditEvent).where(AuditEvent.action == "wellbeing.check_in")
        ).all()
    with factory() as session:
        # The team's totals show closed days, from three check-ins: yesterday had two more.
        yesterday = utcnow().date() - timedelta(days=1)
        session.scalars(select(CheckIn)).one().shift_on = yesterday
        session.add_all([CheckIn(user_id=ana.id, effort=2, shift_on=yesterday) for _ in "ab"])
        session.commit()
    lead_browser = type(client)(client.app)
    assert post_login(lead_browser, email="sam@example.test", password=PASSWORD).status_code == 303
    team = lead_browser.get("/wellbeing/team").text
    assert 'data-check-ins="3"' in team and "(1 anonymous)" in team
    assert client.get("/wellbeing/team").status_code == 403


def test_my_shifts_offers_the_check_in_near_the_end_of_a_shift(client, factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        ana = person(session, "ana", "Europe/Dublin", ["emergency"])
        now = utcnow()
        session.add(
            Shift(
                user_id=ana.id,
                starts_at=now - timedelta(hours=7, minutes=30),
                ends_at=now + timedelta(minutes=30),
                skills=["emergency"],
            )
        )
        session.commit()
    assert post_login(client, email="ana@example.test", password=PASSWORD).status_code == 303
    page = client.get("/staffing/mine").text
    assert "data-check-in-banner" in page and 'action="/wellbeing/check-in"' in page
    with factory() as session:
        session.query(Shift).delete()
        session.commit()
    assert "data-check-in-banner" not in client.get("/staffing/mine").text
