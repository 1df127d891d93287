"""The dashboard pages as leadership and a lead read them: the period said in UTC, every panel
with its table and a CSV that holds the same figures as the API, the breached cases a click
away, and bad filters answered with a page naming the field."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analytics.dashboard_world import PERIOD, World, build, write_facts
from console.helpers import sign_in
from exigent.auth.models import Role


@pytest.fixture
def world(client, factory, make_account) -> tuple[World, dict[str, Any]]:  # type: ignore[no-untyped-def]
    analyst = make_account(Role.analyst)
    other = make_account(Role.analyst, "second.analyst@example.test")
    found = build(client, analyst, factory, analyst.user.id, other.user.id)
    with factory() as session:
        write_facts(session)
    return found, {
        "analyst": analyst,
        "leadership": make_account(Role.leadership),
        "lead": make_account(Role.lead),
    }


def _browser(client: TestClient, account: Any) -> TestClient:
    browser = TestClient(client.app)
    sign_in(browser, account.user.email)
    return browser


def test_leadership_reads_every_panel_for_the_chosen_period(client, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    page = _browser(client, accounts["leadership"]).get("/console/analytics", params=PERIOD)
    assert page.status_code == 200
    html = page.text
    assert "received 2026-11-01 to 2026-11-30 (UTC)" in html
    for panel in (
        "volume",
        "backlog",
        "sla",
        "times",
        "outcomes-kind",
        "outcomes-country",
        "fraud",
    ):
        assert f'data-panel="{panel}"' in html
        assert f'data-csv="{panel}"' in html
    # The chosen period and filters stay chosen, so the URL can be shared.
    assert '<option value="custom" selected>' in html
    assert 'href="/console/analytics/breaches?period=custom' in html


def test_each_csv_holds_the_apis_figures(client, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    browser = _browser(client, accounts["leadership"])
    answer = browser.get(
        "/console/analytics", params={**PERIOD, "by": "country", "format": "csv", "panel": "volume"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    api = client.get(
        "/api/v1/analytics/volume",
        params={**PERIOD, "by": "country"},
        headers=accounts["leadership"].headers,
    ).json()
    assert len(rows) == len(api["bucket_starts"]) == 30
    for country, counts in api["series"].items():
        assert [int(r[country]) for r in rows] == counts
    assert sum(int(r["total"]) for r in rows) == api["total"] == 5


def test_breached_cases_link_to_each_case(client, world) -> None:  # type: ignore[no-untyped-def]
    found, accounts = world
    browser = _browser(client, accounts["leadership"])
    page = browser.get("/console/analytics/breaches", params={**PERIOD, "clock": "acknowledge"})
    assert page.status_code == 200
    assert f'href="/console/cases/{found.ids["moving"]}"' in page.text
    assert f'href="/console/cases/{found.ids["delivered"]}"' not in page.text


def test_a_bad_filter_is_named(client, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    browser = _browser(client, accounts["leadership"])
    for params, field in (
        ({"period": "fortnight"}, "period"),
        ({"period": "custom", "from": "2026-11-01"}, "to"),
        ({"kind": "parking_ticket"}, "kind"),
        ({"country": "Germany"}, "country"),
        # A digit to Python's str.isdigit, but not a number int() reads.
        ({"agency": "\u00b2"}, "agency"),
    ):
        answer = browser.get("/console/analytics", params=params)
        assert answer.status_code == 422, params
        assert "text/html" in answer.headers["content-type"]
        said = re.findall(r'role="alert">(.*?)<', answer.text)
        assert said and said[0].lower().startswith(f"{field}:"), (params, said)


def test_only_a_lead_filters_by_another_persons_cases(client, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    someone = {**PERIOD, "assignee": str(accounts["analyst"].user.id)}
    refused = _browser(client, accounts["leadership"]).get("/console/analytics", params=someone)
    assert refused.status_code == 403
    lead = _browser(client, accounts["lead"])
    assert lead.get("/console/analytics", params=someone).status_code == 200
    workload = lead.get("/console/analytics/workload", params=PERIOD).text
    assert accounts["analyst"].user.name in workload


def test_leadership_sees_the_teams_workload_without_names(client, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    page = _browser(client, accounts["leadership"]).get(
        "/console/analytics/workload", params=PERIOD
    )
    assert page.status_code == 200
    assert "Team total" in page.text
    assert accounts["analyst"].user.name not in page.text
