"""Notices are read through the case's read scope and on the audit record, like the case.

The attack: someone who may not read a case asks for its notices by the case's number or by
notice ids, over the API or the console. They get the 404 of a case or notice that does not
exist, never the notice, nor which case a notice id belongs to; nothing of theirs is on the
record as a read. The scope is narrowed here for two staff accounts, as a team-scoped role
would be, so the notice routes are shown to follow the case's scope whatever it says.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.cases import service as case_service
from legal.flows import create_case
from notice.helpers import notices, permitted_subpoena


@pytest.fixture
def hidden(monkeypatch, client, analyst, legal):  # type: ignore[no-untyped-def]
    """A case with a notice that the analyst and legal may not read, and one they may."""
    shown = create_case(client, analyst, permitted_subpoena())
    secret = create_case(client, analyst, permitted_subpoena())
    [shown_notice] = notices(client, analyst, shown["id"])
    [secret_notice] = notices(client, analyst, secret["id"])
    scoped_out = {analyst.user.id, legal.user.id}
    may_read = case_service.may_read

    def narrowed(user, request):  # type: ignore[no-untyped-def]
        if user.id in scoped_out and request.id == secret["id"]:
            return False
        return may_read(user, request)

    monkeypatch.setattr(case_service, "may_read", narrowed)
    return {
        "case": secret,
        "notice": secret_notice,
        "shown_case": shown,
        "shown_notice": shown_notice,
    }


def _reads_of(factory, user_id: int) -> list[tuple[str, str, Any]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.object_id, AuditEvent.detail)
            .where(AuditEvent.actor_id == user_id)
            .where(AuditEvent.action.in_(["request.read", "notice.list", "notice.read"]))
            .order_by(AuditEvent.seq)
        ).all()
    return [(action, str(object_id), detail) for action, object_id, detail in rows]


def test_the_api_answers_a_case_out_of_scope_as_if_nothing_were_there(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory, hidden
):
    case, notice = hidden["case"], hidden["notice"]
    before = _reads_of(factory, analyst.user.id)

    listed = client.get(f"/api/v1/requests/{case['id']}/notices", headers=analyst.headers)
    assert listed.status_code == 404
    assert listed.json()["error"] == f"no request {case['id']} that you can see"

    read = client.get(f"/api/v1/notices/{notice['id']}", headers=analyst.headers)
    missing = client.get("/api/v1/notices/999999", headers=analyst.headers)
    assert (read.status_code, missing.status_code) == (404, 404)
    assert read.json()["error"] == f"no user notice {notice['id']} that you can see"
    assert missing.json()["error"] == "no user notice 999999 that you can see"
    # Nothing says which case the notice belongs to.
    assert f"request {case['id']}" not in read.text and case["reference"] not in read.text

    decided = client.post(
        f"/api/v1/notices/{notice['id']}/decision",
        json={"action": "withhold", "reason": "not theirs to decide"},
        headers=legal.headers,
    )
    assert decided.status_code == 404
    assert decided.json()["error"] == f"no user notice {notice['id']} that you can see"
    assert f"request {case['id']}" not in decided.text

    assert _reads_of(factory, analyst.user.id) == before
    assert _reads_of(factory, legal.user.id) == []
    with factory() as session:
        actions = session.execute(
            select(AuditEvent.action).where(AuditEvent.actor_id == legal.user.id)
        ).scalars()
        assert not [a for a in actions if a.startswith("notice.")]


def test_the_console_answers_a_case_out_of_scope_with_its_404_page(  # type: ignore[no-untyped-def]
    client, analyst, legal, lead, factory, hidden
):
    case, notice = hidden["case"], hidden["notice"]
    before = _reads_of(factory, analyst.user.id)
    sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case['id']}/notices")
    assert panel.status_code == 404
    assert notice["recipient"] is None or notice["recipient"] not in panel.text
    assert _reads_of(factory, analyst.user.id) == before

    csrf = sign_in(client, legal.user.email)
    decided = client.post(
        f"/console/notices/{notice['id']}/withhold",
        data={"csrf_token": csrf, "reason": "not theirs to decide"},
    )
    assert decided.status_code == 404
    assert f"No user notice {notice['id']} that you can see" in decided.text
    assert f"request {case['id']}" not in decided.text
    assert _reads_of(factory, legal.user.id) == []
    assert notices(client, lead, case["id"])[0]["status"] == notice["status"]


def test_reads_in_scope_say_which_notices_were_shown(  # type: ignore[no-untyped-def]
    client, analyst, factory, hidden
):
    case, notice = hidden["shown_case"], hidden["shown_notice"]
    before = len(_reads_of(factory, analyst.user.id))
    assert client.get(f"/api/v1/notices/{notice['id']}", headers=analyst.headers).status_code == 200
    notices(client, analyst, case["id"])
    sign_in(client, analyst.user.email)
    assert client.get(f"/console/cases/{case['id']}/notices").status_code == 200
    listed = ("notice.list", str(case["id"]), {"ids": [notice["id"]]})
    assert _reads_of(factory, analyst.user.id)[before:] == [
        ("request.read", str(case["id"]), {}),
        ("notice.read", str(notice["id"]), {"request_id": case["id"]}),
        ("request.read", str(case["id"]), {}),
        listed,
        ("request.read", str(case["id"]), {}),
        listed,
    ]
