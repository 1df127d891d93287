"""POST /api/v1/escalations as the moderation system uses it."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.models import AuditEvent
from exigent.cases.models import Document, Request, Target, TimelineEvent
from exigent.db import utcnow
from exigent.deadlines import Deadline
from exigent.files import FileStore
from exigent.legal.models import LegalCheckRecord
from exigent.oncall.models import Alert
from exigent.oncall.policies import ensure_defaults
from exigent.referrals.models import Referral, ReferralContent
from exigent.verification.models import RiskAssessment
from referrals.helpers import escalation, moderation_token, picture

URL = "/api/v1/escalations"


def _count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_an_imminent_escalation_becomes_a_p0_referral_case_judged_and_paged(
    client, factory, settings
):
    with factory() as session:
        ensure_defaults(session, now=utcnow())
        session.commit()
    response = client.post(URL, json=escalation(), headers=moderation_token(factory))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "referral"
    assert body["priority"] == "P0"
    assert body["harm_type"] == "suicide_self_harm"
    sha = hashlib.sha256(picture()).hexdigest()
    assert body["content_sha256"] == [sha]
    with factory() as session:
        case = session.get(Request, body["id"])
        assert case is not None
        assert case.received_via == "internal"
        assert (case.acknowledge_due_at - case.received_at).total_seconds() == 15 * 60
        assert [
            t.value for t in session.scalars(select(Target).where(Target.request_id == case.id))
        ] == ["quiet.river.19"]
        referral = session.scalars(select(Referral)).one()
        assert referral.request_id == case.id and referral.raised_via == "api"
        assert referral.offence_country == "US"
        assert referral.location["city"] == "Columbus"
        content = list(session.scalars(select(ReferralContent).order_by(ReferralContent.position)))
        assert [c.kind for c in content] == ["content_id", "url", "media"]
        assert content[0].published_offset_minutes == 60
        assert content[2].file_sha256 == sha and content[2].size_bytes == len(picture())
        document = session.scalars(select(Document).where(Document.request_id == case.id)).one()
        assert document.sha256 == sha and document.stored
        assert session.scalar(
            select(LegalCheckRecord.id).where(LegalCheckRecord.request_id == case.id)
        )
        # No fraud score: it weighs a requester, and the team raised this itself.
        assert session.scalar(select(RiskAssessment.id)) is None
        kinds = set(session.scalars(select(Deadline.kind).where(Deadline.request_id == case.id)))
        assert "sla_acknowledge_breach" in kinds
        assert (
            session.scalars(
                select(TimelineEvent.kind).where(TimelineEvent.request_id == case.id)
            ).first()
            == "received"
        )
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"request.create", "referral.raise"} <= actions
        pages = list(session.scalars(select(Alert.trigger).where(Alert.request_id == case.id)))
        assert "p0_new" in pages
    assert FileStore(settings.file_store).open(sha).read() == picture()


def test_a_risk_that_is_not_imminent_takes_the_policy_priority_for_its_harm(client, factory):
    response = client.post(
        URL,
        json=escalation(imminent=False, harm_type="child_sexual_exploitation"),
        headers=moderation_token(factory),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["priority"] == "P1"
    with factory() as session:
        case = session.get(Request, body["id"])
        assert case is not None
        assert (case.acknowledge_due_at - case.received_at).total_seconds() == 30 * 60  # P1
        assert session.scalar(select(func.count()).select_from(Alert)) == 0


def test_a_retry_with_the_same_key_and_body_answers_the_same_case(client, factory):
    headers = {**moderation_token(factory), "Idempotency-Key": "mod-77001"}
    first = client.post(URL, json=escalation(), headers=headers)
    again = client.post(URL, json=escalation(), headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert _count(factory, Request) == 1 and _count(factory, Referral) == 1


def test_the_same_key_with_another_body_is_a_conflict_naming_the_key(client, factory):
    headers = {**moderation_token(factory), "Idempotency-Key": "mod-77001"}
    client.post(URL, json=escalation(), headers=headers)
    other = client.post(URL, json=escalation(summary="Something else"), headers=headers)
    assert other.status_code == 409
    assert "mod-77001" in other.json()["error"]
    assert _count(factory, Request) == 1


def _problem(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.json()["error"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"harm_type": None}, "harm_type"),
        ({"harm_type": "bullying"}, "harm_type"),
        ({"content": []}, "content"),
        ({"reporting_team": ""}, "reporting_team"),
        ({"offence_country": "XX"}, "offence_country"),
        ({"victim_country": "Germany"}, "victim_country"),
        ({"location": {"country": "ZZ"}}, "location.country"),
        ({"content": [{"kind": "url", "value": "platform.example/p/1"}]}, "content[0]"),
        (
            {"content": [{"kind": "media", "value": "a.png", "media_type": "image/png"}]},
            "content[0]",
        ),
        (
            {
                "content": [
                    {
                        "kind": "media",
                        "value": "a.png",
                        "media_type": "image/png",
                        "data_base64": "!!",
                    }
                ]
            },
            "content[0]",
        ),
        (
            {
                "content": [
                    {"kind": "content_id", "value": "p:1", "published_at": "2026-12-06T01:00:00"}
                ]
            },
            "content[0].published_at",
        ),
        (
            {"accounts": [{"identifier_type": "nickname", "value": "x"}]},
            "accounts[0].identifier_type",
        ),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(
    client, factory, changes, field
):
    body = escalation(**changes)
    if "harm_type" in changes and changes["harm_type"] is None:
        del body["harm_type"]
    response = client.post(URL, json=body, headers=moderation_token(factory))
    assert response.status_code == 422, response.text
    assert _problem(response).startswith(field), _problem(response)
    assert _count(factory, Request) == 0 and _count(factory, Referral) == 0


def test_media_whose_bytes_are_not_its_type_is_refused_and_not_kept(client, factory, settings):
    body = escalation()
    body["content"][2]["media_type"] = "video/mp4"
    response = client.post(URL, json=body, headers=moderation_token(factory))
    assert response.status_code == 422, response.text
    assert _problem(response).startswith("content[2]")
    assert _count(factory, Request) == 0
    assert not FileStore(settings.file_store).has(hashlib.sha256(picture()).hexdigest())


def test_only_a_caller_allowed_to_raise_may_escalate(client, factory, make_account):
    from exigent.auth.models import Role

    auditor = make_account(Role.auditor)
    response = client.post(URL, json=escalation(), headers=auditor.headers)
    assert response.status_code == 403
    assert _count(factory, Request) == 0


def test_retries_racing_with_one_key_open_one_case(client, factory):
    from concurrent.futures import ThreadPoolExecutor

    headers = {**moderation_token(factory), "Idempotency-Key": "mod-race"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda _: client.post(URL, json=escalation(), headers=headers), range(4))
        )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert _count(factory, Request) == 1 and _count(factory, Referral) == 1
