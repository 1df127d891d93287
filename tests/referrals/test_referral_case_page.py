"""A referral's case page reads as the team's own case: no requester to verify, no fraud
score, nothing that asks for a callback."""

from __future__ import annotations

import re

from sqlalchemy import select

from console.helpers import sign_in
from exigent.cases.models import Request
from exigent.verification.models import RiskAssessment

FORM = "/console/escalations/new"


def _raise(client, csrf: str) -> int:  # type: ignore[no-untyped-def]
    answer = client.post(
        FORM,
        data={
            "harm_type": "violent_threat",
            "imminent": "on",
            "reporting_team": "Trust & Safety, Americas",
            "content": "post:551",
            "accounts": "username: angry.neighbour",
            "location.country": "US",
            "summary": "Threatens to shoot a named neighbour tonight.",
        },
        headers={"X-CSRF-Token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return int(re.findall(r"/console/cases/(\d+)", answer.headers["location"])[0])


def test_a_referral_says_who_raised_it_where_a_request_is_verified(client, factory, analyst):
    csrf = sign_in(client, analyst.user.email)
    case_id = _raise(client, csrf)
    html = client.get(f"/console/cases/{case_id}").text
    note = re.search(r"<p[^>]*data-raised-internally[^>]*>(.*?)</p>", html, re.S)
    assert note is not None
    assert "Trust &amp; Safety, Americas" in note.group(1)
    assert "Test analyst" in note.group(1) and "escalation form" in note.group(1)
    for noise in (
        "Not passed",
        "no requester on record",
        "Risk score",
        "Supervisor missing",
        "Requester email missing",
        "Agency in the directory",
        "Open a callback task",
        "<h3>Callback</h3>",
        "Phone in request",
        "Why no legal process",
        "Verification has not passed",
        "Start verification",
    ):
        assert noise not in html, noise
    # What the case asks of the platform stays on the page.
    assert "Data to disclose" in html and "violent threat" in html


def test_a_referral_gets_no_fraud_score_and_cannot_be_scored_again(client, factory, analyst):
    csrf = sign_in(client, analyst.user.email)
    case_id = _raise(client, csrf)
    with factory() as session:
        assert session.scalars(select(RiskAssessment)).all() == []
    answer = client.post(f"/console/cases/{case_id}/risk/reassess", headers={"X-CSRF-Token": csrf})
    assert "a referral has none" in answer.text
    with factory() as session:
        assert session.scalars(select(RiskAssessment)).all() == []
        case = session.get(Request, case_id)
        assert case is not None and case.kind == "referral"
    queue = client.get("/console").text
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*?/console/cases/{case_id}".*?</tr>', queue, re.S)
    assert row is not None
    assert 'data-label="Risk"><span class="muted">—</span>' in row.group(0)
