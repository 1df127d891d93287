"""Each signal fires on the request that shows it, with a reason a reviewer can read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exigent.cases.schemas import IntakeRecord
from exigent.verification.engine import Assessor
from exigent.verification.history import InMemoryHistory
from exigent.verification.schemas import AssessmentRead
from exigent.verification.scoring import default_weights

RecordFactory = Callable[..., IntakeRecord]


def assess(assessor: Assessor, record_factory: RecordFactory, **changes: object) -> AssessmentRead:
    return assessor.assess(record_factory(**changes), InMemoryHistory())


def codes(assessment: AssessmentRead) -> set[str]:
    return {signal.code for signal in assessment.signals}


def test_a_genuine_request_scores_low_but_still_needs_a_first_callback(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(assessor, make_record)
    assert result.risk_level == "low"
    chance = default_weights().probability(result.risk_score)
    assert chance is not None and chance < 0.05  # the learned scale: under a 5 % chance
    assert codes(result) <= {"requester_first_seen", "domain_first_seen", "agency_listed"}
    assert result.verification_required  # nobody has verified this officer yet


def test_free_mail_domain(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"email": "det.reyes.cpd@gmail.com"},
        email={"from": "det.reyes.cpd@gmail.com"},
    )
    assert "free_mail_domain" in codes(result)
    assert result.verification_required and result.risk_level != "low"


def test_unlisted_domain_is_noted_but_not_damning(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"email": "d.reyes@quietharborvillagepd.org"},
        email={"from": "d.reyes@quietharborvillagepd.org"},
    )
    # Cloverdale PD is a listed agency: its new domain is weak evidence, well short of the
    # odds that make a request suspect.
    assert "domain_unlisted_known_agency" in codes(result)
    weights = default_weights()
    assert result.risk_level in ("low", "medium")
    probability = weights.probability(result.risk_score)
    assert probability is not None and probability < 0.25


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("cloverdaie.net", "lookalike_homoglyph"),
        ("clovredale.net", "lookalike_typo"),
        ("cloverdale-cid.com", "lookalike_added_word"),
        ("cloverdale.co", "lookalike_tld_swap"),
        ("cloverdale.net.edr-submit.com", "lookalike_subdomain"),
        ("xn--" + "cl\u043everdale".encode("punycode").decode() + ".net", "lookalike_homoglyph"),
    ],
)
def test_lookalike_of_the_claimed_agency_is_high_risk(
    assessor: Assessor, make_record: RecordFactory, domain: str, code: str
) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"email": f"dreyes@{domain}"},
        email={"from": f"dreyes@{domain}"},
    )
    assert code in codes(result)
    assert "lookalike_of_claimed_agency" in codes(result) or code == "lookalike_subdomain"
    assert result.risk_level in ("high", "critical")
    detail = next(s.detail for s in result.signals if s.code == code)
    assert domain in detail


def test_known_domain_of_another_state_agency(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor, make_record, requester={"email": "a@cloverdale.net", "agency_state": "TX"}
    )
    assert "domain_agency_mismatch" in codes(result)


GMAIL_FAIL = (
    "mx.google.com; dkim=none; spf=softfail (google.com: domain of x@cloverdale.net does not "
    "designate 45.61.1.9 as permitted sender) smtp.mailfrom=x@cloverdale.net; dmarc=fail "
    "(p=NONE sp=NONE dis=NONE) header.from=cloverdale.net"
)
M365_FAIL = (
    "spf=fail (sender IP is 193.32.1.2) smtp.mailfrom=cloverdale.net; dkim=none (message not "
    "signed) header.d=none;dmarc=fail action=none header.from=cloverdale.net;compauth=fail "
    "reason=001"
)
FOLDED_FAIL = (
    "mx.example.org;\r\n\tspf=pass smtp.mailfrom=cloverdale.net;\r\n\tdmarc=fail "
    "header.from=cloverdale.net"
)


@pytest.mark.parametrize("header", [GMAIL_FAIL, M365_FAIL, FOLDED_FAIL])
def test_failing_dmarc_is_read_from_every_header_shape(
    assessor: Assessor, make_record: RecordFactory, header: str
) -> None:
    result = assess(assessor, make_record, email={"authentication_results": header})
    assert "email_dmarc_failed" in codes(result)
    assert result.risk_level != "low"


def test_passing_microsoft_header_raises_nothing(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    header = (
        "spf=pass (sender IP is 40.107.1.2) smtp.mailfrom=cloverdale.net; dkim=pass "
        "(signature was verified) header.d=cloverdale.net;dmarc=pass action=none "
        "header.from=cloverdale.net;compauth=pass reason=100"
    )
    result = assess(assessor, make_record, email={"authentication_results": header})
    assert not codes(result) & {
        "email_dmarc_failed",
        "email_spf_failed",
        "email_auth_weak",
        "sending_ip_inconsistent",
    }


def test_header_ip_differing_from_received_ip(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(assessor, make_record, email={"received_ip": "185.220.101.4"})
    assert "sending_ip_inconsistent" in codes(result)


def test_reply_to_elsewhere_but_same_organisation_is_fine(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    same = assess(assessor, make_record, email={"reply_to": "cid@mail.cloverdale.net"})
    assert not codes(same) & {"reply_to_other_domain", "reply_to_free_mail"}
    other = assess(assessor, make_record, email={"reply_to": "dana.reyes.cpd@proton.me"})
    assert "reply_to_free_mail" in codes(other)
    assert other.risk_level != "low"


def test_callback_number_from_another_state_and_redirect(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    facts = BASE_FACTS + " Call me directly at +12125550100 (mobile); do not call the main number."
    result = assess(
        assessor, make_record, requester={"phone": "+12125550100"}, emergency={"facts": facts}
    )
    assert {"callback_region_mismatch", "callback_redirect"} <= codes(result)
    detail = next(s.detail for s in result.signals if s.code == "callback_region_mismatch")
    assert "NY" in detail and "CA" in detail


def test_missing_supervisor_matters_unless_the_requester_is_the_chief(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    officer = assess(
        assessor, make_record, requester={"supervisor_name": None, "supervisor_phone": None}
    )
    assert "supervisor_missing" in codes(officer)
    chief = assess(
        assessor,
        make_record,
        requester={"title": "Chief of Police", "supervisor_name": None, "supervisor_phone": None},
    )
    assert "supervisor_missing" not in codes(chief)


@pytest.mark.parametrize(
    ("supervisor", "why"),
    [
        ("N/A", "is a placeholder"),
        ("TBD", "is a placeholder"),
        ("Sgt. on duty", "names a role, not a person"),
        ("Watch Commander", "names a role, not a person"),
        ("On-call supervisor", "names a role, not a person"),
        ("Jordan Avery", "is the requester themself"),
    ],
)
def test_a_supervisor_field_that_names_nobody_counts_as_missing(
    assessor: Assessor, make_record: RecordFactory, supervisor: str, why: str
) -> None:
    result = assess(
        assessor, make_record, requester={"name": "Jordan Avery", "supervisor_name": supervisor}
    )
    detail = next(s.detail for s in result.signals if s.code == "supervisor_missing")
    assert why in detail


@pytest.mark.parametrize("supervisor", ["Sgt. Maria Lopez", "Lt. Chen", "Captain O'Neil"])
def test_a_supervisor_with_rank_and_name_is_a_person(
    assessor: Assessor, make_record: RecordFactory, supervisor: str
) -> None:
    result = assess(assessor, make_record, requester={"supervisor_name": supervisor})
    assert "supervisor_missing" not in codes(result)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"legal_authority": "18 U.S.C. 2703(d) court order"}, "citation_compulsory_process"),
        ({"legal_authority": "Grand jury subpoena"}, "citation_compulsory_process"),
        (
            {"legal_authority": "Mutual Legal Assistance Treaty, emergency procedure"},
            "citation_mlat_on_domestic",
        ),
        (
            {"emergency": {"why_no_legal_process": "The attached order compels production."}},
            "citation_claims_compulsion",
        ),
    ],
)
def test_wrong_citations_on_an_emergency_request(
    assessor: Assessor, make_record: RecordFactory, changes: dict[str, object], code: str
) -> None:
    assert code in codes(assess(assessor, make_record, **changes))


def foreign(make_record: RecordFactory, authority: str, why: str) -> dict[str, object]:
    return {
        "requester": {
            "email": "j.smith@kent.police.uk",
            "agency_name": "Kent Police",
            "agency_country": "GB",
            "agency_state": None,
            "phone": "+441622555010",
            "supervisor_phone": "+441622555011",
        },
        "legal_authority": authority,
        "emergency": {"why_no_legal_process": why},
        "email": {"from": "j.smith@kent.police.uk", "authentication_results": None},
    }


def test_us_statute_on_a_foreign_request(assessor: Assessor, make_record: RecordFactory) -> None:
    cited = assess(
        assessor,
        make_record,
        **foreign(make_record, "18 USC 2703(d) and the CLOUD Act", "No time."),
    )
    assert "citation_us_law_foreign" in codes(cited)
    own_law = assess(
        assessor,
        make_record,
        **foreign(
            make_record,
            "Data Protection Act 2018, Schedule 2",
            "We understand you may disclose voluntarily under 18 U.S.C. 2702(b)(8).",
        ),
    )
    assert "citation_us_law_foreign" not in codes(own_law)
    assert "domain_unlisted" not in codes(own_law)


def test_threats_and_deadlines_without_facts(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    facts = (
        "Subject is in danger. Respond IMMEDIATELY or face penalties under federal law. "
        "Failure to respond within 30 minutes will be treated as obstruction of justice."
    )
    result = assess(assessor, make_record, emergency={"facts": facts, "persons_at_risk": "1"})
    assert {"threatening_language", "threatening_deadline", "facts_very_thin"} <= codes(result)
    assert result.risk_level in ("high", "critical")


def test_short_but_specific_facts_are_not_thin(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    facts = (
        'Her sister called at 0117 h: 19 y/o woman posted "tell mom i\'m sorry" on your '
        "app. Not home, phone off."
    )
    result = assess(assessor, make_record, emergency={"facts": facts})
    assert not codes(result) & {"facts_thin", "facts_very_thin"}


def test_scope_that_does_not_fit_the_emergency(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    targets = [{"identifier_type": "username", "value": f"acct{n}"} for n in range(6)]
    result = assess(
        assessor,
        make_record,
        targets=targets,
        data_requested=["subscriber_info", "location", "content", "connections"],
        date_range={"start": "2023-01-01", "end": "2026-03-02"},
    )
    assert {
        "scope_many_targets",
        "scope_date_range_years",
        "scope_broad_categories",
        "scope_unexplained_targets",
    } <= codes(result)
    assert result.risk_level == "critical"


def test_every_signal_has_a_weight_and_a_detail(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"email": "x@gmail.com"},
        email={"reply_to": "y@proton.me", "received_ip": "10.0.0.1"},
    )
    for signal in result.signals:
        assert signal.code in assessor.weights.signals
        assert signal.weight == assessor.weights.signals[signal.code]
        assert len(signal.detail) > 10


BASE_FACTS = (
    "At 09:40 her mother called 911 after the account river.song22 posted \"i can't do this "
    'anymore, goodbye" with a photo of pills. She is 17 and her phone goes to voicemail.'
)
