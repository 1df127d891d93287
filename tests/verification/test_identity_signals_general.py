"""Signals about who sent a request, on real directory agencies and hand-made variants: each
fires where it should and stays quiet on the genuine counterpart."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exigent.cases.schemas import IntakeRecord
from exigent.verification.agency_names import parse_agency_name
from exigent.verification.engine import Assessor
from exigent.verification.history import InMemoryHistory
from exigent.verification.schemas import AssessmentRead

RecordFactory = Callable[..., IntakeRecord]
LOOKALIKES = {
    "lookalike_typo",
    "lookalike_homoglyph",
    "lookalike_added_word",
    "lookalike_tld_swap",
    "lookalike_subdomain",
}


def assess(assessor: Assessor, make_record: RecordFactory, **changes: object) -> AssessmentRead:
    return assessor.assess(make_record(**changes), InMemoryHistory())


def codes(assessment: AssessmentRead) -> set[str]:
    return {signal.code for signal in assessment.signals}


def detail(assessment: AssessmentRead, code: str) -> str:
    return next(signal.detail for signal in assessment.signals if signal.code == code)


def sent_from(domain: str, **requester: object) -> dict[str, object]:
    """Changes that make the record come from `domain`, authenticated by it."""
    return {
        "requester": {"email": f"d.reyes@{domain}", **requester},
        "email": {
            "from": f"d.reyes@{domain}",
            "authentication_results": (
                f"mx.example.com; dkim=pass header.i=@{domain}; spf=pass "
                f"smtp.mailfrom=d.reyes@{domain}; dmarc=pass header.from={domain}"
            ),
        },
    }


# --- 1. Is the claimed agency real? ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "state", "ori"),
    [
        ("Cloverdale Police Department", "CA", "CA0490100"),
        ("Cloverdale PD", "CA", "CA0490100"),
        ("Cloverdale Police Dept.", "CA", "CA0490100"),
        ("City of Cloverdale Police", "CA", "CA0490100"),
        ("Amador County Sheriff's Office", "CA", "CA0030000"),
        ("Amador County Sheriff", "CA", "CA0030000"),
        ("Amador Co. Sheriffs Office", "CA", "CA0030000"),
        ("Town of Cape Carteret Police", "NC", "NC0160500"),
        ("Kent Police", "WA", "WA0170700"),
        ("City of Knoxville, TN Police Department", "TN", None),
        ("Baxely Police Department", "GA", None),  # misspelt Baxley: a near match
        ("NYPD", "NY", None),
        ("L.A.P.D.", "CA", None),
    ],
)
def test_agency_names_are_matched_however_written(
    assessor: Assessor, written: str, state: str, ori: str | None
) -> None:
    found = assessor.directory.listed_agency(written, state)
    assert found is not None, written
    if ori is not None:
        assert found[0].ori == ori


def test_a_sheriff_is_not_matched_to_the_police_of_the_same_place(assessor: Assessor) -> None:
    found = assessor.directory.listed_agency("Amador County Police Department", "CA")
    assert found is None or parse_agency_name(found[0].name).role != "sheriff"
    elsewhere = assessor.directory.listed_agency("Cloverdale Police Department", "TX")
    assert elsewhere is None or elsewhere[0].state == "TX"


def test_a_listed_agency_is_a_reassurance_naming_its_ori(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(assessor, make_record)
    assert "agency_listed" in codes(result)
    assert "CA0490100" in detail(result, "agency_listed")
    assert "agency_not_listed" not in codes(result)


def test_an_agency_no_directory_knows_is_flagged_saying_what_was_looked_for(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor, make_record, requester={"agency_name": "Quiet Harbor Village Police Department"}
    )
    assert "agency_not_listed" in codes(result)
    text = detail(result, "agency_not_listed")
    assert "CA" in text and "quiet harbor village" in text
    assert "agency_listed" not in codes(result)


def test_a_federal_office_on_its_departments_domain_is_not_looked_up(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from("fbi.gov", agency_name="FBI Sacramento Field Office")
    assert not {"agency_listed", "agency_not_listed"} & codes(
        assess(assessor, make_record, **changes)
    )


# --- 8. Foreign agencies are judged by their own country's domains ------------------------------


@pytest.mark.parametrize(
    ("domain", "country", "agency"),
    [
        ("politie.nl", "NL", "Politie Nederland"),
        ("polizei.bund.de", "DE", "Bundespolizei"),
        ("gendarmerie.interieur.gouv.fr", "FR", "Gendarmerie nationale"),
        ("garda.ie", "IE", "An Garda Siochana"),
        ("policja.gov.pl", "PL", "Policja"),
        ("polizei.sachsen-anhalt.de", "DE", "Polizei Sachsen-Anhalt"),
        ("policia.gob.es", "ES", "Policia Nacional"),
        ("politie.be", "BE", "Federale Politie"),
        ("policija.si", "SI", "Policija"),
        ("polizia.it", "IT", "Polizia di Stato"),
    ],
)
def test_a_real_foreign_police_domain_is_no_lookalike(
    assessor: Assessor, make_record: RecordFactory, domain: str, country: str, agency: str
) -> None:
    changes = sent_from(
        domain, agency_name=agency, agency_country=country, agency_state=None, phone=None
    )
    result = assess(assessor, make_record, **changes)
    assert not codes(result) & LOOKALIKES, domain
    assert "agency_not_listed" not in codes(result)  # the FBI list is not asked abroad


def test_a_foreign_domain_of_another_country_is_still_an_imitation(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from(
        "politie.be", agency_name="Politie Nederland", agency_country="NL", agency_state=None
    )
    assert codes(assess(assessor, make_record, **changes)) & LOOKALIKES


def test_an_official_foreign_domain_is_a_reassurance(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from(
        "kent.police.uk", agency_name="Kent Police", agency_country="GB", agency_state=None
    )
    result = assess(assessor, make_record, **changes)
    assert "foreign_official_domain" in codes(result)
    assert "police.uk" in detail(result, "foreign_official_domain")


# --- 2. Unlisted domains of real agencies ---------------------------------------------------


def test_unlisted_domain_of_a_listed_agency_naming_its_town(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from(
        "capecarteretnc.org", agency_name="Cape Carteret Police Department", agency_state="NC"
    )
    result = assess(assessor, make_record, **changes)
    assert {"domain_unlisted_known_agency", "domain_names_agency_place"} <= codes(result)
    assert "capecarteret" in detail(result, "domain_names_agency_place")
    assert "domain_unlisted" not in codes(result)


def test_unlisted_domain_of_an_unknown_agency_is_plain_unlisted(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from(
        "rapid-response-unit.org", agency_name="Metro Rapid Response Unit", agency_state="CA"
    )
    result = assess(assessor, make_record, **changes)
    assert "domain_unlisted" in codes(result)
    assert not {"domain_unlisted_known_agency", "domain_names_agency_place"} & codes(result)


def test_a_lookalike_gets_no_credit_for_naming_the_town(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(assessor, make_record, **sent_from("cloverdale-cid.com"))
    assert "lookalike_added_word" in codes(result)
    assert "domain_names_agency_place" not in codes(result)


# --- 3. A real mailbox of one agency claiming another -------------------------------------------


def test_another_agencys_domain_in_the_same_state(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    changes = sent_from("cloverdale.net", agency_name="Healdsburg Police Department")
    result = assess(assessor, make_record, **changes)
    assert "domain_other_agency" in codes(result)
    assert "Cloverdale" in detail(result, "domain_other_agency")
    assert result.verification_required


@pytest.mark.parametrize(
    ("domain", "agency", "state"),
    [
        ("cloverdale.net", "Cloverdale Police Department", "CA"),  # its own
        ("ci.healdsburg.ca.us", "Healdsburg PD", "CA"),  # its own, written short
        ("winthropmn.gov", "Winthrop Police Department", "MN"),  # its city's
        ("healdsburg.gov", "Healdsburg Police Department", "CA"),  # its city's
        ("tn.gov", "Tennessee Bureau of Investigation", "TN"),  # its state's
    ],
)
def test_own_and_umbrella_domains_are_not_another_agencys(
    assessor: Assessor, make_record: RecordFactory, domain: str, agency: str, state: str
) -> None:
    result = assess(
        assessor, make_record, **sent_from(domain, agency_name=agency, agency_state=state)
    )
    assert "domain_other_agency" not in codes(result), domain
    assert "domain_agency_mismatch" not in codes(result)


# --- 4. Subdomain tricks on any suffix ---------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("cloverdale.net.edr-submit.com", "lookalike_subdomain"),
        ("mail.cloverdale.net.edr.com.au", "lookalike_subdomain"),
        ("cloverdale.net.secure.co.uk", "lookalike_subdomain"),
        ("cloverdale.net.herokuapp.com", "lookalike_subdomain"),
        ("cloverdale.portal-relay.com", "lookalike_subdomain"),
        ("cloverdalepd.gov.requests.us.com", "lookalike_subdomain"),
        ("cloverdale.us.com", "lookalike_tld_swap"),
        ("quietharborsheriff.records-portal.co.uk", "lookalike_subdomain"),
        ("mail.quiet-harbor-pd.secure-edr.com", "lookalike_subdomain"),
    ],
)
def test_agency_names_in_front_of_other_domains(
    assessor: Assessor, make_record: RecordFactory, domain: str, code: str
) -> None:
    assert code in codes(assess(assessor, make_record, **sent_from(domain)))


@pytest.mark.parametrize(
    "host",
    [
        "mail.cloverdale.net",
        "police.someville.org",
        "polizei.stadt-koeln.de",
        "police.city.ca.us",
        "someville-pd.someville.org",
        "exchange.pd.someville.org",
    ],
)
def test_hosts_under_an_agencys_own_domain_are_no_trick(assessor: Assessor, host: str) -> None:
    # A generic word in front of a town's own domain is how towns name their police hosts.
    assert assessor.directory.lookalikes.match(host) is None


# --- 5. Free and throwaway mailboxes ---------------------------------------------------------


@pytest.mark.parametrize("domain", ["planet.nl", "gmx.net", "web.de", "yandex.ru"])
def test_free_mail_beyond_the_common_providers(
    assessor: Assessor, make_record: RecordFactory, domain: str
) -> None:
    assert "free_mail_domain" in codes(assess(assessor, make_record, **sent_from(domain)))


def test_throwaway_mailboxes(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(assessor, make_record, **sent_from("guerrillamail.com"))
    assert "disposable_mail_domain" in codes(result)
    assert result.verification_required


def test_replies_to_a_throwaway_mailbox(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(assessor, make_record, email={"reply_to": "det.reyes@guerrillamail.com"})
    assert "reply_to_free_mail" in codes(result)


def test_an_agency_domain_is_never_a_mailbox_provider(assessor: Assessor) -> None:
    facts = assessor.directory.facts("cloverdale.net")
    assert not facts.free_mail and not facts.disposable


# --- 6. Homoglyphs from other scripts ------------------------------------------------------


def punycode(label: str) -> str:
    return "xn--" + label.encode("punycode").decode()


@pytest.mark.parametrize(
    "label",
    [
        "cl\u043everdale",  # Cyrillic o
        "cl\u03bfverdale",  # Greek omicron
        "cl\u0585verdale",  # Armenian oh
        "cloverd\u13aale",  # Cherokee A
        "c\u0131overdale",  # dotless i for l
        "cloverd\u0251le",  # Latin alpha
        "clover\u0501ale",  # Cyrillic komi de
        "\uff43\uff4c\uff4f\uff56\uff45\uff52\uff44\uff41\uff4c\uff45",  # full-width
    ],
)
def test_homoglyphs_from_other_scripts_in_punycode_and_unicode(
    assessor: Assessor, label: str
) -> None:
    for host in (f"{punycode(label)}.net", f"{label}.net"):
        found = assessor.directory.lookalikes.match(host)
        assert found is not None, host
        assert "cloverdale.net" in found.imitated


@pytest.mark.parametrize("label", ["cl0verdale", "c1overdale", "cioverdale"])
def test_ascii_swaps(assessor: Assessor, label: str) -> None:
    found = assessor.directory.lookalikes.match(f"{label}.net")
    assert found is not None and "cloverdale.net" in found.imitated


def test_rn_for_m(assessor: Assessor) -> None:
    found = assessor.directory.lookalikes.match("rnattapoisettpolice.gov")
    assert found is not None and "mattapoisettpolice.gov" in found.imitated


def test_mixed_scripts_are_their_own_evidence(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    cyrillic_o = punycode("cl\u043everdale")
    result = assess(assessor, make_record, **sent_from(f"{cyrillic_o}.net"))
    assert {"mixed_script_domain", "lookalike_homoglyph"} <= codes(result)
    assert "Cyrillic" in detail(result, "mixed_script_domain")
    assert "mixed_script_domain" not in codes(assess(assessor, make_record))


@pytest.mark.parametrize(
    ("label", "country", "agency"),
    [
        ("\u03b1\u03c3\u03c4\u03c5\u03bd\u03bf\u03bc\u03b9\u03b1", "GR", "Hellenic Police"),
        ("\u8b66\u5bdf\u3061\u3087\u3046", "JP", "National Police Agency"),  # kanji and kana
        ("m\u00fcnchen-polizei", "DE", "Polizeipraesidium Muenchen"),
    ],
)
def test_a_foreign_force_writing_its_own_script_is_not_suspect(
    assessor: Assessor, make_record: RecordFactory, label: str, country: str, agency: str
) -> None:
    domain = f"{punycode(label)}.example"
    own = sent_from(domain, agency_name=agency, agency_country=country, agency_state=None)
    result = assess(assessor, make_record, **own)
    assert not codes(result) & {"idn_domain", "mixed_script_domain"}
    # The same letters claiming a US agency, or another country's, are still out of place.
    assert "idn_domain" in codes(assess(assessor, make_record, **sent_from(domain)))
    elsewhere = sent_from(domain, agency_name="Politie", agency_country="NL", agency_state=None)
    if country != "DE":  # Dutch is written in Latin letters, umlauts included
        assert "idn_domain" in codes(assess(assessor, make_record, **elsewhere))


def test_a_latin_letter_among_greek_ones_is_still_mixed(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    domain = punycode("\u03b1\u03c3\u03c4\u03c5\u03bd\u03bfmia") + ".gr"
    changes = sent_from(
        domain, agency_name="Hellenic Police", agency_country="GR", agency_state=None
    )
    assert {"idn_domain", "mixed_script_domain"} <= codes(assess(assessor, make_record, **changes))


# --- 7. Callback numbers ---------------------------------------------------------------------


def test_toll_free_callback(assessor: Assessor, make_record: RecordFactory) -> None:
    result = assess(assessor, make_record, requester={"phone": "+18005550142"})
    assert "callback_non_geographic" in codes(result)
    assert "toll-free" in detail(result, "callback_non_geographic")


def test_foreign_number_for_a_us_agency_and_us_number_for_a_foreign_one(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    us = assess(assessor, make_record, requester={"phone": "+447700900123"})
    assert "callback_region_mismatch" in codes(us)
    abroad = assess(
        assessor,
        make_record,
        **sent_from(
            "kent.police.uk",
            agency_name="Kent Police",
            agency_country="GB",
            agency_state=None,
            phone="+17075550142",
        ),
    )
    assert "callback_region_mismatch" in codes(abroad)


def test_supervisor_number_that_is_the_requesters_own(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    result = assess(
        assessor,
        make_record,
        requester={"phone": "+17075550142", "supervisor_phone": "+17075550142"},
    )
    assert "supervisor_same_number" in codes(result)


def test_a_local_landline_raises_no_number_signal(
    assessor: Assessor, make_record: RecordFactory
) -> None:
    found = codes(assess(assessor, make_record))
    assert not found & {
        "callback_non_geographic",
        "callback_region_mismatch",
        "supervisor_same_number",
    }
