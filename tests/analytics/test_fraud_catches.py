"""A fraud is recognised from what staff record when they catch one (a callback the agency
denied, a rejection whose reason code is fraud, a requester or agency marked fraudulent), never
from the words of a rejection; the fraud panel counts each catch once, as a count over the raw
rows does."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from console.helpers import sign_in
from exigent.analytics.upkeep import install
from factories import emergency_record, subpoena_record
from legal.flows import create_case, link_agency

install()

H2 = {"period": "2026H2"}


def _from(name: str, make: Any = subpoena_record) -> dict[str, Any]:
    """A record from a requester of its own, so marking one marks none of the others."""
    record = make()
    record["requester"] = {**record["requester"], "email": f"{name}@springfieldpd.org"}
    return record


def _reject(client, account, case_id: int, reason: str, code: str | None):  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"to": "rejected", "reason": reason}
    if code is not None:
        body["reason_code"] = code
    return client.post(
        f"/api/v1/requests/{case_id}/transitions", json=body, headers=account.headers
    )


def _caught_by(factory, case_id: int) -> str | None:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(  # type: ignore[no-any-return]
            text("SELECT fraud_caught_by FROM analytics_case_facts WHERE request_id = :id"),
            {"id": case_id},
        ).scalar_one()


def _deny_callback(client, analyst, case_id: int) -> None:  # type: ignore[no-untyped-def]
    callback = client.post(f"/api/v1/requests/{case_id}/callbacks", headers=analyst.headers)
    assert callback.status_code == 201, callback.text
    denied = client.post(
        f"/api/v1/callbacks/{callback.json()['id']}/outcome",
        json={"outcome": "denied", "answered_by": "Desk sergeant", "supervisor_confirmed": True},
        headers=analyst.headers,
    )
    assert denied.status_code == 200, denied.text


def _requester_of(factory, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(  # type: ignore[no-any-return]
            text("SELECT requester_id FROM requests WHERE id = :id"), {"id": case_id}
        ).scalar_one()


def _agency_of(factory, case_id: int) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.execute(  # type: ignore[no-any-return]
            text("SELECT agency_id FROM requests WHERE id = :id"), {"id": case_id}
        ).scalar_one()


def _each_way(client, analyst, lead, factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One case caught each way, and rejections that were not for fraud; ids by name."""
    ids = {
        "denied": create_case(client, analyst, _from("denied", emergency_record))["id"],
        "rejected": create_case(client, analyst, _from("rejected"))["id"],
        "requester": create_case(client, analyst, _from("requester"))["id"],
        "agency": create_case(client, analyst, _from("agency"))["id"],
        "not_fraud": create_case(client, analyst, _from("genuine"))["id"],
        "no_code": create_case(client, analyst, _from("uncoded"))["id"],
    }
    link_agency(factory, ids["denied"])
    _deny_callback(client, analyst, ids["denied"])
    # No word of fraud in the reason: the code says it.
    reason = "The badge number and the callback number belong to no officer"
    assert _reject(client, analyst, ids["rejected"], reason, "fraud").status_code == 200
    marked = client.post(
        f"/api/v1/directory/requesters/{_requester_of(factory, ids['requester'])}/status",
        json={"status": "fraudulent", "reason": "the agency has no such officer"},
        headers=lead.headers,
    )
    assert marked.status_code == 200, marked.text
    link_agency(factory, ids["agency"], name="Springfield County Marshals Bureau")
    bogus = client.patch(
        f"/api/v1/directory/agencies/{_agency_of(factory, ids['agency'])}",
        json={"status": "fraudulent", "reason": "no such agency exists in Illinois"},
        headers=lead.headers,
    )
    assert bogus.status_code == 200, bogus.text
    genuine = "Not fraud and no impersonation: a genuine officer, but not our user"
    assert _reject(client, analyst, ids["not_fraud"], genuine, "wrong_provider").status_code == 200
    # An older rejection, or an API caller that gave no code: its words are not read.
    uncoded = "fraud: an impostor impersonating a detective"
    assert _reject(client, analyst, ids["no_code"], uncoded, None).status_code == 200
    return ids


def _counted_from_raw(factory) -> Counter[str]:  # type: ignore[no-untyped-def]
    """Each case's catches read straight from callbacks, the timeline, requesters and agencies."""
    with factory() as session:
        denied = set(
            session.execute(text("SELECT request_id FROM callbacks WHERE outcome = 'denied'"))
            .scalars()
            .all()
        )
        rejections = session.execute(
            text("SELECT request_id, data FROM timeline_events WHERE to_status = 'rejected'")
        ).all()
        marked = session.execute(
            text(
                "SELECT r.id, q.status, a.status FROM requests r"
                " LEFT JOIN requesters q ON q.id = r.requester_id"
                " LEFT JOIN agencies a ON a.id = r.agency_id"
            )
        ).all()
    coded = {
        rid
        for rid, data in rejections
        if (json.loads(data) if isinstance(data, str) else data or {}).get("reason_code") == "fraud"
    }
    ways: Counter[str] = Counter()
    for rid, requester, agency in marked:
        if rid in denied:
            ways["callback_denied"] += 1
        elif rid in coded:
            ways["rejected_fraud"] += 1
        elif requester == "fraudulent":
            ways["requester_marked"] += 1
        elif agency == "fraudulent":
            ways["agency_marked"] += 1
    return ways


def test_each_way_of_catching_is_counted_once_and_words_are_not_read(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
):
    ids = _each_way(client, analyst, lead, factory)
    assert {name: _caught_by(factory, case_id) for name, case_id in ids.items()} == {
        "denied": "callback_denied",
        "rejected": "rejected_fraud",
        "requester": "requester_marked",
        "agency": "agency_marked",
        "not_fraud": None,
        "no_code": None,
    }
    answer = client.get("/api/v1/analytics/fraud", params=H2, headers=lead.headers)
    assert answer.status_code == 200, answer.text
    figures = answer.json()
    raw = _counted_from_raw(factory)
    assert (
        figures["caught_by"]
        == dict(raw)
        == {
            "callback_denied": 1,
            "rejected_fraud": 1,
            "requester_marked": 1,
            "agency_marked": 1,
        }
    )
    assert figures["caught"] == sum(raw.values()) == 4
    # The denied callback marked its requester too; the lead marked one more.
    assert figures["requesters_marked"] == 2
    assert figures["agencies_marked"] == 1
    browser = TestClient(client.app)
    sign_in(browser, lead.user.email)
    page = browser.get("/console/analytics", params=H2).text
    panel = page[page.index('data-panel="fraud"') :]
    assert "<dt>Impostors caught</dt><dd>4</dd>" in panel
    assert "<dt>Caught by rejected as fraud</dt><dd>1</dd>" in panel
    assert "<dt>Marked fraudulent</dt><dd>2 requesters, 1 agency</dd>" in panel


def test_the_reason_code_is_kept_on_the_timeline_and_checked(client, analyst, factory):  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, _from("checked"))
    wrong = _reject(client, analyst, case["id"], "no such officer", "impostor")
    assert wrong.status_code == 422
    assert wrong.json()["error"].startswith("reason_code: 'impostor' is not a reason")
    misplaced = client.post(
        f"/api/v1/requests/{case['id']}/transitions",
        json={"to": "triaged", "reason": "ok", "reason_code": "fraud"},
        headers=analyst.headers,
    )
    assert misplaced.status_code == 422
    assert misplaced.json()["error"] == "reason_code: only a rejection takes a reason code"
    assert _reject(client, analyst, case["id"], "no such officer", "fraud").status_code == 200
    with factory() as session:
        data = session.execute(
            text("SELECT data FROM timeline_events WHERE to_status = 'rejected'")
        ).scalar_one()
    assert (json.loads(data) if isinstance(data, str) else data) == {"reason_code": "fraud"}
    page = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers)
    assert page.json()["status"] == "rejected"
