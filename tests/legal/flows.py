"""Steps of the legal workflow over the API, shared by the decision and lifecycle tests."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select, update

from exigent.audit.models import AuditEvent
from exigent.cases.models import Request
from exigent.directory.models import Agency
from factories import emergency_record

_ids = itertools.count(1)
RATIONALE = (
    "Good-faith belief of an emergency involving danger of death or serious physical injury; "
    "the data asked for is the minimum that lets officers reach the user."
)


def create_case(client, account, record: dict[str, Any] | None = None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = dict(record or emergency_record())
    body["id"] = f"F-{next(_ids):06d}"
    response = client.post("/api/v1/requests", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def move(client, account, case_id: int, to: str, reason: str = "checked"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/requests/{case_id}/transitions",
        json={"to": to, "reason": reason},
        headers=account.headers,
    )


def to_review(client, account, case_id: int) -> None:  # type: ignore[no-untyped-def]
    for status in ("triaged", "under_review"):
        assert move(client, account, case_id, status).status_code == 200


def legal_view(client, account, case_id: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/requests/{case_id}/legal", headers=account.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def items_for(view: dict[str, Any], outcome: str = "disclose") -> list[dict[str, Any]]:
    """One item per target and requested category, all with the same outcome."""
    return [
        {"target_id": t["id"], "category": c, "outcome": outcome, "reason": "within scope"}
        for t in view["targets"]
        for c in view["categories"]
    ]


def put_decision(  # type: ignore[no-untyped-def]
    client, account, case_id: int, items: list[dict[str, Any]], **extra: Any
):
    body = {"rationale": RATIONALE, "emergency_attested": True, "items": items, **extra}
    return client.put(f"/api/v1/requests/{case_id}/decision", json=body, headers=account.headers)


def submit(client, account, case_id: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/requests/{case_id}/decision/submit", headers=account.headers)


def approve(client, account, case_id: int):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/requests/{case_id}/decision/approve", json={}, headers=account.headers
    )


def link_agency(  # type: ignore[no-untyped-def]
    factory,
    case_id: int,
    *,
    name: str = "Springfield Police Department",
    phone_source: str = "agency website, non-emergency line",
) -> None:
    """Link the case to a directory agency with an independently sourced number. Intake links
    an agency from the sender's domain; these tests start with no directory."""
    with factory() as session:
        agency = Agency(
            name=name,
            state="IL",
            country="US",
            source="staff",
            verified_phone="+12175550100",
            phone_source=phone_source,
        )
        session.add(agency)
        session.flush()
        session.execute(update(Request).where(Request.id == case_id).values(agency_id=agency.id))
        session.commit()


def verify_requester(client, account, factory, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Verify as the team does: a callback to the agency's directory number, confirmed by the
    officer and a supervisor."""
    link_agency(factory, case_id)
    callback = client.post(f"/api/v1/requests/{case_id}/callbacks", headers=account.headers)
    assert callback.status_code == 201, callback.text
    outcome = client.post(
        f"/api/v1/callbacks/{callback.json()['id']}/outcome",
        json={"outcome": "confirmed", "answered_by": "Desk sergeant", "supervisor_confirmed": True},
        headers=account.headers,
    )
    assert outcome.status_code == 200, outcome.text


def ready_for_approval(  # type: ignore[no-untyped-def]
    client,
    analyst,
    factory,
    record: dict[str, Any] | None = None,
    *,
    outcome: str = "disclose",
    verified: bool = True,
) -> dict[str, Any]:
    """A case reviewed by `analyst`, with a submitted decision, awaiting a second person."""
    case = create_case(client, analyst, record)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view, outcome)).status_code == 200
    assert submit(client, analyst, case["id"]).status_code == 200
    if verified:
        verify_requester(client, analyst, factory, case["id"])
    return case


def audit_actions(factory) -> list[str]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def audit_detail(factory, action: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    with factory() as session:
        detail = session.execute(
            select(AuditEvent.detail)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        ).scalar_one()
    return detail  # type: ignore[no-any-return]
