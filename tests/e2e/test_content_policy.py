"""In Chromium: a page smuggled in as a case document never runs as the lead who opens it, and
the main pages work under the content security policy without a single violation. With
EXIGENT_SCREENSHOTS=<folder> the case page and the request form are saved there."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlalchemy import select

from console.test_document_file import submitted_document
from e2e.staff import sign_in
from exigent.cases.models import TimelineEvent
from exigent.db import utcnow
from exigent.demo.media import png
from legal.flows import create_case
from notice.helpers import permitted_subpoena, work
from portal.conftest import PASSWORD as PORTAL_PASSWORD
from portal.conftest import Portal, confirm, enrol, link_from, register

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("EXIGENT_SCREENSHOTS")

MARKER = "exigent-document-ran"
FORGED_NOTE = "Approved on the phone by the lead: disclose everything"
# What an officer could send as "evidence": read the lead's CSRF token from the case page and
# post a note as the lead, leaving a marker in the console's storage.
ATTACK = f"""<!doctype html><title>Evidence</title><h1>Evidence</h1>
<script>
localStorage.setItem("{MARKER}", "yes");
fetch("/console").then(function (r) {{ return r.text(); }}).then(function (queue) {{
  var id = queue.match(/data-case-id="(\\d+)"/)[1];
  return fetch("/console/cases/" + id).then(function (r) {{ return r.text(); }})
    .then(function (page) {{
      var token = page.match(/name="csrf-token" content="([^"]+)"/)[1];
      var form = new URLSearchParams({{csrf_token: token, body: "{FORGED_NOTE}"}});
      return fetch("/console/cases/" + id + "/notes", {{method: "POST", body: form}});
    }});
}});
</script>
""".encode()


def shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"policy-{name}.png"), full_page=True)


def watch_policy(page: Page) -> list[str]:
    """Every policy violation the page reports, and every script error (Alpine's included)."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Alpine" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    return problems


def test_a_page_sent_as_a_document_does_not_run_as_the_lead(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, officer, lead, factory
) -> None:
    case_id, document_id = submitted_document(client, officer, ATTACK, "text/html", "text/plain")
    problems = watch_policy(page)
    sign_in(page, live_server, lead.user.email)
    page.goto(f"{live_server}/console/cases/{case_id}")
    documents = page.locator("#documents")
    expect(documents).to_contain_text("evidence.html")

    with page.expect_download() as opened:
        documents.get_by_role("link", name="Open").click()
    assert opened.value.suggested_filename == "evidence.html"
    assert opened.value.url.endswith(f"/console/documents/{document_id}/file")
    page.wait_for_timeout(1000)

    # Nothing ran: no marker in the console's storage, no note posted as the lead.
    expect(page).to_have_url(f"{live_server}/console/cases/{case_id}")
    assert page.evaluate(f"localStorage.getItem('{MARKER}')") is None
    page.reload()
    expect(page.locator("#timeline")).to_be_visible()
    expect(page.locator("#timeline")).not_to_contain_text(FORGED_NOTE)
    with factory() as session:
        bodies = session.execute(
            select(TimelineEvent.body).where(TimelineEvent.request_id == case_id)
        ).scalars()
        assert all(FORGED_NOTE not in (body or "") for body in bodies)
    assert problems == []


def test_an_image_document_opens_alone_in_its_sandbox(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, officer, lead
) -> None:
    _, document_id = submitted_document(client, officer, png(80, 50, 1.5), "text/html", "image/png")
    sign_in(page, live_server, lead.user.email)
    response = page.goto(f"{live_server}/console/documents/{document_id}/file")
    assert response is not None and response.headers["content-type"] == "image/png"
    assert response.headers["content-security-policy"].startswith("sandbox;")
    expect(page.locator("img")).to_be_visible()
    assert page.evaluate("document.querySelector('img').naturalWidth") == 80


def test_console_pages_work_under_the_policy(  # type: ignore[no-untyped-def]
    live_server: str, page: Page, client, analyst, lead, factory, settings
) -> None:
    case = create_case(client, analyst, permitted_subpoena())
    work(factory, settings, utcnow())
    upload = client.post(
        f"/api/v1/requests/{case['id']}/documents",
        files={"file": ("scene.png", io.BytesIO(png(160, 100, 2.0)), "image/png")},
        headers=analyst.headers,
    )
    assert upload.status_code == 201
    problems = watch_policy(page)

    sign_in(page, live_server, lead.user.email)
    expect(page.locator("#queue-body tr[data-case-id]")).to_have_count(1)
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")

    page.goto(f"{live_server}/console/cases/{case['id']}")
    expect(page.locator("#production-panel")).to_be_visible()
    expect(page.locator("#notices [data-notice-id]")).to_be_visible()
    expect(page.locator("[data-clock]").first).not_to_be_empty()
    page.get_by_role("button", name="Reveal").click()
    expect(page.locator("[data-viewer-item].revealed")).to_have_count(1)
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="Hide").click()
    expect(page.locator("[data-exposure-status]")).to_contain_text("recorded as exposure")
    shot(page, "case")

    page.goto(f"{live_server}/wellbeing/team")
    expect(page.get_by_role("heading", name="Team exposure")).to_be_visible()
    page.wait_for_function("window.Chart && window.Chart.getChart('exposure-chart')")
    shot(page, "team")

    page.goto(f"{live_server}/console/cases/{case['id']}")
    page.goto(f"{live_server}/console/cases/9999999")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    page.get_by_role("link", name="Go back").click()
    expect(page).to_have_url(f"{live_server}/console/cases/{case['id']}")

    page.goto(f"{live_server}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Exigent")
    assert problems == []


def test_portal_request_form_works_under_the_policy(  # type: ignore[no-untyped-def]
    live_server: str, browser: Browser, client, mailbox
) -> None:
    assert register(client).status_code == 200
    email = "dwhitfield@chicagopolice.org"
    assert confirm(client, link_from(mailbox, email)).status_code == 200
    secret, codes = enrol(client)
    officer = Portal(email=email, secret=secret, recovery_codes=codes)

    context = browser.new_context()
    page = context.new_page()
    problems = watch_policy(page)
    page.goto(f"{live_server}/portal/sign-in")
    page.get_by_label("Official email address").fill(officer.email)
    page.get_by_label("Password").fill(PORTAL_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(officer.code())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()

    page.goto(f"{live_server}/portal/requests/new/emergency")
    page.get_by_role("button", name="Add another account").click()
    second = page.get_by_label("Account 2", exact=True)
    expect(second).to_be_focused()
    second.fill("night.owl.78")
    expect(page.get_by_label("Type of account 2", exact=True)).to_be_visible()
    page.get_by_label("Documents").set_input_files(
        files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"a note"}]
    )
    expect(page.locator("input[name=documents_count]")).to_have_value("1")
    missing = page.locator("#missing")
    expect(missing).to_contain_text("The facts that show the emergency")
    page.get_by_label("What has happened, and what do you fear will happen?").fill(
        "The user posted a goodbye note at 01:40 tonight."
    )
    expect(missing).not_to_contain_text("The facts that show the emergency")
    shot(page, "request-form")
    assert problems == []
    context.close()
