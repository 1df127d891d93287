"""Signals that need earlier requests: bursts, unrelated targets, reused text, past outcomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from exigent.cases.schemas import IntakeRecord
from exigent.verification.engine import Assessor, assess_in_arrival_order, past_request
from exigent.verification.history import InMemoryHistory, VerificationOutcome
from exigent.verification.schemas import AssessmentRead

RecordFactory = Callable[..., IntakeRecord]

TEMPLATE = (
    "We have received a credible report that the user of the account {target} has posted a "
    "message stating that he intends to take his own life this evening. The user has a firearm "
    "and has not been seen since {time}. Family members are unable to reach him and officers "
    "checked his last known residence with negative results. We urgently need to locate him."
)


def codes(assessment: AssessmentRead) -> set[str]:
    return {signal.code for signal in assessment.signals}


def at(make_record: RecordFactory, minutes: int, **changes: Any) -> IntakeRecord:
    record = make_record(**changes)
    return record.model_copy(
        update={"received_at": record.received_at + timedelta(minutes=minutes)}
    )


def from_officer(email: str, name: str, state: str, agency: str) -> dict[str, Any]:
    return {
        "requester": {
            "email": email,
            "name": name,
            "agency_state": state,
            "agency_name": agency,
            "phone": None,
            "supervisor_phone": None,
        },
        "email": None,
        "received_via": "portal",
    }


def template_request(make_record: RecordFactory, minutes: int, n: int, **who: Any) -> IntakeRecord:
    target = f"user{n}x"
    return at(
        make_record,
        minutes,
        id=f"t{n}",
        case_number=f"C-{n}",
        targets=[{"identifier_type": "username", "value": target}],
        emergency={"facts": TEMPLATE.format(target=target, time=f"{n}:1{n} AM")},
        **who,
    )


def test_burst_of_unrelated_requests_from_one_mailbox(make_record: RecordFactory) -> None:
    records = [
        at(
            make_record,
            n * 10,
            id=f"b{n}",
            case_number=f"C-{n}",
            targets=[{"identifier_type": "username", "value": f"someone{n}"}],
        )
        for n in range(4)
    ]
    results = assess_in_arrival_order(records)
    assert "request_burst" not in codes(results[0]) and "unrelated_targets" not in codes(results[0])
    assert "unrelated_targets" in codes(results[1])
    assert {"request_burst", "unrelated_targets"} <= codes(results[3])
    assert results[3].risk_score > results[0].risk_score


def test_follow_up_on_the_same_case_is_not_a_burst_or_reuse(make_record: RecordFactory) -> None:
    first = at(make_record, 0, id="f1")
    assert first.emergency is not None and first.emergency.facts
    update = at(
        make_record,
        240,
        id="f2",
        emergency={"facts": "UPDATE to our earlier request: " + first.emergency.facts},
        targets=[
            {"identifier_type": "username", "value": "river.song22"},
            {"identifier_type": "username", "value": "second.acct"},
        ],
    )
    again = at(make_record, 300, id="f3")
    results = assess_in_arrival_order([first, update, again])
    for result in results[1:]:
        assert not codes(result) & {"template_reuse", "request_burst", "unrelated_targets"}
        assert "requester_not_verified" in codes(result)


def test_template_reused_by_other_agencies(make_record: RecordFactory) -> None:
    records = [
        template_request(
            make_record,
            0,
            1,
            **from_officer("a@cloverdale.net", "A One", "CA", "Cloverdale Police Department"),
        ),
        template_request(
            make_record,
            600,
            2,
            **from_officer("b@dobbsferry.gov", "B Two", "NY", "Dobbs Ferry Police Department"),
        ),
    ]
    results = assess_in_arrival_order(records)
    assert "template_reuse" not in codes(results[0])
    assert "template_reuse" in codes(results[1])
    assert results[1].verification_required
    detail = next(s.detail for s in results[1].signals if s.code == "template_reuse")
    assert "t1" in detail


def test_same_officer_reusing_own_words_is_not_template_reuse(make_record: RecordFactory) -> None:
    records = [template_request(make_record, 0, 1), template_request(make_record, 2000, 2)]
    assert "template_reuse" not in codes(assess_in_arrival_order(records)[1])


def test_text_of_a_request_marked_fraudulent(make_record: RecordFactory) -> None:
    assessor, history = Assessor(), InMemoryHistory()
    old = template_request(
        make_record,
        -5000,
        1,
        **from_officer("x@cloverdale.net", "X", "CA", "Cloverdale Police Department"),
    )
    ctx = assessor.context(old, history)
    history.add(past_request(ctx, "old"), ctx.fingerprint)
    history.mark("t1", VerificationOutcome.fraud)
    result = assessor.assess(template_request(make_record, 0, 2), history)
    assert "template_of_fraud" in codes(result)


def test_previously_verified_requester_with_a_clean_request_may_skip_callback(
    make_record: RecordFactory,
) -> None:
    assessor, history = Assessor(), InMemoryHistory()
    earlier = at(make_record, -60 * 24 * 30, id="v1", case_number="OLD-1")
    ctx = assessor.context(earlier, history)
    history.add(past_request(ctx, "v1"), ctx.fingerprint)
    history.mark("v1", VerificationOutcome.verified)
    result = assessor.assess(make_record(), history)
    assert "requester_previously_verified" in codes(result)
    assert not result.verification_required
    risky = assessor.assess(make_record(email={"reply_to": "dana@proton.me"}), history)
    assert risky.verification_required  # a verified mailbox can still be compromised


def test_failed_verification_follows_the_requester(make_record: RecordFactory) -> None:
    assessor, history = Assessor(), InMemoryHistory()
    earlier = at(make_record, -600, id="x1", case_number="OLD-2")
    ctx = assessor.context(earlier, history)
    history.add(past_request(ctx, "x1"), ctx.fingerprint)
    history.mark("x1", VerificationOutcome.failed)
    result = assessor.assess(make_record(), history)
    assert {"requester_failed_verification", "domain_failed_verification"} <= codes(result)
    assert result.risk_level in ("high", "critical")
