"""A critical brief reaches each staff member of its lists through their own contact methods,
in order, the first that delivers winning; PagerDuty is never used for a brief; extra
addresses get it by email; and a far end that hangs cannot keep the send going for long."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.auth.models import Role, User
from exigent.briefs import critical, delivery
from exigent.briefs.models import CriticalBrief, DistributionList
from exigent.db import utcnow
from exigent.oncall.models import ChannelKind, ContactMethod
from exigent.oncall.transports import verify_signature
from http_receiver import HttpReceiver
from legal.flows import create_case


@pytest.fixture
def slack() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


@pytest.fixture
def hook() -> Iterator[HttpReceiver]:
    with HttpReceiver() as fake:
        yield fake


def _method(session, user_id, kind, target, position, secret=None) -> ContactMethod:  # type: ignore[no-untyped-def]
    method = ContactMethod(
        user_id=user_id,
        kind=kind,
        label=f"{kind} {position}",
        target=target,
        position=position,
        secret=secret,
    )
    session.add(method)
    return method


def _legal(factory, make_account, slack, hook) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Counsel: Slack first (it fails), then a signed webhook; a PagerDuty key ahead of both.
    The chief: an email method. The clerk: no method at all. And an outside address."""
    counsel = make_account(Role.legal, "counsel@example.test").user
    chief = make_account(Role.legal, "chief@example.test").user
    clerk = make_account(Role.legal, "clerk@example.test").user
    with factory() as session:
        _method(session, counsel.id, ChannelKind.pagerduty, "R0UT1NGKEY", -1)
        _method(session, counsel.id, ChannelKind.slack, f"{slack.url}/legal", 0)
        _method(session, counsel.id, ChannelKind.webhook, f"{hook.url}/counsel", 1, "s3cret")
        _method(session, chief.id, ChannelKind.email, "Chief.Phone@example.test", 0)
        session.add(
            DistributionList(
                name="Legal",
                events=["manual"],
                member_ids=[counsel.id, chief.id, clerk.id],
                emails=["outside@firm.example", "chief.phone@example.test"],
            )
        )
        session.commit()
    return {"counsel": counsel.id, "chief": chief.id, "clerk": clerk.id}


def test_a_brief_goes_through_each_members_methods_in_order(
    client, factory, analyst, lead, make_account, mailbox, slack, hook
) -> None:  # type: ignore[no-untyped-def]
    people = _legal(factory, make_account, slack, hook)
    slack.script(500)
    case = create_case(client, analyst)
    assert post_login(client, email=lead.user.email, password=PASSWORD).status_code == 303
    draft = client.get(f"/briefs/cases/{case['id']}/new")
    with factory() as session:
        legal = session.scalars(select(DistributionList)).one()
    sent = client.post(
        f"/briefs/cases/{case['id']}",
        data={
            "csrf_token": csrf_of(draft.text),
            "subject": "Disclosure tonight",
            "body": "We disclose subscriber info within the hour.",
            "list_ids": [str(legal.id)],
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    shown = client.get(sent.headers["location"]).text
    # Slack answered 500, so counsel was reached by the next method, the signed webhook.
    assert len(slack.requests) == 1
    assert "We disclose subscriber info" in slack.requests[0].json()["text"]
    (posted,) = hook.requests
    body = posted.json()
    assert body["subject"] == "Disclosure tonight"
    assert "We disclose subscriber info" in body["text"]
    assert verify_signature(
        "s3cret",
        posted.headers["x-exigent-timestamp"],
        posted.body,
        posted.headers["x-exigent-signature"],
        utcnow(),
    )
    # The chief's email method, the clerk's account address, the outside address: once each.
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "Chief.Phone@example.test",
        "clerk@example.test",
        "outside@firm.example",
    ]
    with factory() as session:
        brief = session.scalars(select(CriticalBrief)).one()
        by_to = {d["to"]: d for d in brief.deliveries}
        assert set(by_to) == {
            "counsel@example.test",
            "chief@example.test",
            "clerk@example.test",
            "outside@firm.example",
        }
        assert all(d["ok"] for d in brief.deliveries)
        assert "500 Internal Server Error" in str(by_to["counsel@example.test"]["detail"])
        methods = {
            m.kind: m
            for m in session.scalars(
                select(ContactMethod).where(ContactMethod.user_id == people["counsel"])
            )
        }
        # A brief is not an incident: the PagerDuty key was never used.
        assert methods[ChannelKind.pagerduty].last_used_at is None
        assert methods[ChannelKind.slack].last_ok is False
        assert methods[ChannelKind.webhook].last_ok is True
    assert "slack 0: 500 Internal Server Error; webhook 1: 200 OK" in shown


def test_a_member_whose_every_method_fails_is_recorded_as_not_reached(
    client, factory, lead, make_account, mailbox, slack, hook, settings, analyst
) -> None:  # type: ignore[no-untyped-def]
    _legal(factory, make_account, slack, hook)
    slack.script(500)
    hook.script(503)
    case = create_case(client, analyst)
    with factory() as session:
        legal = session.scalars(select(DistributionList)).one()
        actor = session.get(User, lead.user.id)
        assert actor is not None
        brief = critical.send_by_hand(
            session,
            actor=actor,
            request_id=case["id"],
            subject="Disclosure",
            body="Text",
            list_ids=[legal.id],
            settings=settings,
            now=utcnow(),
        )
        session.commit()
        (counsel,) = [d for d in brief.deliveries if d["to"] == "counsel@example.test"]
        assert counsel["ok"] is False
        assert "500 Internal Server Error" in str(counsel["detail"])
        assert "503 Service Unavailable" in str(counsel["detail"])
        assert sum(1 for d in brief.deliveries if d["ok"]) == 3


def test_a_hanging_far_end_cannot_hold_the_send_past_its_budget(
    client, factory, lead, make_account, mailbox, slack, hook, settings, analyst, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _legal(factory, make_account, slack, hook)
    slack.hang()
    monkeypatch.setattr(delivery, "SEND_BUDGET", 1.0)
    case = create_case(client, analyst)
    with factory() as session:
        legal = session.scalars(select(DistributionList)).one()
        actor = session.get(User, lead.user.id)
        assert actor is not None
        brief = critical.send_by_hand(
            session,
            actor=actor,
            request_id=case["id"],
            subject="Disclosure",
            body="Text",
            list_ids=[legal.id],
            settings=settings,
            now=utcnow(),
        )
        session.commit()
        details = {d["to"]: d["detail"] for d in brief.deliveries}
    # Counsel's Slack hung for the 5 s timeout, then the webhook reached them; the budget was
    # spent by then, so the others are recorded as not tried rather than waited for.
    assert "no answer within the timeout" in str(details["counsel@example.test"])
    assert details["clerk@example.test"] == delivery.NOT_TRIED
    assert details["outside@firm.example"] == delivery.NOT_TRIED
    assert mailbox.messages == []
