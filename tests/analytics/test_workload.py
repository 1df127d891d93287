"""Workload, exposure, pages and after-hours work per person and per shift: every figure
against an independent count over the raw rows, and for each role, proof that a name or a
figure it may not see is in none of the page, the CSV downloads and the API."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analytics.workload_world import NAMES, OpsWorld, build_ops, expected
from console.helpers import sign_in
from exigent.analytics.workload_rules import SEVERE_SECONDS
from exigent.auth.models import Role
from exigent.workflow import exposure as roster_exposure
from legal.flows import create_case

PERIOD = {"period": "custom", "from": "2026-11-01", "to": "2026-11-30"}
CASE_FIELDS = ("assigned", "decided", "open_now", "case_actions", "case_actions_after_hours")
EXPOSURE_FIELDS = ("exposures", "exposure_seconds", "severe", "moderate", "light")
# Ben acknowledged no page, so his median is empty whoever reads it: not in the list.
SHIFT_FIELDS = ("pages", "pages_acknowledged", "pages_after_hours", "shift_minutes")


@pytest.fixture
def ops(client, factory, make_account, officer) -> OpsWorld:  # type: ignore[no-untyped-def]
    maker = make_account(Role.analyst, "maker@workload.test")
    case = create_case(client, maker)
    return build_ops(factory, make_account, case["id"], officer.user.id)


def _api(client: TestClient, account: Any) -> dict[str, Any]:
    answer = client.get("/api/v1/analytics/workload", params=PERIOD, headers=account.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _browser(client: TestClient, account: Any) -> TestClient:
    browser = TestClient(client.app)
    sign_in(browser, account.user.email)
    return browser


def _csv(browser: TestClient, panel: str) -> list[dict[str, str]]:
    answer = browser.get(
        "/console/analytics/workload", params={**PERIOD, "format": "csv", "panel": panel}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def _figures(row: dict[str, Any]) -> dict[str, float]:
    """The API row in the independent count's terms."""
    return {
        "exposures": row["exposures"],
        "severe": row["severe"],
        "moderate": row["moderate"],
        "light": row["light"],
        "case_actions": row["case_actions"],
        "case_actions_after_hours": row["case_actions_after_hours"],
        "pages": row["pages"],
        "pages_after_hours": row["pages_after_hours"],
        "pages_acknowledged": row["pages_acknowledged"],
        "hours": row["shift_minutes"] / 60,
    }


def _want(counted: dict[str, Any]) -> dict[str, float]:
    names = ("exposures", "severe", "moderate", "light", "case_actions")
    more = ("case_actions_after_hours", "pages", "pages_after_hours", "pages_acknowledged")
    return {n: counted.get(n, 0) for n in (*names, *more)} | {"hours": counted.get("hours", 0)}


def test_every_figure_matches_a_count_over_the_raw_rows(client, factory, ops) -> None:  # type: ignore[no-untyped-def]
    answer = _api(client, ops.accounts["lead"])
    with factory() as session:
        counted = expected(session)
    people = {p["user_id"]: p for p in answer["people"]}
    for who, figures in counted["people"].items():
        assert _figures(people[who]) == pytest.approx(_want(figures)), who
        if "ack_median_seconds" in figures:
            assert people[who]["ack_median_seconds"] == round(figures["ack_median_seconds"])
    shifts = {s["shift"]: s for s in answer["shifts"]}
    assert set(shifts) == set(counted["groups"])
    for group, figures in counted["groups"].items():
        assert _figures(shifts[group]) == pytest.approx(_want(figures)), group
        assert shifts[group]["people"] == figures["people"]
    team = answer["team"]
    assert team["severe"] == sum(f.get("severe", 0) for f in counted["people"].values()) == 3
    assert team["pages"] == 4 and team["pages_acknowledged"] == 2
    # Ana: paged on the night shift (4 min 0 s) and off shift (10 min): the median of both.
    assert people[ops.users["ana"]]["ack_median_seconds"] == 420
    # Ben, with no shift, worked at 21:00 Dublin (after hours) and at 10:00 (not).
    assert people[ops.users["ben"]]["case_actions_after_hours"] == 1
    # Dev's night over the period's end counts its four hours inside.
    assert people[ops.users["dev"]]["shift_minutes"] == 8 * 60 + 4 * 60


def test_leadership_reads_the_night_shifts_share_of_severe_exposure(client, ops) -> None:  # type: ignore[no-untyped-def]
    rows = {
        r["shift"]: r for r in _csv(_browser(client, ops.accounts["leadership"]), "workload-shifts")
    }
    night = rows["Night"]
    assert night["people"] == "3" and night["severe"] == "2"
    assert night["% of severe exposure"] == "66.7"
    # Ana alone worked the day shifts: a group of one is her, so its figures are withheld.
    assert rows["Day"]["severe"] == "" and rows["Day"]["pages"] == ""


# Which families of figures each role sees of another person (Ben) by name.
SEES = {
    Role.leadership: set(),
    Role.legal: set(),
    Role.analyst: set(),
    Role.scheduler: {"exposure", "shifts"},
    Role.admin: {"exposure"},
    Role.lead: {"cases", "exposure", "shifts"},
}


@pytest.mark.parametrize("role", list(SEES))
def test_each_role_sees_only_the_names_and_figures_it_may(client, ops, role: Role) -> None:  # type: ignore[no-untyped-def]
    reader = ops.accounts["ana" if role == Role.analyst else str(role)]
    sees = SEES[role]
    ben = NAMES["ben"]
    answer = _api(client, reader)
    browser = _browser(client, reader)
    html = browser.get("/console/analytics/workload", params=PERIOD).text
    people_csv = _csv(browser, "workload-people")
    shifts_csv = _csv(browser, "workload-shifts")
    assert sorted(answer["named"]) == sorted(sees)
    if not sees:
        for name in NAMES.values() if role != Role.analyst else [ben]:
            assert name not in html and name not in str(people_csv) and name not in str(answer)
            assert name not in str(shifts_csv)
        assert "no shift: night (00-08 local)" in str(shifts_csv)
        return
    rows = {p["name"]: p for p in answer["people"]}
    csv_rows = {r["person"]: r for r in people_csv}
    assert ben in html and ben in rows and ben in csv_rows
    if role == Role.scheduler:
        assert "You see each person's exposure; hours on shift and pages;" in html
    for family, fields in (
        ("cases", CASE_FIELDS),
        ("exposure", EXPOSURE_FIELDS),
        ("shifts", SHIFT_FIELDS),
    ):
        present = [rows[ben][f] is not None for f in fields]
        assert present == [family in sees] * len(fields), (family, rows[ben])
    assert (csv_rows[ben]["pages"] != "") == ("shifts" in sees)
    assert (csv_rows[ben]["exposures"] != "") == ("exposure" in sees)
    assert (csv_rows[ben]["case actions"] != "") == ("cases" in sees)


def test_an_analyst_reads_their_own_row_whole(client, ops) -> None:  # type: ignore[no-untyped-def]
    answer = _api(client, ops.accounts["ana"])
    assert [p["name"] for p in answer["people"]] == [NAMES["ana"]]
    mine = answer["people"][0]
    assert mine["severe"] == 2 and mine["pages"] == 2 and mine["case_actions_after_hours"] == 1
    page = _browser(client, ops.accounts["ana"]).get("/console/analytics/workload", params=PERIOD)
    assert "outside 08:00-20:00 on their home clock" in page.text
    team = {
        r["figure"]: r["value"]
        for r in _csv(_browser(client, ops.accounts["ana"]), "workload-team")
    }
    assert team["severe"] == "3" and team["pages"] == "4"


def test_a_wrong_panel_is_named(client, ops) -> None:  # type: ignore[no-untyped-def]
    browser = _browser(client, ops.accounts["lead"])
    answer = browser.get(
        "/console/analytics/workload", params={**PERIOD, "format": "csv", "panel": "x"}
    )
    assert answer.status_code == 422 and "text/html" in answer.headers["content-type"]
    said = re.findall(r'role="alert">(.*?)<', answer.text)
    assert said and said[0].lower().startswith("panel: one of workload-team"), said


def test_a_severe_exposure_is_the_rosters_severe_exposure() -> None:
    assert SEVERE_SECONDS == roster_exposure.SEVERE_SECONDS
