"""2023/1543 Art. 5(4): traffic data (other than data only to identify the user) and content
data are ordered only for offences punishable by a maximum of at least 3 years, or listed."""

from __future__ import annotations

from typing import Any

import pytest

from eu_orders.flows import fresh, order_of, submit_order
from eu_orders.records import eu_record
from exigent.cases.schemas import IntakeRecord
from exigent.legal.eu import category_reasons
from exigent.legal.policy import default_policy, load_policy
from legal.intake import check, wire

EPOC_CATEGORIES = {
    "subscriber_data": ["subscriber_info"],
    "identification_data": ["account_activity"],
    "traffic_data": ["account_activity", "connections", "message_metadata", "location"],
    "content_data": ["content"],
}
LIMITED = {"traffic_data", "content_data"}
LISTED = [
    "non_cash_payment_fraud",
    "child_sexual_abuse",
    "attack_on_information_systems",
    "terrorism",
]
# Each case: the certificate's offence fields, and whether they allow traffic and content data.
OFFENCES: dict[str, tuple[dict[str, Any], bool]] = {
    "none stated": ({}, False),
    "2 years": ({"offence_max_sentence_years": 2}, False),
    "2.5 years": ({"offence_max_sentence_years": 2.5}, False),
    "3 years": ({"offence_max_sentence_years": 3}, True),
    "10 years": ({"offence_max_sentence_years": 10}, True),
    **{f"listed {o}": ({"listed_offence": o}, True) for o in LISTED},
    "listed terrorism, 1 year": (
        {"listed_offence": "terrorism", "offence_max_sentence_years": 1},
        True,
    ),
}


def order_with(epoc_category: str, category: str, offence: dict[str, Any]) -> dict[str, Any]:
    record = eu_record("eu_production_order", category, eu_order__data_categories=[epoc_category])
    del record["eu_order"]["offence_max_sentence_years"]
    record["eu_order"].update(offence)
    return record


@pytest.mark.parametrize("offence", list(OFFENCES))
@pytest.mark.parametrize(
    ("epoc_category", "category"),
    [(e, c) for e, covers in EPOC_CATEGORIES.items() for c in covers],
)
def test_traffic_and_content_data_only_for_serious_or_listed_offences(
    epoc_category: str, category: str, offence: str
) -> None:
    fields, serious = OFFENCES[offence]
    record = order_with(epoc_category, category, fields)
    got = wire(check(record))
    allowed = serious or epoc_category not in LIMITED
    assert got["categories"] == {category: "permitted" if allowed else "not_permitted"}
    # Refused, the order is still answered within its deadline: its clock runs.
    assert "eu_execute_by" in {o["kind"] for o in got["obligations"]}
    reasons = category_reasons(IntakeRecord.model_validate(record), default_policy().eu_orders)
    if allowed:
        assert reasons == {}
    else:
        [why] = reasons.values()
        assert "eu_order.offence_max_sentence_years" in why
        assert "eu_order.listed_offence" in why
        assert "Art. 5(4)" in why


def test_identification_data_in_the_same_order_is_still_given() -> None:
    record = order_with("identification_data", "account_activity", {})
    record["eu_order"]["data_categories"] = ["identification_data", "traffic_data"]
    record["data_requested"] = ["account_activity", "connections"]
    got = wire(check(record))
    # Art. 5(4) spares data requested only to identify the user.
    assert got["categories"] == {"account_activity": "permitted", "connections": "not_permitted"}


def test_the_reason_says_what_the_certificate_gave() -> None:
    rules = default_policy().eu_orders
    low = order_with("content_data", "content", {"offence_max_sentence_years": 2})
    [why] = category_reasons(IntakeRecord.model_validate(low), rules).values()
    assert why.startswith("eu_order.offence_max_sentence_years is 2, under 3")
    none = order_with("content_data", "content", {})
    [why] = category_reasons(IntakeRecord.model_validate(none), rules).values()
    assert why.startswith("the certificate gives neither")


def test_the_threshold_and_the_list_are_policy() -> None:
    document = default_policy().model_dump(mode="json")
    document["eu_orders"]["serious_offences"]["min_max_sentence_years"] = 5
    del document["eu_orders"]["serious_offences"]["listed"]["terrorism"]
    stricter = load_policy(document)
    record = order_with("content_data", "content", {"offence_max_sentence_years": 4})
    assert wire(check(record, stricter))["categories"] == {"content": "not_permitted"}
    assert wire(check(record))["categories"] == {"content": "permitted"}
    listed = order_with("content_data", "content", {"listed_offence": "terrorism"})
    assert wire(check(listed, stricter))["categories"] == {"content": "not_permitted"}
    # A policy saved before the table existed takes the regulation's rule.
    del document["eu_orders"]["serious_offences"]
    assert wire(check(record, load_policy(document)))["categories"] == {"content": "permitted"}


def test_an_unknown_listed_offence_is_refused_naming_the_field(client, analyst) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_production_order", eu_order__listed_offence="shoplifting")
    response = client.post("/api/v1/requests", json=record, headers=analyst.headers)
    assert response.status_code == 422, response.text
    assert "eu_order.listed_offence" in response.text
    wrong_kind = fresh("eu_removal_order", eu_order__offence_max_sentence_years=5)
    response = client.post("/api/v1/requests", json=wrong_kind, headers=analyst.headers)
    assert response.status_code == 422, response.text
    assert "offence_max_sentence_years" in response.text


def test_the_panel_says_why_content_is_not_permitted(client, analyst) -> None:  # type: ignore[no-untyped-def]
    from console.helpers import sign_in

    record = fresh(
        "eu_production_order",
        "subscriber_info",
        "content",
        eu_order__data_categories=["subscriber_data", "content_data"],
        eu_order__offence_max_sentence_years=1,
    )
    case = submit_order(client, analyst, record)
    order = order_of(client, analyst, case["id"])
    assert list(order["category_reasons"]) == ["content"]
    legal = client.get(f"/api/v1/requests/{case['id']}/legal", headers=analyst.headers).json()
    assert legal["categories"] == {"subscriber_info": "permitted", "content": "not_permitted"}
    assert "eu_order.listed_offence" in legal["category_reasons"]["content"]
    sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case['id']}/eu-order")
    assert 'data-not-permitted="content"' in panel.text
    assert "eu_order.offence_max_sentence_years is 1, under 3" in panel.text
    assert "punishable by up to 1 year" in panel.text
    page = client.get(f"/console/cases/{case['id']}")
    assert 'data-ruling-reason="content"' in page.text


def test_the_policy_page_shows_the_threshold_and_the_listed_offences(client, analyst) -> None:  # type: ignore[no-untyped-def]
    from console.helpers import sign_in

    sign_in(client, analyst.user.email)
    page = client.get("/console/policy")
    assert page.status_code == 200
    assert "data-serious-offences" in page.text
    assert "at least <strong>3 years</strong>" in page.text
    assert "Directive (EU) 2017/541, Arts. 3-12 and 14-17" in page.text
