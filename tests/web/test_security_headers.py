"""Security headers on pages, API answers and error pages; templates that run no inline script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from console.helpers import sign_in
from exigent.app import create_app
from exigent.config import Settings
from exigent.web.security_headers import API_DOCS_POLICY, PAGE_POLICY
from factories import emergency_record

SOURCE = Path(__file__).resolve().parents[2] / "src" / "exigent"


def assert_secured(response: httpx.Response) -> None:
    policy = response.headers["content-security-policy"]
    for directive in (
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy, (response.url, policy)
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in response.headers  # plain HTTP


def test_pages_api_answers_and_error_pages_carry_the_headers(client, analyst) -> None:  # type: ignore[no-untyped-def]
    case = client.post("/api/v1/requests", json=emergency_record(), headers=analyst.headers)
    assert case.status_code == 201
    answer = client.get(f"/api/v1/requests/{case.json()['id']}", headers=analyst.headers)
    assert answer.status_code == 200
    assert_secured(answer)
    missing_api = client.get("/api/v1/requests/999999", headers=analyst.headers)
    assert missing_api.status_code == 404
    assert_secured(missing_api)

    assert_secured(client.get("/login"))
    sign_in(client, analyst.user.email)
    queue = client.get("/console")
    assert queue.status_code == 200
    assert queue.headers["content-security-policy"] == PAGE_POLICY
    assert_secured(queue)
    case_page = client.get(f"/console/cases/{case.json()['id']}")
    assert case_page.status_code == 200
    assert_secured(case_page)
    error_page = client.get("/console/no-such-page")
    assert error_page.status_code == 404 and "Not found" in error_page.text
    assert_secured(error_page)


def test_static_files_are_cacheable_but_never_sniffed(client) -> None:  # type: ignore[no-untyped-def]
    script = client.get("/static/app/app.js")
    assert script.status_code == 200
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in script.headers.get("cache-control", "")


@pytest.fixture
def failing_client(settings: Settings) -> Iterator[TestClient]:
    """The app with one route that fails, answered by the last-resort handler."""
    app = create_app(settings, run_worker=False)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_unexpected_failure_carries_the_headers(failing_client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/api/v1/boom", "/boom"):
        response = failing_client.get(path)
        assert response.status_code == 500
        assert_secured(response)
    assert "Something went wrong on our side" in failing_client.get("/boom").text


def test_over_tls_browsers_are_told_to_keep_to_https(settings: Settings) -> None:
    with TestClient(create_app(settings, run_worker=False), base_url="https://testserver") as tls:
        response = tls.get("/api/v1/health")
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_api_docs_start_from_a_file_under_their_own_policy(client) -> None:  # type: ignore[no-untyped-def]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert docs.headers["content-security-policy"] == API_DOCS_POLICY
    assert_secured(docs)
    assert re.findall(r"<script[^>]*>", docs.text) == [
        '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js">',
        '<script src="/static/app/api-docs.js">',
    ]


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")"  # a script element with code
    r"|\shx-on[:-]"  # htmx handlers are evaluated as code
    r"|\son[a-z]+\s*="  # event-handler attributes
    r"|javascript:",
    re.IGNORECASE,
)


def test_no_page_template_runs_inline_script() -> None:
    """The page policy refuses inline script, so a template that carries some is broken."""
    offenders = [
        f"{path.relative_to(SOURCE)}: {match.group(0)!r}"
        for path in sorted(SOURCE.rglob("templates/**/*.html"))
        for match in INLINE_SCRIPT.finditer(path.read_text())
    ]
    assert offenders == []
