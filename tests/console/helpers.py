"""Signing in to the console with a real form post, and reading what the page says."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from conftest import PASSWORD

LOGIN_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def post_login(client: TestClient, **data: str):  # type: ignore[no-untyped-def]
    """Post the staff sign-in form as a browser does: first open it for its CSRF value."""
    form = client.get("/login")
    match = LOGIN_CSRF.search(form.text)
    assert match, "the sign-in form carries no CSRF field"
    return client.post(
        "/login", data={"csrf_token": match.group(1), **data}, follow_redirects=False
    )


def sign_in(client: TestClient, email: str, next_path: str = "/console") -> str:
    """Sign in through the login form; returns the CSRF token the console pages carry."""
    response = post_login(client, email=email, password=PASSWORD, next=next_path)
    assert response.status_code == 303, response.text
    page = client.get("/console")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


def csrf_of(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def queue_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-case-id="(\d+)"', html)]
