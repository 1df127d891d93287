"""The directory pages: search, an agency with its sources, and a lead's audited changes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select, update

from conftest import PASSWORD
from console.helpers import csrf_of, post_login, sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.cases.models import Request
from exigent.directory.models import Agency, AgencyDomain, AgencyPhone
from legal.flows import create_case


def seed(factory: Any) -> int:
    """Two imported agencies, one with its homepage domain; the first is returned."""
    with factory() as session:
        springfield = Agency(
            name="Springfield Police Department",
            agency_type="City",
            country="US",
            state="IL",
            ori="IL0840200",
            source="fbi",
        )
        session.add_all(
            [
                springfield,
                Agency(
                    name="Springfield Police Department",
                    agency_type="City",
                    state="MA",
                    ori="MA0071800",
                    source="fbi",
                ),
            ]
        )
        session.flush()
        session.add(
            AgencyDomain(domain="springfieldpd.org", agency_id=springfield.id, source="homepage")
        )
        session.commit()
        return springfield.id


def rows(html: str) -> list[str]:
    return re.findall(r'data-agency-id="(\d+)"', html)


def test_staff_find_agencies_by_name_state_ori_and_domain(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    agency_id = seed(factory)
    sign_in(client, analyst.user.email)
    assert 'href="/console/directory"' in client.get("/console").text
    by_name = client.get("/console/directory", params={"q": "springfield police"}).text
    assert len(rows(by_name)) == 2
    assert rows(
        client.get("/console/directory", params={"q": "springfield", "state": "il"}).text
    ) == [str(agency_id)]
    assert rows(client.get("/console/directory", params={"q": "il0840200"}).text) == [
        str(agency_id)
    ]
    by_mail = client.get("/console/directory", params={"q": "dana@police.springfieldpd.org"}).text
    assert rows(by_mail) == [str(agency_id)]
    nothing = client.get("/console/directory", params={"q": "lakeshore task force"})
    assert "No agency found" in nothing.text
    # An analyst reads the directory; changing it is a lead's: no control is offered.
    assert "Add an agency" not in nothing.text
    page = client.get(f"/console/directory/agencies/{agency_id}")
    assert page.status_code == 200
    assert "springfieldpd.org" in page.text and "from the homepage list" in page.text
    for control in ("Add a number", "Add a domain", "Edit details", "Record standing"):
        assert control not in page.text


def test_a_lead_edits_an_agency_and_every_change_shows_who_and_when(  # type: ignore[no-untyped-def]
    client, lead, factory
) -> None:
    agency_id = seed(factory)
    csrf = sign_in(client, lead.user.email)
    url = f"/console/directory/agencies/{agency_id}"
    details = {
        "csrf_token": csrf,
        "name": "Springfield Police Department",
        "agency_type": "City",
        "country": "US",
        "state": "IL",
        "ori": "IL0840200",
        "homepage_url": "https://www.springfield.il.us/police",
        "notes": "Records desk staffed 24 hours.",
    }
    edited = client.post(url, data=details, follow_redirects=False)
    assert edited.status_code == 303, edited.text
    domain = client.post(
        f"{url}/domains",
        data={
            "csrf_token": csrf,
            "domain": "https://www.springfield.il.us/police",
            "source_note": "the city site links the police page",
        },
        follow_redirects=False,
    )
    assert domain.status_code == 303, domain.text
    number = client.post(
        f"{url}/phones",
        data={
            "csrf_token": csrf,
            "number": "(217) 788-8311",
            "label": "records, 24 hours",
            "source_kind": "agency_website",
            "source": "springfield.il.us/police/contact",
            "use_for_callbacks": "yes",
        },
        follow_redirects=False,
    )
    assert number.status_code == 303, number.text

    page = client.get(url).text
    assert "Callbacks dial" in page and "+12177888311" in page
    assert "agency website: springfield.il.us/police/contact" in page
    assert "springfield.il.us" in page and "the city site links the police page" in page
    history = page.split('id="history"')[1]
    assert "Homepage: — → https://www.springfield.il.us/police" in history
    assert "Domain springfield.il.us added" in history
    assert "Number +12177888311 added" in history
    assert "Callbacks dial +12177888311" in history
    assert history.count(lead.user.email) >= 4
    with factory() as session:
        phone = session.execute(select(AgencyPhone)).scalar_one()
        assert phone.added_by_id == lead.user.id
        events = session.execute(
            select(AuditEvent.action).where(AuditEvent.object_id == str(agency_id))
        ).scalars()
        assert {
            "directory.agency_update",
            "directory.domain_add",
            "directory.phone_add",
            "directory.callback_number",
        } <= set(events)

    retired = client.post(
        f"{url}/phones/{phone.id}/retire",
        data={"csrf_token": csrf, "reason": "now rings a fax machine"},
        follow_redirects=False,
    )
    assert retired.status_code == 303
    after = client.get(url).text
    assert "No callback number" in after and "now rings a fax machine" in after
    with factory() as session:
        assert session.get(Agency, agency_id).verified_phone is None


def test_a_number_without_its_source_is_refused_beside_the_field(client, lead, factory) -> None:  # type: ignore[no-untyped-def]
    agency_id = seed(factory)
    csrf = sign_in(client, lead.user.email)
    answer = client.post(
        f"/console/directory/agencies/{agency_id}/phones",
        data={"csrf_token": csrf, "number": "+1 217 788 8311", "source_kind": "", "source": ""},
    )
    assert answer.status_code == 422
    assert 'data-error="phone.source"' in answer.text
    assert 'data-error="phone.source_kind"' in answer.text
    assert 'value="+1 217 788 8311"' in answer.text  # what was typed is kept
    bad = client.post(
        f"/console/directory/agencies/{agency_id}/phones",
        data={
            "csrf_token": csrf,
            "number": "12",
            "source_kind": "directory",
            "source": "Illinois POST list",
        },
    )
    assert bad.status_code == 422 and 'data-error="phone.number"' in bad.text
    with factory() as session:
        assert session.execute(select(func.count()).select_from(AgencyPhone)).scalar_one() == 0


def test_a_lead_adds_an_agency_and_marks_its_standing(client, lead, factory) -> None:  # type: ignore[no-untyped-def]
    csrf = sign_in(client, lead.user.email)
    assert "Add an agency" in client.get("/console/directory", params={"q": "x"}).text
    duplicate_ori = seed(factory)
    refused = client.post(
        "/console/directory/agencies",
        data={
            "csrf_token": csrf,
            "name": "Lakeshore Task Force",
            "country": "US",
            "ori": "IL0840200",
        },
    )
    assert refused.status_code == 409 and 'data-error="agency.ori"' in refused.text
    created = client.post(
        "/console/directory/agencies",
        data={
            "csrf_token": csrf,
            "name": "Lakeshore Regional Drug Task Force",
            "country": "US",
            "state": "il",
            "agency_type": "Task force",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    url = created.headers["location"].split("?")[0]
    page = client.get(url).text
    assert "Agency added to the directory." not in page  # the flash is on the redirect only
    assert "No callback number" in page and "Added to the directory" in page
    no_reason = client.post(f"{url}/standing", data={"csrf_token": csrf, "status": "suspended"})
    assert no_reason.status_code == 422 and 'data-error="standing.reason"' in no_reason.text
    marked = client.post(
        f"{url}/standing",
        data={"csrf_token": csrf, "status": "suspended", "reason": "the task force was disbanded"},
        follow_redirects=False,
    )
    assert marked.status_code == 303
    assert "the task force was disbanded" in client.get(url).text
    assert duplicate_ori


def test_the_agency_page_lists_its_recent_cases_and_logs_the_read(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    agency_id = seed(factory)
    case = create_case(client, analyst)
    with factory() as session:
        session.execute(update(Request).where(Request.id == case["id"]).values(agency_id=agency_id))
        session.commit()
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/directory/agencies/{agency_id}").text
    assert f"EXG-{case['id']:07d}" in page
    with factory() as session:
        listed = (
            session.execute(select(AuditEvent.detail).where(AuditEvent.action == "request.list"))
            .scalars()
            .all()
        )
    assert any(d.get("ids") == [case["id"]] for d in listed)


def test_who_may_open_and_change_the_directory(client, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    agency_id = seed(factory)
    url = f"/console/directory/agencies/{agency_id}"
    for role, reads in ((Role.auditor, True), (Role.leadership, True), (Role.scheduler, False)):
        account = make_account(role)
        client.cookies.clear()
        assert post_login(client, email=account.user.email, password=PASSWORD).status_code == 303
        page = client.get(url)
        assert page.status_code == (200 if reads else 403), (role, page.status_code)
        if reads:
            assert "Edit details" not in page.text
            data = {"csrf_token": csrf_of(page.text), "name": "X", "country": "US"}
            edit = client.post(url, data=data)
            assert edit.status_code == 403 and "directory.edit" in edit.text
