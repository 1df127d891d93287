"""Portal helpers: an officer who registers, confirms by the mailed link and sets up TOTP."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pyotp
import pytest
from fastapi.testclient import TestClient

from mail_relay import MailRelay

PASSWORD = "a long portal passphrase"
LINK = re.compile(r"(https?://\S+/portal/confirm/[A-Za-z0-9_\-]+)")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def registration(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Dana Whitfield",
        "title": "Detective",
        "badge_number": "4471",
        "agency_name": "Chicago Police Department",
        "agency_country": "US",
        "agency_state": "IL",
        "email": "dwhitfield@chicagopolice.org",
        "phone": "+1 312 555 0143",
        "password": PASSWORD,
        "supervisor_name": "Lt. Omar Reyes",
        "supervisor_phone": "+13125550100",
    }
    form.update(overrides)
    return form


def register(client: TestClient, **overrides: str):  # type: ignore[no-untyped-def]
    page = client.get("/portal/register")
    form = registration(**overrides)
    return client.post("/portal/register", data={**form, "csrf_token": csrf_of(page.text)})


def link_from(mailbox: MailRelay, email: str) -> str:
    [message] = mailbox.to(email)[-1:]
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def confirm(client: TestClient, link: str):  # type: ignore[no-untyped-def]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    return client.post("/" + path, data={"csrf_token": csrf_of(page.text)})


@dataclass
class Portal:
    email: str
    secret: str
    recovery_codes: list[str]

    def code(self) -> str:
        """The app's next code: enrolment just used the current one, and a code is accepted
        once; one step of clock drift either way is allowed."""
        return pyotp.TOTP(self.secret).at(time.time() + 30)


def enrol(client: TestClient) -> tuple[str, list[str]]:
    page = client.get("/portal/totp")
    assert page.status_code == 200, page.text
    match = SECRET.search(page.text)
    assert match
    secret = match.group(1).replace(" ", "")
    done = client.post(
        "/portal/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page.text)}
    )
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    return secret, codes


def sign_in(client: TestClient, email: str, password: str, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/portal/sign-in")
    return client.post(
        "/portal/sign-in",
        data={
            "email": email,
            "password": password,
            "code": code,
            "csrf_token": csrf_of(page.text),
        },
    )


def sign_up(client: TestClient, mailbox: MailRelay, **overrides: str) -> Portal:
    """Register, confirm by the mailed link, set up TOTP and sign in, in `client`."""
    response = register(client, **overrides)
    assert response.status_code == 200, response.text
    email = overrides.get("email", "dwhitfield@chicagopolice.org")
    assert confirm(client, link_from(mailbox, email)).status_code == 200
    secret, codes = enrol(client)
    # Setting up the app ends the mailed link's session: the password and a second factor sign
    # in. A recovery code does it here, leaving the app's next code to the test.
    signed = sign_in(client, email, PASSWORD, codes[-1])
    assert signed.status_code == 200, signed.text
    return Portal(email=email, secret=secret, recovery_codes=codes[:-1])


@pytest.fixture
def portal(client: TestClient, mailbox: MailRelay) -> Portal:
    """An officer signed in to the portal in `client` (confirmed, TOTP set up)."""
    return sign_up(client, mailbox)
