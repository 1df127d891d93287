"""An EU authority sends its order through the portal's form with the certificate's fields."""

from __future__ import annotations

from exigent.cases.models import Request
from portal.conftest import Portal
from portal.conftest import portal as portal  # the signed-in officer fixture
from portal.test_requests import case_id, submit

REMOVAL = {
    "issuing_state": "FR",
    "issuing_authority_name": "OCLCTIC, Direction centrale de la police judiciaire",
    "issuing_authority_role": "other_competent_authority",
    "issuing_authority_email": "retrait@interieur.gouv.fr",
    "issuing_authority_file_number": "TCO-2026-0412",
    "content": "https://social.example/p/7781\nhttps://social.example/v/99",
    "reasons": "Video calling for attacks on a named synagogue.",
    "case_number": "TCO-2026-0412",
    "idempotency_key": "tco-2026-0412",
}


def test_a_removal_order_from_the_portal_is_p0_with_its_certificate(
    client, portal: Portal, factory
) -> None:  # type: ignore[no-untyped-def]
    number = case_id(submit(client, "eu_removal_order", REMOVAL))
    with factory() as session:
        case = session.get(Request, number)
        assert case.priority == "P0"
        certificate = case.record["eu_order"]
    assert certificate["issuing_state"] == "FR"
    assert [c["locator"] for c in certificate["content"]] == [
        "https://social.example/p/7781",
        "https://social.example/v/99",
    ]


def test_a_bad_member_state_is_named_next_to_its_field_and_nothing_is_sent(
    client, portal: Portal, factory
) -> None:  # type: ignore[no-untyped-def]
    response = submit(client, "eu_removal_order", {**REMOVAL, "issuing_state": "ZZ"})
    assert response.status_code == 422
    assert 'data-error="issuing_state"' in response.text
    assert "TCO-2026-0412" in response.text  # what was typed is kept
    with factory() as session:
        assert session.query(Request).count() == 0


def test_every_eu_kind_has_a_portal_form(client, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    for kind in (
        "eu_production_order",
        "eu_preservation_order",
        "eu_removal_order",
        "dsa_order_to_act",
        "dsa_information_order",
    ):
        page = client.get(f"/portal/requests/new/{kind}")
        assert page.status_code == 200, kind
        assert 'name="issuing_state"' in page.text


PRODUCTION = {
    "issuing_state": "DE",
    "issuing_authority_name": "Amtsgericht Berlin-Tiergarten",
    "issuing_authority_role": "court",
    "issuing_authority_email": "eevidence@ag-tiergarten.berlin.de",
    "issuing_authority_file_number": "351 Gs 1187/26",
    "addressee": "Example Platform Ireland Ltd",
    "deadline_section": "standard",
    "data_categories": ["subscriber_data", "content_data"],
    "data_requested": ["subscriber_info", "content"],
    "target_type": "username",
    "target_value": "nightowl_88",
    "grounds": "Threats sent to a witness.",
    "offence": "Coercion of a witness (s. 240 StGB)",
    "case_number": "351 Gs 1187/26",
    "idempotency_key": "351-gs-1187-26",
}


def test_a_production_order_states_its_offence_and_gets_content_only_if_it_is_serious(
    client, portal: Portal, factory
) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/portal/requests/new/eu_production_order")
    assert 'name="offence_max_sentence_years"' in page.text
    assert 'value="terrorism"' in page.text
    refused = submit(client, "eu_production_order", {**PRODUCTION, "listed_offence": "theft"})
    assert refused.status_code == 422
    assert 'data-error="listed_offence"' in refused.text
    number = case_id(
        submit(client, "eu_production_order", {**PRODUCTION, "offence_max_sentence_years": "3"})
    )
    with factory() as session:
        case = session.get(Request, number)
        assert case.record["eu_order"]["offence_max_sentence_years"] == 3
    low = {**PRODUCTION, "offence_max_sentence_years": "2", "idempotency_key": "low"}
    number = case_id(submit(client, "eu_production_order", low))
    listed = {**PRODUCTION, "listed_offence": "child_sexual_abuse", "idempotency_key": "listed"}
    listed_number = case_id(submit(client, "eu_production_order", listed))
    from exigent.legal.checks import latest_check

    with factory() as session:
        assert latest_check(session, number).categories["content"] == "not_permitted"
        assert latest_check(session, listed_number).categories["content"] == "permitted"
