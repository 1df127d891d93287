"""Signing in to the console with a real form post, and reading what the page says."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from conftest import PASSWORD


def sign_in(client: TestClient, email: str, next_path: str = "/console") -> str:
    """Sign in through the login form; returns the CSRF token the console pages carry."""
    response = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "next": next_path},
        follow_redirects=False,
    )
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
