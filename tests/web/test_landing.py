"""Every role has a home: where sign-in lands, the navigation and sign-out on every page
(error pages too), and no form offered to a role that may not use it."""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD
from console.helpers import post_login
from exigent.auth.models import Role
from legal.flows import create_case

LANDING = {
    Role.analyst: "/console",
    Role.lead: "/console",
    Role.legal: "/console",
    Role.admin: "/console/admin/users",
    Role.auditor: "/console/audit",
    Role.leadership: "/console/analytics",
    Role.scheduler: "/staffing",
}


def _nav(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav, "the page has no main navigation"
    return re.findall(r'href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("role", list(LANDING))
def test_each_role_lands_on_a_page_of_its_own_with_navigation_and_sign_out(  # type: ignore[no-untyped-def]
    client, make_account, role: Role
) -> None:
    account = make_account(role)
    signed_in = post_login(client, email=account.user.email, password=PASSWORD)
    assert signed_in.headers["location"] == LANDING[role]
    page = client.get(LANDING[role])
    assert page.status_code == 200, page.text
    assert 'action="/logout"' in page.text and f"{account.user.name} · {role}" in page.text
    links = _nav(page.text)
    assert LANDING[role] in links
    # Every place offered opens for this role: no link in the navigation answers 403.
    for link in links:
        assert client.get(link).status_code == 200, link


def test_leadership_lands_on_the_dashboards_and_keeps_its_start_page(  # type: ignore[no-untyped-def]
    client, make_account
) -> None:
    leadership = make_account(Role.leadership)
    post_login(client, email=leadership.user.email, password=PASSWORD)
    links = _nav(client.get("/console/analytics").text)
    assert links[0] == "/console/home" and "/console/analytics" in links
    analyst = make_account(Role.analyst)
    post_login(client, email=analyst.user.email, password=PASSWORD)
    assert "/console/home" not in _nav(client.get("/console").text)


def test_the_start_page_says_what_the_role_can_do(client, make_account) -> None:  # type: ignore[no-untyped-def]
    leadership = make_account(Role.leadership)
    post_login(client, email=leadership.user.email, password=PASSWORD)
    home = client.get("/console/home").text
    assert "critical-event briefs arrive by email" in home
    assert "You can read every case but not change one" in home
    assert 'href="/console"' in home and 'href="/console/policy"' in home
    assert 'href="/wellbeing/team"' not in home and 'href="/console/admin/users"' not in home


def test_an_explicit_return_address_still_wins(client, make_account) -> None:  # type: ignore[no-untyped-def]
    auditor = make_account(Role.auditor)
    answer = post_login(client, email=auditor.user.email, password=PASSWORD, next="/console")
    assert answer.headers["location"] == "/console"


@pytest.mark.parametrize("role", [Role.leadership, Role.auditor])
def test_readers_see_no_form_they_cannot_use_on_a_case(  # type: ignore[no-untyped-def]
    client, make_account, analyst, role: Role
) -> None:
    case = create_case(client, analyst)
    reader = make_account(role)
    post_login(client, email=reader.user.email, password=PASSWORD)
    page = client.get(f"/console/cases/{case['id']}").text
    assert "Timeline and notes" in page
    assert 'class="note-form"' not in page
    assert not re.search(r'<form method="post" action="/console/cases/', page)
    for panel in ("production", "notices"):
        fragment = client.get(f"/console/cases/{case['id']}/{panel}").text
        assert 'method="post"' not in fragment, panel


def test_analysts_keep_the_note_form(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    post_login(client, email=analyst.user.email, password=PASSWORD)
    assert 'class="note-form"' in client.get(f"/console/cases/{case['id']}").text


def test_a_missing_page_keeps_the_navigation_of_whoever_is_signed_in(  # type: ignore[no-untyped-def]
    client, make_account
) -> None:
    scheduler = make_account(Role.scheduler)
    anonymous = client.get("/no/such/page")
    assert anonymous.status_code == 404 and 'href="/login"' in anonymous.text
    post_login(client, email=scheduler.user.email, password=PASSWORD)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert _nav(missing.text) == [
        "/wellbeing/team",
        "/console/analytics",
        "/staffing",
        "/staffing/roster",
        "/staffing/mine",
        "/oncall/alerts",
    ]
    assert 'action="/logout"' in missing.text and "Back to your start page" in missing.text


def test_a_form_sent_without_its_token_is_refused_on_a_page_with_navigation(  # type: ignore[no-untyped-def]
    client, analyst
) -> None:
    case = create_case(client, analyst)
    post_login(client, email=analyst.user.email, password=PASSWORD)
    refused = client.post(f"/console/cases/{case['id']}/notes", data={"body": "hello"})
    assert refused.status_code == 403 and "security token" in refused.text
    assert "/console" in _nav(refused.text) and 'action="/logout"' in refused.text
