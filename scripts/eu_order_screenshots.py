"""The pages of orders from EU authorities, at 1440 and 390 px: the queue filtered to the EU
kinds, a removal order's and a production order's case page with the order panel, and the
portal's order form as the demo officer sees it. Called by `scripts/screenshots.py`."""

from __future__ import annotations

from pathlib import Path

EU_KINDS = (
    "eu_production_order",
    "eu_preservation_order",
    "eu_removal_order",
    "dsa_order_to_act",
    "dsa_information_order",
)
WIDTHS = (1440, 390)
# The demo's orders (their idempotency keys, `exigent.demo.eu_orders`).
ORDERS = {"removal": "DEMO-EU-REMOVAL-LIVE", "epoc": "DEMO-EU-EPOC"}


def order_cases() -> dict[str, int]:
    """The case id of each order the pictures show."""
    from sqlalchemy import select

    from exigent.cases.models import Request
    from exigent.config import get_settings
    from exigent.db import make_engine, make_session_factory

    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        return {
            name: session.execute(
                select(Request.id).where(Request.idempotency_key == key)
            ).scalar_one()
            for name, key in ORDERS.items()
        }


def shoot_eu_orders(base: str, out: Path, root: Path) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    out.mkdir(parents=True, exist_ok=True)
    cases = order_cases()
    queue = "&".join(f"kind={k}" for k in EU_KINDS)

    def save(page: Page, name: str, width: int) -> None:
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        path = out / f"eu-order-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        print(path.relative_to(root) if path.is_relative_to(root) else path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Email").fill("analyst@exigent.demo")
            page.get_by_label("Password").fill("analyst-demo-2026")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/console")
            page.goto(f"{base}/console?{queue}")
            save(page, "queue", width)
            for name, case_id in cases.items():
                page.goto(f"{base}/console/cases/{case_id}")
                expect(page.locator("#eu-order-panel")).to_be_visible(timeout=20_000)
                save(page, f"case-{name}", width)
            context.close()
        _portal_form(browser, base, save)
        browser.close()


def _portal_form(browser, base: str, save) -> None:  # type: ignore[no-untyped-def]
    """The portal's production order form, signed in once as the demo officer (with its
    published key; a code is taken once, so both widths share the sign-in)."""
    import pyotp

    from exigent.officers.demo import DEMO_TOTP_SECRET

    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.goto(f"{base}/portal/sign-in")
    page.get_by_label("Official email address").fill("officer@exigent.demo")
    page.get_by_label("Password").fill("officer-demo-2026")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "sign-in" not in url)
    page.goto(f"{base}/portal/requests/new/eu_production_order")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        save(page, "intake", width)
    context.close()
