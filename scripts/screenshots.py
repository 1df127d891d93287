"""Refresh docs/screenshots/*.png: each main console page, in light and dark, from demo data.

Seeds a throwaway demo database (or uses --database), serves it on loopback, signs in with
Debian's Chromium through Playwright and saves a full-page screenshot of every main page.
The pages of EU orders (`eu_order_screenshots.py`) and analytics (`analytics_screenshots.py`)
follow.
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
    parser.add_argument(
        "--roles-only", action="store_true", help="only the landing pages, audit log and 403"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="exigent-shots-"))
    os.environ["EXIGENT_DATABASE_URL"] = args.database or f"sqlite:///{workdir / 'demo.db'}"
    os.environ["EXIGENT_FILE_STORE"] = args.files or str(workdir / "files")
    os.environ.setdefault("EXIGENT_EMBEDDED_WORKER", "false")
    from exigent.demo.seed import seed_demo

    if not args.database:
        seed_demo(scale=0)
    base = serve()
    if not args.roles_only:
        shoot(base, Path(args.out))
    shoot_roles(base, Path(args.out))
    if not args.roles_only:
        shoot_actions(base, Path(args.out))
        from eu_order_screenshots import shoot_eu_orders

        shoot_eu_orders(base, Path(args.out), ROOT)
        from analytics_screenshots import shoot_analytics

        shoot_analytics(base, Path(args.out), ROOT)


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

    from exigent.auth.models import User
    from exigent.cases.models import Document, Request
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory
    from exigent.legal.models import Decision
    from exigent.legal.policy_impact import standing_under
    from exigent.legal.versions import current_policy
    from exigent.notice.models import UserNotice

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
        # Decisions drafted under an earlier policy version: one the current version leaves
        # approvable as drafted, one it sends back for a re-check.
        legal = session.execute(select(User).where(User.role == "legal").limit(1)).scalar_one()
        current = current_policy(session)
        standing = standing_under(session, legal, current.policy, older_than=current.version)
        kept = standing.approvable[0].request_id
        changed = standing.need_recheck[0].request_id
    return {
        "media": media,
        "awaiting": awaiting,
        "notice": notice,
        "policy_kept": kept,
        "policy_changed": changed,
    }


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
            # The page policy refuses injected styles; the script unpins the top bar for
            # screenshots of single panels.
            context = browser.new_context(
                viewport={"width": 1440, "height": 900}, color_scheme=theme, bypass_csp=True
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
            # Drafted under an earlier policy: approvable as drafted, or sent for a re-check.
            for name in ("policy_kept", "policy_changed"):
                page.goto(f"{base}/console/cases/{ids[name]}")
                page.wait_for_load_state("networkidle")
                page.add_style_tag(content=".topbar { position: static !important; }")
                for panel in ("decision", "approval"):
                    path = out / f"case-{name.replace('_', '-')}-{panel}-{theme}.png"
                    page.locator(f"#{panel}").screenshot(path=str(path))
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            page.goto(f"{base}/wellbeing")
            save("exposure")
            page.goto(f"{base}/wellbeing/team")
            save("team-exposure")
            # Briefs: the hand-off between shifts, a brief from a case, and the check-in.
            page.goto(f"{base}/briefs/handoff")
            save("handoff", full=False)
            page.goto(f"{base}/briefs/cases/{ids['media']}/new")
            save("brief-compose")
            page.goto(f"{base}/wellbeing/check-in")
            save("check-in")
            page.goto(f"{base}/console/cases/999999999")
            save("error-404")
            context.clear_cookies()
            login(page, "legal")
            page.goto(f"{base}/console/policy")
            save("policy")
            page.goto(f"{base}/console/policy/edit")
            page.get_by_label("court order · location").select_option("L")
            save("policy-editor")
            page.get_by_role("button", name="Review the change").first.click()
            save("policy-review")
            page.goto(f"{base}/console/policy/diff?from=1")
            save("policy-diff")
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
            # Through the CSSOM: the page policy refuses an added style sheet.
            page.evaluate("document.querySelector('.topbar').style.position = 'static'")
            panel.screenshot(path=str(out / f"notice-panel-{theme}.png"))
            print(f"docs/screenshots/notice-panel-{theme}.png")
            page.goto(f"{base}/console/risk-weights")
            save("risk-weights")
            context.close()
        # Responsive: the queue and a case on a phone-sized screen, light and dark.
        for theme in ("dark", "light"):
            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, color_scheme=theme, bypass_csp=True
            )
            page = phone.new_page()
            login(page, "lead")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"queue-phone-{theme}.png"))
            page.goto(f"{base}/console/cases/{ids['media']}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"case-phone-{theme}.png"))
            page.goto(f"{base}/briefs/handoff")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"handoff-phone-{theme}.png"))
            print(f"docs/screenshots/queue-phone-{theme}.png, case-phone-{theme}.png")
            if theme == "dark":
                phone.close()
        page.goto(f"{base}/console/policy/diff?from=1")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / "policy-diff-phone-light.png"), full_page=True)
        page.goto(f"{base}/console/cases/{ids['policy_changed']}")
        page.wait_for_load_state("networkidle")
        page.add_style_tag(content=".topbar { position: static !important; }")
        page.locator("#decision").screenshot(path=str(out / "case-policy-changed-phone-light.png"))
        print("docs/screenshots/policy-diff-phone-light.png, case-policy-changed-phone-light.png")
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


def shoot_roles(base: str, out: Path) -> None:
    """Where each role without a queue of its own lands, the audit log (all and filtered), and
    a 403 page: wide and phone-sized, light and dark."""
    from playwright.sync_api import Page, sync_playwright

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    out.mkdir(parents=True, exist_ok=True)
    case = case_ids()["awaiting"]

    def login(page: Page, handle: str) -> None:
        page.context.clear_cookies()
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill(f"{handle}@exigent.demo")
        page.get_by_label("Password").fill(f"{handle}-demo-2026")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for theme in ("light", "dark"):
            for width, suffix in ((1440, ""), (390, "-phone")):
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=theme
                )
                page = context.new_page()

                def save(
                    name: str, page: Page = page, suffix: str = suffix, theme: str = theme
                ) -> None:
                    page.wait_for_load_state("networkidle")
                    path = out / f"{name}{suffix}-{theme}.png"
                    page.screenshot(path=str(path), full_page=True)
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

                for handle in ("scheduler", "leadership"):
                    login(page, handle)
                    save(f"home-{handle}")
                login(page, "scheduler")
                page.goto(f"{base}/console/policy")
                save("error-403")
                login(page, "auditor")
                if not suffix:  # fifty entries as cards make a very long phone picture
                    save("audit-log")
                page.goto(f"{base}/console/audit?case=EXG-{case:07d}&actor=analyst%40exigent.demo")
                save("audit-log-filtered")
                context.close()
        browser.close()


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


def shoot_actions(base: str, out: Path) -> None:
    """The case page as it answers an action, 1440 and 390 px wide, light and dark: the window
    as it is (not the whole page) after the next move's button, and after a lead approves from
    it, so the confirmation is seen where it lands. Last, as each shot moves a demo case on."""
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS
    from exigent.cases.models import Request
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        received = iter(
            session.execute(
                select(Request.id).where(Request.status == "received").order_by(Request.id)
            ).scalars()
        )
        awaiting = iter(
            session.execute(
                select(Request.id)
                .where(Request.status == "awaiting_approval")
                .order_by((Request.kind == "emergency").desc(), Request.id.desc())
            ).scalars()
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for suffix, viewport in (("", (1440, 900)), ("-phone", (390, 844))):
            for theme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": viewport[0], "height": viewport[1]}, color_scheme=theme
                )
                shots = DirectoryShots(context.new_page(), base, out, f"{suffix}-{theme}")
                page = shots.page
                shots.login("analyst")
                page.goto(f"{base}/console/cases/{next(received)}")
                page.locator("#status [data-next-move] button").click()
                page.wait_for_load_state("networkidle")
                shot = out / f"case-after-move{suffix}-{theme}.png"
                page.screenshot(path=str(shot))
                print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)
                shots.login("lead")
                for case in awaiting:
                    page.goto(f"{base}/console/cases/{case}")
                    button = page.locator('#status [data-next-move="decision/approve"] button')
                    if button.count():
                        button.click()
                        break
                page.wait_for_load_state("networkidle")
                shot = out / f"case-after-approval{suffix}-{theme}.png"
                page.screenshot(path=str(shot))
                print(shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
