"""In Chromium: every console and portal page, as each role that uses it sees it, in light and
dark, has no serious or critical accessibility violation by axe-core.

axe comes from npm (pinned in package.json, installed at setup, never committed). The page's
content security policy refuses an injected <script>, and it must stay as strict in tests as
in production, so the test hands axe's source to the page through the browser's own evaluation
(DevTools), which the policy does not govern: axe then reads the real page.

A new page is one line in CONSOLE_PAGES or PORTAL_PAGES.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from e2e.test_directory import seed
from e2e.test_roles import sign_in
from exigent.auth.models import Role, User
from exigent.directory.models import Agency
from legal.flows import create_case
from portal.conftest import PASSWORD as PORTAL_PASSWORD
from portal.conftest import Portal, sign_up
from portal.test_requests import case_id, emergency_form, submit

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

# Each role and the pages it works in. `{case}`, `{agency}` and `{user}` are filled in from the
# data the test makes.
CONSOLE_PAGES: dict[Role, tuple[str, ...]] = {
    Role.analyst: (
        "/console",
        "/console/cases/{case}",
        "/console/find?q=EXG",
        "/console/directory",
        "/console/directory?q=police",
        "/console/directory/agencies/{agency}",
        "/wellbeing",
        "/console/home",
        "/account/security",
        "/oncall/alerts",
        "/console/escalations/new",
    ),
    Role.lead: (
        "/console/directory/agencies/new",
        "/console/cases/{case}",
        "/wellbeing/team",
        "/console/risk-weights",
        "/portal/staff/accounts",
        "/oncall/policies",
    ),
    Role.legal: ("/console/policy", "/console/policy/edit", "/console/policy/diff"),
    Role.auditor: ("/console/audit", "/console/audit?action=request.create"),
    Role.leadership: (
        "/console/home",
        "/console/analytics?period=90d",
        "/console/analytics/breaches?period=90d",
        "/console/analytics/workload?period=90d",
    ),
    Role.scheduler: ("/console/home",),
    Role.admin: (
        "/console/admin/users",
        "/console/admin/users/{user}",
        "/console/admin/tokens",
    ),
}
PORTAL_PAGES = (
    "/portal/home",
    "/portal/requests/new",
    "/portal/requests/new/emergency",
    "/portal/requests/new/subpoena",
    "/portal/requests/{portal_case}",
    "/portal/totp",
)
SIGNED_OUT_PAGES = ("/", "/login", "/portal/sign-in", "/portal/register")


@dataclass
class Violation:
    page: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.page}: {self.impact} {self.rule} ({self.help}) at {', '.join(self.targets)}"


def axe_violations(page: Page, label: str) -> list[Violation]:
    """Every serious or critical violation on the page as it stands, details opened."""
    # The case page fills its panels after loading: wait for them.
    page.wait_for_load_state("networkidle")
    # Folded panels are part of the page: open them so axe reads what a person can unfold.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results: list[dict[str, Any]] = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return [
        Violation(
            page=label,
            rule=found["id"],
            impact=found["impact"],
            help=found["help"],
            targets=[" ".join(map(str, node["target"])) for node in found["nodes"]][:5],
        )
        for found in results
        if found["impact"] in SERIOUS
    ]


def visit(page: Page, url: str, label: str) -> list[Violation]:
    response = page.goto(url)
    if response is None or not response.ok:
        status = response.status if response else "nothing"
        return [Violation(label, "unreachable", "critical", f"answered {status}", [])]
    return axe_violations(page, label)


def report(violations: list[Violation]) -> str:
    return "\n".join(map(str, violations))


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_the_check_finds_what_it_looks_for(  # type: ignore[no-untyped-def]
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/login")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        "'<input type=text id=nameless><button id=empty></button>')"
    )
    found = {(v.rule, *v.targets) for v in axe_violations(page, "login")}
    assert ("label", "#nameless") in found
    assert ("button-name", "#empty") in found


def test_console_pages_have_no_serious_violations(  # type: ignore[no-untyped-def]
    browser: Browser, live_server: str, client, make_account, factory, scheme: str
) -> None:
    assert AXE.exists(), "axe-core is missing: run `npm ci --ignore-scripts`"
    accounts = {role: make_account(role) for role in CONSOLE_PAGES}
    seed(factory)
    case = create_case(client, accounts[Role.analyst])
    with factory() as session:
        agency = session.scalars(select(Agency.id).order_by(Agency.id).limit(1)).one()
        user = session.scalars(select(User.id).where(User.role == Role.analyst)).one()
    values = {"case": case["id"], "agency": agency, "user": user}
    violations: list[Violation] = []
    for role, paths in CONSOLE_PAGES.items():
        context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
        page = context.new_page()
        sign_in(page, live_server, accounts[role].user.email)
        for path in paths:
            address = path.format(**values)
            violations += visit(page, live_server + address, f"{role} {scheme} {address}")
        context.close()
    assert violations == [], "\n" + report(violations)


def test_portal_pages_have_no_serious_violations(  # type: ignore[no-untyped-def]
    browser: Browser, live_server: str, client, mailbox, scheme: str
) -> None:
    assert AXE.exists(), "axe-core is missing: run `npm ci --ignore-scripts`"
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    page = context.new_page()
    violations: list[Violation] = []
    for path in SIGNED_OUT_PAGES:
        violations += visit(page, live_server + path, f"signed out {scheme} {path}")
    officer: Portal = sign_up(client, mailbox)
    number = case_id(submit(client, "emergency", emergency_form()))
    page.goto(f"{live_server}/portal/sign-in")
    page.get_by_label("Official email address").fill(officer.email)
    page.get_by_label("Password").fill(PORTAL_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(officer.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/portal/home")
    for path in PORTAL_PAGES:
        address = path.format(portal_case=number)
        violations += visit(page, live_server + address, f"officer {scheme} {address}")
    context.close()
    assert violations == [], "\n" + report(violations)
