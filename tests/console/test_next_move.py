"""The case page's next likely move, and what it says after an action (checked on the server)."""

from __future__ import annotations

import re

import pytest

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.cases.lifecycle import Status, can_move, usual_next
from exigent.console.next_move import MOVE_LABELS
from legal.flows import (
    create_case,
    items_for,
    legal_view,
    move,
    put_decision,
    ready_for_approval,
    to_review,
)

NEXT = re.compile(r'data-next-move="([^"]+)"')


def offered(html: str) -> str | None:
    """What the case page's next-move button does, if it offers one."""
    found = NEXT.search(html)
    return found.group(1) if found else None


@pytest.mark.parametrize("status", list(Status))
def test_the_usual_next_move_is_always_an_allowed_one_with_words(status: Status) -> None:
    for verified in (False, True):
        target = usual_next(status, verified=verified)
        if target is not None:
            assert can_move(status, target)
            assert target in MOVE_LABELS


def test_a_verified_triaged_case_goes_straight_to_review() -> None:
    assert usual_next(Status.triaged) is Status.verifying
    assert usual_next(Status.triaged, verified=True) is Status.under_review
    assert usual_next(Status.need_info) is None  # waits on the requester, not on a move


def test_the_next_move_follows_the_case_through_its_stages(client, analyst, lead, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = f"/console/cases/{case['id']}"
    assert offered(client.get(page).text) == "triaged"
    assert ">Triage</button>" in client.get(page).text
    move(client, analyst, case["id"], "triaged")
    assert offered(client.get(page).text) == "verifying"
    move(client, analyst, case["id"], "under_review")
    # In review the next step is the decision, drafted in its own panel: the button goes there.
    assert offered(client.get(page).text) == "#decision"
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert offered(client.get(page).text) == "decision/submit"


def test_approve_is_offered_only_to_a_second_person_who_may_approve(
    client, analyst, lead, factory
) -> None:  # type: ignore[no-untyped-def]
    case = ready_for_approval(client, analyst, factory)
    page = f"/console/cases/{case['id']}"
    sign_in(client, analyst.user.email)
    assert offered(client.get(page).text) is None  # the drafter cannot approve
    sign_in(client, lead.user.email)
    assert offered(client.get(page).text) == "decision/approve"


def test_roles_that_cannot_move_a_case_are_offered_no_move(client, analyst, make_account) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    leadership = make_account(Role.leadership)
    sign_in(client, leadership.user.email)
    html = client.get(f"/console/cases/{case['id']}").text
    assert offered(html) is None
    assert "Move to" not in html


def test_the_next_move_answers_with_the_case_page_saying_it_in_the_status_panel(
    client, analyst
) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, analyst.user.email)
    moved = client.post(
        f"/console/cases/{case['id']}/transition",
        data={"csrf_token": token, "to": "triaged", "version": "1"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == (
        f"/console/cases/{case['id']}?done=moved_to_triaged&at=status#status"
    )
    html = client.get(moved.headers["location"]).text
    status_panel = html[html.index('id="status"') : html.index('id="assignment"')]
    assert 'role="status"' in status_panel and "Case moved to triaged." in status_panel


def test_a_submit_from_the_status_panel_is_answered_there(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    token = sign_in(client, analyst.user.email)
    submitted = client.post(
        f"/console/cases/{case['id']}/decision/submit",
        data={"csrf_token": token, "from": "status"},
        follow_redirects=False,
    )
    assert submitted.headers["location"].endswith("done=submitted&at=status#status")


def test_the_address_says_nothing_a_person_typed(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, analyst.user.email)
    note = client.post(
        f"/console/cases/{case['id']}/notes",
        data={"csrf_token": token, "body": "secret words", "visible": "no"},
        follow_redirects=False,
    )
    assert note.headers["location"] == f"/console/cases/{case['id']}?done=note&at=timeline#timeline"
    # A made-up key or panel shows nothing, and nothing of it reaches the page.
    html = client.get(f"/console/cases/{case['id']}?done=%3Cb%3Epwned&at=%22%3E%3Cscript%3E").text
    assert "pwned" not in html and "data-done" not in html
    known = client.get(f"/console/cases/{case['id']}?done=note&at=status").text
    assert known.count("data-done") == 1  # only a fixed sentence, in a panel named like one
