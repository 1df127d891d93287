"""Finding a case by what a caller says on the phone (issue: case work without dead ends)."""

from __future__ import annotations

from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.cases.search import MatchedBy, find_cases
from factories import emergency_record
from legal.flows import create_case


def _find(client, text: str):  # type: ignore[no-untyped-def]
    return client.get("/console/find", params={"ref": text}, follow_redirects=False)


def test_one_match_opens_the_case_whatever_the_caller_quotes(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(
        client,
        analyst,
        emergency_record(
            case_number="SPD-2026-004471",
            targets=[{"identifier_type": "username", "value": "quiet.river.12"}],
            requester={
                **emergency_record()["requester"],
                "email": "k.osei@elmwoodpd.org",
                "phone": "+16085550199",
            },
        ),
    )
    sign_in(client, analyst.user.email)
    for said in [
        "SPD-2026-004471",
        "spd-2026-004471",
        "@Quiet.River.12",
        "quiet.river.12",
        "K.Osei@elmwoodpd.org",
        "(608) 555-0199",
        f"exg {case['id']}",
    ]:
        answer = _find(client, said)
        assert answer.status_code == 303, (said, answer.text)
        assert answer.headers["location"] == f"/console/cases/{case['id']}", said


def test_several_matches_are_listed_with_what_matched(client, analyst) -> None:  # type: ignore[no-untyped-def]
    first = create_case(
        client,
        analyst,
        emergency_record(targets=[{"identifier_type": "username", "value": "shared.handle"}]),
    )
    second = create_case(client, analyst, emergency_record(case_number="shared.handle"))
    sign_in(client, analyst.user.email)
    page = _find(client, "shared.handle")
    assert page.status_code == 200
    assert 'data-found="2"' in page.text
    assert f"/console/cases/{first['id']}" in page.text
    assert f"/console/cases/{second['id']}" in page.text
    assert "agency case number" in page.text and "target" in page.text


def test_nothing_found_says_so_and_keeps_the_text(client, analyst) -> None:  # type: ignore[no-untyped-def]
    create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = _find(client, "no-such-thing-anywhere")
    assert page.status_code == 200
    assert 'data-found="0"' in page.text
    assert 'value="no-such-thing-anywhere"' in page.text
    assert _find(client, "x" * 400).status_code == 422


def test_a_search_is_audited_with_the_cases_it_showed(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst, emergency_record(case_number="AUD-1"))
    sign_in(client, analyst.user.email)
    _find(client, "AUD-1")
    with factory() as session:
        listed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "request.list")
        ).all()
    assert any(event.detail.get("ids") == [case["id"]] for event in listed)


def test_an_officer_finds_only_cases_they_may_read(client, analyst, officer, factory) -> None:  # type: ignore[no-untyped-def]
    create_case(client, analyst, emergency_record(case_number="SCOPE-1"))
    mine = create_case(client, officer, emergency_record(case_number="SCOPE-1"))
    with factory() as session:
        found = find_cases(session, officer.user, "SCOPE-1")
        everyone = find_cases(session, analyst.user, "SCOPE-1")
    assert [f.case.id for f in found] == [mine["id"]]
    assert len(everyone) == 2
    assert found[0].matched_by == (MatchedBy.case_number,)
