"""Content signals fire on reworded requests, not only on the sample's own phrases, and stay
quiet on the genuine counterparts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from exigent.cases.schemas import IntakeRecord
from exigent.verification.coercion import pressures
from exigent.verification.engine import Assessor, assess_in_arrival_order, past_request
from exigent.verification.history import InMemoryHistory, PastRequest, VerificationOutcome
from exigent.verification.schemas import AssessmentRead
from exigent.verification.text import fingerprint, jaccard

RecordFactory = Callable[..., IntakeRecord]

ABDUCTION = (
    "On 05/18/2026 at approximately 0801 hrs a 33 year old female was abducted by a known "
    "suspect who is using the account {target}. The suspect has sent the victim's family photos "
    "showing her restrained and has threatened to kill her if police are contacted. We have "
    "reason to believe the victim is being moved across state lines tonight. The only current "
    "lead is the suspect's activity on your platform."
)
# The same story reworded: other names and numbers, synonyms, sentences in another order.
ABDUCTION_REWORDED = (
    "We have reason to believe the victim is being moved across state lines this evening. "
    "On 11/02/2026 at around 14:20 a 27 year old woman was kidnapped by a known offender who "
    "is using the account {target}. The offender has sent the victim's relatives photos "
    "showing her restrained and has threatened to murder her if police are contacted. The "
    "only current lead is the offender's activity on your platform."
)
UNRELATED = (
    "At 09:40 her mother called 911 after the account {target} posted a photo of pills. She is "
    "17, was last seen wearing a grey hoodie near the Citrus Fair parking lot, and her phone "
    "goes to voicemail. Units checked the residence on Main St."
)


def assess(assessor: Assessor, make_record: RecordFactory, **changes: object) -> AssessmentRead:
    return assessor.assess(make_record(**changes), InMemoryHistory())


def codes(assessment: AssessmentRead) -> set[str]:
    return {signal.code for signal in assessment.signals}


def detail(assessment: AssessmentRead, code: str) -> str:
    return next(signal.detail for signal in assessment.signals if signal.code == code)


def with_facts(facts: str, target: str, email: str, minutes: int, **more: Any) -> dict[str, Any]:
    domain = email.partition("@")[2]
    return {
        "id": f"req-{minutes}",
        "received_at": f"2026-03-02T{10 + minutes // 60:02d}:{minutes % 60:02d}:00-08:00",
        "requester": {"email": email},
        "email": {"from": email, "authentication_results": None, "received_ip": None},
        "case_number": f"C-{minutes}",
        "emergency": {"nature": "kidnapping", "facts": facts.format(target=target)},
        "targets": [{"identifier_type": "username", "value": target}],
        **({"id": f"req-{minutes}-{domain}"} | more),
    }


# -- 1. template text reused with different wording ------------------------------------------


def test_a_reworded_copy_stays_similar_and_an_unrelated_story_does_not() -> None:
    original = fingerprint([ABDUCTION.format(target="jyazzie.lost")], ["jyazzie.lost"])
    reworded = fingerprint([ABDUCTION_REWORDED.format(target="b.collins")], ["b.collins"])
    other = fingerprint([UNRELATED.format(target="river.song22")], ["river.song22"])
    assert jaccard(original, reworded) >= 0.8
    assert jaccard(original, other) < 0.2


def test_reworded_template_from_another_agency_is_reuse(make_record: RecordFactory) -> None:
    first = make_record(**with_facts(ABDUCTION, "jyazzie.lost", "griffinm@cloverdale.net", 0))
    second = make_record(
        **with_facts(ABDUCTION_REWORDED, "b.collins_2007", "erin@silverthorne.org", 90)
    )
    results = assess_in_arrival_order([first, second])
    assert "template_reuse" not in codes(results[0])
    assert "template_reuse" in codes(results[1])
    said = detail(results[1], "template_reuse")
    assert first.id is not None and first.id in said and "%" in said


def test_an_agency_reusing_its_own_standard_form_is_not_reuse(make_record: RecordFactory) -> None:
    first = make_record(**with_facts(ABDUCTION, "jyazzie.lost", "griffinm@cloverdale.net", 0))
    second = make_record(
        **with_facts(ABDUCTION_REWORDED, "b.collins_2007", "dreyes@cloverdale.net", 90)
    )
    assert "template_reuse" not in codes(assess_in_arrival_order([first, second])[1])


def test_reworded_copy_of_a_fraud_is_flagged(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    history = InMemoryHistory()
    old = make_record(**with_facts(ABDUCTION, "jyazzie.lost", "griffinm@cloverdale.net", 0))
    ctx = assessor.context(old, history)
    history.add(past_request(ctx, "old"), ctx.fingerprint)
    history.mark("req-0-cloverdale.net", VerificationOutcome.fraud)
    new = make_record(**with_facts(ABDUCTION_REWORDED, "b.c", "griffinm@cloverdale.net", 90))
    result = assessor.assess(new, history)
    assert "template_of_fraud" in codes(result)


def test_template_lookups_stay_sublinear_with_a_large_history() -> None:
    # Thousands of distinct earlier narratives: a lookup reads only the buckets it shares.
    history = InMemoryHistory()
    words = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
    ]
    when = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(3000):
        text = " ".join(f"{words[(n >> k) % 12]}{(n * 7 + k) % 97}x" for k in range(30))
        past = PastRequest(f"h{n}", when, f"o{n}@x.gov", None, "x.gov", None, frozenset())
        history.add(past, fingerprint([text]))
    probe = fingerprint([ABDUCTION.format(target="x")])
    candidates = {i for band in probe.bands for i in history._by_band.get(hash(band), ())}
    assert len(candidates) < 50
    assert history.similar_texts(probe, before=when + timedelta(days=1), threshold=0.8) == []


# -- 2. threats and deadlines phrased differently ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Your staff could be prosecuted for obstruction if this is ignored.", "legal"),
        ("Refusal will expose your company to criminal liability.", "legal"),
        ("We will hold you in contempt should you decline.", "legal"),
        ("There will be blood on your hands.", "blame"),
        ("If she dies, it's on you.", "blame"),
        ("Your company will be held responsible for her death.", "blame"),
        ("We will go to the media and your CEO if this is not handled.", "escalation"),
        ("Any refusal will be reported to the FBI.", "escalation"),
        ("Provide the records within the hour.", "deadline"),
        ("We need your reply in thirty minutes.", "deadline"),
        ("Respond by 5 pm today.", "deadline"),
        ("Send the data ASAP or we escalate.", "deadline"),
        # A consequence that follows from no answer, without naming the provider.
        ("Reply at once; otherwise the district attorney will file obstruction charges.", "legal"),
        ("Unless I have the records tonight, my office will pursue charges.", "legal"),
        ("Declining to release these records to police is a crime.", "legal"),
        ("Her death will rest on your staff if nothing is sent.", "blame"),
        ("You have only twenty minutes to send the subscriber details.", "deadline"),
        ("Answer by 23:30, no extension will be granted.", "deadline"),
        ("Any delay is being documented for the case file.", "deadline"),
        ("There is no need to route this to your lawyers, just send it.", "deadline"),
        ("If anything happens to that child, it will be because of you.", "blame"),
        ("Her life is in your hands now.", "blame"),
        ("We will hold your company accountable for any harm she suffers.", "blame"),
        ("I will be raising this with your executive team and your legal counsel.", "escalation"),
        ("We will file a complaint with the regulator if you refuse.", "escalation"),
        ("This request cannot wait for your normal review process.", "deadline"),
        ("Do not involve your legal department; send it to me directly.", "deadline"),
        ("Provide the subscriber data before 3 pm.", "deadline"),
        ("You will be the reason this girl dies.", "blame"),
    ],
)
def test_pressure_in_other_words(text: str, category: str) -> None:
    assert category in " ".join(pressure.category for pressure in pressures(text.lower()))


@pytest.mark.parametrize(
    "text",
    [
        "This is no threat to your company; we simply need help.",
        "We are not threatening your staff with charges.",
        "The suspect was arrested last year and has prior charges.",
        "The victim may be killed within hours.",
        "The FBI has been notified and is assisting.",
        "Her mother said she would die without her medication.",
        "Messages on your platform show the suspect's plans.",
        "The suspect committed a felony and used your platform to reach the victim.",
        "She was last seen by 16:55 outside the school.",
        "Please forward this to your legal team for review if needed.",
        "If we do not find her tonight she may not survive; your records are the last lead.",
        "Otherwise the suspect was arrested without incident last year.",
        "After that, the suspect was arrested and charged with assault.",
        "The suspect told her he would hurt her if she went to the police.",
        "Her mother said that if anything happens she will never forgive herself.",
        "We notified the FBI and the media has reported the abduction.",
        "She left home before 5 pm and has not been seen.",
        "We will seek a warrant tomorrow; please preserve the records.",
        "She could have been saved if found earlier, her mother said.",
    ],
)
def test_no_pressure_in_genuine_wording(text: str) -> None:
    assert pressures(text.lower()) == []


def test_threat_signals_name_the_category_and_words(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        emergency={
            "how_data_helps": "Should you stall, your employees may be charged with hindering. "
            "If he dies it's on you. We want an answer in forty-five minutes."
        },
    )
    assert {"threatening_language", "threatening_blame", "threatening_deadline"} <= codes(result)
    assert "charged" in detail(result, "threatening_language")
    assert "forty-five minutes" in detail(result, "threatening_deadline")


# -- 3. thin facts phrased differently ----------------------------------------------------------


def test_urgency_without_detail_is_thin_however_worded(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        emergency={
            "facts": "A serious and imminent danger to life exists. The matter is critical and "
            "ongoing and we need assistance urgently.",
            "persons_at_risk": "one person",
        },
    )
    assert "facts_very_thin" in codes(result)
    assert "details: none" in detail(result, "facts_very_thin")


def test_a_short_but_concrete_request_is_not_thin(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        emergency={
            "facts": 'Grandmother called at 0117 h: 26 y/o man posted "nobody will miss me" '
            "on your app. Not home, phone off.",
            "persons_at_risk": "J.K., 26",
        },
    )
    assert not codes(result) & {"facts_thin", "facts_very_thin"}


# -- 4. citations that do not fit the kind ------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"legal_authority": "Cal. Penal Code 1524 search warrant"}, "citation_compulsory_process"),
        ({"legal_authority": "Subpoena duces tecum"}, "citation_compulsory_process"),
        ({"legal_authority": "Order of the court, 18 USC 2703(d)"}, "citation_compulsory_process"),
        (
            {"emergency": {"why_no_legal_process": "Pursuant to the enclosed court order."}},
            "citation_compulsory_process",
        ),
        (
            {"emergency": {"why_no_legal_process": "Disclosure is required by federal law."}},
            "citation_claims_compulsion",
        ),
        (
            {"emergency": {"why_no_legal_process": "Your company has no discretion here."}},
            "citation_claims_compulsion",
        ),
        ({"legal_authority": "Budapest Convention on Cybercrime"}, "citation_mlat_on_domestic"),
    ],
)
def test_citations_in_other_words(
    assessor: Assessor, make_record: RecordFactory, changes: dict[str, object], code: str
) -> None:
    assert code in codes(assess(assessor, make_record, **changes))


@pytest.mark.parametrize(
    "why",
    [
        "A warrant would take hours and the person is in danger now.",
        "There is no time to obtain a court order.",
        "We request voluntary disclosure; legal process to follow if needed.",
        "Process will be served if the emergency allows; at this hour a warrant is hours away.",
    ],
)
def test_instruments_mentioned_as_missing_are_not_citations(
    assessor: Assessor, make_record: RecordFactory, why: str
) -> None:
    result = assess(assessor, make_record, emergency={"why_no_legal_process": why})
    assert not {c for c in codes(result) if c.startswith("citation_")}


def test_the_request_acting_under_its_own_warrant_is_a_citation(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    why = "This warrant was signed tonight; the records are needed now."
    result = assess(assessor, make_record, emergency={"why_no_legal_process": why})
    assert "citation_compulsory_process" in codes(result)


def test_foreign_force_citing_title_18(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"agency_country": "GB", "agency_state": None},
        legal_authority="Title 18 of the United States Code, section 2702",
    )
    assert "citation_us_law_foreign" in codes(result)


# -- 5. many or unrelated targets ---------------------------------------------------------------


def test_targets_mentioned_in_other_formatting_are_explained(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        emergency={
            "facts": "At 09:40 her mother called 911 after @River.Song22 posted a photo of pills "
            "and texted from (707) 555-0177; she also emails from riversong@example.com. She is "
            "17 and was last seen near the Citrus Fair parking lot on Main St."
        },
        targets=[
            {"identifier_type": "username", "value": "river.song22"},
            {"identifier_type": "phone", "value": "+17075550177"},
            {"identifier_type": "email", "value": "riversong@example.com"},
        ],
    )
    assert not codes(result) & {"scope_unexplained_targets", "scope_unlinked_targets"}


def test_unrelated_targets_of_mixed_kinds(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(
        assessor,
        make_record,
        targets=[
            {"identifier_type": "username", "value": "river.song22"},
            {"identifier_type": "phone", "value": "+13125550123"},
            {"identifier_type": "email", "value": "kwalters@hotmail.com"},
            {"identifier_type": "user_id", "value": "889912345"},
        ],
    )
    assert {"scope_unexplained_targets", "scope_unlinked_targets"} <= codes(result)
    assert "scope_targets_beyond_nature" in codes(result)  # four accounts for one suicide


def test_kidnapping_with_victim_and_suspect_is_normal(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        emergency={
            "nature": "kidnapping",
            "facts": "At 08:51 the victim (24F), who uses victim_anna, was pulled into a white "
            "Hyundai Elantra outside the high school parking lot on Main St by her ex-partner, "
            "who uses crawford93. Units are at his address.",
        },
        targets=[
            {"identifier_type": "username", "value": "victim_anna"},
            {"identifier_type": "username", "value": "crawford93"},
        ],
    )
    assert not {c for c in codes(result) if c.startswith("scope_")}


def test_a_database_mirror_with_a_batch_on_top_finds_the_reworded_copy(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    # `exigent assess` against the database reads a shared mirror with the batch layered on top.
    from exigent.verification.db_history import DatabaseHistory, LayeredHistory

    mirror = DatabaseHistory()
    old = make_record(**with_facts(ABDUCTION, "jyazzie.lost", "griffinm@cloverdale.net", 0))
    ctx = assessor.context(old, mirror)
    mirror.add(past_request(ctx, "old"), ctx.fingerprint)
    layered = LayeredHistory(base=mirror)
    new = make_record(**with_facts(ABDUCTION_REWORDED, "b.c", "erin@silverthorne.org", 90))
    assert "template_reuse" in codes(assessor.assess(new, layered))


def test_an_email_target_is_blanked_whole_in_every_run() -> None:
    from exigent.verification.text import content_words

    words = content_words(
        "A tipster reports the account jd.rivers@hotmail.com is recruiting others.",
        ["jd.rivers@hotmail.com"],
    )
    assert "hotmail" not in words and "target" in words


def test_the_requesters_own_town_is_a_name_not_a_threat(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    facts = (
        "Officers from Superior are going to the address now and need your records of the "
        "account's last login to find her."
    )
    requester = {"agency_name": "Superior Police Department", "agency_state": "WI"}
    from_superior = assess(assessor, make_record, requester=requester, emergency={"facts": facts})
    assert "threatening_escalation" not in codes(from_superior)
    threat = "If you refuse we will go to your superiors and the press."
    threatened = assess(
        assessor, make_record, requester=requester, emergency={"how_data_helps": threat}
    )
    assert "threatening_escalation" in codes(threatened)
