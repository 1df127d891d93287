"""Transparency reports kept: generated over the API, the page and the command line, audited,
downloaded as generated, and regenerated from the same data to the same bytes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from analytics.transparency_cases import _from
from console.helpers import csrf_of, sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from legal.flows import create_case

H1_ENDING = "2026-06-30"


@pytest.fixture
def legal(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.legal)


@pytest.fixture
def leadership(make_account):  # type: ignore[no-untyped-def]
    return make_account(Role.leadership)


@pytest.fixture
def two_cases(client, analyst) -> None:  # type: ignore[no-untyped-def]
    create_case(client, analyst, _from("US", "subpoena", "2026-02-03T10:00:00-05:00"))
    create_case(client, analyst, _from("FR", "emergency", "2026-03-03T10:00:00+01:00"))


def _generate(client, account, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/analytics/reports", json=body, headers=account.headers)


def _download(client, account, report_id: int) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(
        f"/api/v1/analytics/reports/{report_id}/download", headers=account.headers
    )
    assert response.status_code == 200, response.text
    return response.content


def _reproduced(client, account, report_id: int) -> bool:  # type: ignore[no-untyped-def]
    response = client.post(
        f"/api/v1/analytics/reports/{report_id}/reproduction", headers=account.headers
    )
    assert response.status_code == 200, response.text
    return bool(response.json()["same_bytes"])


def test_a_kept_csv_report_is_audited_downloaded_as_made_and_reproducible(
    client, analyst, legal, factory, two_cases
) -> None:  # type: ignore[no-untyped-def]
    response = _generate(client, legal, period="2026H1", layout="google")
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["generated_by"] == legal.user.email
    assert report["preservation_in_totals"] is False
    assert report["query"]["since"] == "2026-01-01T00:00:00+00:00"
    assert report["query"]["until"] == "2026-07-01T00:00:00+00:00"
    assert report["query"]["received_at_zone"] == "UTC"
    output = _download(client, legal, report["id"])
    assert hashlib.sha256(output).hexdigest() == report["sha256"]
    lines = output.decode().splitlines()
    assert lines[1:] == [
        f"{H1_ENDING},France,FR,Emergency Disclosure Requests,1,0,1",
        f"{H1_ENDING},United States,US,Subpoenas,1,0,1",
    ]
    [listed] = client.get("/api/v1/analytics/reports", headers=legal.headers).json()
    assert listed["id"] == report["id"]
    with factory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "analytics.transparency_report.generated")
        ).one()
    assert event.actor == legal.user.email
    assert _reproduced(client, legal, report["id"])
    # A request received in the period afterwards changes the figures: not the same bytes.
    create_case(client, analyst, _from("US", "subpoena", "2026-04-01T10:00:00-05:00"))
    assert not _reproduced(client, legal, report["id"])
    assert _download(client, legal, report["id"]) == output


def test_a_pdf_report_says_how_it_counted_and_regenerates_to_the_same_bytes(
    client, leadership, two_cases
) -> None:  # type: ignore[no-untyped-def]
    response = _generate(client, leadership, period="2026H1", format="pdf")
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["media_type"] == "application/pdf"
    assert report["preservation_in_totals"] is True
    output = _download(client, leadership, report["id"])
    assert output.startswith(b"%PDF-")
    assert _reproduced(client, leadership, report["id"])
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=output, capture_output=True, check=True
        ).stdout.decode()
        flat = " ".join(text.split())
        assert "counts in the period in which it was received, in UTC" in flat
        assert "National security requests are not reported" in flat
        assert "Preservation requests count toward the total requests" in flat
        assert "France" in flat and "United States" in flat


def test_bad_input_names_the_field_and_other_roles_are_refused(client, analyst, legal) -> None:  # type: ignore[no-untyped-def]
    bad = _generate(client, legal, period="2026H3")
    assert bad.status_code == 422
    assert "period" in bad.text
    assert _generate(client, legal, first_day="2026-03-01").status_code == 422
    unknown = _generate(client, legal, period="2026H1", layout="meta")
    assert unknown.status_code == 422 and "layout" in unknown.text
    assert _generate(client, analyst, period="2026H1").status_code == 403
    assert client.get("/api/v1/analytics/reports", headers=analyst.headers).status_code == 403


def test_any_days_can_be_reported(client, legal, two_cases) -> None:  # type: ignore[no-untyped-def]
    response = _generate(client, legal, first_day="2026-03-01", last_day="2026-03-31")
    assert response.status_code == 201, response.text
    output = _download(client, legal, response.json()["id"]).decode()
    [row] = output.splitlines()[1:]
    assert row.startswith("France,1,0,1,")


def test_the_page_generates_lists_and_downloads(client, leadership, two_cases) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, leadership.user.email)
    page = client.get("/console/analytics/reports")
    assert page.status_code == 200
    assert "received, in UTC" in page.text
    assert "No report has been generated yet" in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "period": "2026H1",
        "layout": "google",
        "format": "csv",
        "rule": "count",
    }
    done = client.post("/console/analytics/reports", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    listed = client.get(done.headers["location"])
    assert "The report is generated and kept" in listed.text
    assert "in totals" in listed.text
    [link] = [p for p in listed.text.split('"') if p.endswith("/download")]
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.text.startswith("Period Ending,Country/Region,CLDR Territory Code")
    refused = client.post(
        "/console/analytics/reports",
        data={**form, "period": "", "first_day": "2026-02-30"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")
    assert 'id="first_day-error"' in refused.text and "is not a date" in refused.text


def _cli(settings, *args: str) -> subprocess.CompletedProcess[bytes]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "EXIGENT_DATABASE_URL": settings.database_url,
        "EXIGENT_FILE_STORE": str(settings.file_store),
        "EXIGENT_ENVIRONMENT": "test",
    }
    command = "from exigent.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", command, "report", "transparency", *args],
        env=env,
        capture_output=True,
        timeout=300,
    )


def test_the_command_prints_csv_writes_pdf_and_refuses_bad_input(
    client, legal, settings, two_cases, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    printed = _cli(settings, "--period", "2026H1", "--format", "csv", "--layout", "google")
    assert printed.returncode == 0, printed.stderr
    kept = _generate(client, legal, period="2026H1", layout="google").json()
    assert hashlib.sha256(printed.stdout).hexdigest() == kept["sha256"]
    pdf = tmp_path / "h1.pdf"
    written = _cli(settings, "--period", "2026H1", "--format", "pdf", "--output", str(pdf))
    assert written.returncode == 0, written.stderr
    assert pdf.read_bytes().startswith(b"%PDF-") and written.stdout == b""
    bad = _cli(settings, "--period", "2026H3", "--format", "csv")
    assert bad.returncode == 2 and b"--period" in bad.stderr and bad.stdout == b""
    no_file = _cli(settings, "--period", "2026H1", "--format", "pdf")
    assert no_file.returncode == 2 and b"--output" in no_file.stderr
