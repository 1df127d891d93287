"""Enum columns: stored as their plain values, loaded as members; list filters checked by name."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from console.helpers import sign_in
from exigent.auth.models import Role, User
from exigent.cases.lifecycle import Status
from exigent.cases.models import Priority, Request, TimelineEvent
from exigent.cases.schemas import RequestKind
from factories import emergency_record

BAD_FILTERS = [
    (
        "status",
        "bogus",
        "approved, awaiting_approval, closed, delivered, need_info, preserved, producing, "
        "received, rejected, triaged, under_review, verifying, withdrawn",
    ),
    ("priority", "P9", "P0, P1, P2, P3"),
    (
        "kind",
        "warrant",
        "consent, court_order, dsa_information_order, dsa_order_to_act, emergency, "
        "eu_preservation_order, eu_production_order, eu_removal_order, other, preservation, "
        "preservation_extension, real_time, referral, search_warrant, subpoena",
    ),
]


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_FILTERS)
def test_a_bad_list_filter_is_refused_naming_the_filter_and_its_values(
    client, analyst, name: str, value: str, allowed: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/requests", params={name: value}, headers=analyst.headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == f"{name}: {value!r} is not one of {allowed}"
    assert body["field"] == name
    assert body["problems"] == [{"field": name, "problem": body["error"].split(": ", 1)[1]}]


def test_every_bad_filter_is_listed_the_first_named_in_the_error(client, analyst) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/api/v1/requests?kind=warrant&status=bogus&priority=P0", headers=analyst.headers
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("status: 'bogus' is not one of")
    assert [p["field"] for p in response.json()["problems"]] == ["status", "kind"]


def test_good_filters_still_narrow_the_json_list(client, analyst) -> None:  # type: ignore[no-untyped-def]
    made = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    assert made.status_code == 201
    found = client.get(
        "/api/v1/requests?status=received&priority=P0&kind=emergency", headers=analyst.headers
    )
    assert [case["id"] for case in found.json()["items"]] == [made.json()["id"]]
    none = client.get("/api/v1/requests?kind=subpoena", headers=analyst.headers)
    assert none.json()["items"] == []


@pytest.mark.parametrize(("name", "value", "allowed"), BAD_FILTERS)
def test_the_console_queue_refuses_the_same_filter_with_the_same_words(
    client, analyst, name: str, value: str, allowed: str
) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    response = client.get("/console", params={name: value})
    assert response.status_code == 422
    assert f"{name.capitalize()}: &#39;{value}&#39; is not one of {allowed}" in response.text
    assert "What to do next" in response.text
    # The form's blank "any" option is no value to check.
    assert client.get("/console", params={name: ""}).status_code == 200


def test_members_go_in_as_plain_values_and_come_back_as_members(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    # Both backends (the `database_url` fixture behind `factory`): the same VARCHAR columns.
    made = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    case_id = made.json()["id"]
    moved = client.post(
        f"/api/v1/requests/{case_id}/transitions", json={"to": "triaged"}, headers=analyst.headers
    )
    assert moved.status_code == 200, moved.text
    with factory() as session:
        raw = session.execute(
            text("SELECT status, priority, kind FROM requests WHERE id = :id"), {"id": case_id}
        ).one()
        assert tuple(raw) == ("triaged", "P0", "emergency")
        assert all(type(value) is str for value in raw)
        case = session.get(Request, case_id)
        assert case is not None
        assert case.status is Status.triaged
        assert case.priority is Priority.P0
        assert case.kind is RequestKind.emergency
        assert session.execute(
            select(User.role).where(User.id == analyst.user.id)
        ).scalar_one() is (Role.analyst)
        moves = session.execute(
            select(TimelineEvent.from_status, TimelineEvent.to_status).where(
                TimelineEvent.request_id == case_id, TimelineEvent.kind == "transition"
            )
        ).all()
        assert [tuple(move) for move in moves] == [(Status.received, Status.triaged)]
        assert type(moves[0].to_status) is Status


def test_a_string_set_on_an_enum_column_is_its_member_at_once(factory) -> None:  # type: ignore[no-untyped-def]
    case = Request(kind="subpoena", status="triaged", priority="P3")
    assert (case.kind, case.status, case.priority) == (
        RequestKind.subpoena,
        Status.triaged,
        Priority.P3,
    )
    assert type(case.status) is Status
    with pytest.raises(ValueError, match="is not a valid Status"):
        case.status = "lost"  # type: ignore[assignment]


def test_a_value_that_is_no_member_is_never_written(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    made = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    with factory() as session, pytest.raises(StatementError, match="is not a valid Priority"):
        session.execute(
            Request.__table__.update().where(Request.id == made.json()["id"]).values(priority="P7")
        )
