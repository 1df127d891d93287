"""The directory's pages and a case's agency actions, opened by every staff role and by a
browser without a session, against `authz_table.PAGE_TABLE`.

A role whose permission the row names gets past authorization (no 403 and no sign-in
redirect; a 404, 409 or 422 on a world that does not fit is fine); any other staff role gets
the 403 page; without a session every page sends the browser to sign in. Form posts carry
each session's own CSRF token, so only the role is being judged.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from authz_table import PAGE_TABLE
from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.app import ROUTERS
from exigent.auth.models import Role
from exigent.auth.permissions import has_permission
from exigent.directory.models import Agency, AgencyPhone
from legal.flows import create_case

STAFF_ROLES = [role for role in Role if role is not Role.requester]
# Routes whose rows this table must hold.
COVERED = (
    "/console/analytics",
    "/console/directory",
    "/agency",
    "/risk/reassess",
    "/new-emergencies",
    "/staffing",
    "/oncall",
    "/briefs",
    "/wellbeing/check-in",
    "/oncall/alerts",
    "/oncall/policies",
    "/oncall/triggers",
    "/console/escalations",
    "/referral/facts",
    "/referral/outcomes",
    "/referral/recipients",
    "/referral/cybertipline",
    "/referral/assessment",
    "/referral/send",
    "/referral/calls",
    "/eu-order",
    "/console/analytics/time",
    "/console/analytics/surges",
    "/console/analytics/reports",
)


# Pages a one-time token opens without a session (tested with their tokens in tests/oncall).
TOKEN_PAGES = ("/oncall/ack",)


def _page_routes() -> set[tuple[str, str]]:
    found = set()
    for route in (route for router in ROUTERS for route in router.routes):
        if not isinstance(route, APIRoute) or route.path.startswith("/api/"):
            continue
        if route.path.startswith(TOKEN_PAGES):
            continue
        if not any(part in route.path for part in COVERED):
            continue
        found |= {(method, route.path) for method in route.methods}
    return found


def test_every_directory_page_is_in_the_table() -> None:
    routes = _page_routes()
    assert sorted(routes - set(PAGE_TABLE)) == []
    assert sorted(set(PAGE_TABLE) - routes) == []


def _world(client: TestClient, factory: Any, make_account: Any) -> dict[str, Any]:
    analyst = make_account(Role.analyst, "world.analyst@example.test")
    case = create_case(client, analyst)
    with factory() as session:
        agency = Agency(name="Matrix County Sheriff", state="IL", source="staff")
        session.add(agency)
        session.flush()
        phone = AgencyPhone(
            agency_id=agency.id, number="+12175557000", source_kind="directory", source="list"
        )
        session.add(phone)
        session.commit()
        # Roster objects that do not exist: an allowed role gets past authorization to a 404
        # or 422 (or the page again, naming the problem).
        return {
            "case_id": case["id"],
            "agency_id": agency.id,
            "phone_id": phone.id,
            "time_off_id": 999_999,
            "swap_id": 999_999,
            "shift_id": 999_999,
            "contact_id": 999_999,
            "handoff_id": 999_999,
            "brief_id": 999_999,
            "list_id": 999_999,
            "alert_id": 999_999,
            "policy_id": 999_999,
            "trigger_id": 999_999,
            "recipient_id": 999_999,
            "report_id": 999_999,
        }


def _signed_in(client: TestClient, make_account: Any, role: Role) -> tuple[TestClient, str]:
    """A browser of its own for `role`, signed in, and its form token."""
    account = make_account(role)
    browser = TestClient(client.app)
    assert post_login(browser, email=account.user.email, password=PASSWORD).status_code == 303
    # Every staff member may open their own account page, which carries the token.
    return browser, csrf_of(browser.get("/account/security").text)


def _url(path: str, world: dict[str, Any]) -> str:
    for name, value in world.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_every_page_as_every_role(client, factory, make_account) -> None:  # type: ignore[no-untyped-def]
    world = _world(client, factory, make_account)
    browsers = {role: _signed_in(client, make_account, role) for role in STAFF_ROLES}
    mismatches = []
    calls = 0
    for (method, path), permission in sorted(PAGE_TABLE.items()):
        url = _url(path, world)
        anonymous = TestClient(client.app).request(method, url, follow_redirects=False)
        calls += 1
        if anonymous.status_code != 303 or "/login" not in anonymous.headers.get("location", ""):
            mismatches.append(f"{method} {path} without a session: {anonymous.status_code}")
        # Refused roles first, so an allowed one's change cannot hide a refusal.
        for role in sorted(STAFF_ROLES, key=lambda r: has_permission(r, permission)):
            browser, csrf = browsers[role]
            data = {"csrf_token": csrf} if method == "POST" else None
            answer = browser.request(method, url, data=data, follow_redirects=False)
            calls += 1
            allowed = has_permission(role, permission)
            status = answer.status_code
            if status >= 500:
                mismatches.append(f"{method} {path} as {role}: {status}")
            elif allowed and (status == 403 or "/login" in answer.headers.get("location", "")):
                mismatches.append(
                    f"{method} {path} as {role}: {status}, expected past {permission}"
                )
            elif not allowed and status != 403:
                mismatches.append(
                    f"{method} {path} as {role}: {status}, expected 403 ({permission})"
                )
    assert calls == len(PAGE_TABLE) * (len(STAFF_ROLES) + 1)
    assert not mismatches, "\n".join(mismatches)
