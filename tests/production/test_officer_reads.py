"""Every internal read of a case answers an officer 403, even on their own case; staff read."""

from __future__ import annotations

import re

from sqlalchemy import select

from exigent.notice.models import UserNotice
from factories import emergency_record
from production.flows import approved_case, produce

# What an officer may read of their own case through the API: the case as they sent it, its
# timeline (entries marked visible to them), its documents, and the delivery meant for them.
OFFICER_MAY_READ = {
    "/api/v1/requests/{request_id}",
    "/api/v1/requests/{request_id}/timeline",
    "/api/v1/requests/{request_id}/documents",
    "/api/v1/deliveries/{token}",
}
# Reads of the team's own planning: refused to an officer like the rest, but a lead is not
# their reader either (schedulers are, `tests/authz_table.py`), so only the refusal is checked.
SCHEDULERS_READ = {"/api/v1/staffing/drafts/{draft_id}"}
# Reads of what only some kinds of case have (an order from an EU authority): refused to an
# officer like the rest; staff get 404 on this emergency, so only the refusal is checked.
KIND_READS = {"/api/v1/requests/{request_id}/eu-order"}
# Transparency reports are legal's and leadership's, not a lead's: only the refusal is checked.
REPORT_READS = {
    "/api/v1/analytics/reports/{report_id}",
    "/api/v1/analytics/reports/{report_id}/download",
}
PARAM = re.compile(r"\{(\w+)\}")


def _internal_reads(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Every GET route of the API that takes an id, apart from the officer's own reads."""
    return sorted(
        path
        for path, methods in app.openapi()["paths"].items()
        if "get" in methods
        and path.startswith("/api/v1/")
        and "{" in path
        and path not in OFFICER_MAY_READ
    )


def test_no_internal_read_answers_an_officer_on_their_own_case(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory
):
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)
    production = produce(client, analyst, case["id"])
    assert production.status_code == 201, production.text
    issued = client.post(
        f"/api/v1/productions/{production.json()['id']}/deliveries", headers=analyst.headers
    )
    assert issued.status_code == 201, issued.text
    hold = client.post(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers)
    assert hold.status_code == 201, hold.text
    with factory() as session:
        notice = session.execute(
            select(UserNotice.id).where(UserNotice.request_id == case["id"]).limit(1)
        ).scalar_one_or_none()
    ids = {
        "request_id": case["id"],
        "production_id": production.json()["id"],
        "notice_id": notice or 1,
        "version": 1,
        "draft_id": 1,
        "report_id": 1,
    }
    paths = _internal_reads(client.app)
    assert "/api/v1/requests/{request_id}/callbacks" in paths
    for path in paths:
        unknown = set(PARAM.findall(path)) - set(ids)
        assert not unknown, f"{path}: say whether an officer may read it (OFFICER_MAY_READ)"
        url = PARAM.sub(lambda m: str(ids[m.group(1)]), path)
        refused = client.get(url, headers=officer.headers)
        assert refused.status_code == 403, (path, refused.status_code, refused.text)
        assert set(refused.json()) == {"error"}, path
        if path in SCHEDULERS_READ | KIND_READS | REPORT_READS:
            continue
        if path.startswith("/api/v1/notices/") and notice is None:
            continue
        allowed = client.get(url, headers=lead.headers)
        assert allowed.status_code == 200, (path, allowed.text)
