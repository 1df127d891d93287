"""The legal engine's rules for orders from EU authorities, read from `Policy.eu_orders`.

An order from a Member State's authority binds the provider (2023/1543, 2021/784, DSA Arts.
9-10), so the foreign-agency modifier, meant for voluntary requests from abroad, does not
apply to it. What an e-Evidence order may obtain depends on who issued or validated it
(2023/1543 Art. 4): an order its authority could not issue alone, without a validation, lacks
`eu_order.validating_authority` (the provider asks for it with the Annex III form), unless an
emergency lets it be validated afterwards (Art. 4(5)), which starts a clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from exigent.cases.eu_certificate import (
    EU_MEMBER_STATES,
    AuthorityRole,
    DeadlineSection,
    EpocCategory,
    EuOrder,
)
from exigent.cases.models import Priority
from exigent.cases.schemas import EU_ORDER_KINDS, DataCategory, IntakeRecord, RequestKind
from exigent.legal.eu_policy import EuOrderRules
from exigent.legal.schemas import Obligation, ObligationKind

VALIDATION = "eu_order.validating_authority"


def is_eu_order(record: IntakeRecord) -> bool:
    return record.kind in EU_ORDER_KINDS


def binding_in_the_union(record: IntakeRecord) -> bool:
    """An order whose certificate names a Member State as issuer: not a foreign request."""
    order = record.eu_order
    return is_eu_order(record) and order is not None and order.issuing_state in EU_MEMBER_STATES


def is_emergency(order: EuOrder | None) -> bool:
    return order is not None and order.deadline_section is DeadlineSection.emergency


def priority(record: IntakeRecord, rules: EuOrderRules, kind_priority: Priority) -> Priority:
    """An emergency e-Evidence order is raised to the policy's emergency priority."""
    if is_emergency(record.eu_order) and rules.emergency_priority < kind_priority:
        return rules.emergency_priority
    return kind_priority


# Who issued it (Art. 4)


def _roles(order: EuOrder) -> tuple[AuthorityRole | None, AuthorityRole | None]:
    issuer = order.issuing_authority.role if order.issuing_authority else None
    validator = order.validating_authority.role if order.validating_authority else None
    return issuer, validator


def _may_issue(
    order: EuOrder, issuers: list[AuthorityRole], validators: list[AuthorityRole]
) -> bool:
    issuer, validator = _roles(order)
    return issuer in issuers or validator in validators


def unvalidated_categories(record: IntakeRecord, rules: EuOrderRules) -> list[EpocCategory]:
    """The certificate's categories its authority may not order without a validation it lacks."""
    order = record.eu_order
    if order is None or not order.issuing_authority or order.issuing_authority.role is None:
        return []  # the missing role is itself a missing element
    if record.kind is RequestKind.eu_preservation_order:
        if _may_issue(order, rules.preservation_issuers, rules.preservation_validators):
            return []
        return list(order.data_categories) or list(EpocCategory)
    if record.kind is not RequestKind.eu_production_order:
        return []
    return [
        category
        for category in order.data_categories
        if not _may_issue(
            order,
            rules.epoc_categories[category].issuers,
            rules.epoc_categories[category].validators,
        )
    ]


def validation_missing(record: IntakeRecord, rules: EuOrderRules) -> bool:
    """Whether the order needs a validation now that it does not carry."""
    lacking = unvalidated_categories(record, rules)
    if not lacking:
        return False
    return not _validated_later(record, rules, lacking)


def _validated_later(
    record: IntakeRecord, rules: EuOrderRules, lacking: list[EpocCategory]
) -> bool:
    """An emergency order for categories that may be validated ex post (Art. 4(5))."""
    if not is_emergency(record.eu_order):
        return False
    if record.kind is RequestKind.eu_preservation_order:
        return True
    return all(rules.epoc_categories[c].emergency_without_prior_validation for c in lacking)


def covered_categories(record: IntakeRecord, rules: EuOrderRules) -> set[DataCategory] | None:
    """The product's categories the certificate's data categories cover, less those its
    offence may not reach (Art. 5(4)); None if it names none."""
    order = record.eu_order
    if record.kind is not RequestKind.eu_production_order or order is None:
        return None
    if not order.data_categories:
        return None
    barred = set(barred_categories(record, rules))
    return {
        c
        for category in order.data_categories
        if category not in barred
        for c in rules.epoc_categories[category].covers
    }


# The offence (Art. 5(4))

SENTENCE, LISTED = "eu_order.offence_max_sentence_years", "eu_order.listed_offence"


def offence_qualifies(order: EuOrder, rules: EuOrderRules) -> bool:
    """Punishable by at least the threshold's maximum sentence, or an offence the law lists."""
    serious = rules.serious_offences
    years = order.offence_max_sentence_years
    if years is not None and years >= serious.min_max_sentence_years:
        return True
    return order.listed_offence is not None and order.listed_offence in serious.listed


def barred_categories(record: IntakeRecord, rules: EuOrderRules) -> list[EpocCategory]:
    """The certificate's traffic and content categories its offence does not allow."""
    order = record.eu_order
    if record.kind is not RequestKind.eu_production_order or order is None:
        return []
    if offence_qualifies(order, rules):
        return []
    limited = set(rules.serious_offences.categories)
    return [c for c in order.data_categories if c in limited]


def offence_reason(order: EuOrder, rules: EuOrderRules) -> str:
    """Why the offence does not allow traffic or content data, naming the fields."""
    serious = rules.serious_offences
    threshold = f"{serious.min_max_sentence_years:g}"
    years = order.offence_max_sentence_years
    if years is None and order.listed_offence is None:
        said = f"the certificate gives neither {SENTENCE} nor {LISTED}"
    elif order.listed_offence is not None and order.listed_offence not in serious.listed:
        said = f"{LISTED} {order.listed_offence!r} is not an offence the policy lists"
        if years is not None:
            said += f", and {SENTENCE} is {years:g}, under {threshold}"
    else:
        said = f"{SENTENCE} is {years:g}, under {threshold}, and {LISTED} names no listed offence"
    return (
        f"{said}: traffic and content data may be ordered only for offences punishable by a "
        f"maximum sentence of at least {threshold} years or listed in Regulation (EU) "
        "2023/1543, Art. 5(4)(b)-(c)"
    )


def category_reasons(record: IntakeRecord, rules: EuOrderRules) -> dict[DataCategory, str]:
    """Why each requested category the offence keeps out is not permitted."""
    barred = barred_categories(record, rules)
    order = record.eu_order
    if not barred or order is None:
        return {}
    covered = covered_categories(record, rules) or set()
    kept_out = {c for category in barred for c in rules.epoc_categories[category].covers}
    reason = offence_reason(order, rules)
    return {c: reason for c in record.data_requested if c in kept_out and c not in covered}


# Clocks


def clocks(record: IntakeRecord, rules: EuOrderRules) -> list[Obligation]:
    """The deadlines an order starts, from its receipt."""
    received = record.received_at
    minutes = rules.clocks
    found: list[Obligation] = []

    def due(kind: ObligationKind, after: timedelta | datetime) -> None:
        at = after if isinstance(after, datetime) else received + after
        found.append(Obligation(kind=kind, due=at))

    order = record.eu_order
    emergency = is_emergency(order)
    match record.kind:
        case RequestKind.eu_removal_order:
            due(ObligationKind.eu_execute_by, timedelta(minutes=minutes.removal_minutes))
        case RequestKind.eu_production_order:
            due(ObligationKind.eu_execute_by, _production_due(record, rules))
            if _enforcing_state_notified(record):
                span = (
                    minutes.enforcing_authority_emergency_minutes
                    if emergency
                    else minutes.enforcing_authority_minutes
                )
                due(ObligationKind.eu_enforcing_period_ends, timedelta(minutes=span))
        case RequestKind.eu_preservation_order:
            days = (order.preservation_days if order else None) or minutes.preservation_days
            due(ObligationKind.eu_preservation_expires, timedelta(days=days))
        case RequestKind.dsa_order_to_act | RequestKind.dsa_information_order:
            due(ObligationKind.eu_inform_receipt, timedelta(minutes=minutes.inform_receipt_minutes))
            due(ObligationKind.eu_inform_effect, timedelta(minutes=minutes.inform_effect_minutes))
    if unvalidated_categories(record, rules) and _validated_later(
        record, rules, unvalidated_categories(record, rules)
    ):
        due(ObligationKind.eu_validation_due, timedelta(minutes=minutes.ex_post_validation_minutes))
    return found


def _production_due(record: IntakeRecord, rules: EuOrderRules) -> datetime:
    """10 days, 8 hours in an emergency, or the certificate's earlier deadline (Art. 10)."""
    order = record.eu_order
    span = (
        rules.clocks.production_emergency_minutes
        if is_emergency(order)
        else rules.clocks.production_minutes
    )
    due = record.received_at + timedelta(minutes=span)
    if order is not None and order.earlier_deadline_at is not None:
        due = min(due, order.earlier_deadline_at)
    return due


def _enforcing_state_notified(record: IntakeRecord) -> bool:
    """An EPOC for traffic or content data about a person who does not live in the issuing
    state goes to the enforcing state's authority too (2023/1543 Art. 8)."""
    order = record.eu_order
    if order is None or order.person_residence_state is None:
        return False
    sensitive = {EpocCategory.traffic_data, EpocCategory.content_data}
    if not sensitive & set(order.data_categories):
        return False
    return order.person_residence_state != order.issuing_state


def enforcing_state_notified(record: IntakeRecord) -> bool:
    return record.kind is RequestKind.eu_production_order and _enforcing_state_notified(record)


def notice(record: IntakeRecord, nondisclosure_review_days: int) -> list[Obligation]:
    """Whether the person may be told, as the certificate says: told when the order is
    executed, or the secrecy looked at again after the policy's review period."""
    order = record.eu_order
    if order is None or order.person_may_be_told is None:
        return []
    if order.person_may_be_told:
        return [Obligation(kind=ObligationKind.user_notice_review, due=record.received_at)]
    due = record.received_at + timedelta(days=nondisclosure_review_days)
    return [Obligation(kind=ObligationKind.nondisclosure_review, due=due)]


def stated_reasons(
    record: dict[str, Any], rules: EuOrderRules, rulings: dict[str, str]
) -> dict[str, str]:
    """A stored case's offence reasons, for the categories its check did not permit."""
    try:
        parsed = IntakeRecord.model_validate(record)
    except ValidationError:
        return {}  # a record stored under older rules is read as it is, without reasons
    reasons = category_reasons(parsed, rules)
    return {str(c): why for c, why in reasons.items() if rulings.get(str(c)) == "not_permitted"}
