"""Each channel on the wire, against local servers over real sockets: what the far end
receives, and what Exigent makes of its answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from exigent.config import Settings
from exigent.oncall import transports
from exigent.oncall.addresses import url_problem
from exigent.oncall.channels import Action, Message, Severity
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.oncall.transports import (
    EmailChannel,
    PagerDutyChannel,
    SlackChannel,
    WebhookChannel,
    backoff,
    channel_for,
    verify_signature,
)
from http_receiver import HttpReceiver
from mail_relay import MailRelay
from net import free_port

PAGE = Message(
    subject="P0 EXG-0000042: emergency waiting",
    text="A suicide-risk emergency arrived at 03:02 UTC and nobody has acknowledged it.",
    severity=Severity.critical,
    dedup_key="case-42-new-p0",
    link="https://exigent.example/console/cases/42",
    acknowledge_link="https://exigent.example/ack/abc",
)


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


@pytest.fixture
def settings(mailbox: MailRelay) -> Settings:
    return Settings(environment="test", smtp_port=mailbox.port)


def test_email_carries_the_subject_text_and_both_links(settings, mailbox) -> None:  # type: ignore[no-untyped-def]
    delivery = EmailChannel(to="ana@example.test", settings=settings).send(PAGE)
    assert delivery.ok and "accepted by the mail relay" in delivery.detail
    [mail] = mailbox.to("ana@example.test")
    assert mail["Subject"] == PAGE.subject
    body = mail.get_content()
    assert PAGE.text in body
    assert "Open the case: https://exigent.example/console/cases/42" in body
    assert "Acknowledge: https://exigent.example/ack/abc" in body


def test_email_with_the_relay_down_is_a_failure_worth_retrying(settings) -> None:  # type: ignore[no-untyped-def]
    down = settings.model_copy(update={"smtp_port": free_port()})
    delivery = EmailChannel(to="ana@example.test", settings=down).send(PAGE)
    assert (delivery.ok, delivery.retry) == (False, True)
    assert "SMTP relay" in delivery.detail


def test_slack_receives_text_and_a_block(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    delivery = SlackChannel(url=f"{receiver.url}/services/T/B/x", settings=settings).send(PAGE)
    assert delivery.ok and delivery.status == 200
    [got] = receiver.requests
    assert (got.method, got.path) == ("POST", "/services/T/B/x")
    assert got.headers["content-type"] == "application/json"
    body = got.json()
    assert body["text"].startswith(f"*{PAGE.subject}*")
    assert "https://exigent.example/ack/abc" in body["text"]
    assert body["blocks"][0]["text"]["text"] == body["text"]


def test_a_webhook_is_signed_so_the_receiver_can_check_it(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    secret = "s3cret-shared-with-the-receiver"
    delivery = WebhookChannel(url=f"{receiver.url}/hook", secret=secret, settings=settings).send(
        PAGE
    )
    assert delivery.ok
    [got] = receiver.requests
    body = got.json()
    assert body["subject"] == PAGE.subject and body["text"] == PAGE.text
    assert (body["severity"], body["dedup_key"], body["action"]) == (
        "critical",
        "case-42-new-p0",
        "trigger",
    )
    assert body["links"] == [PAGE.link, PAGE.acknowledge_link]
    sent_at = datetime.fromisoformat(body["sent_at"])
    timestamp = got.headers["x-exigent-timestamp"]
    assert abs(int(timestamp) - sent_at.timestamp()) < 1
    signature = got.headers["x-exigent-signature"]
    assert signature.startswith("sha256=")
    now = datetime.now(UTC)
    # As a receiver checks it: good; a changed body; the wrong secret; a replay 6 min later.
    assert verify_signature(secret, timestamp, got.body, signature, now)
    tampered = got.body.replace(b"critical", b"info")
    assert not verify_signature(secret, timestamp, tampered, signature, now)
    assert not verify_signature("another-secret-entirely", timestamp, got.body, signature, now)
    assert not verify_signature(secret, timestamp, got.body, signature, now + timedelta(minutes=6))
    assert verify_signature(secret, timestamp, got.body, signature, now + timedelta(minutes=4))


def test_pagerduty_trigger_has_the_events_v2_shape(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.script(202)
    pd = settings.model_copy(update={"pagerduty_events_url": f"{receiver.url}/v2/enqueue"})
    delivery = PagerDutyChannel(routing_key="R0UTINGKEY123", settings=pd).send(PAGE)
    assert (delivery.ok, delivery.status) == (True, 202)
    [got] = receiver.requests
    assert got.path == "/v2/enqueue"
    assert got.json() == {
        "routing_key": "R0UTINGKEY123",
        "event_action": "trigger",
        "dedup_key": "case-42-new-p0",
        "payload": {
            "summary": PAGE.subject,
            "source": "exigent",
            "severity": "critical",
            "custom_details": {"text": PAGE.text},
        },
        "links": [{"href": PAGE.link}, {"href": PAGE.acknowledge_link}],
    }


def test_pagerduty_acknowledge_names_only_the_key_and_the_incident(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.script(202)
    pd = settings.model_copy(update={"pagerduty_events_url": f"{receiver.url}/v2/enqueue"})
    ack = Message(subject="", text="", dedup_key="case-42-new-p0", action=Action.acknowledge)
    assert PagerDutyChannel(routing_key="R0UTINGKEY123", settings=pd).send(ack).ok
    assert receiver.requests[0].json() == {
        "routing_key": "R0UTINGKEY123",
        "event_action": "acknowledge",
        "dedup_key": "case-42-new-p0",
    }


@pytest.mark.parametrize(
    ("status", "ok", "retry"),
    [
        (202, True, False),
        (400, False, False),
        (429, False, True),
        (500, False, True),
        (503, False, True),
        (200, False, False),
    ],
)
def test_pagerduty_answers_decide_whether_to_retry(settings, receiver, status, ok, retry) -> None:  # type: ignore[no-untyped-def]
    receiver.script(status)
    pd = settings.model_copy(update={"pagerduty_events_url": f"{receiver.url}/v2/enqueue"})
    delivery = PagerDutyChannel(routing_key="R0UTINGKEY123", settings=pd).send(PAGE)
    assert (delivery.ok, delivery.retry, delivery.status) == (ok, retry, status)
    assert str(status) in delivery.detail


def test_pagerduty_unreachable_is_retried(settings) -> None:  # type: ignore[no-untyped-def]
    closed = HttpReceiver().start()
    closed.close()
    pd = settings.model_copy(update={"pagerduty_events_url": f"{closed.url}/v2/enqueue"})
    delivery = PagerDutyChannel(routing_key="R0UTINGKEY123", settings=pd).send(PAGE)
    assert (delivery.ok, delivery.retry, delivery.status) == (False, True, None)
    assert "could not connect" in delivery.detail


def test_a_receiver_that_never_answers_times_out_and_is_retried(
    settings, receiver, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(transports, "HTTP_TIMEOUT", httpx.Timeout(0.3))
    receiver.hang()
    delivery = SlackChannel(url=f"{receiver.url}/hook", settings=settings).send(PAGE)
    assert (delivery.ok, delivery.retry) == (False, True)
    assert "timeout" in delivery.detail


def test_a_redirect_is_not_followed(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    receiver.script(302, headers={"Location": "https://elsewhere.example/"})
    delivery = SlackChannel(url=f"{receiver.url}/hook", settings=settings).send(PAGE)
    assert (delivery.ok, delivery.status) == (False, 302)
    assert len(receiver.requests) == 1


def test_a_url_off_the_allowed_list_is_never_called(settings, receiver) -> None:  # type: ignore[no-untyped-def]
    delivery = SlackChannel(url="https://hooks.evil.example/x", settings=settings).send(PAGE)
    assert not delivery.ok and not delivery.retry
    assert "not on the allowed list" in delivery.detail


def test_channel_for_picks_the_kind_of_each_method(settings) -> None:  # type: ignore[no-untyped-def]
    def made(kind: ChannelKind, target: str) -> object:
        return channel_for(ContactMethod(kind=kind, target=target, secret="x" * 20), settings)

    assert isinstance(made(ChannelKind.email, "a@example.test"), EmailChannel)
    assert isinstance(made(ChannelKind.slack, "https://hooks.slack.com/x"), SlackChannel)
    assert isinstance(made(ChannelKind.webhook, "https://hooks.slack.com/x"), WebhookChannel)
    assert isinstance(made(ChannelKind.pagerduty, "KEY"), PagerDutyChannel)


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [5, 15, 45, 120, 120]
    assert transports.MAX_ATTEMPTS_PER_METHOD >= 2


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://hooks.slack.com/services/T/B/x", None),
        ("http://127.0.0.1:9000/hook", None),
        ("http://localhost/hook", None),
        ("http://hooks.slack.com/services/x", "https"),
        ("https://hooks.slack.com.evil.example/x", "not on the allowed list"),
        ("https://10.0.0.5/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data", "private or reserved"),
        ("https://[fd00::1]/hook", "private or reserved"),
        ("ftp://hooks.slack.com/x", "https"),
        ("https://user:pw@hooks.slack.com/x", "user name"),
        ("not a url", "https"),
    ],
)
def test_addresses_a_page_may_go_to(settings, url, problem) -> None:  # type: ignore[no-untyped-def]
    found = url_problem(url, settings)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_an_allowed_suffix_admits_its_hosts_and_a_listed_private_address(settings) -> None:  # type: ignore[no-untyped-def]
    listed = settings.model_copy(update={"oncall_webhook_hosts": [".corp.example", "10.0.0.5"]})
    assert url_problem("https://alerts.corp.example/x", listed) is None
    assert url_problem("https://corp.example/x", listed) is None
    assert url_problem("https://10.0.0.5/x", listed) is None
    assert url_problem("https://xcorp.example/x", listed) is not None
    assert url_problem("https://hooks.slack.com/x", listed) is not None
