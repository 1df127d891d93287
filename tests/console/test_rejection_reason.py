"""Rejecting a case in the console asks why from a short list; the case page shows the answer."""

from __future__ import annotations

from console.helpers import sign_in
from factories import subpoena_record
from legal.flows import create_case


def _reject(client, token: str, case_id: int, **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/cases/{case_id}/transition",
        data={"csrf_token": token, "to": "rejected", **form},
        follow_redirects=False,
    )


def test_a_rejection_needs_a_reason_code_and_the_timeline_shows_it(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, subpoena_record())
    token = sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}").text
    assert '<option value="fraud">Not genuine: someone posing as law enforcement</option>' in page
    refused = _reject(client, token, case["id"], reason="the badge number is no officer's")
    assert refused.status_code == 422
    assert "reason_code: choose why the case is rejected" in refused.text
    assert "Status: Received" in refused.text
    done = _reject(
        client, token, case["id"], reason="the badge number is no officer's", reason_code="fraud"
    )
    assert done.status_code == 303, done.text
    shown = client.get(f"/console/cases/{case['id']}").text
    assert 'data-rejection-reason="fraud"' in shown
    assert "Why rejected:</strong> Not genuine: someone posing as law enforcement" in shown
