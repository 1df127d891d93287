"""Orders arrive by API with their certificate: bad input is refused naming the field and
nothing is written; a good one gets its order, clocks and a drafted receipt."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eu_orders.flows import clock, fresh, message, order_of, submit_order
from exigent.cases.models import Request


def named_field(body: dict[str, object]) -> object:
    """The field an error answer names first."""
    problems = body.get("problems")
    if isinstance(problems, list) and problems:
        return problems[0]["field"]
    return body.get("field")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"eu_order__issuing_state": "XX"}, "eu_order.issuing_state"),
        ({"eu_order__issuing_state": "US"}, "eu_order.issuing_state"),
        ({"eu_order__deadline_section": "emergency"}, "eu_order.emergency_grounds"),
        ({"eu_order__emergency_grounds": "A life at stake"}, "eu_order.deadline_section"),
        (
            {
                "eu_order__deadline_section": "emergency",
                "eu_order__emergency_grounds": "A life",
                "eu_order__earlier_deadline_at": "2026-09-15T09:00:00+02:00",
            },
            "eu_order.earlier_deadline_at",
        ),
        (
            {
                "eu_order__data_categories": ["content_data"],
                "eu_order__issuing_authority__role": "prosecutor",
            },
            "eu_order.validating_authority",
        ),
        ({"eu_order__data_categories": ["dna"]}, "eu_order.data_categories[0]"),
    ],
)
def test_a_bad_certificate_is_refused_naming_the_field_and_nothing_is_written(
    client, analyst, factory, changes: dict[str, object], field: str
) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_production_order", "content", **changes)
    response = client.post("/api/v1/requests", json=record, headers=analyst.headers)
    assert response.status_code == 422, response.text
    assert named_field(response.json()) == field
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Request)) == 0


def test_denmark_cannot_issue_a_removal_order_but_may_a_dsa_order(client, analyst) -> None:  # type: ignore[no-untyped-def]
    removal = fresh("eu_removal_order", eu_order__issuing_state="DK")
    refused = client.post("/api/v1/requests", json=removal, headers=analyst.headers)
    assert refused.status_code == 422
    assert named_field(refused.json()) == "eu_order.issuing_state"
    submit_order(client, analyst, fresh("dsa_order_to_act", eu_order__issuing_state="DK"))


def test_a_certificate_on_a_us_kind_is_refused(client, analyst) -> None:  # type: ignore[no-untyped-def]
    from factories import emergency_record

    record = emergency_record() | {"eu_order": {"issuing_state": "DE"}}
    response = client.post("/api/v1/requests", json=record, headers=analyst.headers)
    assert response.status_code == 422
    assert named_field(response.json()) == "eu_order"


def test_a_removal_order_is_p0_with_its_hour_and_a_drafted_receipt(client, analyst) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_removal_order")
    case = submit_order(client, analyst, record)
    assert case["priority"] == "P0"
    order = order_of(client, analyst, case["id"])
    received = datetime.fromisoformat(record["received_at"])
    hour = clock(order, "eu_execute_by")
    assert datetime.fromisoformat(hour["due_at"]) == received + timedelta(hours=1)
    assert hour["status"] == "running"
    assert order["status"] == "received"
    assert [c["locator"] for c in order["content"]] == ["https://social.example/p/7781"]
    receipt = message(order, "receipt")
    assert receipt["status"] == "draft"
    assert receipt["to_address"] == "eevidence@ag-tiergarten.berlin.de"
    assert "2021/784" in order["sources"]


def test_an_emergency_epoc_is_p1_with_eight_hours(client, analyst) -> None:  # type: ignore[no-untyped-def]
    record = fresh(
        "eu_production_order",
        eu_order__deadline_section="emergency",
        eu_order__emergency_grounds="Imminent threat to a witness's life",
    )
    case = submit_order(client, analyst, record)
    assert case["priority"] == "P1"
    order = order_of(client, analyst, case["id"])
    due = datetime.fromisoformat(clock(order, "eu_execute_by")["due_at"])
    assert due == datetime.fromisoformat(record["received_at"]) + timedelta(hours=8)


def test_an_order_missing_a_field_is_taken_with_its_clock_and_the_gap_named(
    client, analyst
) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(
        client, analyst, fresh("eu_removal_order", eu_order__issuing_authority__file_number=None)
    )
    order = order_of(client, analyst, case["id"])
    assert order["missing_elements"] == ["eu_order.issuing_authority.file_number"]
    assert clock(order, "eu_execute_by")["status"] == "running"
