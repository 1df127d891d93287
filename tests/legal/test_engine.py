"""The legal-basis engine against DOMAIN.md: the labelled sample, then each rule on its own."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exigent.cases.jsonl import parse_intake_line
from exigent.errors import BadInput
from exigent.legal.policy import default_policy, load_policy
from legal.intake import ABSENT, CATEGORIES, COMPULSORY, KINDS, check, complete, put, wire

DEV_SAMPLE = Path(__file__).parent / "data" / "legal-dev.jsonl"

PRESERVATION = ["preservation", "preservation_extension"]


# The labelled sample


def labelled_sample() -> list[Any]:
    cases = []
    for line in DEV_SAMPLE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        expected = record.pop("expected")
        cases.append(pytest.param(record, expected, id=record["id"]))
    return cases


def as_instant(due: str) -> date | datetime:
    return date.fromisoformat(due) if len(due) == 10 else datetime.fromisoformat(due)


@pytest.mark.parametrize(("record", "expected"), labelled_sample())
def test_reproduces_the_labelled_sample(record: dict[str, Any], expected: dict[str, Any]) -> None:
    got = wire(check(record))
    assert got["id"] == record["id"]
    assert got["route"] == expected["route"]
    assert got["categories"] == expected["categories"]
    assert set(got["missing_elements"]) == set(expected["missing_elements"])
    assert {(o["kind"], as_instant(o["due"])) for o in got["obligations"]} == {
        (o["kind"], as_instant(o["due"])) for o in expected["obligations"]
    }
    assert got["priority"] == expected["priority"]


# Categories: kind x category x requester (DOMAIN.md, "Default policy")

US_GOVERNMENT = {
    "subpoena": "P N N N N N",
    "court_order": "P P P P L N",
    "search_warrant": "P P P P P P",
    "emergency": "P P L L P L",
    "preservation": "N N N N N N",
    "preservation_extension": "N N N N N N",
    "consent": "L L L L L L",
    "real_time": "L L L L L L",
    "other": "L L L L L L",
}
# Content is N, every other category L; what was N stays N.
NON_GOVERNMENT = {
    "subpoena": "L N N N N N",
    "court_order": "L L L L L N",
    "search_warrant": "L L L L L N",
    "emergency": "L L L L L N",
    "preservation": "N N N N N N",
    "preservation_extension": "N N N N N N",
    "consent": "L L L L L N",
    "real_time": "L L L L L N",
    "other": "L L L L L N",
}
# Every P becomes L, emergencies included.
FOREIGN = {
    "subpoena": "L N N N N N",
    "court_order": "L L L L L N",
    "search_warrant": "L L L L L L",
    "emergency": "L L L L L L",
    "preservation": "N N N N N N",
    "preservation_extension": "N N N N N N",
    "consent": "L L L L L L",
    "real_time": "L L L L L L",
    "other": "L L L L L L",
}
# No P survives the non-government modifier, so the foreign one changes nothing after it.
FOREIGN_NON_GOVERNMENT = NON_GOVERNMENT

REQUESTERS: dict[str, tuple[dict[str, object], dict[str, str]]] = {
    "us_government": ({}, US_GOVERNMENT),
    "non_government": ({"requester.is_government": False}, NON_GOVERNMENT),
    "foreign": ({"requester.agency_country": "GB"}, FOREIGN),
    "foreign_non_government": (
        {"requester.is_government": False, "requester.agency_country": "DE"},
        FOREIGN_NON_GOVERNMENT,
    ),
}
RULING = {"P": "permitted", "N": "not_permitted", "L": "legal_review"}


def table_ruling(table: dict[str, str], kind: str, category: str) -> str:
    return RULING[table[kind].split()[CATEGORIES.index(category)]]


@pytest.mark.parametrize("requester", list(REQUESTERS))
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_gets_the_ruling_of_its_kind_and_requester(
    requester: str, kind: str, category: str
) -> None:
    changes, table = REQUESTERS[requester]
    record = complete(kind, category)
    for path, value in changes.items():
        put(record, path, value)
    assert wire(check(record))["categories"] == {category: table_ruling(table, kind, category)}


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    requester=st.sampled_from(list(REQUESTERS)),
    categories=st.lists(st.sampled_from(CATEGORIES), unique=True),
)
def test_only_requested_categories_appear_each_judged_on_its_own(
    kind: str, requester: str, categories: list[str]
) -> None:
    changes, table = REQUESTERS[requester]
    record = complete(kind, **{"data_requested": categories})
    for path, value in changes.items():
        put(record, path, value)
    got = wire(check(record))["categories"]
    assert list(got) == categories
    assert got == {category: table_ruling(table, kind, category) for category in categories}


@pytest.mark.parametrize("country", ["US", "PR", "GU", "VI", "AS", "MP", "UM", "pr", None, ""])
def test_us_and_its_territories_are_not_foreign(country: str | None) -> None:
    result = check(complete("emergency", "subscriber_info", requester__agency_country=country))
    assert result.route == "disclose_review"
    assert wire(result)["categories"] == {"subscriber_info": "permitted"}


def test_an_absent_country_means_us() -> None:
    result = check(complete("subpoena", requester__agency_country=ABSENT))
    assert (result.route, wire(result)["categories"]) == (
        "disclose_review",
        {"subscriber_info": "permitted"},
    )


@pytest.mark.parametrize("country", ["CA", "MX", "GB", "NL", "AU", "gb"])
def test_any_other_country_is_foreign(country: str) -> None:
    result = check(complete("emergency", "subscriber_info", requester__agency_country=country))
    assert result.route == "legal_review"
    assert wire(result)["categories"] == {"subscriber_info": "legal_review"}


@pytest.mark.parametrize("is_government", [None, ABSENT])
def test_an_unstated_requester_is_government(is_government: object) -> None:
    result = check(complete("subpoena", requester__is_government=is_government))
    assert (result.route, wire(result)["categories"]) == (
        "disclose_review",
        {"subscriber_info": "permitted"},
    )


# Route: the first rule that applies


@pytest.mark.parametrize(
    ("record", "route"),
    [
        # 1. reject: an extension beyond the one the policy allows ...
        (complete("preservation_extension", prior_extensions=1), "reject"),
        (complete("preservation_extension", prior_extensions=3), "reject"),
        (complete("preservation_extension", prior_extensions=0), "preserve_only"),
        (complete("preservation_extension", prior_extensions=None), "preserve_only"),
        (complete("preservation_extension"), "preserve_only"),
        # ... even when it also lacks elements
        (complete("preservation_extension", prior_extensions=1, case_number=None), "reject"),
        # ... or a disclosing kind where every requested category is N
        (complete("subpoena", "location"), "reject"),
        (complete("subpoena", "location", "content"), "reject"),
        (complete("court_order", "content"), "reject"),
        (complete("subpoena", "location", legal_authority=None), "reject"),
        (complete("court_order", "content", requester__is_government=False), "reject"),
        (complete("subpoena", "content", requester__agency_country="FR"), "reject"),
        (complete("emergency", "content", requester__is_government=False), "reject"),
        # one obtainable category saves the request; a hold is never a disclosure
        (complete("subpoena", "subscriber_info", "content"), "disclose_review"),
        (complete("preservation", "subscriber_info", "content"), "preserve_only"),
        # nothing requested is missing information, not a rejection
        (complete("subpoena", data_requested=[]), "request_info"),
        # 2. request_info: any required element missing, before any legal review
        (complete("subpoena", documents=[]), "request_info"),
        (
            complete("search_warrant", "content", requester__agency_country="AU", targets=[]),
            "request_info",
        ),
        (complete("consent", requester__email=" "), "request_info"),
        (
            complete("emergency", requester__is_government=False, emergency__facts=""),
            "request_info",
        ),
        (complete("preservation", case_number=None), "request_info"),
        # 3. legal_review: non-government or foreign requester ...
        (complete("subpoena", requester__is_government=False), "legal_review"),
        (complete("search_warrant", "content", requester__agency_country="AU"), "legal_review"),
        (complete("preservation", requester__is_government=False), "legal_review"),
        (complete("preservation", requester__agency_country="NL"), "legal_review"),
        # ... a kind whose own route is legal review ...
        (complete("consent"), "legal_review"),
        (complete("real_time", "message_metadata"), "legal_review"),
        (complete("other", "location"), "legal_review"),
        # ... or L among the requested categories and no P
        (complete("court_order", "location"), "legal_review"),
        (complete("court_order", "location", "content"), "legal_review"),
        (complete("emergency", "connections", "content"), "legal_review"),
        # 4. otherwise the kind's own route
        (complete("court_order", "location", "subscriber_info"), "disclose_review"),
        (complete("emergency", "content", "location"), "disclose_review"),
        (complete("search_warrant", *CATEGORIES), "disclose_review"),
        (complete("preservation"), "preserve_only"),
        (complete("preservation", data_requested=[]), "preserve_only"),
    ],
)
def test_route_is_the_first_rule_that_applies(record: dict[str, Any], route: str) -> None:
    assert check(record).route == route


def test_a_rejected_request_still_lists_what_it_lacks() -> None:
    result = check(complete("subpoena", "content", documents=[], date_range=None))
    assert result.route == "reject"
    assert result.missing_elements == ["date_range", "documents"]


# Priority


@pytest.mark.parametrize(
    ("kind", "priority"),
    [
        ("emergency", "P0"),
        ("preservation", "P2"),
        ("preservation_extension", "P2"),
        *((kind, "P3") for kind in [*COMPULSORY, "consent", "real_time", "other"]),
    ],
)
def test_priority_follows_the_kind(kind: str, priority: str) -> None:
    assert check(complete(kind)).priority == priority


@pytest.mark.parametrize(
    "record",
    [
        complete("emergency", requester__phone=None),
        complete("emergency", emergency=None, attestation=None),
        complete("emergency", requester__agency_country="NL"),
    ],
)
def test_an_emergency_stays_p0_whatever_its_route(record: dict[str, Any]) -> None:
    result = check(record)
    assert result.route != "disclose_review"
    assert result.priority == "P0"


# Invariants over any request

requests = st.builds(
    lambda kind, categories, government, country, drops, extra: drop_all(
        complete(
            kind,
            data_requested=categories,
            requester__is_government=government,
            requester__agency_country=country,
            **extra,
        ),
        drops,
    ),
    kind=st.sampled_from(KINDS),
    categories=st.lists(st.sampled_from(CATEGORIES), unique=True),
    government=st.sampled_from([True, False, None, ABSENT]),
    country=st.sampled_from(["US", "GU", "GB", "BR", None, ABSENT]),
    drops=st.sets(
        st.sampled_from(
            [
                "requester.name",
                "requester.phone",
                "targets",
                "documents",
                "date_range.end",
                "case_number",
                "emergency",
                "attestation.signed",
            ]
        )
    ),
    extra=st.fixed_dictionaries(
        {},
        optional={
            "prior_extensions": st.integers(0, 3),
            "user_notice_permitted": st.booleans(),
            "nondisclosure_order": st.fixed_dictionaries(
                {"present": st.booleans(), "expires_on": st.sampled_from([None, "2026-06-30"])}
            ),
        },
    ),
)


def drop_all(record: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    for path in paths:
        put(record, path, ABSENT)
    return record


@settings(max_examples=300, deadline=None)
@given(record=requests)
def test_what_holds_for_every_request(record: dict[str, Any]) -> None:
    result = check(record)
    got = wire(result)
    assert list(got) == ["id", "route", "categories", "missing_elements", "obligations", "priority"]
    assert got["missing_elements"] == sorted(set(got["missing_elements"]))
    assert list(got["categories"]) == record["data_requested"]
    if result.route == "reject":
        assert got["obligations"] == []
    if result.route == "request_info":
        assert got["missing_elements"]
    if got["missing_elements"]:
        assert result.route in ("reject", "request_info")
    if result.route == "disclose_review":
        assert "permitted" in got["categories"].values()
    if record["kind"] in PRESERVATION:
        assert set(got["categories"].values()) <= {"not_permitted"}
        assert result.route in ("preserve_only", "request_info", "legal_review", "reject")
    for category, ruling in got["categories"].items():
        if table_ruling(US_GOVERNMENT, record["kind"], category) == "not_permitted":
            assert ruling == "not_permitted"  # no requester widens what the kind cannot obtain


def test_a_date_range_that_ends_before_it_starts_is_bad_input() -> None:
    record = complete("subpoena", date_range={"start": "2025-02-01", "end": "2025-01-31"})
    with pytest.raises(BadInput, match=r"line 4: date_range: start must not be after end"):
        parse_intake_line(4, json.dumps(record))


def test_a_one_day_date_range_is_complete() -> None:
    record = complete("subpoena", date_range={"start": "2025-01-31", "end": "2025-01-31"})
    assert check(record).missing_elements == []


def test_counsel_edits_to_the_policy_change_the_outcome() -> None:
    edited = default_policy().model_dump(mode="json")
    edited["kinds"]["subpoena"]["categories"]["account_activity"] = "P"
    edited["us_countries"].append("CA")
    edited["priorities"]["subpoena"] = "P1"
    result = check(
        complete("subpoena", "account_activity", requester__agency_country="CA"),
        load_policy(edited),
    )
    assert (result.route, result.priority) == ("disclose_review", "P1")
    assert wire(result)["categories"] == {"account_activity": "permitted"}
