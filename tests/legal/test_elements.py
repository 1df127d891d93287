"""Required elements (DOMAIN.md): what each kind must carry, and what counts as missing."""

from __future__ import annotations

from typing import Any

import pytest

from exigent.legal.policy import default_policy
from legal.intake import ABSENT, COMPULSORY, KINDS, check, complete

EVERY_KIND = ["requester.name", "requester.email", "requester.agency_name", "targets"]
REQUIRED = {
    "emergency": [
        *EVERY_KIND,
        "data_requested",
        "emergency.nature",
        "emergency.facts",
        "emergency.how_data_helps",
        "requester.phone",
        "attestation.signed",
    ],
    **{
        kind: [*EVERY_KIND, "data_requested", "documents", "legal_authority", "date_range"]
        for kind in COMPULSORY
    },
    "preservation": [*EVERY_KIND, "case_number"],
    "preservation_extension": [*EVERY_KIND, "case_number"],
    **{kind: [*EVERY_KIND, "data_requested"] for kind in ["consent", "real_time", "other"]},
}

TEXT_GONE = {"absent": ABSENT, "null": None, "empty": "", "whitespace": " \t "}
# Each way an element can be missing, by the shape of the element.
GONE: dict[str, dict[str, Any]] = {
    "requester.name": TEXT_GONE,
    "requester.email": TEXT_GONE,
    "requester.agency_name": TEXT_GONE,
    "requester.phone": TEXT_GONE,
    "emergency.facts": TEXT_GONE,
    "emergency.how_data_helps": TEXT_GONE,
    "legal_authority": TEXT_GONE,
    "case_number": TEXT_GONE,
    "emergency.nature": {"absent": ABSENT, "null": None},
    "targets": {"absent": ABSENT, "empty": []},
    "data_requested": {"absent": ABSENT, "empty": []},
    "documents": {"absent": ABSENT, "empty": []},
    "attestation.signed": {"absent": ABSENT, "false": False},
    "date_range": {
        "absent": ABSENT,
        "null": None,
        "empty": {},
        "start_only": {"start": "2024-09-29"},
        "end_only": {"end": "2025-01-27"},
        "null_start": {"start": None, "end": "2025-01-27"},
    },
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_complete_request_lacks_nothing(kind: str) -> None:
    assert check(complete(kind)).missing_elements == []


@pytest.mark.parametrize(
    ("kind", "element", "how"),
    [
        (kind, element, how)
        for kind, elements in REQUIRED.items()
        for element in elements
        for how in GONE[element]
    ],
)
def test_each_required_element_is_missing_however_it_is_left_out(
    kind: str, element: str, how: str
) -> None:
    record = complete(kind, **{element.replace(".", "__"): GONE[element][how]})
    result = check(record)
    assert result.missing_elements == [element]
    assert result.route == "request_info"


@pytest.mark.parametrize(
    ("kind", "element", "value"),
    [
        ("subpoena", "requester.phone", ABSENT),
        ("subpoena", "case_number", None),
        ("consent", "documents", []),
        ("real_time", "date_range", ABSENT),
        ("emergency", "legal_authority", ABSENT),
        ("emergency", "documents", []),
        ("emergency", "case_number", ""),
        ("preservation", "requester.phone", None),
        ("preservation", "legal_authority", ABSENT),
        ("search_warrant", "attestation", ABSENT),
    ],
)
def test_an_element_another_kind_needs_is_not_missing(kind: str, element: str, value: Any) -> None:
    result = check(complete(kind, **{element.replace(".", "__"): value}))
    assert result.missing_elements == []
    assert result.route != "request_info"


@pytest.mark.parametrize("kind", ["preservation", "preservation_extension"])
@pytest.mark.parametrize("data_requested", [ABSENT, []])
def test_a_hold_with_no_categories_keeps_everything(kind: str, data_requested: Any) -> None:
    result = check(complete(kind, data_requested=data_requested))
    assert result.missing_elements == []
    assert result.route == "preserve_only"
    assert result.categories == {}


@pytest.mark.parametrize("emergency", [ABSENT, None])
def test_an_emergency_without_its_emergency_object_misses_each_of_its_parts(
    emergency: Any,
) -> None:
    result = check(complete("emergency", emergency=emergency))
    assert result.missing_elements == [
        "emergency.facts",
        "emergency.how_data_helps",
        "emergency.nature",
    ]
    assert result.route == "request_info"


def test_an_unsigned_attestation_object_is_missing_its_signature() -> None:
    result = check(complete("emergency", attestation=None))
    assert result.missing_elements == ["attestation.signed"]


def test_missing_elements_are_listed_sorted() -> None:
    record = complete(
        "search_warrant",
        targets=[],
        requester__name=" ",
        legal_authority=None,
        date_range={"end": "2025-01-01"},
        documents=ABSENT,
        requester__agency_name="",
    )
    assert check(record).missing_elements == [
        "date_range",
        "documents",
        "legal_authority",
        "requester.agency_name",
        "requester.name",
        "targets",
    ]


def _referral(**changes: Any) -> dict[str, Any]:
    """A referral as the escalation intake records it: no requester, no attestation."""
    return {
        "id": None,
        "kind": "referral",
        "received_via": "internal",
        "received_at": "2026-11-24T07:00:00Z",
        "emergency": {"nature": "violent_threat", "facts": "Threatens a named neighbour."},
        "targets": [{"identifier_type": "username", "value": "angry.neighbour"}],
        "data_requested": ["subscriber_info", "location", "content"],
        **changes,
    }


def test_a_referral_lacks_no_requester_element():
    result = check(_referral())
    assert result.missing_elements == []
    assert str(result.route) != "need_info"


def test_a_referral_named_with_a_requester_block_is_still_not_asked_for_one():
    """Even a blank requester block (as a form may post) asks nothing of the team."""
    result = check(_referral(requester={"name": "", "email": ""}, attestation={"signed": False}))
    assert not [m for m in result.missing_elements if m.startswith(("requester.", "attestation"))]
    assert result.missing_elements == []


def test_the_policy_decides_what_a_referral_must_carry():
    """What a referral must carry comes from the policy's own list for the kind, nothing else."""
    policy = default_policy()
    rules = policy.required_elements.model_copy(
        update={"by_kind": {**policy.required_elements.by_kind, "referral": ["targets"]}}
    )
    stricter = policy.model_copy(update={"required_elements": rules})
    assert check(_referral(targets=[]), stricter).missing_elements == ["targets"]
    assert check(_referral(), stricter).missing_elements == []
