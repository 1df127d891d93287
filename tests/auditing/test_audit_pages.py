"""The audit log viewer as a browser and a program see it: who may open it, its filters, its
pages, the chain's verification, and every look at it on the record."""

from __future__ import annotations

import re
import time

import pytest

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.auth.models import Role
from legal.flows import audit_actions, audit_detail, create_case


def _sign_in(client, email: str) -> None:  # type: ignore[no-untyped-def]
    answer = post_login(client, email=email, password=PASSWORD)
    assert answer.status_code == 303, answer.text


def _rows(html: str) -> list[tuple[str, str]]:
    """(kind, action) of each entry shown, in order."""
    return re.findall(r'data-kind="(\w+)" data-action="([\w.]+)"', html)


@pytest.fixture
def auditor(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.auditor)


def test_the_auditor_lands_on_the_log_and_sees_reads_and_changes(  # type: ignore[no-untyped-def]
    client, analyst, auditor, factory
) -> None:
    case = create_case(client, analyst)
    client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers)
    landing = post_login(client, email=auditor.user.email, password=PASSWORD)
    assert landing.headers["location"] == "/console/audit"
    page = client.get("/console/audit")
    assert page.status_code == 200
    kinds = {kind for kind, _ in _rows(page.text)}
    assert {"read", "change"} <= kinds
    assert f'href="/console/cases/{case["id"]}"' in page.text
    assert "Not verified yet" in page.text
    assert 'action="/logout"' in page.text
    # The look is on the record, with what it asked for.
    assert audit_actions(factory)[-1] == "audit.read"
    assert audit_detail(factory, "audit.read")["filter"] == {}


def test_filters_by_case_and_actor_show_that_trail_only(  # type: ignore[no-untyped-def]
    client, analyst, lead, auditor, factory
) -> None:
    first = create_case(client, analyst)
    second = create_case(client, analyst)
    client.get(f"/api/v1/requests/{first['id']}", headers=lead.headers)
    client.get(f"/api/v1/requests/{second['id']}", headers=analyst.headers)
    _sign_in(client, auditor.user.email)
    reference = f"EXG-{first['id']:07d}"
    by_case = client.get("/console/audit", params={"case": reference})
    assert by_case.status_code == 200
    cases = set(re.findall(r'href="/console/cases/(\d+)"', by_case.text))
    assert cases == {str(first["id"])}
    by_lead = client.get(
        "/console/audit", params={"case": reference, "actor": lead.user.email, "kind": "read"}
    )
    assert _rows(by_lead.text) == [("read", "request.read")]
    assert "Test lead" in by_lead.text
    # Looking at a case's trail joins that case's trail.
    assert audit_detail(factory, "audit.read")["request_id"] == first["id"]
    trail = client.get("/console/audit", params={"case": reference, "action": "audit.read"})
    assert [action for _, action in _rows(trail.text)] == ["audit.read", "audit.read"]


def test_a_bad_filter_says_which_field(client, auditor) -> None:  # type: ignore[no-untyped-def]
    _sign_in(client, auditor.user.email)
    page = client.get("/console/audit", params={"case": "EXG-12x", "actor": "x@y"})
    assert page.status_code == 422
    assert "case: &#39;EXG-12x&#39; is not a case reference" in page.text
    assert 'id="f-case" name="case" value="EXG-12x"' in page.text
    assert 'aria-invalid="true"' in page.text
    forged = client.get("/console/audit", params={"cursor": "made-up"})
    assert forged.status_code == 422 and "cursor:" in forged.text


def test_older_pages_follow_the_cursor_without_repeats(  # type: ignore[no-untyped-def]
    client, analyst, auditor
) -> None:
    case = create_case(client, analyst)
    for _ in range(60):
        client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers)
    _sign_in(client, auditor.user.email)
    first = client.get("/console/audit", params={"action": "request.read"})
    seqs = re.findall(r'data-seq="(\d+)"', first.text)
    assert len(seqs) == 50
    older = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&"))
    more = re.findall(r'data-seq="(\d+)"', second.text)
    assert len(more) == 10 and not set(more) & set(seqs)
    assert int(more[0]) < int(seqs[-1])
    assert 'rel="next"' not in second.text and "Newest entries" in second.text


@pytest.mark.parametrize("role", [Role.analyst, Role.lead, Role.leadership, Role.scheduler])
def test_roles_without_audit_read_get_a_403_page_and_no_link(  # type: ignore[no-untyped-def]
    client, make_account, role: Role
) -> None:
    account = make_account(role)
    _sign_in(client, account.user.email)
    page = client.get("/console/audit")
    assert page.status_code == 403 and "audit.read" in page.text
    assert 'href="/console/audit"' not in page.text
    assert client.get("/api/v1/audit/events", headers=account.headers).status_code == 403


@pytest.mark.parametrize("role", [Role.legal, Role.admin])
def test_legal_and_admins_may_read_the_log_too(client, make_account, role: Role) -> None:  # type: ignore[no-untyped-def]
    account = make_account(role)
    _sign_in(client, account.user.email)
    home = client.get("/console/home")
    assert 'href="/console/audit"' in home.text
    assert client.get("/console/audit").status_code == 200


def test_verifying_the_chain_from_the_page(client, analyst, auditor) -> None:  # type: ignore[no-untyped-def]
    create_case(client, analyst)
    _sign_in(client, auditor.user.email)
    csrf = csrf_of(client.get("/console/audit").text)
    started = client.post(
        "/console/audit/checks", headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert started.status_code == 200
    assert 'id="chain"' in started.text and "Not started" not in started.text, started.text
    panel = started.text
    deadline = time.monotonic() + 60
    while "data-chain-running" in panel and time.monotonic() < deadline:
        time.sleep(0.1)
        panel = client.get("/console/audit/chain").text
    assert 'data-chain-state="intact"' in panel, panel
    assert auditor.user.email in panel
    without_token = client.post("/console/audit/checks", follow_redirects=False)
    assert without_token.status_code == 403


def test_the_api_reads_the_log_and_the_chain(client, analyst, auditor) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    for _ in range(2):
        client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers)
    answer = client.get(
        "/api/v1/audit/events",
        params={"case": case["id"], "kind": "read", "limit": 1},
        headers=auditor.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [item["action"] for item in body["items"]] == ["request.read"]
    assert body["items"][0]["actor"] == analyst.user.email
    assert body["items"][0]["case_reference"] == f"EXG-{case['id']:07d}"
    assert body["next_cursor"]
    bad = client.get("/api/v1/audit/events", params={"since": "soon"}, headers=auditor.headers)
    assert bad.status_code == 422 and bad.json()["field"] == "since"
    started = client.post("/api/v1/audit/checks", headers=auditor.headers)
    assert started.status_code == 202
    client.app.state.chain_checker.wait(20)  # type: ignore[attr-defined]
    chain = client.get("/api/v1/audit/chain", headers=auditor.headers).json()
    assert chain["last"]["intact"] is True and chain["running"] is None
