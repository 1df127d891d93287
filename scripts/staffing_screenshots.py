"""Refresh docs/screenshots/staffing-*.png for the scheduler's pages: the home, the week grid,
a person's page, the coverage requirements (with a template's preview) and the draft rosters
(`exigent demo` leaves one finished draft), wide and phone-sized, light and dark, from a
running demo server.

Usage: uv run python scripts/staffing_screenshots.py http://127.0.0.1:8108 [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

# (file name, the page's path, or None for the first link matching `FOLLOW` from the page before)
PAGES = [
    ("staffing-home", "/staffing"),
    ("staffing-roster", "/staffing/roster"),
    ("staffing-person", None),  # the first person on the week grid
    ("staffing-coverage", "/staffing/coverage?template=us_only"),
    ("staffing-drafts", "/staffing/drafts"),
    ("staffing-draft", None),  # the demo's finished draft
]
FOLLOW = {
    "staffing-person": ("/staffing/roster", "table.roster-grid tbody th a"),
    "staffing-draft": ("/staffing/drafts", "a:text-is('Draft 1')"),
}


def main() -> None:
    from playwright.sync_api import Page, sync_playwright

    from e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    base, out = args.base.rstrip("/"), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def login(page: Page) -> None:
        page.goto(f"{base}/login")
        page.get_by_label("Email").fill("scheduler@exigent.demo")
        page.get_by_label("Password").fill("scheduler-demo-2026")
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
                login(page)
                for name, path in PAGES:
                    if path is None:
                        start, link = FOLLOW[name]
                        page.goto(f"{base}{start}")
                        page.locator(link).first.click()
                    else:
                        page.goto(f"{base}{path}")
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(out / f"{name}{suffix}-{theme}.png"), full_page=True)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
