"""Contact methods under attack: URLs that would carry a page somewhere else, a test message
used to read or probe what answers inside the network, secrets in the audit log, mentions
smuggled into Slack, header injection into email, flooding, and another person's methods
reached through the page forms."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.config import Settings
from exigent.legal.models import Notification
from exigent.oncall.addresses import url_problem
from exigent.oncall.channels import Message
from exigent.oncall.contacts import METHODS_MAX, TESTS_PER_WINDOW
from exigent.oncall.models import ContactMethod
from exigent.oncall.transports import EmailChannel, PagerDutyChannel, SlackChannel
from http_receiver import HttpReceiver
from net import free_port

API = "/api/v1/oncall/contacts"
PAGE = "/oncall/contacts"


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.allowed.test:22/x",  # an allowed host's other services
        "https://hooks.allowed.test:8443/x",
        "https://h\u043e\u043eks.allowed.test/x",  # Cyrillic look-alike letters
        "https://hooks.allow\ted.test/x",  # one parser drops the tab, another refuses it
        "https://hooks.allowed.test /x",
        "https://evil.example\\@hooks.allowed.test/x",
        "https://hooks.allowed.test@evil.example/x",
        "https://evilallowed.test/x",
        "https://hooks.allowed.test.evil.example/x",
        "https://hooks.allowed.test./x",
        "http://2130706433/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://017700000001/x",
        "https://0.0.0.0/x",
        "http://0.0.0.0:8000/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[::ffff:a9fe:a9fe]/x",
        "https://169.254.169.254/latest/meta-data",
        "ftp://hooks.allowed.test/x",
    ],
)
def test_a_url_that_could_reach_another_host_or_port_is_refused(
    client, make_account, factory, url
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    for kind in ("slack", "webhook"):
        answer = client.post(API, json={"kind": kind, "target": url}, headers=ana.headers)
        assert answer.status_code == 422, (url, answer.text)
        assert "target" in answer.text
    with factory() as session:
        assert session.scalars(select(ContactMethod)).all() == []


def test_an_allowed_host_on_the_https_port_is_still_accepted(client, make_account) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    for url in ("https://HOOKS.allowed.test/x", "https://hooks.allowed.test:443/x"):
        answer = client.post(API, json={"kind": "slack", "target": url}, headers=ana.headers)
        assert answer.status_code == 201, answer.text


def test_a_test_message_does_not_echo_what_the_far_end_said(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    inside = b'{"internal":"db-password=hunter2"}'
    ana = make_account(Role.analyst, "ana@example.test")
    with HttpReceiver(500, reply=inside) as fake:
        added = client.post(
            API, json={"kind": "slack", "target": f"{fake.url}/x"}, headers=ana.headers
        ).json()
        tested = client.post(f"{API}/{added['id']}/test", headers=ana.headers).json()
    assert tested["detail"] == "500 Internal Server Error"
    listed = client.get(API, headers=ana.headers).text
    assert "hunter2" not in listed
    with factory() as session:
        trail = session.scalars(select(AuditEvent.detail)).all()
    assert all("hunter2" not in str(detail) for detail in trail)


def test_a_closed_port_and_an_unreachable_one_read_the_same(client, make_account) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    closed = client.post(
        API,
        json={"kind": "slack", "target": f"http://127.0.0.1:{free_port()}/"},
        headers=ana.headers,
    ).json()
    tested = client.post(f"{API}/{closed['id']}/test", headers=ana.headers).json()
    assert tested["ok"] is False
    assert tested["detail"] == "could not connect or the connection failed"


def test_a_redirect_is_not_followed(client, make_account, receiver) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    with HttpReceiver() as elsewhere:
        receiver.script(307, headers={"Location": f"{elsewhere.url}/stolen"})
        added = client.post(
            API, json={"kind": "webhook", "target": f"{receiver.url}/x"}, headers=ana.headers
        ).json()
        tested = client.post(f"{API}/{added['id']}/test", headers=ana.headers).json()
        assert elsewhere.requests == []
    assert tested["ok"] is False and tested["status"] == 307


def test_a_pagerduty_url_setting_off_the_allowed_list_is_never_called(settings) -> None:  # type: ignore[no-untyped-def]
    for url in ("https://10.0.0.5/v2/enqueue", "https://events.pagerduty.com:8080/v2/enqueue"):
        moved = settings.model_copy(update={"pagerduty_events_url": url})
        delivery = PagerDutyChannel("abc123", moved).send(Message(subject="P0", text="x"))
        assert delivery.ok is False and delivery.retry is False
        assert delivery.detail.startswith("not sent: the URL")


def test_slack_mentions_and_links_in_case_text_arrive_as_plain_text(
    settings: Settings, receiver: HttpReceiver
) -> None:
    text = "Help <!channel> <!here> <@U024BE7LH> <https://evil.example|the case> & more"
    delivery = SlackChannel(f"{receiver.url}/s", settings).send(
        Message(subject="<!everyone> P0", text=text)
    )
    assert delivery.ok
    body = receiver.requests[0].json()
    for shown in (body["text"], body["blocks"][0]["text"]["text"]):
        assert "<!" not in shown and "<@" not in shown and "<https" not in shown
        assert "&lt;!channel&gt;" in shown and "&amp; more" in shown


def test_a_line_break_in_a_subject_cannot_add_a_header(settings, mailbox) -> None:  # type: ignore[no-untyped-def]
    delivery = EmailChannel("ana@example.test", settings).send(
        Message(subject="P0 case\r\nBcc: spy@evil.example", text="x")
    )
    assert delivery.ok, delivery.detail
    [got] = mailbox.messages
    assert got["Bcc"] is None and got["Subject"] == "P0 case Bcc: spy@evil.example"


def test_a_slack_url_and_a_routing_key_stay_out_of_the_audit_log(
    client, make_account, factory
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    token = "T0000/B0000/XXXXsecretXXXX"
    slack = client.post(
        API,
        json={"kind": "slack", "target": f"https://hooks.allowed.test/services/{token}"},
        headers=ana.headers,
    )
    assert slack.status_code == 201
    client.patch(f"{API}/{slack.json()['id']}", json={"label": "room"}, headers=ana.headers)
    client.post(
        API, json={"kind": "pagerduty", "target": "routingKEY0123456789"}, headers=ana.headers
    )
    with factory() as session:
        details = [str(d) for d in session.scalars(select(AuditEvent.detail)).all()]
    assert details and all(token not in d and "routingKEY" not in d for d in details)
    assert any("https://hooks.allowed.test/…" in d for d in details)


def test_test_messages_are_limited_per_person(client, make_account, receiver) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    added = client.post(
        API, json={"kind": "slack", "target": f"{receiver.url}/x"}, headers=ana.headers
    ).json()
    for _ in range(TESTS_PER_WINDOW):
        assert client.post(f"{API}/{added['id']}/test", headers=ana.headers).status_code == 200
    flooded = client.post(f"{API}/{added['id']}/test", headers=ana.headers)
    assert flooded.status_code == 429 and "test messages" in flooded.text
    assert len(receiver.requests) == TESTS_PER_WINDOW
    # The page says so beside the method, with the same status.
    assert post_login(client, email=ana.user.email, password=PASSWORD).status_code == 303
    csrf = csrf_of(client.get(PAGE).text)
    shown = client.post(f"{PAGE}/{added['id']}/test", data={"csrf_token": csrf})
    assert shown.status_code == 429 and "test messages in 10 minutes" in shown.text
    assert len(receiver.requests) == TESTS_PER_WINDOW


def test_a_person_keeps_a_bounded_number_of_methods(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    for n in range(METHODS_MAX):
        made = client.post(
            API, json={"kind": "email", "target": f"ana{n}@example.test"}, headers=ana.headers
        )
        assert made.status_code == 201
    over = client.post(API, json={"kind": "email", "target": "x@example.test"}, headers=ana.headers)
    assert over.status_code == 409 and "at most" in over.text
    with factory() as session:
        assert len(session.scalars(select(ContactMethod)).all()) == METHODS_MAX


def test_another_persons_method_cannot_be_reached_through_the_page_forms(
    client, make_account, factory, receiver
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    ben = make_account(Role.analyst, "ben@example.test")
    target = f"{receiver.url}/ana"
    method_id = client.post(
        API, json={"kind": "slack", "target": target}, headers=ana.headers
    ).json()["id"]
    assert post_login(client, email=ben.user.email, password=PASSWORD).status_code == 303
    csrf = csrf_of(client.get(PAGE).text)
    assert client.get(PAGE, params={"user": ana.user.id}).status_code == 403
    for path, data in (
        (f"{PAGE}/{method_id}", {"label": "x", "target": f"{receiver.url}/ben"}),
        (f"{PAGE}/{method_id}/move", {"direction": "down"}),
        (f"{PAGE}/{method_id}/enabled", {"enabled": "false"}),
        (f"{PAGE}/{method_id}/test", {}),
        (f"{PAGE}/{method_id}/delete", {}),
    ):
        answer = client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
        assert answer.status_code == 404, (path, answer.status_code)
    assert receiver.requests == []
    with factory() as session:
        kept = session.get(ContactMethod, method_id)
        assert kept is not None and kept.target == target and kept.enabled


def test_every_form_needs_the_csrf_token(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    method_id = client.post(
        API, json={"kind": "email", "target": "ana@example.test"}, headers=ana.headers
    ).json()["id"]
    assert post_login(client, email=ana.user.email, password=PASSWORD).status_code == 303
    for path, data in (
        (PAGE, {"kind": "email", "target": "ana2@example.test"}),
        (f"{PAGE}/{method_id}", {"label": "x"}),
        (f"{PAGE}/{method_id}/move", {"direction": "down"}),
        (f"{PAGE}/{method_id}/enabled", {"enabled": "false"}),
        (f"{PAGE}/{method_id}/test", {}),
        (f"{PAGE}/{method_id}/delete", {}),
    ):
        answer = client.post(path, data=data, follow_redirects=False)
        assert answer.status_code == 403, (path, answer.status_code)
    with factory() as session:
        [kept] = session.scalars(select(ContactMethod)).all()
        assert kept.label == "" and kept.enabled


def test_an_officer_has_no_contact_methods(client, officer) -> None:  # type: ignore[no-untyped-def]
    assert client.get(API, headers=officer.headers).status_code == 403
    made = client.post(
        API, json={"kind": "email", "target": "o@police.example.gov"}, headers=officer.headers
    )
    assert made.status_code == 403
    signed = post_login(client, email=officer.user.email, password=PASSWORD)
    assert signed.status_code != 303, "an officer signed in through the staff door"
    assert client.get(PAGE, follow_redirects=False).status_code == 303  # to the sign-in page


def test_in_production_the_servers_own_loopback_is_refused_unless_listed(settings) -> None:  # type: ignore[no-untyped-def]
    production = settings.model_copy(update={"environment": "production"})
    for url in ("http://127.0.0.1:5432/", "http://localhost:6379/x", "http://[::1]:8000/"):
        assert url_problem(url, production) is not None, url
        assert url_problem(url, settings) is None, url
    listed = production.model_copy(update={"oncall_webhook_hosts": ["127.0.0.1"]})
    assert url_problem("http://127.0.0.1:9000/hook", listed) is None


def test_a_label_and_a_target_are_shown_as_text_not_markup(client, make_account) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    markup = "<script>alert(1)</script>"
    made = client.post(
        API,
        json={"kind": "email", "target": "ana@example.test", "label": markup},
        headers=ana.headers,
    )
    assert made.status_code == 201
    assert post_login(client, email=ana.user.email, password=PASSWORD).status_code == 303
    page = client.get(PAGE).text
    assert markup not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_person_is_told_when_a_manager_changes_where_their_pages_go(
    client, make_account, factory
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    kim = make_account(Role.scheduler, "kim@example.test")
    own = client.post(
        API, json={"kind": "email", "target": "ana@example.test"}, headers=ana.headers
    )
    with factory() as session:
        assert session.scalars(select(Notification)).all() == []  # her own change: no notice
    client.patch(
        f"{API}/{own.json()['id']}",
        json={"target": "kim.private@example.test"},
        headers=kim.headers,
    )
    with factory() as session:
        [told] = session.scalars(select(Notification)).all()
    assert told.user_id == ana.user.id
    assert "Test scheduler changed one of your contact methods" in told.body


def test_the_api_refuses_a_signed_in_browser_without_the_csrf_header(
    client, make_account, receiver
) -> None:  # type: ignore[no-untyped-def]
    ana = make_account(Role.analyst, "ana@example.test")
    made = client.post(API, json={"kind": "slack", "target": receiver.url}, headers=ana.headers)
    assert post_login(client, email=ana.user.email, password=PASSWORD).status_code == 303
    # A page elsewhere can make the browser post with its cookie, but not add the header.
    assert client.post(f"{API}/{made.json()['id']}/test").status_code == 403
    assert client.delete(f"{API}/{made.json()['id']}").status_code == 403
    assert receiver.requests == []
    assert len(client.get(API).json()) == 1
