"""Acknowledging from anywhere: the one-time link, the console, the API and PagerDuty."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.app import create_app
from exigent.audit.models import AuditEvent
from exigent.config import Settings
from exigent.db import utcnow
from exigent.deadlines import run_due
from exigent.oncall.models import AckLink, Alert
from exigent.oncall.pagerduty import sign
from exigent.oncall.paging import open_page
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record
from oncall.conftest import OnCallWorld
from oncall.receiver import Receiver


def _paged(factory: sessionmaker[Session], settings: Settings, key: str = "case-9:p0_new") -> int:
    now = utcnow()
    with factory() as session:
        alert = open_page(
            session,
            trigger="p0_new",
            summary="Kidnapping in progress",
            request_id=None,
            severity="critical",
            dedup_key=key,
            now=now,
        )
        session.commit()
        alert_id = alert.id
    run_due(factory, deadline_handlers(), now=now, settings=settings)
    return alert_id


def _token(receiver: Receiver) -> str:
    link = next(x for x in receiver.received[-1].body["links"] if "/oncall/ack/" in x)
    found = re.search(r"/oncall/ack/([\w-]+)$", link)
    assert found is not None
    return found.group(1)


def _status(factory: sessionmaker[Session], alert_id: int) -> str:
    with factory() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        return str(alert.status)


def test_the_link_asks_first_then_acknowledges_once(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
) -> None:
    alert_id = _paged(factory, settings)
    token = _token(receiver)
    shown = client.get(f"/oncall/ack/{token}")
    assert shown.status_code == 200 and "Acknowledge this page?" in shown.text
    assert _status(factory, alert_id) == "open"  # a GET (a mail scanner) changes nothing
    done = client.post(f"/oncall/ack/{token}", follow_redirects=True)
    assert done.status_code == 200 and "Acknowledged" in done.text
    assert _status(factory, alert_id) == "acknowledged"
    again = client.post(f"/oncall/ack/{token}")
    assert again.status_code == 410
    assert client.get(f"/oncall/ack/{token}").status_code == 410
    with factory() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"oncall.ack_link_use", "oncall.page_acknowledge", "oncall.ack_link_refused"} <= actions


def test_a_forged_link_is_403_and_an_expired_one_410(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    receiver: Receiver,
) -> None:
    alert_id = _paged(factory, settings)
    token = _token(receiver)
    assert client.post("/oncall/ack/" + "x" * 43).status_code == 403
    with factory() as session:
        for link in session.scalars(select(AckLink)):
            link.expires_at = utcnow() - timedelta(minutes=1)
        session.commit()
    assert client.post(f"/oncall/ack/{token}").status_code == 410
    assert _status(factory, alert_id) == "open"


def _pagerduty_client(settings: Settings) -> TestClient:
    return TestClient(
        create_app(
            settings.model_copy(update={"pagerduty_webhook_secret": "pd-secret"}), run_worker=False
        )
    )


def _incident(event_type: str, key: str) -> bytes:
    return json.dumps(
        {
            "event": {
                "id": "01DEN2",
                "event_type": event_type,
                "resource_type": "incident",
                "agent": {"id": "PLH1HKV", "summary": "Tenex Engineer", "type": "user_reference"},
                "data": {"id": "PGR0VU2", "type": "incident", "incident_key": key},
            }
        }
    ).encode()


def test_pagerduty_acknowledges_with_a_good_signature_only(
    factory: sessionmaker[Session], settings: Settings, world: OnCallWorld, receiver: Receiver
) -> None:
    alert_id = _paged(factory, settings, key="case-7:p0_new")
    body = _incident("incident.acknowledged", "case-7:p0_new")
    with _pagerduty_client(settings) as pd:
        bad = pd.post(
            "/api/v1/oncall/pagerduty",
            content=body,
            headers={"X-PagerDuty-Signature": sign("wrong-secret", body)},
        )
        assert bad.status_code == 403
        assert _status(factory, alert_id) == "open"
        # While a secret rotates PagerDuty sends two signatures; one good one is enough.
        good = pd.post(
            "/api/v1/oncall/pagerduty",
            content=body,
            headers={"X-PagerDuty-Signature": f"{sign('old', body)},{sign('pd-secret', body)}"},
        )
        assert good.status_code == 200 and good.json() == {"matched": True, "alert_id": alert_id}
        assert _status(factory, alert_id) == "acknowledged"
        resolved = _incident("incident.resolved", "case-7:p0_new")
        pd.post(
            "/api/v1/oncall/pagerduty",
            content=resolved,
            headers={"X-PagerDuty-Signature": sign("pd-secret", resolved)},
        )
    assert _status(factory, alert_id) == "resolved"


def test_the_api_acknowledges_and_resolves(
    client: TestClient,
    factory: sessionmaker[Session],
    settings: Settings,
    world: OnCallWorld,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    from exigent.auth.models import Role

    alert_id = _paged(factory, settings)
    analyst = make_account(Role.analyst, "api.analyst@example.test")
    auditor = make_account(Role.auditor, "api.auditor@example.test")
    refused = client.post(f"/api/v1/oncall/alerts/{alert_id}/acknowledge", headers=auditor.headers)
    assert refused.status_code == 403
    acked = client.post(f"/api/v1/oncall/alerts/{alert_id}/acknowledge", headers=analyst.headers)
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    assert acked.json()["deliveries"][0]["delivered"] is True
    resolved = client.post(f"/api/v1/oncall/alerts/{alert_id}/resolve", headers=analyst.headers)
    assert resolved.json()["status"] == "resolved"


def test_the_paged_person_acknowledges_from_the_band_on_any_page(
    client: TestClient, factory: sessionmaker[Session], settings: Settings, world: OnCallWorld
) -> None:
    alert_id = _paged(factory, settings)
    assert post_login(client, email="ana@example.test", password=PASSWORD).status_code == 303
    page = client.get("/staffing/mine")
    assert "On call:" in page.text and "Ana (emergency), Lee (lead)" in page.text
    assert "You are paged: Kidnapping in progress" in page.text
    done = client.post(
        f"/oncall/alerts/{alert_id}/acknowledge",
        data={"csrf_token": csrf_of(page.text), "next": "/staffing/mine"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/staffing/mine?")
    assert _status(factory, alert_id) == "acknowledged"
    assert "You are paged" not in client.get("/staffing/mine").text


def test_the_on_call_page_lists_pages_with_their_delivery_trail(
    client: TestClient, factory: sessionmaker[Session], settings: Settings, world: OnCallWorld
) -> None:
    _paged(factory, settings)
    assert post_login(client, email="hana@example.test", password=PASSWORD).status_code == 303
    page = client.get("/oncall/alerts")
    assert page.status_code == 200
    assert "Kidnapping in progress" in page.text
    assert "1 delivered, 0 failed" in page.text and "Ana" in page.text
    assert "Bo" in page.text  # next on call for the emergency level


def test_the_case_page_offers_to_acknowledge_its_open_page(
    client: TestClient,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    officer,  # type: ignore[no-untyped-def]
) -> None:
    record = emergency_record(received_at=utcnow().isoformat())
    case = client.post("/api/v1/requests", json=record, headers=officer.headers).json()
    assert post_login(client, email="lee@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"/console/cases/{case['id']}")
    assert "Paging now" in page.text and "New P0 emergency" in page.text
    with factory() as session:
        alert = session.scalars(select(Alert).where(Alert.request_id == case["id"])).first()
        assert alert is not None
    done = client.post(
        f"/oncall/alerts/{alert.id}/acknowledge",
        data={"csrf_token": csrf_of(page.text), "next": f"/console/cases/{case['id']}"},
        follow_redirects=True,
    )
    assert "Page acknowledged: its escalation has stopped." in done.text
    assert "Page acknowledged by Lee in the console." in done.text  # on the case's timeline
    assert "Paging now" not in done.text
