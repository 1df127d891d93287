"""Content safeguards: a reveal is logged and audited, and its seconds count as exposure."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.demo.media import png
from exigent.wellbeing import service
from exigent.wellbeing.models import ExposureEvent
from legal.flows import create_case


def _case_with_image(client, analyst) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    upload = client.post(
        f"/api/v1/requests/{case['id']}/documents",
        files={"file": ("photo.png", io.BytesIO(png(64, 40, 1.0)), "image/png")},
        headers=analyst.headers,
    )
    assert upload.status_code == 201, upload.text
    return case["id"], upload.json()["id"]


def test_media_is_hidden_until_one_item_is_revealed(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case_id, document_id = _case_with_image(client, analyst)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case_id}").text
    assert "data-viewer-item" in page and 'aria-pressed="false"' in page
    assert "Blurred, greyscale and muted" in page
    image = client.get(f"/console/documents/{document_id}/file")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers["cache-control"] == "private, no-store"


def test_reveal_and_hide_record_capped_seconds_by_harm_category(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    _, document_id = _case_with_image(client, analyst)
    token = sign_in(client, analyst.user.email)
    revealed = client.post(
        "/wellbeing/reveals", data={"document_id": document_id, "csrf_token": token}
    )
    assert revealed.status_code == 201
    body = revealed.json()
    assert body["harm_category"] == "suicide_self_harm"
    # The browser claims an hour; the server counts no more than the time since the reveal.
    hidden = client.post(
        f"/wellbeing/reveals/{body['id']}/hide", data={"seconds": "3600", "csrf_token": token}
    )
    assert hidden.status_code == 204
    with factory() as session:
        event = session.get(ExposureEvent, body["id"])
        assert event is not None and event.hidden_at is not None
        assert event.seconds < 60
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.object_type == "document")
        ).scalars()
        assert "content.reveal" in list(actions)
    again = client.post(
        f"/wellbeing/reveals/{body['id']}/hide", data={"seconds": "5", "csrf_token": token}
    )
    assert again.status_code == 409


def test_a_reveal_without_the_csrf_token_is_refused(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    _, document_id = _case_with_image(client, analyst)
    sign_in(client, analyst.user.email)
    response = client.post("/wellbeing/reveals", data={"document_id": document_id})
    assert response.status_code == 403
    with factory() as session:
        assert session.execute(select(ExposureEvent)).first() is None


def test_someone_elses_reveal_cannot_be_hidden(client, analyst, make_account) -> None:  # type: ignore[no-untyped-def]
    _, document_id = _case_with_image(client, analyst)
    token = sign_in(client, analyst.user.email)
    exposure = client.post(
        "/wellbeing/reveals", data={"document_id": document_id, "csrf_token": token}
    ).json()["id"]
    other = make_account(Role.analyst, "other@example.test")
    other_token = sign_in(client, other.user.email)
    response = client.post(
        f"/wellbeing/reveals/{exposure}/hide", data={"seconds": "1", "csrf_token": other_token}
    )
    assert response.status_code == 404


def test_service_caps_and_totals_by_category(db, factory, analyst, client) -> None:  # type: ignore[no-untyped-def]
    _, document_id = _case_with_image(client, analyst)
    start = utcnow() - timedelta(minutes=2)
    user = db.get(type(analyst.user), analyst.user.id)
    event = service.reveal(db, user=user, document_id=document_id, now=start)
    service.hide(
        db, user=user, exposure_id=event.id, seconds=45.4, now=start + timedelta(seconds=90)
    )
    second = service.reveal(db, user=user, document_id=document_id, now=start)
    # Claimed 10 minutes, but only 30 s passed since the reveal.
    service.hide(
        db, user=user, exposure_id=second.id, seconds=600, now=start + timedelta(seconds=30)
    )
    db.commit()
    day, totals, events = service.my_exposure(db, user=user, now=start + timedelta(minutes=1))
    assert [(t.harm_category, t.seconds, t.items) for t in totals] == [("suicide_self_harm", 75, 2)]
    assert len(events) == 2 and day == service.shift_day(user, start)


def test_my_exposure_page_shows_this_shift(client, analyst) -> None:  # type: ignore[no-untyped-def]
    _, document_id = _case_with_image(client, analyst)
    token = sign_in(client, analyst.user.email)
    exposure = client.post(
        "/wellbeing/reveals", data={"document_id": document_id, "csrf_token": token}
    ).json()["id"]
    client.post(f"/wellbeing/reveals/{exposure}/hide", data={"seconds": "0.4", "csrf_token": token})
    page = client.get("/wellbeing")
    assert page.status_code == 200
    assert "Your exposure this shift" in page.text
    assert "Suicide or self-harm" in page.text


def test_team_view_is_for_leads_and_aggregates(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    _, document_id = _case_with_image(client, analyst)
    token = sign_in(client, analyst.user.email)
    exposure = client.post(
        "/wellbeing/reveals", data={"document_id": document_id, "csrf_token": token}
    ).json()["id"]
    client.post(f"/wellbeing/reveals/{exposure}/hide", data={"seconds": "2", "csrf_token": token})
    assert client.get("/wellbeing/team").status_code == 403
    sign_in(client, lead.user.email)
    page = client.get("/wellbeing/team")
    assert page.status_code == 200
    assert analyst.user.name in page.text and "exposure-chart" in page.text
    assert "photo.png" not in page.text  # totals only, never which items
