"""The legal-basis engine: what a request may obtain, what it lacks, where it goes, what it starts.

Pure functions of an intake record and a policy (DOMAIN.md, "Default policy" onwards); every
table comes from the policy so that counsel's edits take effect without a code change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import timedelta
from functools import cache
from operator import attrgetter

from pydantic import BaseModel

from exigent.cases.models import Priority
from exigent.cases.schemas import (
    COMPULSORY_KINDS,
    NON_DISCLOSING_KINDS,
    PRESERVATION_KINDS,
    DataCategory,
    IntakeRecord,
    RequestKind,
)
from exigent.legal import eu
from exigent.legal.policy import Policy, Route, Verdict
from exigent.legal.schemas import CategoryRuling, LegalCheck, Obligation, ObligationKind

RULINGS: dict[Verdict, CategoryRuling] = {
    "P": CategoryRuling.permitted,
    "N": CategoryRuling.not_permitted,
    "L": CategoryRuling.legal_review,
}

Verdicts = dict[DataCategory, Verdict]


def judge(record: IntakeRecord, policy: Policy) -> LegalCheck:
    """The legal check of one intake record under `policy`."""
    verdicts = category_verdicts(record, policy)
    missing = missing_elements(record, policy)
    route = choose_route(record, policy, verdicts, missing)
    return LegalCheck(
        id=record.id,
        route=route,
        categories={category: RULINGS[verdict] for category, verdict in verdicts.items()},
        missing_elements=missing,
        # An order of an authority is answered within its deadline even when it is refused
        # (the Annex III form), so its clocks run; any other rejected request starts nothing.
        obligations=[]
        if route is Route.reject and not eu.is_eu_order(record)
        else obligations(record, policy),
        priority=priority_of(record, policy),
    )


def priority_of(record: IntakeRecord, policy: Policy) -> Priority:
    """The kind's priority; an emergency order from an EU authority may raise it."""
    kind_priority = policy.priorities[record.kind]
    if eu.is_eu_order(record):
        return eu.priority(record, policy.eu_orders, kind_priority)
    return kind_priority


# Requester


def is_government(record: IntakeRecord) -> bool:
    """Whether the requester is a governmental entity; absent or null means it is."""
    return record.requester.is_government is not False


def is_foreign(record: IntakeRecord, policy: Policy) -> bool:
    """Whether the agency is outside the US; territories count as US, and so does no country.

    An order of an EU Member State's authority binds the provider: it is not foreign process."""
    if eu.binding_in_the_union(record):
        return False
    country = record.requester.agency_country
    if country is None or not country.strip():
        return False
    return country.strip().upper() not in policy.us_countries


# Categories


def category_verdicts(record: IntakeRecord, policy: Policy) -> Verdicts:
    """Each requested category's verdict after the requester modifiers, in request order."""
    if record.kind in NON_DISCLOSING_KINDS:
        # A hold discloses nothing; it covers every requested category. A removal order or
        # an order to act discloses nothing either.
        return dict.fromkeys(record.data_requested, "N")
    table = policy.kinds[record.kind].categories
    covered = eu.covered_categories(record, policy.eu_orders) if eu.is_eu_order(record) else None
    if covered is not None:
        # An e-Evidence order obtains only what its certificate's data categories cover.
        table = {c: v if c in covered else "N" for c, v in table.items()}
    government = is_government(record)
    foreign = is_foreign(record, policy)
    return {
        category: modified_verdict(
            table[category],
            category,
            government=government,
            foreign=foreign,
            never_for_non_government=policy.non_government_not_permitted,
        )
        for category in record.data_requested
    }


def modified_verdict(
    verdict: Verdict,
    category: DataCategory,
    *,
    government: bool,
    foreign: bool,
    never_for_non_government: Collection[str],
) -> Verdict:
    """One category's verdict after the non-government, then the foreign-agency modifier."""
    if verdict == "N":
        return "N"  # no modifier ever widens what the kind itself cannot obtain
    if not government:
        verdict = "N" if category in never_for_non_government else "L"
    if foreign and verdict == "P":
        verdict = "L"
    return verdict


# Required elements


def missing_elements(record: IntakeRecord, policy: Policy) -> list[str]:
    """The required elements the record lacks, as sorted field paths."""
    return sorted({path for path in required_elements(record, policy) if not has(record, path)})


def required_elements(record: IntakeRecord, policy: Policy) -> list[str]:
    """The field paths this kind of request must carry."""
    rules = policy.required_elements
    if record.kind == RequestKind.referral:
        # The team raised it itself: there is no requester whose name, address or agency
        # could be missing, only what the policy asks of a referral.
        return list(rules.by_kind.get(record.kind, ()))
    required = [*rules.all, *rules.by_kind.get(record.kind, ())]
    if eu.is_eu_order(record) and eu.validation_missing(record, policy.eu_orders):
        required.append(eu.VALIDATION)
    if record.kind in PRESERVATION_KINDS:
        # For a hold, `data_requested` says what to keep; empty means keep everything.
        return [path for path in required if path not in rules.not_required_for_preservation]
    spared = rules.not_required_by_kind.get(record.kind, ())
    return [path for path in required if path not in spared]


def has(record: IntakeRecord, path: str) -> bool:
    """Whether the element at `path` is present."""
    try:
        value = element_at(path)(record)
    except AttributeError:
        return False  # its parent is absent, as an emergency without its `emergency` object
    return is_present(value)


@cache
def element_at(path: str) -> Callable[[IntakeRecord], object]:
    """A fast reader of the element at a dotted field path such as `requester.phone`."""
    return attrgetter(path)


def is_present(value: object) -> bool:
    """Absent, null, blank text and empty lists are missing; a flag counts only when true."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value  # an attestation that is not signed is no attestation
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, BaseModel):
        # A part-filled object is no answer: a date range needs both its start and its end.
        return all(is_present(getattr(value, name)) for name in type(value).model_fields)
    return True


# Route


def choose_route(
    record: IntakeRecord, policy: Policy, verdicts: Verdicts, missing: list[str]
) -> Route:
    """The first route rule that applies: reject, request_info, legal_review, the kind's own."""
    if is_rejected(record, policy, verdicts):
        return Route.reject
    if missing:
        return Route.request_info
    if needs_legal_review(record, policy, verdicts):
        return Route.legal_review
    return policy.kinds[record.kind].route


def is_rejected(record: IntakeRecord, policy: Policy, verdicts: Verdicts) -> bool:
    """An extension beyond what the policy allows, or a disclosure of nothing obtainable."""
    if record.kind is RequestKind.preservation_extension:
        return (record.prior_extensions or 0) >= policy.max_preservation_extensions
    if record.kind in NON_DISCLOSING_KINDS:
        return False
    return bool(verdicts) and all(verdict == "N" for verdict in verdicts.values())


def needs_legal_review(record: IntakeRecord, policy: Policy, verdicts: Verdicts) -> bool:
    """A non-government or foreign requester, a kind counsel reviews, or only L among the rest."""
    if not is_government(record) or is_foreign(record, policy):
        return True
    if policy.kinds[record.kind].route is Route.legal_review:
        return True
    found = set(verdicts.values())
    return "L" in found and "P" not in found


# Obligations


def obligations(record: IntakeRecord, policy: Policy) -> list[Obligation]:
    """The deadlines the request starts, sorted by kind."""
    if eu.is_eu_order(record):
        found = [*eu.clocks(record, policy.eu_orders), *eu_notice(record, policy)]
    else:
        found = [*hold_expiry(record, policy), *notice_obligation(record, policy)]
    if len(found) > 1:
        found.sort(key=lambda obligation: obligation.kind)
    return found


def hold_expiry(record: IntakeRecord, policy: Policy) -> list[Obligation]:
    """When a preservation hold lapses unless renewed."""
    if record.kind not in PRESERVATION_KINDS:
        return []
    due = record.received_at + timedelta(days=policy.obligations.preservation_days)
    return [Obligation(kind=ObligationKind.preservation_expires, due=due)]


def eu_notice(record: IntakeRecord, policy: Policy) -> list[Obligation]:
    """The certificate's word on telling the person, else the record's own fields."""
    told = eu.notice(record, policy.obligations.nondisclosure_review_days)
    return told or notice_obligation(record, policy)


def notice_obligation(record: IntakeRecord, policy: Policy) -> list[Obligation]:
    """When the user's right to be told about the request must be looked at again."""
    days = policy.obligations
    order = record.nondisclosure_order
    if order is not None and order.present:
        if order.expires_on is not None:
            return [Obligation(kind=ObligationKind.user_notice_review, due=order.expires_on)]
        due = record.received_at + timedelta(days=days.nondisclosure_review_days)
        return [Obligation(kind=ObligationKind.nondisclosure_review, due=due)]
    if record.kind is RequestKind.emergency:
        # Notice is owed once the emergency has passed.
        due = record.received_at + timedelta(days=days.emergency_user_notice_days)
        return [Obligation(kind=ObligationKind.user_notice_review, due=due)]
    if record.kind in COMPULSORY_KINDS and record.user_notice_permitted:
        kind = ObligationKind.user_notice_before_disclosure
        return [Obligation(kind=kind, due=record.received_at)]
    return []
