"""New emergencies above the queue, and the approvals waiting for a second person in the nav."""

from __future__ import annotations

import re

from console.helpers import queue_ids, sign_in
from exigent.auth.models import Role
from factories import subpoena_record
from legal.flows import create_case, ready_for_approval


def band_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-new-p0="(\d+)"', html)]


def test_unacknowledged_emergencies_lead_the_queue_whatever_its_filters(  # type: ignore[no-untyped-def]
    client, analyst, lead
) -> None:
    older = create_case(client, analyst)
    newer = create_case(client, analyst)
    create_case(client, analyst, subpoena_record())
    sign_in(client, analyst.user.email)

    page = client.get("/console?kind=subpoena")
    assert band_ids(page.text) == [newer["id"], older["id"]]
    assert "<title>(2) Queue · Exigent</title>" in page.text
    assert 'role="alert"' in page.text

    # Assigning an emergency acknowledges it: it leaves the band, and the refresh says so.
    client.post(
        f"/api/v1/requests/{older['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    refresh = client.get("/console/new-emergencies")
    assert refresh.status_code == 200
    assert band_ids(refresh.text) == [newer["id"]]
    assert "<html" not in refresh.text
    assert "<title>(1) Queue" in client.get("/console").text


def test_without_new_emergencies_the_band_is_hidden_and_the_title_plain(  # type: ignore[no-untyped-def]
    client, analyst
) -> None:
    create_case(client, analyst, subpoena_record())
    sign_in(client, analyst.user.email)
    page = client.get("/console")
    assert band_ids(page.text) == []
    assert "<title>Queue · Exigent</title>" in page.text
    assert re.search(r'<section id="new-emergencies"[^>]*\bhidden\b', page.text, re.S)


def nav_approvals(html: str) -> int | None:
    found = re.search(r'href="/console\?approve=mine"[^>]*data-nav-count="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_approvers_see_what_waits_for_them_in_the_navigation(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory, make_account
) -> None:
    theirs = ready_for_approval(client, analyst, factory)
    own = ready_for_approval(client, lead, factory)
    create_case(client, analyst)  # not awaiting approval: counts for nobody

    sign_in(client, lead.user.email)
    # On every staff page, not only the queue; the lead's own decision is not theirs to approve.
    assert nav_approvals(client.get("/account/security").text) == 1
    listed = client.get("/console?approve=mine").text
    assert queue_ids(listed) == [theirs["id"]]
    assert 'To approve <span class="nav-count">1</span>' in listed

    other_lead = make_account(Role.lead, "second.lead@example.test")
    sign_in(client, other_lead.user.email)
    assert nav_approvals(client.get("/console").text) == 2
    assert sorted(queue_ids(client.get("/console?approve=mine").text)) == sorted(
        [theirs["id"], own["id"]]
    )

    # Analysts cannot approve: no link, no count.
    sign_in(client, analyst.user.email)
    assert "approve=mine" not in client.get("/console").text


def test_a_bad_approval_filter_is_refused_by_name(client, lead) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, lead.user.email)
    response = client.get("/console?approve=everyone")
    assert response.status_code == 422
    assert "Approve: &#39;mine&#39; or nothing" in response.text
