"""API tokens issued by an admin: shown once, listed without their value, revoked at once,
and held to their scopes."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from conftest import Account
from console.helpers import sign_in
from exigent.auth.models import Role
from factories import emergency_record


@pytest.fixture
def admin(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account(Role.admin)  # type: ignore[no-any-return]


def _issue(client: TestClient, admin: Account, user_id: int, **body: object):  # type: ignore[no-untyped-def]
    payload = {"user_id": user_id, "name": "gateway", "days": 30} | body
    return client.post("/api/v1/admin/tokens", json=payload, headers=admin.headers)


def test_a_token_is_shown_once_listed_by_prefix_and_revoked_at_once(
    client: TestClient, admin: Account, officer: Account
) -> None:
    issued = _issue(client, admin, officer.user.id)
    assert issued.status_code == 201, issued.text
    token, details = issued.json()["token"], issued.json()["details"]
    assert token.startswith("exg_") and details["prefix"] == token[:10]
    assert details["expires_at"] and details["scopes"] is None
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).json()["email"] == officer.user.email

    listed = client.get(
        "/api/v1/admin/tokens", params={"user_id": officer.user.id}, headers=admin.headers
    )
    assert token not in listed.text
    [row] = [t for t in listed.json() if t["id"] == details["id"]]
    assert row["owner"] == officer.user.email and row["last_used_at"] is not None
    assert row["created_by_id"] == admin.user.id

    revoked = client.post(f"/api/v1/admin/tokens/{details['id']}/revoke", headers=admin.headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    # Refused on the very next call, though the token was cached a moment ago.
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401


def test_bad_token_requests_name_their_field(
    client: TestClient, admin: Account, analyst: Account
) -> None:
    too_long = _issue(client, admin, analyst.user.id, days=400)
    assert too_long.status_code == 422 and too_long.json()["error"].startswith("days")
    no_expiry = client.post(
        "/api/v1/admin/tokens",
        json={"user_id": analyst.user.id, "name": "x"},
        headers=admin.headers,
    )
    assert no_expiry.status_code == 422 and no_expiry.json()["error"].startswith("days")
    beyond_role = _issue(client, admin, analyst.user.id, scopes=["users.manage"])
    assert beyond_role.status_code == 422 and beyond_role.json()["field"] == "scopes"


def test_a_token_scoped_to_request_create_submits_but_cannot_read_cases(
    client: TestClient, admin: Account, analyst: Account
) -> None:
    issued = _issue(client, admin, analyst.user.id, scopes=["request.create"])
    assert issued.json()["details"]["scopes"] == ["request.create"]
    scoped = {"Authorization": f"Bearer {issued.json()['token']}"}
    created = client.post("/api/v1/requests", json=emergency_record(), headers=scoped)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]

    listed = client.get("/api/v1/requests", headers=scoped)
    assert listed.status_code == 200 and listed.json()["items"] == []
    assert client.get(f"/api/v1/requests/{case_id}", headers=scoped).status_code == 404
    # The same person's unscoped token sees the case; the scoped one is refused other work.
    everyone = client.get("/api/v1/requests", headers=analyst.headers).json()["items"]
    assert [c["id"] for c in everyone] == [case_id]
    note = client.post(f"/api/v1/requests/{case_id}/notes", json={"body": "hello"}, headers=scoped)
    assert note.status_code in (403, 404)
    # A second call, answered from the token cache, is held to the same scopes.
    assert client.get("/api/v1/requests", headers=scoped).json()["items"] == []


def test_an_admin_issues_and_revokes_a_token_from_the_pages(
    client: TestClient, admin: Account, officer: Account
) -> None:
    csrf = sign_in(client, admin.user.email)
    page = client.post(
        f"/console/admin/users/{officer.user.id}/tokens",
        data={
            "csrf_token": csrf,
            "name": "portal bridge",
            "days": "90",
            "limited": "1",
            "scopes": ["request.create", "document.upload"],
        },
    )
    assert page.status_code == 200, page.text
    token = re.search(r'id="issued-token">(exg_[^<]+)<', page.text)
    assert token, page.text
    bearer = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 200
    listing = client.get("/console/admin/tokens")
    assert "portal bridge" in listing.text and token.group(1) not in listing.text
    token_id = re.search(r"/console/admin/tokens/(\d+)/revoke", listing.text)
    assert token_id
    done = client.post(
        f"/console/admin/tokens/{token_id.group(1)}/revoke", data={"csrf_token": csrf}
    )
    assert done.status_code == 200 and "Token revoked" in done.text
    assert client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    bad = client.post(
        f"/console/admin/users/{officer.user.id}/tokens",
        data={"csrf_token": csrf, "name": "x", "days": "0"},
    )
    assert bad.status_code == 422 and "between 1 and 365" in bad.text
