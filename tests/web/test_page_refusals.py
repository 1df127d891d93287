"""A page's turned-down action: rolled back, a refusal on the audit record, the reason shown
next to the panel it came from, the same way on every page."""

from __future__ import annotations

from typing import Any

import pytest

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.auth.refusals import refuse
from exigent.errors import BadInput, ExigentError, NotFound
from exigent.web import refusals
from legal.flows import audit_actions, audit_detail, create_case


class _Session:
    """Only what the helper may touch, in the order it touched it."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def rollback(self) -> None:
        self.calls.append("rollback")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the helper did, in order; recording a refusal included."""
    done: list[str] = []
    monkeypatch.setattr(
        refusals, "record_refusal", lambda factory, error: done.append(f"record {error.message}")
    )
    return done


def _helper(calls: list[str], exc: ExigentError, **options: Any) -> list[str]:
    shown = refusals.turned_down(
        _Session(calls),  # type: ignore[arg-type]
        exc,
        factory=None,  # type: ignore[arg-type]
        show=lambda error: calls.append(f"show {error.message} {error.status_code}") or calls,
        **options,
    )
    assert shown is calls
    return calls


def test_it_rolls_back_before_recording_a_refusal_and_showing_it(calls, analyst) -> None:  # type: ignore[no-untyped-def]
    refused = refuse(analyst.user, "no", status_code=403, action="x", request_id=1)
    assert _helper(calls, refused) == ["rollback", "record no", "show no 403"]


def test_other_errors_are_shown_but_not_recorded(calls) -> None:  # type: ignore[no-untyped-def]
    assert _helper(calls, BadInput("bad")) == ["rollback", "show bad 422"]


def test_something_missing_is_the_404_page_unless_the_page_stands_alone(calls) -> None:  # type: ignore[no-untyped-def]
    missing = NotFound("no request 9 that you can see")
    with pytest.raises(NotFound):
        _helper(calls, missing)
    assert calls == ["rollback"]
    calls.clear()
    assert _helper(calls, missing, not_found_raises=False) == [
        "rollback",
        "show no request 9 that you can see 404",
    ]


def test_a_refused_case_action_is_audited_and_shown_by_its_panel(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case = create_case(client, analyst)
    csrf = sign_in(client, analyst.user.email)
    answer = client.post(
        f"/console/cases/{case['id']}/decision/sign-off", data={"csrf_token": csrf, "note": "ok"}
    )
    assert answer.status_code == 403
    assert 'data-error="approval"' in answer.text and "decision.legal_sign_off" in answer.text
    assert audit_detail(factory, "decision.legal_sign_off.refused")["status"] == 403


def test_a_refused_policy_edit_is_audited_and_bad_input_is_shown_but_not(  # type: ignore[no-untyped-def]
    client, analyst, make_account, factory
):
    csrf = sign_in(client, analyst.user.email)
    data = {"csrf_token": csrf, "document": '{"kinds": {}}', "reason": "mine"}
    assert client.post("/console/policy", data=data).status_code == 403
    assert audit_actions(factory).count("policy.change.refused") == 1

    legal = make_account(Role.legal)
    csrf = sign_in(client, legal.user.email)
    typed = "{kinds: 1}"
    data = {"csrf_token": csrf, "document": typed, "reason": "mine"}
    answer = client.post("/console/policy", data=data)
    assert answer.status_code == 422
    assert "Not saved:</strong> policy: not valid JSON" in answer.text
    assert f">{typed}</textarea>" in answer.text
    assert audit_actions(factory).count("policy.change.refused") == 1


def test_a_refused_production_is_audited_and_shown_in_the_panel_with_its_status(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case = create_case(client, analyst)
    csrf = sign_in(client, analyst.user.email)
    answer = client.post(f"/console/cases/{case['id']}/production/build", data={"csrf_token": csrf})
    assert answer.status_code == 200  # htmx swaps only 2xx answers: the status is in the text
    assert 'data-error="build"' in answer.text and "(409)" in answer.text
    assert audit_detail(factory, "production.build.refused")["status"] == 409
