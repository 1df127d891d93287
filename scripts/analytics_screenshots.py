"""The analytics pages, at 1440 and 390 px, as leadership sees them: the dashboard, breached
cases, workload, where the time goes, surges and transparency reports (the list again once a
PDF report is generated, so that it shows one kept). Called by `scripts/screenshots.py`."""

from __future__ import annotations

from pathlib import Path

WIDTHS = (1440, 390)
NAMES = {1440: "wide", 390: "phone"}
# Page name in docs/screenshots -> path under the console.
PAGES = {
    "dashboard": "/console/analytics",
    "breaches": "/console/analytics/breaches",
    "workload": "/console/analytics/workload",
    "time": "/console/analytics/time",
    "surges": "/console/analytics/surges",
    "reports": "/console/analytics/reports",
}


def shoot_analytics(base: str, out: Path, root: Path) -> None:
    from playwright.sync_api import Page, sync_playwright

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    out.mkdir(parents=True, exist_ok=True)

    def save(page: Page, name: str, width: int) -> None:
        page.wait_for_load_state("networkidle")
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        path = out / f"analytics-{name}-{NAMES[width]}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        print(path.relative_to(root) if path.is_relative_to(root) else path)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for width in WIDTHS:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Email").fill("leadership@exigent.demo")
            page.get_by_label("Password").fill("leadership-demo-2026")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/login" not in url)
            for name, path in PAGES.items():
                page.goto(f"{base}{path}")
                save(page, name, width)
            if width == WIDTHS[0]:
                _generate_report(page)
                save(page, "reports", width)
            context.close()
        browser.close()


def _generate_report(page) -> None:  # type: ignore[no-untyped-def]
    """Generate the last full half-year's PDF report, so the list shows one kept."""
    page.get_by_label("PDF").check()
    page.get_by_role("button", name="Generate and keep").click()
    page.wait_for_load_state("networkidle")
