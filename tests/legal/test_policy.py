"""Counsel edits the policy: the engine follows each table, and a broken table fails to load."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from exigent.legal.policy import Policy, default_policy, load_policy
from legal.intake import check, complete, wire


def edited(change: Callable[[dict[str, Any]], None]) -> Policy:
    document = default_policy().model_dump(mode="json")
    change(document)
    return load_policy(document)


def test_a_second_extension_goes_through_when_counsel_allows_two() -> None:
    policy = edited(lambda p: p.update(max_preservation_extensions=2))
    assert check(complete("preservation_extension", prior_extensions=1), policy).route == (
        "preserve_only"
    )
    assert check(complete("preservation_extension", prior_extensions=2), policy).route == "reject"


def test_a_category_added_to_what_civil_parties_never_get() -> None:
    policy = edited(lambda p: p["non_government_not_permitted"].append("location"))
    record = complete(
        "search_warrant", "location", "subscriber_info", requester__is_government=False
    )
    assert wire(check(record, policy))["categories"] == {
        "location": "not_permitted",
        "subscriber_info": "legal_review",
    }


def test_a_required_element_added_for_a_kind() -> None:
    policy = edited(lambda p: p["required_elements"]["by_kind"]["subpoena"].append("case_number"))
    result = check(complete("subpoena", case_number=None), policy)
    assert (result.route, result.missing_elements) == ("request_info", ["case_number"])


def test_a_route_changed_for_a_kind() -> None:
    policy = edited(lambda p: p["kinds"]["court_order"].update(route="legal_review"))
    assert check(complete("court_order"), policy).route == "legal_review"


def test_territories_listed_in_lower_case_still_count_as_us() -> None:
    policy = edited(lambda p: p.update(us_countries=["us", "pr"]))
    assert check(complete("subpoena", requester__agency_country="PR"), policy).route == (
        "disclose_review"
    )
    assert check(complete("subpoena", requester__agency_country="GU"), policy).route == (
        "legal_review"
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda p: p["kinds"].pop("real_time"), "kinds lacks real_time"),
        (lambda p: p["categories"].remove("location"), "categories must be exactly"),
        (
            lambda p: p["non_government_not_permitted"].append("dms"),
            "non_government_not_permitted names an unknown category",
        ),
        (
            lambda p: p["required_elements"]["all"].append("requester.badge"),
            "'requester.badge', not a field of the intake",
        ),
        (
            lambda p: p["required_elements"]["by_kind"]["emergency"].append("emergency.summary"),
            "'emergency.summary', not a field of the intake",
        ),
    ],
)
def test_a_table_with_a_gap_fails_to_load(
    change: Callable[[dict[str, Any]], None], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        edited(change)
