"""Intake allowance per account: emergencies are always accepted (over the allowance they are
flagged for review); anything else over it is refused with 429 and when to try again."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from exigent.app import create_app
from exigent.cases.models import TrustStatus
from exigent.config import Settings
from exigent.intake.ratelimit import FLAGGED_HEADER
from exigent.models import AuditEvent, Request, Requester, TimelineEvent
from factories import emergency_record, subpoena_record
from portal.conftest import csrf_of, portal  # noqa: F401 - the signed-in portal fixture

UNVERIFIED = 3
VERIFIED = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"intake_limit_unverified": UNVERIFIED, "intake_limit_verified": VERIFIED}
    )


def cases(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.execute(select(func.count()).select_from(Request)).scalar_one()


def flags(factory: sessionmaker[Session]) -> tuple[list[TimelineEvent], list[AuditEvent]]:
    with factory() as session:
        notes = session.scalars(select(TimelineEvent).where(TimelineEvent.kind == "rate_flagged"))
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.rate_flagged")
        )
        return list(notes), list(events)


def fill_allowance(client: TestClient, account, n: int = UNVERIFIED) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        answer = client.post("/api/v1/requests", json=subpoena_record(), headers=account.headers)
        assert answer.status_code == 201, answer.text
        assert FLAGGED_HEADER not in answer.headers


def test_a_subpoena_over_the_allowance_is_refused_with_when_to_retry(client, officer, factory):
    fill_allowance(client, officer)
    response = client.post("/api/v1/requests", json=subpoena_record(), headers=officer.headers)
    assert response.status_code == 429
    body = response.json()
    assert body["field"] == "rate_limit"
    assert body["limit"] == UNVERIFIED and body["window_seconds"] == 3600
    assert body["error"].startswith(
        "rate_limit: this account has sent 3 requests per hour for an unverified account"
    )
    assert "An emergency is always accepted" in body["error"]
    wait = int(response.headers["Retry-After"])
    assert 3500 < wait <= 3600  # the oldest of the three leaves the window in about an hour
    assert cases(factory) == UNVERIFIED


def test_an_emergency_over_the_allowance_is_accepted_and_flagged(client, officer, analyst, factory):
    fill_allowance(client, officer)
    response = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    assert response.status_code == 201, response.text
    assert response.json()["priority"] == "P0"
    assert "flagged for review" in response.headers[FLAGGED_HEADER]
    notes, events = flags(factory)
    [note], [event] = notes, events
    case_id = response.json()["id"]
    assert note.request_id == case_id and not note.visible_to_requester
    assert "Accepted because it is an emergency" in (note.body or "")
    assert event.object_id == str(case_id)
    assert event.detail["limit"] == UNVERIFIED and event.detail["recent"] == UNVERIFIED
    # Staff see the flag on the case's timeline; the officer does not.
    staff_view = client.get(f"/api/v1/requests/{case_id}/timeline", headers=analyst.headers)
    assert "rate_flagged" in [entry["kind"] for entry in staff_view.json()]
    officer_view = client.get(f"/api/v1/requests/{case_id}/timeline", headers=officer.headers)
    assert "rate_flagged" not in [entry["kind"] for entry in officer_view.json()]


def test_the_unverified_attack_is_all_accepted_as_emergencies_and_flagged(client, officer, factory):
    """The attack of 200 P0 cases in 1.6 s, in small: none is refused, the excess is flagged."""
    statuses, flagged = [], 0
    for _ in range(UNVERIFIED + 4):
        answer = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
        statuses.append(answer.status_code)
        flagged += FLAGGED_HEADER in answer.headers
    assert statuses == [201] * (UNVERIFIED + 4)
    assert flagged == 4
    assert [len(found) for found in flags(factory)] == [4, 4]


def test_a_retry_over_the_allowance_is_answered_with_its_case(client, officer, factory):
    record = subpoena_record()
    headers = {**officer.headers, "Idempotency-Key": "sub-1"}
    first = client.post("/api/v1/requests", json=record, headers=headers)
    fill_allowance(client, officer, UNVERIFIED - 1)
    again = client.post("/api/v1/requests", json=record, headers=headers)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    emergency = emergency_record(id="EDR-R")
    over = client.post("/api/v1/requests", json=emergency, headers=officer.headers)
    replay = client.post("/api/v1/requests", json=emergency, headers=officer.headers)
    assert over.status_code == 201 and FLAGGED_HEADER in over.headers
    assert replay.status_code == 200 and FLAGGED_HEADER not in replay.headers
    assert [len(found) for found in flags(factory)] == [1, 1]  # one flag, not one per retry


def test_a_verified_requester_has_the_higher_allowance(client, officer, factory):
    with factory() as session:
        session.execute(
            update(Requester)
            .where(Requester.id == officer.user.requester_id)
            .values(status=TrustStatus.verified)
        )
        session.commit()
    fill_allowance(client, officer, VERIFIED)
    refused = client.post("/api/v1/requests", json=subpoena_record(), headers=officer.headers)
    assert refused.status_code == 429
    assert "5 requests per hour for a verified account" in refused.json()["error"]


def test_staff_are_not_limited(client, analyst, factory):
    fill_allowance(client, analyst, VERIFIED + 2)
    assert cases(factory) == VERIFIED + 2


def test_a_burst_in_one_process_is_counted_whole(client, officer, factory):
    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            posts = [
                http.post("/api/v1/requests", json=subpoena_record(), headers=officer.headers)
                for _ in range(8)
            ]
            return list(await asyncio.gather(*posts))

    with ThreadPoolExecutor(max_workers=1) as thread:
        responses = thread.submit(asyncio.run, burst()).result()
    assert sorted(r.status_code for r in responses) == [201] * UNVERIFIED + [429] * 5
    assert cases(factory) == UNVERIFIED


def test_the_allowance_holds_across_web_processes(client, officer, settings, factory):
    """Two apps on one database, as two `exigent serve` processes: the count is the database's."""
    fill_allowance(client, officer, UNVERIFIED - 1)
    with TestClient(create_app(settings, run_worker=False)) as other:
        fill_allowance(other, officer, 1)
        refused = other.post("/api/v1/requests", json=subpoena_record(), headers=officer.headers)
    assert refused.status_code == 429
    refused_here = client.post("/api/v1/requests", json=subpoena_record(), headers=officer.headers)
    assert refused_here.status_code == 429
    assert cases(factory) == UNVERIFIED


def submit_form(client: TestClient, kind: str, form: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get(f"/portal/requests/new/{kind}")
    assert page.status_code == 200, page.text
    data = {**form, "csrf_token": csrf_of(page.text)}
    return client.post(f"/portal/requests/new/{kind}", data=data, follow_redirects=False)


def portal_form(key: str, **extra: object) -> dict[str, object]:
    return {
        "idempotency_key": key,
        "target_type": ["username"],
        "target_value": ["night.owl.77"],
        "case_number": "26-00042",
        **extra,
    }


EMERGENCY = {
    "emergency_nature": "suicide_self_harm",
    "emergency_facts": "The user posted a goodbye note and a photo of pills at 01:40.",
    "emergency_persons_at_risk": "The account holder, believed 19",
    "emergency_why_no_legal_process": "A warrant takes hours; the risk is now.",
    "emergency_how_data_helps": "Recent sign-in IPs locate the home for a welfare check.",
    "data_requested": ["subscriber_info"],
    "attestation": "yes",
}


@pytest.mark.usefixtures("portal")  # an officer signed in to the portal, not yet verified
def test_the_portal_refuses_a_form_over_the_allowance_on_the_form(client, factory):
    for n in range(UNVERIFIED):
        sent = submit_form(client, "preservation", portal_form(f"p-{n}"))
        assert sent.status_code == 303, sent.text
    refused = submit_form(client, "preservation", portal_form("p-over"))
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")
    assert int(refused.headers["Retry-After"]) > 0
    assert "The request was not sent" in refused.text
    said = r"3 requests per hour for an unverified account; try again in \d+ minutes"
    assert re.search(said, refused.text)
    assert 'value="26-00042"' in refused.text  # what the officer typed is kept
    # A double-click of a form already sent is still shown its case.
    again = submit_form(client, "preservation", portal_form("p-0"))
    assert again.status_code == 303
    # An emergency is accepted, and flagged for review.
    emergency = submit_form(client, "emergency", portal_form("e-over", **EMERGENCY))
    assert emergency.status_code == 303, emergency.text
    assert cases(factory) == UNVERIFIED + 1
    assert [len(found) for found in flags(factory)] == [1, 1]
