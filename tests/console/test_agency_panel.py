"""The case page's agency panel: find the agency, link it, or add it with a sourced number."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login, sign_in
from exigent.auth.models import Role
from exigent.cases.models import Request
from exigent.directory.models import Agency
from legal.flows import create_case


def springfield(factory: Any) -> int:
    with factory() as session:
        agency = Agency(
            name="Springfield Police Department", state="IL", ori="IL0840200", source="fbi"
        )
        session.add(agency)
        session.commit()
        return agency.id


def panel(html: str) -> str:
    return html.split('id="agency"', 1)[1].split("<h3>Callback</h3>", 1)[0]


def test_an_unlinked_case_suggests_the_agency_it_names_and_links_it(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    agency_id = springfield(factory)
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}").text
    assert "Not linked to an agency in the directory" in page
    assert "A callback needs the case linked to its agency" in page
    assert "Open a callback task" not in page
    # The request names Springfield Police Department (IL): the directory's is offered.
    assert re.findall(r'data-agency-id="(\d+)"', panel(page)) == [str(agency_id)]
    linked = client.post(
        f"/console/cases/{case['id']}/agency",
        data={"csrf_token": csrf_of(page), "agency_id": str(agency_id)},
        follow_redirects=False,
    )
    assert linked.status_code == 303, linked.text
    after = client.get(linked.headers["location"]).text
    assert "Case linked to the agency and its risk assessed again." in after
    assert "data-linked-agency>Springfield Police Department" in after
    assert "Risk assessed again (linked to Springfield Police Department)" in after
    # No number yet: the panel asks for one found independently.
    assert "has no callback number in the directory yet" in after
    assert 'action="/console/cases/{}/agency/number"'.format(case["id"]) in after


def test_a_search_from_the_case_finds_by_ori(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    agency_id = springfield(factory)
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}", params={"agency_q": "IL0840200"}).text
    assert re.findall(r'data-agency-id="(\d+)"', panel(page)) == [str(agency_id)]
    none = client.get(f"/console/cases/{case['id']}", params={"agency_q": "lakeshore"}).text
    assert "No agency in the directory matches “lakeshore”" in none


def test_adding_the_agency_from_the_case_checks_every_field_and_writes_nothing_on_error(  # type: ignore[no-untyped-def]
    client, analyst, factory
) -> None:
    case = create_case(client, analyst)
    csrf = sign_in(client, analyst.user.email)
    url = f"/console/cases/{case['id']}/agency/new"
    form = {
        "csrf_token": csrf,
        "name": "Lakeshore Regional Drug Task Force",
        "country": "US",
        "state": "IL",
        "number": "+1 217 555 0143",  # the requester's own number, from the request
        "source_kind": "agency_website",
        "source": "lakeshoretf.example.org/contact",
    }
    own = client.post(url, data=form)
    assert own.status_code == 422
    assert 'data-error="agency_new.number"' in own.text
    assert "never one the request supplied" in own.text
    assert 'value="Lakeshore Regional Drug Task Force"' in own.text
    unsourced = client.post(url, data={**form, "number": "+12175557000", "source": ""})
    assert unsourced.status_code == 422 and 'data-error="agency_new.source"' in unsourced.text
    with factory() as session:
        assert session.execute(select(func.count()).select_from(Agency)).scalar_one() == 0

    added = client.post(url, data={**form, "number": "+12175557000"}, follow_redirects=False)
    assert added.status_code == 303, added.text
    page = client.get(added.headers["location"]).text
    assert "Agency added to the directory, the case linked to it" in page
    assert "Number to call back: <strong" in page and "+12175557000" in page
    assert "agency website: lakeshoretf.example.org/contact" in page
    assert "Open a callback task" in page
    with factory() as session:
        assert session.get(Request, case["id"]).agency_id is not None


def test_readers_see_the_agency_but_no_controls(client, analyst, make_account, factory) -> None:  # type: ignore[no-untyped-def]
    springfield(factory)
    case = create_case(client, analyst)
    auditor = make_account(Role.auditor)
    post_login(client, email=auditor.user.email, password=PASSWORD)
    page = client.get(f"/console/cases/{case['id']}").text
    assert "Not linked to an agency in the directory" in page
    for control in ("Find the agency", "Search the directory", "Assess again", ">Link<"):
        assert control not in page
    refused = client.post(
        f"/console/cases/{case['id']}/agency", data={"csrf_token": csrf_of(page), "agency_id": "1"}
    )
    assert refused.status_code == 403


def test_assess_again_from_the_page(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    csrf = sign_in(client, analyst.user.email)
    answer = client.post(
        f"/console/cases/{case['id']}/risk/reassess",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"]).text
    assert "Risk assessed again." in page
    assert "Risk assessed again (asked for)" in page
