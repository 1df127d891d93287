"""Portal form speed: the live "still missing" check and an emergency submission, in process.

    uv run python bench/portal_form.py [--n 50]

Prints p50 and p95 for each, on a throwaway SQLite database (no mail is sent).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient

from exigent.app import create_app
from exigent.auth.deps import SESSION_COOKIE
from exigent.config import Settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.migrate import upgrade
from exigent.officers import authenticator, service

FORM = {
    "emergency_nature": "suicide_self_harm",
    "emergency_facts": "The user posted a goodbye note and a photo of pills at 01:40.",
    "emergency_how_data_helps": "Recent sign-in IPs locate the home for a welfare check.",
    "target_type": ["username"],
    "target_value": ["night.owl.77"],
    "data_requested": ["subscriber_info", "account_activity"],
    "attestation": "yes",
}


def officer_cookie(settings: Settings) -> str:
    """A confirmed officer with an authenticator, signed in: the session cookie."""
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        data = service.Registration(
            name="Dana Whitfield",
            agency_name="Chicago Police Department",
            email="dwhitfield@chicagopolice.org",
            phone="+13125550143",
            password="a long portal passphrase",
            supervisor_name="Lt. Omar Reyes",
        )
        account, token = service.register(session, data=data, now=utcnow())
        service.confirm_email(session, token=token, now=utcnow())
        secret = authenticator.enrolment_secret(account, secret_key=settings.secret_key)
        code = pyotp.TOTP(secret).now()
        authenticator.complete_enrolment(
            session, account=account, code=code, secret_key=settings.secret_key, now=utcnow()
        )
        session.commit()
        signed = service.sign_in(
            session,
            email=data.email,
            password=data.password,
            code=pyotp.TOTP(secret).at(time.time() + 30),
            secret_key=settings.secret_key,
            hours=1,
            now=utcnow(),
        )
        session.commit()
        return signed.cookie


def summary(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    n = parser.parse_args().n
    workdir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    settings = Settings(
        environment="test", database_url=url, file_store=workdir / "files", embedded_worker=False
    )
    cookie = officer_cookie(settings)
    with TestClient(create_app(settings, run_worker=False)) as client:
        client.cookies.set(SESSION_COOKIE, cookie)
        page = client.get("/portal/requests/new/emergency")
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, page.text
        token = match.group(1)
        checks, submits = [], []
        for _ in range(n):
            started = time.perf_counter()
            answer = client.post(
                "/portal/requests/check/emergency",
                data={**FORM, "emergency_facts": ""},
                headers={"X-CSRF-Token": token},
            )
            checks.append(time.perf_counter() - started)
            assert answer.status_code == 200
        for number in range(n):
            started = time.perf_counter()
            answer = client.post(
                "/portal/requests/new/emergency",
                data={**FORM, "idempotency_key": f"bench-{number}", "csrf_token": token},
                follow_redirects=False,
            )
            submits.append(time.perf_counter() - started)
            assert answer.status_code == 303, answer.text
    print(f"live missing check ({n}): {summary(checks)}")
    print(f"emergency submission through the portal ({n}): {summary(submits)}")


if __name__ == "__main__":
    main()
