"""Schemathesis generates calls to every operation of the OpenAPI schema: none may be a 5xx.

Each operation is called by a staff account whose role the authorization table lets through,
so the generated bodies and ids reach the code behind the permission check; one officer's
case exists, so small case ids find a real case.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis.checks import not_a_server_error

from authz_table import TABLE
from exigent.app import create_app
from exigent.auth.models import Role
from exigent.auth.permissions import Permission, has_permission
from exigent.config import Settings
from exigent.platform_data.generate import generate_one
from factories import emergency_record

# The schema document only; requests go to the per-test app on SQLite or PostgreSQL.
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(environment="test", database_url="sqlite://"), run_worker=False).openapi()
)
EXAMPLES = 20
# Tried in this order; the first whose role may call the operation calls it.
STAFF = [Role.analyst, Role.lead, Role.legal, Role.admin, Role.auditor, Role.leadership]


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """A small demo platform store, so holds and productions reach the platform's data."""
    store = tmp_path / "platform.db"
    now = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    generate_one(store, username="night.owl.77", records=200, now=now, days=30)
    return settings.model_copy(update={"platform_store": store})


def _role_for(method: str, path: str) -> Role:
    rule = TABLE.get((method, path))
    if isinstance(rule, Permission):
        return next((role for role in STAFF if has_permission(role, rule)), Role.analyst)
    return Role.analyst


def test_no_operation_answers_with_a_server_error(client, make_account) -> None:  # type: ignore[no-untyped-def]
    accounts = {role: make_account(role) for role in STAFF}
    officer = make_account(Role.requester, "officer@police.example.gov")
    seeded = client.post("/api/v1/requests", json=emergency_record(), headers=officer.headers)
    assert seeded.status_code == 201, seeded.text
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    for operation in operations:
        caller = accounts[_role_for(operation.method.upper(), operation.path)].headers

        @given(case=operation.as_strategy())
        @examples(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            # `caller` is this iteration's: hypothesis runs `exercise` before the loop moves on.
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=caller)  # noqa: B023
            kwargs.pop("timeout", None)
            kwargs.pop("allow_redirects", None)
            response = client.request(**kwargs)
            client.cookies.clear()  # a generated sign-in must not carry over
            try:
                case.validate_response(response, checks=[not_a_server_error])
                failed = False
            except httpx.RequestNotRead:
                # A streamed multipart body cannot be quoted in the check's report: judge the
                # status as the check does.
                failed = response.status_code >= 500
            except Exception:
                failed = True
            if failed:
                failures.append(
                    f"{case.method} {case.formatted_path}: {response.status_code} "
                    f"{response.text[:200]}"
                )

        exercise()
    assert failures == []
