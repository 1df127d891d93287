"""The console as a browser sees it, checked on the server: sign-in, roles, queue, actions."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from console.helpers import csrf_of, post_login, queue_ids, sign_in
from exigent.auth.models import Role
from exigent.cases.models import Request, TimelineEvent
from exigent.db import utcnow
from factories import emergency_record, subpoena_record
from legal.flows import (
    audit_actions,
    create_case,
    items_for,
    legal_view,
    link_agency,
    put_decision,
    ready_for_approval,
    submit,
    to_review,
)


def test_a_page_without_a_session_redirects_to_login_and_back(client, analyst) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/console?priority=P0", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/console%3Fpriority%3DP0"
    login = post_login(
        client,
        email=analyst.user.email,
        password="correct horse battery staple",
        next="/console?priority=P0",
    )
    assert login.status_code == 303
    assert login.headers["location"] == "/console?priority=P0"
    assert "exigent_session" in login.cookies or client.cookies.get("exigent_session")


def test_login_refuses_a_wrong_password_and_an_offsite_next(client, analyst) -> None:  # type: ignore[no-untyped-def]
    wrong = post_login(client, email=analyst.user.email, password="nope")
    assert wrong.status_code == 401
    assert "email or password is wrong" in wrong.text.lower()
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = post_login(
            client, email=analyst.user.email, password="correct horse battery staple", next=evil
        )
        assert response.headers["location"] == "/console"


def test_sign_out_ends_the_session(client, analyst) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(client, analyst.user.email)
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_roles_without_case_access_land_on_their_page_and_get_a_403_page_with_navigation(  # type: ignore[no-untyped-def]
    client, make_account
) -> None:
    scheduler = make_account(Role.scheduler)
    sign_in_page = post_login(
        client, email=scheduler.user.email, password="correct horse battery staple"
    )
    assert sign_in_page.headers["location"] == "/staffing"
    # The console's front door sends them to their own page rather than refusing them.
    door = client.get("/console", follow_redirects=False)
    assert door.status_code == 303 and door.headers["location"] == "/staffing"
    response = client.get("/console/policy")
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "What to do next" in response.text
    assert "policy.read" in response.text
    # Not a dead end: their navigation, their name and sign-out stay on the page.
    assert 'href="/wellbeing/team"' in response.text and 'action="/logout"' in response.text
    assert 'href="/console/policy"' not in response.text


def test_officers_cannot_open_the_console(client, officer) -> None:  # type: ignore[no-untyped-def]
    refused = post_login(client, email=officer.user.email, password="correct horse battery staple")
    assert refused.status_code == 403
    assert "/portal/sign-in" in refused.text
    assert not client.cookies.get("exigent_session")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_queue_puts_overdue_first_then_soonest_due(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    later = create_case(client, analyst, subpoena_record())
    soon = create_case(client, analyst)
    overdue = create_case(client, analyst)
    now = utcnow()
    with factory() as session:
        for case_id, due in (
            (later["id"], now + timedelta(days=5)),
            (soon["id"], now + timedelta(minutes=20)),
            (overdue["id"], now - timedelta(minutes=5)),
        ):
            session.execute(
                update(Request)
                .where(Request.id == case_id)
                .values(decide_due_at=due, acknowledge_due_at=due, acknowledged_at=now)
            )
        session.commit()
    sign_in(client, analyst.user.email)
    page = client.get("/console")
    assert queue_ids(page.text) == [overdue["id"], soon["id"], later["id"]]
    assert "data-clock" in page.text and 'data-label="to decide"' in page.text


def test_an_emergency_comes_before_any_overdue_routine_case(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    # At 3 a.m. a backlog of overdue subpoenas must not push a new emergency off the screen.
    routine = create_case(client, analyst, subpoena_record())
    emergency = create_case(client, analyst)
    now = utcnow()
    with factory() as session:
        for case_id, due in (
            (routine["id"], now - timedelta(days=3)),
            (emergency["id"], now + timedelta(minutes=12)),
        ):
            session.execute(
                update(Request).where(Request.id == case_id).values(acknowledge_due_at=due)
            )
        session.commit()
    sign_in(client, analyst.user.email)
    assert queue_ids(client.get("/console").text) == [emergency["id"], routine["id"]]


def test_queue_filters_narrow_the_cases(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    emergency = create_case(client, analyst)
    subpoena = create_case(client, analyst, subpoena_record())
    client.post(
        f"/api/v1/requests/{subpoena['id']}/assignment",
        json={"assignee_id": analyst.user.id},
        headers=lead.headers,
    )
    sign_in(client, analyst.user.email)
    assert queue_ids(client.get("/console?priority=P0").text) == [emergency["id"]]
    assert queue_ids(client.get("/console?kind=subpoena").text) == [subpoena["id"]]
    assert queue_ids(client.get("/console?assignee=mine").text) == [subpoena["id"]]
    assert queue_ids(client.get("/console?assignee=unassigned").text) == [emergency["id"]]
    assert queue_ids(client.get("/console?status=closed").text) == []
    refresh = client.get("/console/queue-rows?kind=emergency")
    assert queue_ids(refresh.text) == [emergency["id"]]
    assert "<html" not in refresh.text


def test_a_bad_filter_is_a_422_page_naming_it(client, analyst) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    response = client.get("/console?priority=P9")
    assert response.status_code == 422
    assert "Priority: &#39;P9&#39; is not one of" in response.text
    assert "What to do next" in response.text


def test_saved_views_are_per_person(client, analyst, make_account) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(client, analyst.user.email)
    response = client.post(
        "/console/views",
        data={"csrf_token": token, "name": "My P0s", "query": "priority=P0&bogus=1&assignee=mine"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console?priority=P0&assignee=mine"
    assert "My P0s" in client.get("/console").text
    other = make_account(Role.analyst, "other@example.test")
    sign_in(client, other.user.email)
    assert "My P0s" not in client.get("/console").text


def test_a_form_post_without_the_csrf_token_is_refused(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    response = client.post(
        f"/console/cases/{case['id']}/notes", data={"body": "hello", "visible": "no"}
    )
    assert response.status_code == 403
    assert "security token" in response.text
    wrong = client.post(
        f"/console/cases/{case['id']}/notes", data={"body": "hello", "csrf_token": "guess"}
    )
    assert wrong.status_code == 403
    timeline = client.get(f"/api/v1/requests/{case['id']}/timeline", headers=analyst.headers)
    assert not any(e["kind"] == "note" for e in timeline.json())


def test_case_page_shows_the_panels(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}")
    assert page.status_code == 200
    for text in (
        "Emergency",
        "night.owl.77",
        "Verification",
        "Risk score",
        "Legal",
        "Review for disclosure",
        "Decision",
        "Production",
        "Timeline and notes",
        "Suicide or self-harm",
    ):
        assert text in page.text, text
    assert "request.read" in audit_actions(client.app.state.session_factory)


def test_notes_are_internal_or_visible_as_chosen(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, analyst.user.email)
    for body, visible in (("internal thought", "no"), ("we are on it", "yes")):
        response = client.post(
            f"/console/cases/{case['id']}/notes",
            data={"csrf_token": token, "body": body, "visible": visible},
            follow_redirects=False,
        )
        assert response.status_code == 303
    with factory() as session:
        rows = session.execute(
            select(TimelineEvent.body, TimelineEvent.visible_to_requester).where(
                TimelineEvent.request_id == case["id"], TimelineEvent.kind == "note"
            )
        ).all()
    assert dict(rows) == {"internal thought": False, "we are on it": True}
    page = client.get(f"/console/cases/{case['id']}").text
    assert "internal thought" in page and "visible to requester" in page


def test_only_allowed_moves_are_offered_and_a_wrong_one_explains(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}").text
    assert '<option value="triaged">' in page
    assert '<option value="closed">' not in page
    response = client.post(
        f"/console/cases/{case['id']}/transition", data={"csrf_token": token, "to": "closed"}
    )
    assert response.status_code == 409
    assert "cannot move from received to closed" in response.text
    ok = client.post(
        f"/console/cases/{case['id']}/transition",
        data={"csrf_token": token, "to": "triaged"},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_decision_drafted_in_the_form_and_approved_by_a_second_person(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
) -> None:
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    token = sign_in(client, analyst.user.email)
    form = {"csrf_token": token, "rationale": "Imminent risk to life.", "emergency_attested": "yes"}
    for item in items_for(view):
        form[f"outcome:{item['target_id']}:{item['category']}"] = "disclose"
        form[f"reason:{item['target_id']}:{item['category']}"] = "needed to locate the user"
    assert (
        client.post(
            f"/console/cases/{case['id']}/decision", data=form, follow_redirects=False
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/console/cases/{case['id']}/decision/submit",
            data={"csrf_token": token},
            follow_redirects=False,
        ).status_code
        == 303
    )
    own = client.post(f"/console/cases/{case['id']}/decision/approve", data={"csrf_token": token})
    assert own.status_code == 403  # the drafter's own approval
    from legal.flows import verify_requester

    verify_requester(client, analyst, factory, case["id"])
    lead_token = sign_in(client, lead.user.email)
    approved = client.post(
        f"/console/cases/{case['id']}/decision/approve",
        data={"csrf_token": lead_token, "note": "agreed"},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    page = client.get(approved.headers["location"])
    assert "Decision approved" in page.text
    assert f'hx-get="/console/cases/{case["id"]}/production"' in page.text
    panel = client.get(f"/console/cases/{case['id']}/production")
    assert "Build production" in panel.text
    assert (
        client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["status"]
        == "approved"
    )


def test_approval_blocked_while_verification_is_required_shows_why(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
) -> None:
    case = ready_for_approval(client, analyst, factory, verified=False)
    token = sign_in(client, lead.user.email)
    response = client.post(
        f"/console/cases/{case['id']}/decision/approve", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "disclosure cannot be approved" in response.text
    assert 'data-error="approval"' in response.text
    assert "decision.approve.refused" in audit_actions(factory)


def test_callback_task_and_outcome_from_the_page(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, analyst.user.email)
    refused = client.post(f"/console/cases/{case['id']}/callbacks", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "not linked to a directory agency" in refused.text

    link_agency(factory, case["id"], name="Springfield PD", phone_source="agency website")
    assert (
        client.post(
            f"/console/cases/{case['id']}/callbacks",
            data={"csrf_token": token},
            follow_redirects=False,
        ).status_code
        == 303
    )
    page = client.get(f"/console/cases/{case['id']}").text
    assert "+12175550100" in page and "agency website" in page
    callback_id = client.get(
        f"/api/v1/requests/{case['id']}/callbacks", headers=analyst.headers
    ).json()[0]["id"]
    done = client.post(
        f"/console/cases/{case['id']}/callbacks/{callback_id}/outcome",
        data={
            "csrf_token": token,
            "outcome": "confirmed",
            "answered_by": "Sgt. Reyes",
            "supervisor_confirmed": "yes",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Passed:" in client.get(f"/console/cases/{case['id']}").text


def test_assignment_from_the_page(client, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    token = sign_in(client, lead.user.email)
    response = client.post(
        f"/console/cases/{case['id']}/assign",
        data={"csrf_token": token, "assignee_id": str(analyst.user.id)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert (
        client.get(f"/api/v1/requests/{case['id']}", headers=lead.headers).json()["assignee_id"]
        == analyst.user.id
    )


def test_error_pages_for_people_and_json_for_the_api(client, analyst) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    missing = client.get("/console/cases/987654")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "Back to the queue" in missing.text
    nowhere = client.get("/no/such/page")
    assert nowhere.status_code == 404 and "What to do next" in nowhere.text
    api = client.get("/api/v1/requests/987654", headers=analyst.headers)
    assert api.status_code == 404 and api.json()["error"]
    bad_id = client.get("/console/cases/0")
    assert bad_id.status_code == 422 and "What to do next" in bad_id.text


def test_policy_page_shows_the_tables_and_legal_changes_it(client, analyst, make_account) -> None:  # type: ignore[no-untyped-def]
    legal = make_account(Role.legal)
    token = sign_in(client, analyst.user.email)
    page = client.get("/console/policy")
    assert page.status_code == 200
    assert "What each request kind may obtain" in page.text and "Legal review" in page.text
    assert "Change the policy" not in page.text
    refused = client.post(
        "/console/policy", data={"csrf_token": token, "document": "{}", "reason": "x"}
    )
    assert refused.status_code == 403
    current = client.get("/api/v1/policy", headers=analyst.headers).json()["document"]
    current["sla_warning_fraction"] = 0.75
    import json

    token = sign_in(client, legal.user.email)
    bad = client.post(
        "/console/policy",
        data={"csrf_token": token, "document": "{not json", "reason": "tighter warnings"},
    )
    assert bad.status_code == 422 and "not valid JSON" in bad.text
    saved = client.post(
        "/console/policy",
        data={"csrf_token": token, "document": json.dumps(current), "reason": "tighter warnings"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "75 %" in client.get(saved.headers["location"]).text


def test_find_a_case_by_reference(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    sign_in(client, analyst.user.email)
    response = client.get(f"/console/find?ref=exg-{case['id']:07d}", follow_redirects=False)
    assert response.headers["location"] == f"/console/cases/{case['id']}"
    assert client.get("/console/find?ref=hello").status_code == 200


def test_htmx_requests_without_a_session_are_told_to_navigate(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        "/console/queue-rows", headers={"HX-Request": "true"}, follow_redirects=False
    )
    assert response.headers["HX-Redirect"].startswith("/login?next=")


def test_csrf_page_token_matches_the_session(client, analyst) -> None:  # type: ignore[no-untyped-def]
    token = sign_in(client, analyst.user.email)
    assert token == csrf_of(client.get("/console/policy").text)
    assert put_decision and submit and emergency_record  # shared flows stay importable


def test_an_officer_cannot_sign_in_at_the_staff_door_of_the_api(client, officer) -> None:  # type: ignore[no-untyped-def]
    login = client.post(
        "/api/v1/auth/login",
        json={"email": officer.user.email, "password": "correct horse battery staple"},
    )
    assert login.status_code == 403
    assert "/portal/sign-in" in login.json()["error"]
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_case_with_a_sparse_record_still_renders(client, analyst, factory) -> None:  # type: ignore[no-untyped-def]
    case = create_case(client, analyst)
    with factory() as session:
        sparse = {"kind": "other", "received_via": "email", "requester": None, "emergency": None}
        session.execute(update(Request).where(Request.id == case["id"]).values(record=sparse))
        session.commit()
    sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case['id']}")
    assert page.status_code == 200
    assert "Requester</dt><dd>—" in page.text


def test_a_decision_form_with_gaps_keeps_everything_typed_and_marks_each_gap(  # type: ignore[no-untyped-def]
    client, analyst
) -> None:
    case = create_case(client, analyst)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    token = sign_in(client, analyst.user.email)
    form = {
        "csrf_token": token,
        "rationale": "Imminent risk to life, typed with care.",
        "attestation_asked": "yes",  # the page asks for it on an emergency
    }
    for item in items_for(view):
        form[f"outcome:{item['target_id']}:{item['category']}"] = "disclose"
    response = client.post(f"/console/cases/{case['id']}/decision", data=form)
    assert response.status_code == 422
    assert "Imminent risk to life, typed with care." in response.text
    gaps = len(items_for(view)) + 1  # every reason, and the attestation
    assert response.text.count('aria-invalid="true"') == gaps
    assert response.text.count("autofocus") == 1
    assert "Attestation: required" in response.text
    form["emergency_attested"] = "yes"
    again = client.post(f"/console/cases/{case['id']}/decision", data=form)
    assert "checked" in again.text.split('name="emergency_attested"')[1].split(">")[0]
