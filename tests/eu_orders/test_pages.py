"""The case page's order panel and the confirmation of a certificate read from a mail."""

from __future__ import annotations

from console.helpers import queue_ids, sign_in
from eu_orders.flows import fresh, order_of, submit_order


def test_the_panel_shows_the_certificate_its_hour_and_the_drafted_receipt(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = submit_order(client, analyst, fresh("eu_removal_order"))
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}")
    assert 'id="eu-order"' in page.text
    panel = client.get(f"/console/cases/{case['id']}/eu-order")
    assert panel.status_code == 200
    assert 'data-order-clock="eu_execute_by"' in panel.text
    assert "Bundeskriminalamt" in panel.text
    assert 'data-message="receipt"' in panel.text
    assert "https://social.example/p/7781" in panel.text
    # Nothing is executed before a second person approves the decision.
    assert "data-awaiting-decision" in panel.text


def test_an_order_from_a_mail_is_confirmed_field_by_field_before_it_counts(client, analyst) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_production_order", received_via="email")
    case = submit_order(client, analyst, record)
    assert order_of(client, analyst, case["id"])["status"] == "awaiting_confirmation"
    csrf = sign_in(client, analyst.user.email)
    form = client.get(f"/console/cases/{case['id']}/eu-order/confirm")
    assert form.status_code == 200
    assert 'value="Amtsgericht Berlin-Tiergarten"' in form.text
    fields = {
        "csrf_token": csrf,
        "issuing_state": "XX",
        "issuing_authority_name": "Amtsgericht Berlin-Tiergarten",
        "issuing_authority_role": "court",
        "issuing_authority_file_number": "351 Gs 1187/26",
        "addressee": "Example Platform Ireland Ltd",
        "deadline_section": "standard",
        "data_categories": "subscriber_data",
        "grounds": "Threats to a witness",
        "offence": "s. 241 StGB",
    }
    refused = client.post(f"/console/cases/{case['id']}/eu-order/confirm", data=fields)
    assert refused.status_code == 422
    assert 'data-error="issuing_state"' in refused.text
    assert order_of(client, analyst, case["id"])["status"] == "awaiting_confirmation"
    fields["issuing_state"] = "DE"
    done = client.post(
        f"/console/cases/{case['id']}/eu-order/confirm", data=fields, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    order = order_of(client, analyst, case["id"])
    assert order["status"] == "received"
    assert order["confirmed_at"]
    assert order["certificate"]["issuing_authority"]["file_number"] == "351 Gs 1187/26"


def test_the_queue_filters_by_the_new_kinds(client, analyst) -> None:  # type: ignore[no-untyped-def]
    removal = submit_order(client, analyst, fresh("eu_removal_order"))
    submit_order(client, analyst, fresh("dsa_order_to_act"))
    sign_in(client, analyst.user.email)
    page = client.get("/console", params={"kind": "eu_removal_order"})
    assert 'value="eu_removal_order"' in page.text
    assert queue_ids(page.text) == [removal["id"]]


def test_the_confirmation_page_takes_the_offence_read_from_the_mail(client, analyst) -> None:  # type: ignore[no-untyped-def]
    record = fresh("eu_production_order", "content", received_via="email")
    del record["eu_order"]["offence_max_sentence_years"]
    case = submit_order(client, analyst, record)
    csrf = sign_in(client, analyst.user.email)
    form = client.get(f"/console/cases/{case['id']}/eu-order/confirm")
    assert 'name="offence_max_sentence_years"' in form.text
    assert 'name="listed_offence"' in form.text
    fields = {
        "csrf_token": csrf,
        "issuing_state": "DE",
        "issuing_authority_name": "Amtsgericht Berlin-Tiergarten",
        "issuing_authority_role": "court",
        "issuing_authority_file_number": "351 Gs 1187/26",
        "addressee": "Example Platform Ireland Ltd",
        "deadline_section": "standard",
        "data_categories": "content_data",
        "grounds": "Images of a child shared in messages",
        "offence": "s. 184b StGB",
        "offence_max_sentence_years": "many",
    }
    refused = client.post(f"/console/cases/{case['id']}/eu-order/confirm", data=fields)
    assert refused.status_code == 422
    assert 'data-error="offence_max_sentence_years"' in refused.text
    fields |= {"offence_max_sentence_years": "10", "listed_offence": "child_sexual_abuse"}
    done = client.post(
        f"/console/cases/{case['id']}/eu-order/confirm", data=fields, follow_redirects=False
    )
    assert done.status_code == 303, done.text
    certificate = order_of(client, analyst, case["id"])["certificate"]
    assert certificate["offence_max_sentence_years"] == 10
    assert certificate["listed_offence"] == "child_sexual_abuse"
    legal = client.get(f"/api/v1/requests/{case['id']}/legal", headers=analyst.headers)
    assert legal.json()["categories"] == {"content": "permitted"}
