"""Walking an invitation through as the invitee does: mailed link, password, authenticator."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from console.helpers import csrf_of, post_login, sign_in
from mail_relay import MailRelay

LINK = re.compile(r"(https?://\S+/welcome/[A-Za-z0-9_\-]+)")
SECRET = re.compile(r'id="secret">([A-Z2-7 ]+)<')
NEW_PASSWORD = "a long enough new password"


def link_for(mailbox: MailRelay, email: str) -> str:
    [message] = mailbox.to(email)[-1:]
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return "/" + match.group(1).split("://", 1)[1].split("/", 1)[1]


def invite_by_page(client: TestClient, admin_email: str, email: str, role: str = "analyst") -> Any:
    csrf = sign_in(client, admin_email)
    return client.post(
        "/console/admin/users",
        data={
            "csrf_token": csrf,
            "email": email,
            "name": "Riley Stone",
            "role": role,
            "timezone": "Europe/Dublin",
            "us_data_cleared": "1",
        },
        follow_redirects=False,
    )


def set_up(client: TestClient, path: str) -> str:
    """Choose the password and set up the authenticator from a set-up link; the app's secret."""
    assert client.get(path).status_code == 200
    page = client.post(
        f"{path}/password", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert page.status_code == 200, page.text
    match = SECRET.search(page.text)
    assert match, page.text
    secret = match.group(1).replace(" ", "")
    done = client.post(f"{path}/authenticator", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "recovery codes" in done.text, done.text
    return secret


def sign_in_with_code(client: TestClient, email: str, secret: str) -> Any:
    # The set-up used this step's code; a code works once, so sign in with the next one.
    return post_login(
        client,
        email=email,
        password=NEW_PASSWORD,
        code=pyotp.TOTP(secret).at(time.time() + 30),
    )


__all__ = ["csrf_of", "invite_by_page", "link_for", "set_up", "sign_in_with_code"]
