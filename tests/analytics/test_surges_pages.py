"""The surge and time-spent pages and their API: what a lead sees, the CSV beside each table,
the refusal for an analyst, and a bad filter named."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analytics.surge_world import Arrival, ordinary_history, write_cases
from console.helpers import sign_in
from exigent.analytics.surge_alerts import check_surges
from exigent.auth.models import Role
from exigent.db import utcnow


def _surge(db: Session) -> list[int]:
    now = utcnow()
    rng = random.Random(9)
    arrivals = ordinary_history(rng, now - timedelta(weeks=9), now - timedelta(hours=3))
    wave = [
        Arrival(now - timedelta(minutes=9 * (i + 1)), "emergency", "child_safety")
        for i in range(15)
    ]
    moves = {len(arrivals) + i: [("triaged", timedelta(minutes=3))] for i in range(15)}
    ids = write_cases(db, [*arrivals, *wave], moves=moves)
    check_surges(db, now)
    db.commit()
    return ids[len(arrivals) :]


def test_a_lead_sees_the_surge_with_its_cases_and_can_download_it(
    client: TestClient, db: Session, make_account
) -> None:  # type: ignore[no-untyped-def]
    wave = _surge(db)
    lead = make_account(Role.lead, "trends.lead@example.test")
    sign_in(client, lead.user.email)
    page = client.get("/console/analytics/surges")
    assert page.status_code == 200
    assert "Surge under way: emergency (child safety), 15 cases" in page.text
    assert f'href="/console/cases/{wave[0]}"' in page.text
    assert "Surge under way: emergency (child safety)" in client.get("/console").text
    assert 'id="surge-chart"' in page.text and '<th scope="col">Expected</th>' in page.text
    download = client.get("/console/analytics/surges?format=csv")
    [row] = list(csv.DictReader(io.StringIO(download.text)))
    assert row["kind"] == "emergency" and row["harm"] == "child_safety"
    assert set(map(int, row["cases"].split())) == set(wave)
    api = client.get("/api/v1/analytics/surges", headers=lead.headers).json()
    assert api["alerts"][0]["request_ids"] == sorted(wave) and api["p_value"] == 1e-5


def test_the_time_page_shows_each_status_and_its_csv(
    client: TestClient, db: Session, make_account
) -> None:  # type: ignore[no-untyped-def]
    _surge(db)
    lead = make_account(Role.legal, "trends.legal@example.test")
    sign_in(client, lead.user.email)
    page = client.get("/console/analytics/time?kind=emergency")
    assert page.status_code == 200
    assert 'id="time-chart"' in page.text and "The slowest steps" in page.text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/console/analytics/time?format=csv&kind=emergency").text)
        )
    )
    received = [r for r in rows if r["status"] == "received" and r["priority"] == "P0"]
    assert received and received[0]["waiting_on"] == "team"
    assert int(received[0]["cases"]) >= 15


def test_an_analyst_is_refused_and_a_bad_kind_is_named(client: TestClient, analyst, lead) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    assert client.get("/console/analytics/surges").status_code == 403
    assert client.get("/api/v1/analytics/time", headers=analyst.headers).status_code == 403
    answer = client.get("/api/v1/analytics/time?kind=parcel", headers=lead.headers)
    assert answer.status_code == 422 and "kind" in answer.text
    answer = client.get(
        "/api/v1/analytics/time?start=2026-05-02&end=2026-05-01", headers=lead.headers
    )
    assert answer.status_code == 422 and "start" in answer.text
    answer = client.get("/api/v1/analytics/time?start=0001-01-01", headers=lead.headers)
    assert answer.status_code == 422 and "start" in answer.text
