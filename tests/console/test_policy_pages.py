"""The policy pages as a browser sees them, checked on the server: the table editor, the review
of a change before it is saved, the diff of two versions, the bulk re-check, and a case's
decision and approval panels after the policy changed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.console.policy_form import editor_values
from legal.flows import audit_actions, create_case, ready_for_approval


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)


def document(client, account) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/policy", headers=account.headers).json()["document"]  # type: ignore[no-any-return]


def editor_form(doc: dict[str, Any], csrf: str, **cells: str) -> dict[str, Any]:
    """What the editor posts for `doc`, with `cells` changed (dots written as __)."""
    values = editor_values(doc)
    for name, value in cells.items():
        values[name.replace("__", ".")] = value
    return {"csrf_token": csrf, "non_government_not_permitted.shown": "1", **values}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden {name}"
    return match.group(1).replace("&#34;", '"').replace("&quot;", '"').replace("&amp;", "&")


def test_the_editor_is_legal_s_and_shows_each_cell_as_a_field(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory
) -> None:
    csrf = sign_in(client, analyst.user.email)
    assert client.get("/console/policy/edit").status_code == 403
    assert "Edit the policy" not in client.get("/console/policy").text
    form = editor_form(document(client, analyst), csrf, sla__P0__acknowledge="soon")
    refused = client.post("/console/policy/preview", data=form)
    assert refused.status_code == 403
    assert "Not done:</strong> your role (analyst) does not allow policy.edit" in refused.text
    assert "policy.preview.refused" in audit_actions(factory)
    sign_in(client, legal.user.email)
    page = client.get("/console/policy/edit")
    assert page.status_code == 200
    cell = re.search(
        r'<select id="f-kinds-court_order-categories-location" name="kinds.court_order.'
        r'categories.location" data-base="L" '
        r'aria-label="Court order · Location history">(.*?)</select>',
        page.text,
    )
    assert cell and '<option value="L" selected>Legal review</option>' in cell.group(1)
    assert 'name="sla.P3.decide" data-base="10"' in page.text
    assert 'name="document"' in page.text  # the JSON document stays as an advanced option


def test_one_cell_edited_is_reviewed_with_its_impact_then_saved(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory
) -> None:
    changed = ready_for_approval(client, analyst, factory)  # discloses activity
    unchanged = ready_for_approval(client, analyst, factory, outcome="withhold")
    csrf = sign_in(client, legal.user.email)
    doc = document(client, legal)
    form = editor_form(doc, csrf, kinds__emergency__categories__account_activity="L")

    review = client.post("/console/policy/preview", data=form)
    assert review.status_code == 200, review.text
    text = review.text
    assert 'data-path="kinds.emergency.categories.account_activity"' in text
    assert "What changes: 1 cell" in text
    assert re.search(r'data-count="need-recheck"[^>]*><strong>1 open decision</strong>', text)
    assert re.search(r'data-count="approvable"><strong>1 open decision</strong>', text)
    assert f'data-case="{changed["id"]}"' in text and f'data-case="{unchanged["id"]}"' in text
    assert "account activity: permitted → legal review" in text
    assert hidden(text, "based_on") == "1"
    proposed = json.loads(hidden(text, "document"))
    assert proposed["kinds"]["emergency"]["categories"]["account_activity"] == "L"
    assert client.get("/api/v1/policy", headers=legal.headers).json()["version"] == 1

    missing = client.post(
        "/console/policy",
        data={"csrf_token": csrf, "document": json.dumps(proposed), "based_on": "1", "reason": ""},
    )
    assert missing.status_code == 422
    assert "Not saved:</strong> reason: required" in missing.text
    assert "Review the change" in missing.text and "Save as version 2" in missing.text

    saved = client.post(
        "/console/policy",
        data={
            "csrf_token": csrf,
            "document": json.dumps(proposed),
            "based_on": "1",
            "reason": "activity logs need counsel in emergencies",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    said = re.search(r"<div[^>]*data-saved>(.*?)</div>", page.text, re.S)
    assert said, page.text
    words = " ".join(said.group(1).split())
    assert words.startswith("Version 2 saved. New cases are judged under it.")
    assert "2 open cases were judged under an earlier version" in words
    assert "1 open decision among them can still be approved as drafted" in words
    assert "1 needs a re-check because v2 changes what it discloses" in words
    assert "Re-check 2 open cases under v2" in page.text


def test_bad_cells_are_named_next_to_the_cell(client, legal) -> None:  # type: ignore[no-untyped-def]
    csrf = sign_in(client, legal.user.email)
    doc = document(client, legal)
    form = editor_form(
        doc,
        csrf,
        kinds__subpoena__categories__content="maybe",
        sla__P0__acknowledge="soon",
        required_elements__all="requester.name, requester.shoe",
    )
    answer = client.post("/console/policy/preview", data=form)
    assert answer.status_code == 422
    text = answer.text
    assert 'data-error="kinds.subpoena.categories.content"' in text
    assert "sla.P0.acknowledge: &#39;soon&#39; is not a whole number" in text
    assert 'name="sla.P0.acknowledge" data-base="15" aria-invalid="true"' in text
    # What the policy's own validation finds lands where the value was typed.
    form = editor_form(doc, csrf, required_elements__all="requester.name, requester.shoe")
    answer = client.post("/console/policy/preview", data=form)
    assert answer.status_code == 422
    assert 'data-error="required_elements.all"' in answer.text
    assert "requester.shoe" in answer.text
    unchanged = client.post("/console/policy/preview", data=editor_form(doc, csrf))
    assert unchanged.status_code == 409
    assert "nothing changed: this is the same policy as version 1" in unchanged.text


def test_a_save_after_someone_else_saved_is_reviewed_again(client, legal) -> None:  # type: ignore[no-untyped-def]
    csrf = sign_in(client, legal.user.email)
    doc = document(client, legal)
    first = dict(doc, sla_warning_fraction=0.75)
    client.post(
        "/api/v1/policy", json={"policy": first, "reason": "earlier"}, headers=legal.headers
    )
    mine = json.loads(json.dumps(doc))
    mine["kinds"]["court_order"]["categories"]["location"] = "N"
    answer = client.post(
        "/console/policy",
        data={"csrf_token": csrf, "document": json.dumps(mine), "based_on": "1", "reason": "r"},
    )
    assert answer.status_code == 409
    assert "version 2 is now current, not 1" in answer.text
    assert hidden(answer.text, "based_on") == "2"  # reviewed against the version now current
    assert "Save as version 3" in answer.text


def test_the_diff_page_compares_any_two_versions(client, analyst, legal, officer) -> None:  # type: ignore[no-untyped-def]
    doc = document(client, legal)
    doc["kinds"]["court_order"]["categories"]["location"] = "N"
    client.post(
        "/api/v1/policy", json={"policy": doc, "reason": "Carpenter"}, headers=legal.headers
    )
    sign_in(client, analyst.user.email)
    page = client.get("/console/policy")
    assert 'href="/console/policy/diff?from=1&amp;to=2"' in page.text
    diff = client.get("/console/policy/diff?from=1&to=2")
    assert diff.status_code == 200
    assert 'data-changes="1"' in diff.text
    row = re.search(
        r'<tr data-path="kinds.court_order.categories.location">(.*?)</tr>', diff.text, re.S
    )
    assert row and "legal review" in row.group(1) and "not permitted" in row.group(1)
    assert "Carpenter" in diff.text
    assert client.get("/console/policy/diff?from=1&to=9").status_code == 404


def test_legal_rechecks_every_stale_case_from_the_policy_page(  # type: ignore[no-untyped-def]
    client, analyst, legal, factory
) -> None:
    case = ready_for_approval(client, analyst, factory)
    create_case(client, analyst)
    doc = document(client, legal)
    doc["kinds"]["emergency"]["categories"]["account_activity"] = "L"
    client.post("/api/v1/policy", json={"policy": doc, "reason": "r"}, headers=legal.headers)

    csrf = sign_in(client, analyst.user.email)
    page = client.get("/console/policy")
    assert "2 open cases</strong> not yet decided were judged under an earlier version" in page.text
    assert f'data-case="{case["id"]}"' in page.text
    refused = client.post("/console/policy/recheck", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert "policy.recheck.refused" in audit_actions(factory)

    csrf = sign_in(client, legal.user.email)
    done = client.post("/console/policy/recheck", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "2 open cases checked again under v2; 1 decision was withdrawn" in page.text
    assert "Open work under earlier versions" not in page.text


def test_the_approval_panel_offers_approve_only_when_it_would_be_accepted(  # type: ignore[no-untyped-def]
    client, analyst, lead, legal, factory
) -> None:
    kept = ready_for_approval(client, analyst, factory, outcome="withhold")
    touched = ready_for_approval(client, analyst, factory)
    doc = document(client, legal)
    doc["kinds"]["emergency"]["categories"]["account_activity"] = "L"
    client.post("/api/v1/policy", json={"policy": doc, "reason": "r"}, headers=legal.headers)
    csrf = sign_in(client, lead.user.email)

    page = client.get(f"/console/cases/{kept['id']}").text
    assert 'data-policy-drift="unchanged"' in page
    assert "Approve decision" in page and "records the decision under policy v1" in page

    page = client.get(f"/console/cases/{touched['id']}").text
    assert "Approve decision" not in page
    assert "You cannot approve this decision yet" in page
    assert "account activity: permitted → legal review" in page
    assert "Re-check under policy v2" in page

    rechecked = client.post(
        f"/console/cases/{touched['id']}/recheck", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert rechecked.status_code == 303
    page = client.get(rechecked.headers["location"]).text
    assert "the timeline says what changed" in page
    assert "withdrawn from approval" in page
    # The draft form starts from the withdrawn decision; the changed category starts over.
    assert re.search(r'data-draft-basis="\d+"', page)
    row = re.search(
        r"<tr><td><span class=\"mono\">[^<]*</span></td><td>Account activity</td>(.*?)</tr>",
        page,
        re.S,
    )
    assert row and ">changed</span>" in row.group(1)
    assert 'value="withhold" selected' in row.group(1)
    row = re.search(
        r"<tr><td><span class=\"mono\">[^<]*</span></td><td>Subscriber information</td>(.*?)</tr>",
        page,
        re.S,
    )
    assert (
        row
        and 'value="disclose" selected' in row.group(1)
        and 'value="within scope"' in row.group(1)
    )


def test_the_json_document_is_an_advanced_way_to_the_same_review(client, legal) -> None:  # type: ignore[no-untyped-def]
    csrf = sign_in(client, legal.user.email)
    doc = document(client, legal)
    bad = client.post("/console/policy/preview", data={"csrf_token": csrf, "document": "{oops"})
    assert bad.status_code == 422
    assert "Not saved:</strong> policy: not valid JSON" in bad.text
    assert '<details class="card json-editor" open>' in bad.text and ">{oops</textarea>" in bad.text
    doc["obligations"]["preservation_days"] = 120
    review = client.post(
        "/console/policy/preview", data={"csrf_token": csrf, "document": json.dumps(doc)}
    )
    assert review.status_code == 200
    assert 'data-path="obligations.preservation_days"' in review.text

    # "Change it further" brings the proposed document back into the table's cells.
    back = client.post(
        "/console/policy/edit",
        data={"csrf_token": csrf, "document": hidden(review.text, "document")},
    )
    assert back.status_code == 200
    assert re.search(
        r'<div class="field changed"><label for="f-obligations-preservation_days">.*?'
        r'data-base="90" value="120"',
        back.text,
        re.S,
    )


def test_the_referral_rules_are_shown_and_kept_when_counsel_saves_the_tables(  # type: ignore[no-untyped-def]
    client, legal
) -> None:
    csrf = sign_in(client, legal.user.email)
    doc = document(client, legal)
    page = client.get("/console/policy").text
    assert "data-referral-rules" in page and "18 U.S.C. 2258A" in page
    assert "ask the recipient every 3 days" in page
    assert "data-referral-rules" in client.get("/console/policy/edit").text
    review = client.post(
        "/console/policy/preview", data=editor_form(doc, csrf, sla__P1__acknowledge="45")
    )
    assert review.status_code == 200, review.text
    proposed = json.loads(hidden(review.text, "document"))
    assert proposed["referrals"] == doc["referrals"]
    saved = client.post(
        "/console/policy",
        data={"csrf_token": csrf, "document": json.dumps(proposed), "based_on": "1", "reason": "r"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = client.get("/api/v1/policy", headers=legal.headers).json()
    assert after["version"] == 2 and after["document"]["referrals"] == doc["referrals"]
