"""The legal engine on orders from EU authorities: every kind x category x modifier."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from eu_orders.records import CONTENT_KINDS, EU_KINDS, RECEIVED_AT, eu_record
from exigent.legal.policy import default_policy, load_policy
from legal.intake import ABSENT, CATEGORIES, check, wire

RECEIVED = datetime.fromisoformat(RECEIVED_AT)
EPOC_CATEGORIES = {
    "subscriber_data": ["subscriber_info"],
    "identification_data": ["account_activity"],
    "traffic_data": ["account_activity", "connections", "message_metadata", "location"],
    "content_data": ["content"],
}
# Who may issue an EPOC for each category alone (2023/1543 Art. 4(1)-(2)).
ISSUERS = {
    "subscriber_data": {"judge", "court", "investigating_judge", "prosecutor"},
    "identification_data": {"judge", "court", "investigating_judge", "prosecutor"},
    "traffic_data": {"judge", "court", "investigating_judge"},
    "content_data": {"judge", "court", "investigating_judge"},
}
ROLES = ["judge", "court", "investigating_judge", "prosecutor", "other_competent_authority"]
VALIDATORS = [None, "judge", "prosecutor"]
EMERGENCY = {"eu_order__deadline_section": "emergency", "eu_order__emergency_grounds": "A life"}


def due_of(result: dict, kind: str) -> datetime | None:
    found = [o["due"] for o in result["obligations"] if o["kind"] == kind]
    return datetime.fromisoformat(found[0]) if found else None


@pytest.mark.parametrize("section", ["standard", "emergency"])
@pytest.mark.parametrize("validator", VALIDATORS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("epoc_category", list(EPOC_CATEGORIES))
def test_a_production_order_obtains_what_its_authority_may_order(
    epoc_category: str, role: str, validator: str | None, section: str
) -> None:
    changes = {
        "eu_order__data_categories": [epoc_category],
        "eu_order__issuing_authority__role": role,
        **(EMERGENCY if section == "emergency" else {}),
    }
    if validator:
        changes["eu_order__validating_authority"] = {"name": "Landgericht", "role": validator}
    record = eu_record("eu_production_order", *EPOC_CATEGORIES[epoc_category], **changes)
    got = wire(check(record))

    issues_alone = role in ISSUERS[epoc_category]
    validated = validator is not None and validator in ISSUERS[epoc_category]
    after_the_fact = section == "emergency" and epoc_category in {
        "subscriber_data",
        "identification_data",
    }
    assert got["categories"] == dict.fromkeys(EPOC_CATEGORIES[epoc_category], "permitted")
    assert got["priority"] == ("P1" if section == "emergency" else "P2")
    hours = 8 if section == "emergency" else 240
    assert due_of(got, "eu_execute_by") == RECEIVED + timedelta(hours=hours)
    if issues_alone or validated:
        assert (got["route"], got["missing_elements"]) == ("disclose_review", [])
        assert due_of(got, "eu_validation_due") is None
    elif after_the_fact:
        # Art. 4(5): validated within 48 hours of an emergency order, not before.
        assert (got["route"], got["missing_elements"]) == ("disclose_review", [])
        assert due_of(got, "eu_validation_due") == RECEIVED + timedelta(hours=48)
    else:
        assert got["route"] == "request_info"
        assert got["missing_elements"] == ["eu_order.validating_authority"]


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("epoc_category", list(EPOC_CATEGORIES))
def test_a_production_order_obtains_only_what_its_certificate_names(
    epoc_category: str, category: str
) -> None:
    record = eu_record("eu_production_order", category, eu_order__data_categories=[epoc_category])
    got = wire(check(record))
    covered = category in EPOC_CATEGORIES[epoc_category]
    assert got["categories"] == {category: "permitted" if covered else "not_permitted"}
    # Nothing obtainable is a rejection, with a message the analyst sends (Annex III).
    assert got["route"] == ("disclose_review" if covered else "reject")


# DSA Art. 10 reaches subscriber data; anything else is for counsel.
DSA_INFORMATION = {"subscriber_info": "permitted"}


@pytest.mark.parametrize("requester", ["government", "non_government", "foreign_agency"])
@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("kind", EU_KINDS)
def test_each_kind_and_category_under_each_requester(
    kind: str, category: str, requester: str
) -> None:
    changes: dict[str, object] = {}
    if kind == "eu_production_order":
        changes["eu_order__data_categories"] = list(EPOC_CATEGORIES)
    if requester == "non_government":
        changes["requester__is_government"] = False
    if requester == "foreign_agency":
        changes["requester__agency_country"] = "FR"  # another Member State: still binding
    got = wire(check(eu_record(kind, category, **changes)))
    ruling = {
        "eu_production_order": "permitted",
        "dsa_information_order": DSA_INFORMATION.get(category, "legal_review"),
    }.get(kind, "not_permitted")
    if requester == "non_government" and ruling != "not_permitted":
        ruling = "not_permitted" if category == "content" else "legal_review"
    assert got["categories"] == {category: ruling}


@pytest.mark.parametrize("kind", EU_KINDS)
def test_an_order_of_a_member_state_is_not_foreign_process(kind: str) -> None:
    got = wire(check(eu_record(kind, requester__agency_country="IE")))
    own = "preserve_only" if kind == "eu_preservation_order" else "disclose_review"
    assert got["route"] == own
    assert got["missing_elements"] == []


@pytest.mark.parametrize("kind", EU_KINDS)
def test_a_missing_certificate_is_listed_field_by_field(kind: str) -> None:
    got = wire(check(eu_record(kind, eu_order=ABSENT)))
    assert got["route"] == "request_info"
    assert "eu_order.issuing_state" in got["missing_elements"]
    assert "eu_order.issuing_authority.name" in got["missing_elements"]


@pytest.mark.parametrize(
    ("kind", "clocks"),
    [
        ("eu_removal_order", {"eu_execute_by": timedelta(hours=1)}),
        ("eu_production_order", {"eu_execute_by": timedelta(days=10)}),
        ("eu_preservation_order", {"eu_preservation_expires": timedelta(days=60)}),
        (
            "dsa_order_to_act",
            {"eu_inform_receipt": timedelta(hours=24), "eu_inform_effect": timedelta(hours=72)},
        ),
        (
            "dsa_information_order",
            {"eu_inform_receipt": timedelta(hours=24), "eu_inform_effect": timedelta(hours=72)},
        ),
    ],
)
def test_each_kind_starts_its_clocks_from_receipt(kind: str, clocks: dict[str, timedelta]) -> None:
    got = wire(check(eu_record(kind)))
    for name, span in clocks.items():
        assert due_of(got, name) == RECEIVED + span


def test_a_removal_order_is_p0_and_an_emergency_epoc_p1() -> None:
    assert check(eu_record("eu_removal_order")).priority == "P0"
    assert check(eu_record("eu_production_order", **EMERGENCY)).priority == "P1"
    assert check(eu_record("eu_preservation_order", **EMERGENCY)).priority == "P1"


def test_an_earlier_deadline_on_the_certificate_wins() -> None:
    earlier = "2026-09-16T12:00:00+02:00"
    got = wire(check(eu_record("eu_production_order", eu_order__earlier_deadline_at=earlier)))
    assert due_of(got, "eu_execute_by") == datetime.fromisoformat(earlier)


@pytest.mark.parametrize(
    ("residence", "categories", "emergency", "period"),
    [
        ("FR", ["traffic_data"], False, timedelta(days=10)),
        ("FR", ["content_data"], True, timedelta(hours=96)),
        ("DE", ["content_data"], False, None),  # lives in the issuing state
        ("FR", ["subscriber_data"], False, None),  # subscriber data: no notification
        (None, ["content_data"], False, None),
    ],
)
def test_the_enforcing_states_period_runs_for_traffic_and_content_of_non_residents(
    residence: str | None, categories: list[str], emergency: bool, period: timedelta | None
) -> None:
    changes: dict[str, object] = {"eu_order__data_categories": categories}
    if residence:
        changes["eu_order__person_residence_state"] = residence
    if emergency:
        changes |= EMERGENCY
    got = wire(check(eu_record("eu_production_order", "account_activity", "content", **changes)))
    ends = due_of(got, "eu_enforcing_period_ends")
    assert ends == (None if period is None else RECEIVED + period)


@pytest.mark.parametrize(
    ("told", "obligation"), [(True, "user_notice_review"), (False, "nondisclosure_review")]
)
def test_whether_the_person_may_be_told_follows_the_certificate(
    told: bool, obligation: str
) -> None:
    got = wire(check(eu_record("eu_production_order", eu_order__person_may_be_told=told)))
    assert obligation in {o["kind"] for o in got["obligations"]}


def test_a_preservation_order_by_the_police_needs_validation_unless_an_emergency() -> None:
    police = {"eu_order__issuing_authority__role": "other_competent_authority"}
    assert check(eu_record("eu_preservation_order", **police)).missing_elements == [
        "eu_order.validating_authority"
    ]
    got = wire(check(eu_record("eu_preservation_order", **police, **EMERGENCY)))
    assert got["missing_elements"] == []
    assert due_of(got, "eu_validation_due") == RECEIVED + timedelta(hours=48)


def test_a_policy_saved_before_eu_orders_loads_with_the_shipped_rows() -> None:
    document = default_policy().model_dump(mode="json")
    for kind in EU_KINDS:
        del document["kinds"][kind]
        del document["priorities"][kind]
        del document["required_elements"]["by_kind"][kind]
    del document["eu_orders"]
    del document["required_elements"]["not_required_by_kind"]
    old = load_policy(document)
    assert old.kinds["eu_removal_order"] == default_policy().kinds["eu_removal_order"]
    order = eu_record("eu_removal_order")
    assert wire(check(order, old)) == wire(check(order))


@pytest.mark.parametrize("kind", CONTENT_KINDS)
def test_an_order_on_content_needs_no_accounts_but_its_content(kind: str) -> None:
    got = wire(check(eu_record(kind, eu_order__content=[])))
    assert got["missing_elements"] == ["eu_order.content"]
