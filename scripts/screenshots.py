"""Refresh docs/screenshots/*.png: each main console page, in light and dark, from demo data.

Seeds a throwaway demo database (or uses --database), serves it on loopback, signs in with
Debian's Chromium through Playwright and saves a full-page screenshot of every main page.
Usage: scripts/screenshots [--database sqlite:///path.db] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", help="an existing demo database URL instead of a new one")
    parser.add_argument("--files", help="its file store (with --database)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="exigent-shots-"))
    os.environ["EXIGENT_DATABASE_URL"] = args.database or f"sqlite:///{workdir / 'demo.db'}"
    os.environ["EXIGENT_FILE_STORE"] = args.files or str(workdir / "files")
    os.environ.setdefault("EXIGENT_EMBEDDED_WORKER", "false")
    from exigent.demo.seed import seed_demo

    if not args.database:
        seed_demo(scale=0)
    base = serve()
    shoot(base, Path(args.out))


def serve() -> str:
    import uvicorn

    from exigent.app import create_app
    from net import free_port

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(run_worker=False), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def case_ids() -> dict[str, int]:
    from sqlalchemy import select

    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory
    from exigent.legal.models import Decision
    from exigent.notice.models import UserNotice
    from exigent.cases.models import Document, Request

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        media = session.execute(
            select(Document.request_id).where(Document.media_type == "image/png").limit(1)
        ).scalar_one()
        awaiting = session.execute(
            select(Request.id)
            .join(Decision, Decision.request_id == Request.id)
            .where(Request.status == "awaiting_approval", Decision.status == "submitted")
            .order_by((Request.kind == "emergency").desc(), Request.decide_due_at)
            .limit(1)
        ).scalar_one()
        # A case whose notice waits for a decision (else any case with a notice).
        notice = session.execute(
            select(UserNotice.request_id)
            .order_by((UserNotice.status == "drafted").desc(), UserNotice.id)
            .limit(1)
        ).scalar_one()
    return {"media": media, "awaiting": awaiting, "notice": notice}


def shoot(base: str, out: Path) -> None:
    from playwright.sync_api import Page, sync_playwright

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    out.mkdir(parents=True, exist_ok=True)
    ids = case_ids()

    def login(page: Page, handle: str) -> None:
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(f"{handle}@exigent.demo")
        page.get_by_label("Password").fill(f"{handle}-demo-2026")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/console")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for theme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, color_scheme=theme
            )
            page = context.new_page()

            def save(name: str, page: Page = page, theme: str = theme, full: bool = True) -> None:
                page.wait_for_load_state("networkidle")
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_timeout(300)
                path = out / f"{name}-{theme}.png"
                page.screenshot(path=str(path), full_page=full)
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

            page.goto(f"{base}/login")
            save("login")
            login(page, "lead")
            page.keyboard.press("j")
            page.keyboard.press("j")
            save("queue", full=False)
            page.goto(f"{base}/console/cases/{ids['media']}")
            save("case")
            # One item revealed, so the exposure pages have something to show.
            item = page.locator("[data-viewer-item]").first
            item.get_by_role("button", name="Reveal").click()
            page.wait_for_selector("[data-viewer-item].revealed")
            page.wait_for_timeout(1500)
            save("case-revealed")
            item.get_by_role("button", name="Hide").click()
            page.wait_for_timeout(300)
            page.goto(f"{base}/console/cases/{ids['awaiting']}")
            save("case-approval")
            page.goto(f"{base}/wellbeing")
            save("exposure")
            page.goto(f"{base}/wellbeing/team")
            save("team-exposure")
            page.goto(f"{base}/console/cases/999999999")
            save("error-404")
            context.clear_cookies()
            login(page, "legal")
            page.goto(f"{base}/console/policy")
            save("policy")
            page.goto(f"{base}/console/cases/{ids['notice']}")
            panel = page.locator("#notices")
            first = panel.locator("[data-notice-id]").first
            if theme == "light" and first.get_attribute("data-status") != "held":
                # Legal records an order on the first target, so the panel shows both states.
                first.get_by_text("Hold under a non-disclosure order").click()
                first.get_by_label("Which order holds it").fill("2705(b) order, D. Ill.")
                first.get_by_label("Order expires on").fill("2027-09-30")
                first.get_by_role("button", name="Hold notice", exact=True).click()
                page.wait_for_selector("#notices [data-status=held]")
                page.goto(f"{base}/console/cases/{ids['notice']}")
            page.wait_for_selector("#notices [data-notice-id]")
            page.wait_for_load_state("networkidle")
            page.add_style_tag(content=".topbar { position: static !important; }")
            panel.screenshot(path=str(out / f"notice-panel-{theme}.png"))
            print(f"docs/screenshots/notice-panel-{theme}.png")
            page.goto(f"{base}/console/risk-weights")
            save("risk-weights")
            context.close()
        # Responsive: the queue and a case on a phone-sized screen (light theme only).
        phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="light")
        page = phone.new_page()
        login(page, "analyst")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / "queue-phone-light.png"))
        page.goto(f"{base}/console/cases/{ids['media']}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / "case-phone-light.png"))
        print("docs/screenshots/queue-phone-light.png, case-phone-light.png")
        phone.close()
        shoot_directory(browser, base, out)
        browser.close()


def unlisted_cases() -> tuple[int, int]:
    """The demo's emergencies from agencies the directory could not place."""
    from sqlalchemy import select

    from exigent.cases.models import Request
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        ids = dict(
            session.execute(
                select(Request.external_id, Request.id).where(
                    Request.external_id.in_(["DEMO-UNLISTED-1", "DEMO-UNLISTED-2"])
                )
            ).all()
        )
    return ids["DEMO-UNLISTED-1"], ids["DEMO-UNLISTED-2"]


def shoot_directory(browser, base: str, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The directory's pages and the case page's agency panel, 1440 and 390 px wide, light
    and dark: an unlisted case, a search from a case, the case linked with its number, the
    directory's search and the agency's page as a lead sees it."""
    cases = unlisted_cases()
    for suffix, size in (("", (1440, 900)), ("-phone", (390, 844))):
        for theme in ("light", "dark"):
            # The style that unpins the top bar for a panel's picture is inline, which the
            # page's policy refuses; the picture alone may bypass it.
            context = browser.new_context(
                viewport={"width": size[0], "height": size[1]},
                color_scheme=theme,
                bypass_csp=True,
            )
            DirectoryShots(context.new_page(), base, out, f"{suffix}-{theme}").take(*cases)
            context.close()


class DirectoryShots:
    """One width and theme of the directory's pictures."""

    def __init__(self, page, base: str, out: Path, variant: str) -> None:  # type: ignore[no-untyped-def]
        self.page, self.base, self.out, self.variant = page, base, out, variant

    def login(self, handle: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto(f"{self.base}/login")
        page.get_by_label("Email").fill(f"{handle}@exigent.demo")
        page.get_by_label("Password").fill(f"{handle}-demo-2026")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{self.base}/console")

    def save(self, name: str, locator: str | None = None) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        path = self.out / f"{name}{self.variant}.png"
        if locator:
            page.add_style_tag(content=".topbar { position: static !important; }")
            page.locator(locator).screenshot(path=str(path))
        else:
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(path), full_page=True)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def take(self, task_force: int, city: int) -> None:
        page, base = self.page, self.base
        self.login("analyst")
        page.goto(f"{base}/console/cases/{task_force}")
        page.locator(".agency-new > summary").click()
        self.save("case-agency-unlisted", "#verification")
        page.goto(f"{base}/console/cases/{city}?agency_q=springfield+police&agency_state=MA")
        self.save("case-agency-search", "#verification")
        if page.locator("[data-linked-agency]").count() == 0:
            # Found by name in Massachusetts, linked, and given its number.
            page.get_by_role(
                "button", name="Link the case to Springfield Police Department"
            ).first.click()
            form = page.locator("#agency_number")
            form.locator("[name=number]").fill("+1 413 787 6302")
            form.get_by_label("Where you found it").select_option("agency_website")
            form.locator("[name=source]").fill("springfield-ma.gov/police, contact page")
            form.get_by_role("button", name="Add the number").click()
        page.goto(f"{base}/console/cases/{city}")
        self.save("case-agency-linked", "#verification")
        href = page.locator("[data-linked-agency]").get_attribute("href")
        page.goto(f"{base}/console/directory?q=springfield+police")
        self.save("directory-search")
        self.login("lead")
        page.goto(f"{base}{href}")
        for summary in page.locator("#numbers > details > summary").all():
            summary.click()
        self.save("directory-agency")


if __name__ == "__main__":
    main()
