"""The imminent-risk checklist's recommendation, item by item, and the bases it proposes."""

from __future__ import annotations

import pytest

from exigent.legal.policy import default_policy
from exigent.referrals.assessment import (
    advise,
    parse_answers,
    propose_bases,
    recipient_kinds_from_facts,
)
from exigent.referrals.models import HarmType, RecipientKind, Recommendation

Y, N, U = "yes", "no", "unknown"
KEYS = ("specific_threat", "means", "time_frame", "identifiable_victim", "age_indicators",
        "prior_history")  # fmt: skip


def answers(*values: str) -> dict[str, str]:
    return dict(zip(KEYS, values, strict=True))


TABLE = [
    # harm, specific, means, time, victim, age, prior -> recommendation, words in the reason
    (HarmType.violent_threat, answers(Y, Y, Y, U, U, U), "refer_now", "a time frame"),
    (HarmType.suicide_self_harm, answers(Y, Y, Y, N, N, N), "refer_now", "the means"),
    (HarmType.violent_threat, answers(Y, N, Y, Y, U, U), "refer_now", "identifiable victim"),
    (HarmType.violent_threat, answers(Y, U, U, Y, U, U), "monitor", "no means or time frame"),
    (HarmType.violent_threat, answers(Y, U, U, U, U, U), "monitor", "no means or time frame"),
    (HarmType.violent_threat, answers(U, U, U, U, U, U), "monitor", "Nothing specific"),
    (HarmType.terrorism, answers(N, N, N, N, N, Y), "monitor", "prior history"),
    (HarmType.violent_threat, answers(N, N, N, N, N, N), "no_action", "No specific threat"),
    (HarmType.child_sexual_exploitation, answers(U, U, U, U, Y, U), "refer_now", "NCMEC"),
    (HarmType.child_sexual_exploitation, answers(U, U, U, U, U, U), "monitor", "Nothing"),
    # Under 18 on another harm does not by itself make a referral to NCMEC.
    (HarmType.suicide_self_harm, answers(N, N, N, N, Y, N), "monitor", "under 18"),
]


@pytest.mark.parametrize(("harm", "given", "expected", "words"), TABLE)
def test_the_checklist_recommends_from_its_answers(
    harm: HarmType, given: dict[str, str], expected: str, words: str
) -> None:
    advice = advise(harm, parse_answers(given))
    assert advice.recommendation == Recommendation(expected)
    assert words in advice.reason


def test_an_item_left_out_reads_unknown_and_a_bad_answer_is_named() -> None:
    assert parse_answers({"means": "yes"})["specific_threat"] == "unknown"
    with pytest.raises(ValueError, match="time_frame: answer yes, no or unknown"):
        parse_answers({"time_frame": "maybe"})


def test_child_exploitation_with_a_child_points_to_ncmec() -> None:
    advice = advise(HarmType.child_sexual_exploitation, parse_answers({"age_indicators": Y}))
    assert advice.to_ncmec
    kinds = recipient_kinds_from_facts(HarmType.child_sexual_exploitation, ["US"], advice)
    assert kinds == {RecipientKind.ncmec, RecipientKind.police}


@pytest.mark.parametrize(
    ("harm", "kinds", "bases"),
    [
        (HarmType.violent_threat, ["police"], ["2702b8", "2702c4"]),
        (HarmType.violent_threat, ["ntoc"], ["2702b8", "2702c4"]),
        (HarmType.child_sexual_exploitation, ["ncmec"], ["2258A"]),
        (HarmType.violent_threat, ["ncmec"], []),
        (HarmType.violent_threat, ["eu_member_state"], ["dsa_art18"]),
        (HarmType.terrorism, ["europol"], ["dsa_art18", "tco_art14_5"]),
        (
            HarmType.terrorism,
            ["police", "eu_member_state"],
            ["2702b8", "2702c4", "dsa_art18", "tco_art14_5"],
        ),
    ],
)
def test_legal_bases_are_proposed_by_harm_and_recipient(
    harm: HarmType, kinds: list[str], bases: list[str]
) -> None:
    assert propose_bases(default_policy(), harm, kinds) == bases


def test_facts_in_a_member_state_point_to_its_authorities() -> None:
    kinds = recipient_kinds_from_facts(HarmType.violent_threat, ["de", None], None)
    assert kinds == {RecipientKind.eu_member_state}
