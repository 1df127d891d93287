"""Inviting, disabling, re-roling and resetting staff, as an admin would notice it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.flows import NEW_PASSWORD, invite_by_page, link_for, set_up, sign_in_with_code
from conftest import Account
from console.helpers import post_login, sign_in
from exigent.admin import api, pages, service, token_pages
from exigent.app import create_app
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role, User
from exigent.config import Settings
from exigent.db import utcnow
from exigent.errors import Conflict
from mail_relay import MailRelay

INVITEE = "riley.stone@example.test"


@pytest.fixture
def admin(make_account) -> Account:  # type: ignore[no-untyped-def]
    return make_account(Role.admin)  # type: ignore[no-any-return]


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[TestClient]:
    """The production rule: staff cannot sign in without an authenticator."""
    app = create_app(
        settings.model_copy(update={"staff_second_factor": "required"}), run_worker=False
    )
    with TestClient(app) as test_client:
        yield test_client


def test_an_invitee_sets_up_from_the_mailed_link_and_signs_in_with_a_code(
    client: TestClient, admin: Account, mailbox: MailRelay, db
) -> None:  # type: ignore[no-untyped-def]
    invited = invite_by_page(client, admin.user.email, INVITEE)
    assert invited.status_code == 303, invited.text
    assert "Invitation sent" in client.get(invited.headers["location"]).text
    user = db.execute(select(User).where(User.email == INVITEE)).scalar_one()
    assert user.password_hash is None and user.role == Role.analyst and user.us_data_cleared
    db.rollback()  # SQLite: a test's open transaction would hold the write lock
    path = link_for(mailbox, INVITEE)

    client.cookies.clear()
    # Opening the link (as a mail scanner does) changes nothing.
    assert client.get(path).status_code == 200
    assert db.get(User, user.id).password_hash is None  # type: ignore[union-attr]
    db.rollback()
    short = client.post(f"{path}/password", data={"password": "short", "password_again": "short"})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    secret = set_up(client, path)
    # The link works once.
    assert client.get(path).status_code == 410

    assert post_login(client, email=INVITEE, password=NEW_PASSWORD).status_code == 422
    signed = sign_in_with_code(client, INVITEE, secret)
    assert signed.status_code == 303, signed.text
    assert client.get("/console").status_code == 200
    listed = client.get("/api/v1/admin/users", headers=admin.headers).json()
    [row] = [u for u in listed if u["email"] == INVITEE]
    assert row["authenticator"] is True and row["last_sign_in_at"] is not None


def test_the_api_names_the_field_it_refuses(client: TestClient, admin: Account, mailbox) -> None:  # type: ignore[no-untyped-def]
    def invite(**body: object):  # type: ignore[no-untyped-def]
        base = {"email": INVITEE, "name": "Riley", "role": "analyst", "timezone": "UTC"}
        return client.post("/api/v1/admin/users", json=base | body, headers=admin.headers)

    assert "role" in invite(role="requester").json()["error"]
    assert invite(role="requester").status_code == 422
    assert invite(timezone="Mars/Olympus").json()["error"].startswith("timezone")
    assert invite(email="not-an-address").json()["error"].startswith("email")
    assert invite().status_code == 201
    again = invite()
    assert again.status_code == 409 and again.json()["field"] == "email"


def test_an_analyst_is_refused_every_admin_route(client: TestClient, analyst: Account) -> None:
    routes = [
        (method, route.path.replace("{user_id}", "1").replace("{token_id}", "1"))
        for router in (api.router, pages.router, token_pages.router)
        for route in router.routes
        for method in route.methods  # type: ignore[attr-defined]
    ]
    assert len(routes) >= 14
    csrf = sign_in(client, analyst.user.email)
    for method, path in routes:
        if path.startswith("/api/"):
            answer = client.request(method, path, json={}, headers=analyst.headers)
            assert answer.status_code == 403, (method, path, answer.text)
            assert "users.manage" in answer.json()["error"]
        else:
            answer = client.request(method, path, data={"csrf_token": csrf})
            assert answer.status_code == 403, (method, path)
            assert answer.headers["content-type"].startswith("text/html")
    assert 'href="/console/admin/users"' not in client.get("/console").text


def test_disabling_ends_a_live_session_at_once(
    client: TestClient, admin: Account, analyst: Account
) -> None:
    sign_in(client, analyst.user.email)
    assert client.get("/console").status_code == 200
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200
    answer = client.post(f"/api/v1/admin/users/{analyst.user.id}/disable", headers=admin.headers)
    assert answer.status_code == 200 and answer.json()["is_active"] is False
    assert client.get("/console", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 401
    enabled = client.post(f"/api/v1/admin/users/{analyst.user.id}/enable", headers=admin.headers)
    assert enabled.json()["is_active"] is True
    assert client.get("/api/v1/auth/me", headers=analyst.headers).status_code == 200


def test_role_changes_are_audited_and_an_admin_is_always_left(
    client: TestClient, admin: Account, analyst: Account, db
) -> None:  # type: ignore[no-untyped-def]
    changed = client.post(
        f"/api/v1/admin/users/{analyst.user.id}/role", json={"role": "lead"}, headers=admin.headers
    )
    assert changed.status_code == 200 and changed.json()["role"] == "lead"
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "user.role")).scalar_one()
    assert event.actor_id == admin.user.id and event.object_id == str(analyst.user.id)
    db.rollback()
    own = client.post(
        f"/api/v1/admin/users/{admin.user.id}/role", json={"role": "lead"}, headers=admin.headers
    )
    assert own.status_code == 409
    # Whoever else acts (two admins demoting each other at once), the last admin stays.
    with pytest.raises(Conflict, match="last active admin"):
        service.change_role(
            db, actor=analyst.user, user_id=admin.user.id, role="lead", now=utcnow()
        )
    db.rollback()
    with pytest.raises(Conflict, match="last active admin"):
        service.set_active(
            db, actor=analyst.user, user_id=admin.user.id, active=False, now=utcnow()
        )


def test_a_reset_second_factor_must_be_set_up_again(
    strict_client: TestClient, admin: Account, mailbox: MailRelay
) -> None:
    client = strict_client
    made = client.post(
        "/api/v1/admin/users",
        json={"email": INVITEE, "name": "Riley", "role": "legal"},
        headers=admin.headers,
    )
    assert made.status_code == 201 and made.json()["mail_problem"] is None
    user_id = made.json()["user"]["id"]
    secret = set_up(client, link_for(mailbox, INVITEE))
    assert sign_in_with_code(client, INVITEE, secret).status_code == 303
    assert client.get("/console").status_code == 200

    reset = client.post(f"/api/v1/admin/users/{user_id}/second-factor/reset", headers=admin.headers)
    assert reset.status_code == 200 and reset.json()["user"]["authenticator"] is False
    # The session ended, and the password alone opens nothing.
    assert client.get("/console", follow_redirects=False).status_code == 303
    refused = post_login(client, email=INVITEE, password=NEW_PASSWORD)
    assert refused.status_code == 403 and "set-up link" in refused.text
    new_secret = set_up(client, link_for(mailbox, INVITEE))
    assert new_secret != secret
    assert sign_in_with_code(client, INVITEE, new_secret).status_code == 303
