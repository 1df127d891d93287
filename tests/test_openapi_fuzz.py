"""Schemathesis generates calls to every operation of the OpenAPI schema: none may be a 5xx."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from exigent.app import create_app
from exigent.config import Settings

# The schema document only; requests go to the per-test app on SQLite or PostgreSQL.
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(environment="test", database_url="sqlite://"), run_worker=False).openapi()
)
EXAMPLES = 20


def test_no_operation_answers_with_a_server_error(client, analyst) -> None:  # type: ignore[no-untyped-def]
    operations = [result.ok() for result in SCHEMA.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case) -> None:  # type: ignore[no-untyped-def]
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=analyst.headers)
            kwargs.pop("timeout", None)
            kwargs.pop("allow_redirects", None)
            response = client.request(**kwargs)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        exercise()
    assert failures == []
