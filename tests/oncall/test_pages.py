""" "How to reach me" as people use it: add, test, reorder and remove a method; refusals beside
the field; a webhook's secret shown once; a scheduler's view of someone else; and readiness
counting a contact method as a way to reach someone on shift."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.staffing.models import StaffProfile
from exigent.staffing.readiness import check
from exigent.workflow.reachable import with_contact_method
from http_receiver import HttpReceiver
from staffing.roster_world import build, day_shift, tomorrow

PAGE = "/oncall/contacts"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


def _signed_in(client, make_account, role: Role, email: str):  # type: ignore[no-untyped-def]
    account = make_account(role, email)
    assert post_login(client, email=email, password=PASSWORD).status_code == 303
    return account, csrf_of(client.get(PAGE).text)


def _method_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-contact="(\d+)"', html)]


def test_add_test_move_and_remove_a_method(client, make_account, receiver) -> None:  # type: ignore[no-untyped-def]
    _, csrf = _signed_in(client, make_account, Role.analyst, "ana@example.test")
    empty = client.get(PAGE)
    assert empty.status_code == 200 and "How to reach me" in empty.text
    assert "data-empty" in empty.text
    added = client.post(
        PAGE,
        data={
            "csrf_token": csrf,
            "kind": "slack",
            "label": "Team room",
            "target": f"{receiver.url}/s",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    [slack_id] = _method_ids(client.get(added.headers["location"]).text)
    assert added.headers["location"].endswith(f"#contact-{slack_id}")
    client.post(
        PAGE,
        data={"csrf_token": csrf, "kind": "email", "target": "ana@example.test"},
        follow_redirects=False,
    )
    tested = client.post(
        f"{PAGE}/{slack_id}/test", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert tested.status_code == 303
    shown = client.get(tested.headers["location"]).text
    assert "Test message delivered." in shown
    assert 'data-last="ok"' in shown and "200 OK" in shown
    assert receiver.requests[0].json()["text"].startswith("*Exigent test message*")
    email_id = _method_ids(shown)[1]
    client.post(f"{PAGE}/{email_id}/move", data={"csrf_token": csrf, "direction": "up"})
    assert _method_ids(client.get(PAGE).text) == [email_id, slack_id]
    client.post(f"{PAGE}/{slack_id}/enabled", data={"csrf_token": csrf, "enabled": "false"})
    assert 'data-state="disabled"' in client.get(PAGE).text
    removed = client.post(
        f"{PAGE}/{slack_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert removed.status_code == 303
    after = client.get(removed.headers["location"]).text
    assert "Contact method removed." in after and _method_ids(after) == [email_id]


def test_a_failed_test_says_what_the_far_end_answered(client, make_account, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.script(503)
    _, csrf = _signed_in(client, make_account, Role.analyst, "ana@example.test")
    client.post(
        PAGE,
        data={
            "csrf_token": csrf,
            "kind": "webhook",
            "target": f"{receiver.url}/h",
            "secret": "a-long-enough-secret",
        },
    )
    [method_id] = _method_ids(client.get(PAGE).text)
    tested = client.post(f"{PAGE}/{method_id}/test", data={"csrf_token": csrf})
    assert "did not get through" in tested.text
    assert 'data-last="failed"' in tested.text and "503 Service Unavailable" in tested.text


def test_a_host_off_the_list_is_refused_beside_the_field(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    _, csrf = _signed_in(client, make_account, Role.analyst, "ana@example.test")
    refused = client.post(
        PAGE,
        data={"csrf_token": csrf, "kind": "webhook", "target": "https://attacker.example/collect"},
    )
    assert refused.status_code == 422
    assert 'data-error="add.target"' in refused.text
    assert "host attacker.example is not on the allowed list" in refused.text
    # What was typed is kept for correcting.
    assert 'value="https://attacker.example/collect"' in refused.text
    with factory() as session:
        assert session.scalars(select(ContactMethod)).all() == []


def test_a_made_webhook_secret_is_shown_once(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    _, csrf = _signed_in(client, make_account, Role.analyst, "ana@example.test")
    answer = client.post(
        PAGE, data={"csrf_token": csrf, "kind": "webhook", "target": "http://127.0.0.1:9/hook"}
    )
    assert answer.status_code == 200
    assert "Signing secret (shown once)" in answer.text
    with factory() as session:
        secret = session.scalars(select(ContactMethod.secret)).one()
    assert secret and secret in answer.text
    assert secret not in client.get(PAGE).text


def test_only_a_scheduler_keeps_someone_elses_methods(client, make_account) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    make_account(Role.analyst, "ben@example.test")
    make_account(Role.scheduler, "kim@example.test")
    assert post_login(client, email="ben@example.test", password=PASSWORD).status_code == 303
    assert client.get(f"{PAGE}?user={ana.user.id}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client.get(PAGE).text)})
    client.cookies.clear()
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303
    page = client.get(f"{PAGE}?user={ana.user.id}")
    assert page.status_code == 200 and "How to reach Test analyst" in page.text
    csrf = csrf_of(page.text)
    added = client.post(
        f"{PAGE}?user={ana.user.id}",
        data={"csrf_token": csrf, "kind": "email", "target": "ana@example.test"},
        follow_redirects=False,
    )
    assert added.headers["location"].startswith(f"{PAGE}?user={ana.user.id}&done=added")
    assert len(_method_ids(client.get(f"{PAGE}?user={ana.user.id}").text)) == 1
    assert _method_ids(client.get(PAGE).text) == []


def test_readiness_counts_a_contact_method_as_a_way_to_reach_someone(factory) -> None:  # type: ignore[no-untyped-def]
    with factory() as session:
        world = build(session)
        for handle in ("ana", "ben"):
            session.get(StaffProfile, world.people[handle].id).phone = None  # type: ignore[union-attr]
            day_shift(session, world.day, world.people[handle], tomorrow())
        session.add(
            ContactMethod(
                user_id=world.people["ana"].id, kind=ChannelKind.email, target="ana@example.test"
            )
        )
        session.add(
            ContactMethod(
                user_id=world.people["ben"].id,
                kind=ChannelKind.email,
                target="ben@example.test",
                enabled=False,
            )
        )
        session.flush()
        found = check(session, utcnow(), with_contact_method)
        assert [u.name for u, _ in found.unreachable] == ["Ben"]
        assert "no phone or contact method for Ben" in found.summary()
        # Without on call's answer handed down, only a phone counts.
        assert {u.name for u, _ in check(session, utcnow()).unreachable} == {"Ana", "Ben"}


def test_an_edit_to_a_refused_address_keeps_the_old_one(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    _, csrf = _signed_in(client, make_account, Role.analyst, "ana@example.test")
    client.post(PAGE, data={"csrf_token": csrf, "kind": "slack", "target": "http://127.0.0.1:9/s"})
    [method_id] = _method_ids(client.get(PAGE).text)
    refused = client.post(
        f"{PAGE}/{method_id}",
        data={"csrf_token": csrf, "label": "Room", "target": "http://10.1.2.3/internal"},
    )
    assert refused.status_code == 422
    assert f'data-error="contact-{method_id}.target"' in refused.text
    with factory() as session:
        kept = session.get(ContactMethod, method_id)
        assert (kept.target, kept.label) == ("http://127.0.0.1:9/s", "")  # type: ignore[union-attr]
