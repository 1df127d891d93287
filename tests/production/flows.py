"""Bringing a case to an approved decision over the API, as the team does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exigent.production.models import Production
from legal.flows import (
    approve,
    create_case,
    items_for,
    legal_view,
    put_decision,
    submit,
    to_review,
    verify_requester,
)


def approved_case(  # type: ignore[no-untyped-def]
    client,
    analyst,
    lead,
    factory,
    record: dict[str, Any] | None = None,
    *,
    submitter=None,
    outcomes: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A case submitted by `submitter` (the officer's portal account), drafted by `analyst`,
    approved by `lead`; `outcomes` maps a category to its outcome (disclose by default)."""
    case = create_case(client, submitter or analyst, record)
    to_review(client, analyst, case["id"])
    view = legal_view(client, analyst, case["id"])
    items = items_for(view)
    for item in items:
        item["outcome"] = (outcomes or {}).get(item["category"], "disclose")
        if item["outcome"] == "withhold":
            item["reason"] = "not needed to locate the user"
    response = put_decision(client, analyst, case["id"], items)
    assert response.status_code == 200, response.text
    assert submit(client, analyst, case["id"]).status_code == 200
    verify_requester(client, analyst, factory, case["id"])
    response = approve(client, lead, case["id"])
    assert response.status_code == 200, response.text
    return case


def produce(client, account, case_id: int, **body: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/requests/{case_id}/productions", json=body, headers=account.headers
    )


def package_dir(factory, production_id: int) -> Path:  # type: ignore[no-untyped-def]
    """Where the package was built: on the production's row, never in what the API shows."""
    with factory() as session:
        production = session.get(Production, production_id)
        assert production is not None and production.package_path
        return Path(production.package_path)
