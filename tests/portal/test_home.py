"""The officer's home with many requests: productions to download first, then their requests,
open ones first, found by reference, case number or status, 25 to a page; never another
officer's. And the team's phone number on every portal page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import Account
from exigent.cases.models import Request, format_reference
from exigent.config import Settings
from exigent.platform_data.generate import generate_one
from legal.flows import (
    approve,
    items_for,
    legal_view,
    put_decision,
    submit,
    to_review,
    verify_requester,
)
from mail_relay import MailRelay
from portal.conftest import Portal, sign_up
from portal.test_requests import case_id, emergency_form
from portal.test_requests import submit as portal_submit
from production.conftest import STORE_NOW

ROW = re.compile(r'data-request="(\d+)"')


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    store = tmp_path / "platform.db"
    generate_one(store, username="night.owl.77", records=40, now=STORE_NOW, days=60)
    # Thirty requests in one test: more than a new account's hourly allowance.
    return settings.model_copy(
        update={
            "intake_limit_unverified": 100,
            "team_phone": "+1 555 0100",
            "platform_store": store,
        }
    )


@pytest.fixture
def portal(client: TestClient, mailbox: MailRelay) -> Portal:
    return sign_up(client, mailbox)


def send(client: TestClient, count: int) -> list[int]:
    return [
        case_id(
            portal_submit(
                client,
                "emergency",
                emergency_form(idempotency_key=f"k-{n}", case_number=f"26-{n:05d}"),
            )
        )
        for n in range(count)
    ]


def rows(client: TestClient, **params: str) -> list[int]:
    page = client.get("/portal/home", params=params)
    assert page.status_code == 200, page.text
    return [int(n) for n in ROW.findall(page.text)]


def test_requests_come_25_to_a_page_open_ones_first(client, portal, factory) -> None:  # type: ignore[no-untyped-def]
    numbers = send(client, 30)
    closed = numbers[-1]  # the newest, yet listed after every open one
    with factory() as session:
        session.execute(update(Request).where(Request.id == closed).values(status="closed"))
        session.commit()
    first = client.get("/portal/home")
    assert "Page 1 of 2" in first.text and "30 requests" in first.text
    open_newest_first = sorted(numbers[:-1], reverse=True)
    assert rows(client) == open_newest_first[:25]
    assert rows(client, page="2") == [*open_newest_first[25:], closed]
    assert rows(client, status="closed") == [closed]
    assert closed not in rows(client, status="in-review")


def test_a_request_is_found_by_reference_or_case_number(client, portal) -> None:  # type: ignore[no-untyped-def]
    numbers = send(client, 3)
    assert rows(client, q="26-00001") == [numbers[1]]
    assert rows(client, q=format_reference(numbers[2])) == [numbers[2]]
    assert rows(client, q=format_reference(numbers[2]).lower()) == [numbers[2]]
    nothing = client.get("/portal/home", params={"q": "no such case"})
    assert "None of your requests matches" in nothing.text


def test_another_officers_requests_are_never_found(client, portal, mailbox) -> None:  # type: ignore[no-untyped-def]
    mine = send(client, 1)
    with TestClient(client.app) as other:
        sign_up(other, mailbox, email="jdoe@chicagopolice.org", name="J Doe")
        assert rows(other) == []
        assert rows(other, q=format_reference(mine[0])) == []
        assert rows(other, q="26-00000") == []


def test_a_bad_search_is_named_on_the_page_not_answered_as_json(client, portal) -> None:  # type: ignore[no-untyped-def]
    send(client, 1)
    for params, field in (({"page": "x"}, "page"), ({"status": "lost"}, "status")):
        page = client.get("/portal/home", params=params)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert f"{field}: " in page.text
        assert len(ROW.findall(page.text)) == 1  # and the requests are still listed


def test_productions_ready_to_download_come_before_the_requests(  # type: ignore[no-untyped-def]
    client, portal, analyst: Account, lead: Account, factory
) -> None:
    number = send(client, 1)[0]
    to_review(client, analyst, number)
    items = items_for(legal_view(client, analyst, number))
    assert put_decision(client, analyst, number, items).status_code == 200
    assert submit(client, analyst, number).status_code == 200
    verify_requester(client, analyst, factory, number)
    assert approve(client, lead, number).status_code == 200
    built = client.post(f"/api/v1/requests/{number}/productions", json={}, headers=analyst.headers)
    assert built.status_code == 201, built.text
    production = built.json()
    client.post(f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers)
    home = client.get("/portal/home").text
    ready = home.index("Productions ready to download")
    assert ready < home.index("/download") < home.index('id="h-requests"')


def test_every_portal_page_gives_the_teams_number(client, portal) -> None:  # type: ignore[no-untyped-def]
    for path in ("/portal/home", "/portal/requests/new", "/portal/requests/new/subpoena"):
        assert 'href="tel:+15550100"' in client.get(path).text, path
    client.cookies.clear()
    assert 'href="tel:+15550100"' in client.get("/portal/sign-in").text
    emergency = client.get("/portal/sign-in")
    assert "If a life is at risk now" not in emergency.text


def test_the_emergency_form_says_to_call_as_well(client, portal) -> None:  # type: ignore[no-untyped-def]
    form = client.get("/portal/requests/new/emergency").text
    assert re.search(r"If a life is at risk now, also call .*tel:\+15550100", form, re.S)
