"""Every operation of the OpenAPI document, called by every kind of caller, against the table.

Callers: no credentials; each staff role; an officer on their own case; and that officer on
another officer's case. An allowed caller must get past authorization (no 401 or 403; a 404,
409 or 422 on an id or body the world does not fit is fine), a refused one must get 403, or
404 where the object is not theirs to know of. One world per database, built once; every
mismatch is listed in one failure, naming operation, caller, what came back and what the
table expects. Matrix: 80 operations x 9 callers, plus the officer on another officer's case
for the 31 operations on a case's objects: 751 calls per database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from authz_table import TABLE, Marker, Rule
from conftest import PASSWORD, Account
from exigent.app import create_app
from exigent.auth.models import Role
from exigent.auth.permissions import Permission, has_permission
from exigent.config import Settings
from exigent.platform_data.generate import generate_one
from factories import emergency_record

SCHEMA = create_app(Settings(environment="test", database_url="sqlite://"), run_worker=False)
OPERATIONS = [
    (method.upper(), path)
    for path, item in SCHEMA.openapi()["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]
STAFF_ROLES = [role for role in Role if role is not Role.requester]
# Ids of objects the world does not build (a production needs an approved decision, a
# callback an agency number, a portal account a registration), or that the world must keep
# as they are (an account disabled or given another role would change the callers): a refused
# caller may get 404 for these, since nothing exists to refuse.
SYNTHETIC = 999_999
SYNTHETIC_PARAMS = {
    "notification_id",
    "callback_id",
    "account_id",
    "production_id",
    "link_id",
    "hold_id",
    "token",
    "user_id",
    "token_id",
    "alert_id",
}
# Drafting gives each drafter a hand in the decision, and a hand bars signing off: these run
# after sign-off, approval and rejection, which then see no decision (past authorization,
# a 404 or 409), not one they wrote.
RUN_LAST = {
    ("PUT", "/api/v1/requests/{request_id}/decision"),
    ("POST", "/api/v1/requests/{request_id}/decision/submit"),
}
# Path parameters that name one case's objects: the officer is tried on another's too.
CASE_PARAMS = {"request_id", "target_id", "notice_id"}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A small demo platform store, so a preservation hold can be placed."""
    store = tmp_path / "platform.db"
    now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    generate_one(store, username="night.owl.77", records=200, now=now, days=30)
    return settings.model_copy(update={"platform_store": store})


def test_every_operation_is_in_the_table() -> None:
    missing = sorted(set(OPERATIONS) - set(TABLE))
    stale = sorted(set(TABLE) - set(OPERATIONS))
    assert not missing, f"operations with no row in tests/authz_table.py: {missing}"
    assert not stale, f"rows in tests/authz_table.py for operations that are gone: {stale}"


@dataclass
class Case:
    id: int
    target_id: int
    notice_id: int
    requester_id: int


@dataclass
class World:
    accounts: dict[Role, Account]
    officer: Account
    own: Case
    other: Case
    agency_id: int
    policy: dict[str, Any]
    weights: dict[str, Any]
    login_email: str


@dataclass
class Caller:
    name: str
    role: Role | None
    account: Account | None
    case: Case
    # The officer on a case that is not theirs.
    stranger: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def _params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _submit(client: TestClient, account: Account, staff: Account) -> Case:
    """An officer's case, with the ids staff see on it."""
    answer = client.post("/api/v1/requests", json=emergency_record(), headers=account.headers)
    assert answer.status_code == 201, answer.text
    case = client.get(f"/api/v1/requests/{answer.json()['id']}", headers=staff.headers).json()
    legal = client.get(f"/api/v1/requests/{case['id']}/legal", headers=staff.headers).json()
    notices = client.get(f"/api/v1/requests/{case['id']}/notices", headers=staff.headers).json()
    return Case(
        id=case["id"],
        target_id=legal["targets"][0]["id"],
        notice_id=notices[0]["id"] if notices else SYNTHETIC,
        requester_id=case["requester_id"],
    )


def _build_world(client: TestClient, make_account: Callable[..., Account]) -> World:
    accounts = {role: make_account(role) for role in STAFF_ROLES}
    officer = make_account(Role.requester, "a@police.example.gov")
    other_officer = make_account(Role.requester, "b@police.example.gov")
    lead = accounts[Role.lead]
    own, other = _submit(client, officer, lead), _submit(client, other_officer, lead)
    agency = client.post(
        "/api/v1/directory/agencies",
        json={"name": "Matrix County Sheriff", "country": "US", "state": "IL"},
        headers=accounts[Role.admin].headers,
    )
    assert agency.status_code == 201, agency.text
    policy = client.get("/api/v1/policy", headers=accounts[Role.legal].headers).json()
    weights = client.get("/api/v1/risk-weights", headers=lead.headers).json()
    return World(
        accounts=accounts,
        officer=officer,
        own=own,
        other=other,
        agency_id=agency.json()["id"],
        policy=policy["document"],
        weights=weights["document"],
        login_email=accounts[Role.analyst].user.email,
    )


EML = (
    b"From: Dana Whitfield <dwhitfield@springfieldpd.org>\r\n"
    b"To: lert@example.test\r\n"
    b"Subject: Emergency disclosure request\r\n"
    b"Message-ID: <matrix@springfieldpd.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Emergency request for account night.owl.77.\r\n"
)


def _body(method: str, path: str, world: World, case: Case) -> dict[str, Any]:
    """Request kwargs valid enough that validation never answers before authorization."""
    json: dict[str, Any] | None = {
        ("POST", "/api/v1/auth/login"): {"email": world.login_email, "password": PASSWORD},
        ("POST", "/api/v1/requests"): emergency_record(),
        ("POST", "/api/v1/requests/{request_id}/transitions"): {"to": "triaged"},
        ("POST", "/api/v1/requests/{request_id}/assignment"): {
            "assignee_id": world.accounts[Role.analyst].user.id
        },
        ("POST", "/api/v1/requests/{request_id}/notes"): {"body": "Called the desk sergeant."},
        ("POST", "/api/v1/policy"): {"policy": world.policy, "reason": "matrix"},
        ("POST", "/api/v1/policy/impact"): {"policy": world.policy},
        ("POST", "/api/v1/legal-check"): emergency_record(),
        ("PUT", "/api/v1/requests/{request_id}/decision"): {
            "rationale": "Imminent danger to life.",
            "emergency_attested": True,
            "items": [
                {
                    "target_id": case.target_id,
                    "category": "subscriber_info",
                    "outcome": "disclose",
                    "reason": "locates the person",
                },
                {
                    "target_id": case.target_id,
                    "category": "account_activity",
                    "outcome": "withhold",
                    "reason": "not needed",
                },
            ],
        },
        ("POST", "/api/v1/requests/{request_id}/decision/sign-off"): {"note": "ok"},
        ("POST", "/api/v1/requests/{request_id}/decision/approve"): {"note": "ok"},
        ("POST", "/api/v1/requests/{request_id}/decision/reject"): {"note": "not yet"},
        ("POST", "/api/v1/requests/{request_id}/request-info"): {"message": "Which address?"},
        ("PATCH", "/api/v1/requests/{request_id}/record"): {"case_number": "26-77777"},
        ("POST", "/api/v1/requests/{request_id}/targets/{target_id}/age"): {
            "age": 15,
            "source": "school record",
        },
        ("POST", "/api/v1/directory/agencies"): {"name": "Matrix Borough Police"},
        ("PATCH", "/api/v1/directory/agencies/{agency_id}"): {"notes": "desk open 24h"},
        ("POST", "/api/v1/directory/domains"): {
            "domain": "matrixcounty.example.gov",
            "agency_id": world.agency_id,
        },
        ("POST", "/api/v1/directory/requesters/{requester_id}/status"): {
            "status": "verified",
            "reason": "called the agency",
        },
        ("POST", "/api/v1/assess"): emergency_record(),
        ("POST", "/api/v1/analytics/reports"): {"period": "2026H1"},
        ("POST", "/api/v1/callbacks/{callback_id}/outcome"): {
            "outcome": "no_answer",
            "answered_by": "",
        },
        ("POST", "/api/v1/risk-weights"): {"weights": world.weights, "reason": "matrix"},
        ("POST", "/api/v1/portal/accounts/{account_id}/status"): {
            "status": "verified",
            "reason": "called the agency",
        },
        ("POST", "/api/v1/requests/{request_id}/productions"): {},
        ("POST", "/api/v1/deliveries/{link_id}/revoke"): {"reason": "sent to the wrong desk"},
        ("POST", "/api/v1/holds/{hold_id}/release"): {"reason": "case closed"},
        ("POST", "/api/v1/admin/users"): {
            "email": "new.analyst@example.test",
            "name": "New Analyst",
            "role": "analyst",
        },
        ("POST", "/api/v1/admin/users/{user_id}/role"): {"role": "lead"},
        ("POST", "/api/v1/admin/tokens"): {
            "user_id": world.accounts[Role.auditor].user.id,
            "name": "reports",
            "days": 30,
        },
        ("POST", "/api/v1/notices/{notice_id}/decision"): {
            "action": "withhold",
            "reason": "would endanger the person",
        },
    }.get((method, path))
    if json is not None:
        return {"json": json}
    if path == "/api/v1/requests/{request_id}/documents":
        return {"files": {"file": ("note.txt", b"statement of the facts\n", "text/plain")}}
    if path == "/api/v1/intake/eml":
        return {"files": {"file": ("message.eml", EML, "message/rfc822")}}
    return {}


def _url(path: str, world: World, case: Case) -> str:
    values = {
        "request_id": case.id,
        "target_id": case.target_id,
        "notice_id": case.notice_id,
        "requester_id": world.own.requester_id,
        "agency_id": world.agency_id,
        "version": 1,
        "token": "exd_" + "0" * 32,
    }
    for name in _params(path):
        path = path.replace("{" + name + "}", str(values.get(name, SYNTHETIC)))
    return path


def _allowed(rule: Rule, caller: Caller, on_case: bool) -> bool:
    """Whether the table lets this caller through authorization."""
    if rule in (Marker.public, Marker.signed):
        return True
    if caller.role is None:
        return False
    if rule in (Marker.any_signed_in, Marker.token_holder):
        return True
    if caller.role is Role.requester and on_case and caller.stranger:
        return False
    if rule is Marker.read_case:
        return caller.role is Role.requester or has_permission(
            caller.role, Permission.request_read_all
        )
    assert isinstance(rule, Permission)
    return has_permission(caller.role, rule)


def _verdict(method: str, path: str, caller: Caller, status: int) -> str | None:
    """None when the answer fits the table, else what was expected."""
    rule = TABLE[(method, path)]
    params = set(_params(path))
    on_case = bool(params & CASE_PARAMS)
    if status >= 500:
        return "no server error"
    if rule is Marker.signed:
        # Nobody in this world holds the sender's secret: every call is refused.
        return None if status == 403 else "403 (no valid signature)"
    if caller.role is None and rule is not Marker.public:
        return None if status == 401 else "401"
    if rule is Marker.token_holder:
        # No live token exists in this world: nobody may get the package.
        return None if status in (403, 404) else "403 or 404 (no live token)"
    if _allowed(rule, caller, on_case):
        return None if status not in (401, 403) else "past authorization (not 401/403)"
    # A case is never confirmed to someone who may not read it, and a made-up id has
    # nothing to refuse: there 404 is as good as 403.
    hides = bool(params & SYNTHETIC_PARAMS) or (
        on_case and (caller.stranger or caller.role is Role.scheduler)
    )
    if status == 403 or (hides and status == 404):
        return None
    return "403 or 404" if hides else "403"


def _callers(world: World, on_case: bool) -> list[Caller]:
    anonymous = Caller("anonymous", None, None, world.own)
    staff = [
        Caller(role.value, role, account, world.own, headers=account.headers)
        for role, account in world.accounts.items()
    ]
    officer = Caller(
        "officer", Role.requester, world.officer, world.own, headers=world.officer.headers
    )
    stranger = Caller(
        "officer on another officer's case",
        Role.requester,
        world.officer,
        world.other,
        stranger=True,
        headers=world.officer.headers,
    )
    return [anonymous, *staff, officer, *([stranger] if on_case else [])]


def test_every_operation_as_every_caller(client, make_account) -> None:  # type: ignore[no-untyped-def]
    world = _build_world(client, make_account)
    mismatches: list[str] = []
    calls = 0
    for method, path in sorted(OPERATIONS, key=lambda op: op in RUN_LAST):
        rule = TABLE[(method, path)]
        on_case = bool(set(_params(path)) & CASE_PARAMS)
        callers = _callers(world, on_case)
        # Refused callers go first, so an allowed caller's change cannot hide a refusal.
        callers.sort(key=lambda c: _allowed(rule, c, on_case))
        for caller in callers:
            answer = client.request(
                method,
                _url(path, world, caller.case),
                headers=caller.headers,
                **_body(method, path, world, caller.case),
            )
            # Signing in sets a session cookie: no later caller may ride on it.
            client.cookies.clear()
            calls += 1
            expected = _verdict(method, path, caller, answer.status_code)
            if expected is not None:
                mismatches.append(
                    f"{method} {path} as {caller.name}: got {answer.status_code}, "
                    f"expected {expected} ({rule}) {answer.text[:200]}"
                )
    assert calls == len(OPERATIONS) * 9 + sum(
        bool(set(_params(p)) & CASE_PARAMS) for _, p in OPERATIONS
    )
    assert not mismatches, f"{len(mismatches)} of {calls} calls:\n" + "\n".join(mismatches)
