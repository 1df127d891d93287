"""Obligations (DOMAIN.md): the deadlines a request starts, due in the requester's own offset."""

from __future__ import annotations

from typing import Any

import pytest

from exigent.legal.policy import default_policy, load_policy
from legal.intake import COMPULSORY, check, complete, wire

# received_at is 2025-01-27T10:05:00-05:00 in every request below.
NINETY_DAYS_ON = "2025-04-27T10:05:00-05:00"  # New York is on -04:00 by then; the offset stays
A_YEAR_ON = "2026-01-27T10:05:00-05:00"
NO_ORDER: list[Any] = [None, {"present": False}, {"present": False, "expires_on": "2026-03-01"}]


def obligations(record: dict[str, Any]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = wire(check(record))["obligations"]
    return found


@pytest.mark.parametrize("kind", ["preservation", "preservation_extension"])
def test_a_hold_expires_ninety_days_after_it_arrives(kind: str) -> None:
    assert obligations(complete(kind)) == [{"kind": "preservation_expires", "due": NINETY_DAYS_ON}]


def test_a_rejected_extension_starts_no_hold() -> None:
    assert obligations(complete("preservation_extension", prior_extensions=1)) == []


@pytest.mark.parametrize("kind", ["emergency", *COMPULSORY, "consent", "preservation"])
def test_an_order_with_an_end_date_calls_for_a_notice_review_on_that_date(kind: str) -> None:
    order = {"present": True, "expires_on": "2026-02-12"}
    found = obligations(complete(kind, nondisclosure_order=order, user_notice_permitted=True))
    assert {"kind": "user_notice_review", "due": "2026-02-12"} in found
    assert [o["kind"] for o in found if o["kind"] != "preservation_expires"] == [
        "user_notice_review"
    ]


@pytest.mark.parametrize("kind", ["emergency", *COMPULSORY, "real_time", "preservation"])
def test_an_order_without_an_end_date_is_reviewed_after_a_year(kind: str) -> None:
    order = {"present": True, "expires_on": None}
    found = obligations(complete(kind, nondisclosure_order=order, user_notice_permitted=True))
    assert {"kind": "nondisclosure_review", "due": A_YEAR_ON} in found
    assert [o["kind"] for o in found if o["kind"] != "preservation_expires"] == [
        "nondisclosure_review"
    ]


@pytest.mark.parametrize("order", NO_ORDER)
def test_an_emergency_without_an_order_reviews_user_notice_after_ninety_days(order: Any) -> None:
    found = obligations(complete("emergency", nondisclosure_order=order))
    assert found == [{"kind": "user_notice_review", "due": NINETY_DAYS_ON}]


@pytest.mark.parametrize("kind", COMPULSORY)
@pytest.mark.parametrize("order", NO_ORDER)
def test_compulsory_process_with_notice_permitted_means_notice_before_disclosure(
    kind: str, order: Any
) -> None:
    found = obligations(complete(kind, nondisclosure_order=order, user_notice_permitted=True))
    assert found == [{"kind": "user_notice_before_disclosure", "due": "2025-01-27T10:05:00-05:00"}]


@pytest.mark.parametrize("kind", COMPULSORY)
@pytest.mark.parametrize("permitted", [False, None])
def test_compulsory_process_without_notice_permitted_starts_nothing(
    kind: str, permitted: bool | None
) -> None:
    assert obligations(complete(kind, user_notice_permitted=permitted)) == []


@pytest.mark.parametrize("kind", ["consent", "real_time", "other"])
def test_other_kinds_with_notice_permitted_start_nothing(kind: str) -> None:
    assert obligations(complete(kind, user_notice_permitted=True)) == []


def test_a_hold_under_an_order_carries_both_deadlines() -> None:
    order = {"present": True, "expires_on": "2026-04-30"}
    assert obligations(complete("preservation", nondisclosure_order=order)) == [
        {"kind": "preservation_expires", "due": NINETY_DAYS_ON},
        {"kind": "user_notice_review", "due": "2026-04-30"},
    ]


@pytest.mark.parametrize(
    "record",
    [
        complete("subpoena", "content", user_notice_permitted=True),
        complete("emergency", "content", requester__is_government=False),
        complete("court_order", "content", nondisclosure_order={"present": True}),
    ],
)
def test_a_rejected_request_starts_nothing(record: dict[str, Any]) -> None:
    result = check(record)
    assert result.route == "reject"
    assert result.obligations == []


@pytest.mark.parametrize(
    ("record", "route", "kind"),
    [
        (complete("emergency", requester__phone=None), "request_info", "user_notice_review"),
        (
            complete("emergency", requester__agency_country="NL"),
            "legal_review",
            "user_notice_review",
        ),
        (complete("preservation", case_number=""), "request_info", "preservation_expires"),
        (
            complete("subpoena", documents=[], user_notice_permitted=True),
            "request_info",
            "user_notice_before_disclosure",
        ),
    ],
)
def test_every_other_route_starts_its_deadlines(
    record: dict[str, Any], route: str, kind: str
) -> None:
    result = check(record)
    assert result.route == route
    assert [o.kind for o in result.obligations] == [kind]


@pytest.mark.parametrize(
    ("received_at", "due"),
    [
        ("2025-03-01T23:30:00+05:30", "2025-05-30T23:30:00+05:30"),
        ("2025-12-31T22:00:00-10:00", "2026-03-31T22:00:00-10:00"),
        ("2025-10-01T08:00:00Z", "2025-12-30T08:00:00Z"),
    ],
)
def test_due_times_keep_the_offset_the_request_arrived_in(received_at: str, due: str) -> None:
    found = obligations(complete("preservation", received_at=received_at))
    assert found == [{"kind": "preservation_expires", "due": due}]


def test_the_day_counts_come_from_the_policy() -> None:
    edited = default_policy().model_dump(mode="json")
    edited["obligations"] = {
        "preservation_days": 30,
        "nondisclosure_review_days": 180,
        "emergency_user_notice_days": 7,
    }
    policy = load_policy(edited)
    hold = check(complete("preservation", nondisclosure_order={"present": True}), policy)
    emergency = check(complete("emergency"), policy)
    assert [(o.kind, o.due.isoformat()) for o in hold.obligations] == [
        ("nondisclosure_review", "2025-07-26T10:05:00-05:00"),
        ("preservation_expires", "2025-02-26T10:05:00-05:00"),
    ]
    assert [(o.kind, o.due.isoformat()) for o in emergency.obligations] == [
        ("user_notice_review", "2025-02-03T10:05:00-05:00")
    ]
