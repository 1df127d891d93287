"""A staff member sets up an authenticator from their own page; every sign-in then asks it."""

from __future__ import annotations

import re
import time

import pyotp

from console.helpers import csrf_of, post_login, sign_in

PASSWORD = "correct horse battery staple"


def test_staff_set_up_an_authenticator_and_sign_in_with_it(client, analyst) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, analyst.user.email)
    page = client.get("/account/security")
    assert page.status_code == 200 and "Turn on" in page.text
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    token = csrf_of(page.text)
    wrong = client.post(
        "/account/security",
        data={"csrf_token": token, "password": "not mine", "code": pyotp.TOTP(secret).now()},
    )
    assert wrong.status_code == 422 and "not your password" in wrong.text
    done = client.post(
        "/account/security",
        data={"csrf_token": token, "password": PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.text)
    assert len(codes) == 8
    assert "is set up" in client.get("/account/security").text
    client.cookies.clear()
    assert post_login(client, email=analyst.user.email, password=PASSWORD).status_code == 422
    later = pyotp.TOTP(secret).at(time.time() + 30)
    signed = post_login(client, email=analyst.user.email, password=PASSWORD, code=later)
    assert signed.status_code == 303
    client.cookies.clear()
    recovered = post_login(client, email=analyst.user.email, password=PASSWORD, code=codes[0])
    assert recovered.status_code == 303
    client.cookies.clear()
    reused = post_login(client, email=analyst.user.email, password=PASSWORD, code=codes[0])
    assert reused.status_code == 401
