"""Removed content kept as a hold of the order's case: six months, then released like any hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exigent.cases.models import Request
from exigent.deadlines import run_due
from exigent.files import FileStore
from exigent.platform_data.demo import DemoAdapter
from exigent.production.content_hold import preserve_content
from exigent.production.preservation import record_content_hold
from exigent.workflow.jobs import deadline_handlers
from factories import emergency_record
from legal.flows import create_case

REMOVED = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_removed_content_is_kept_six_months_then_released(  # type: ignore[no-untyped-def]
    client, analyst, factory, settings
):
    case = create_case(client, analyst, emergency_record(kind="preservation"))
    adapter = DemoAdapter(settings.platform_store, clock=lambda: REMOVED)
    content = adapter.content.stand_ins(limit=1)[0]
    restriction = adapter.restrict_content(
        content, regions=["EU"], reference="FR-2026-0042", reason="terrorist content"
    )
    kept = preserve_content(
        content,
        adapter,
        FileStore(settings.file_store),
        as_of=REMOVED,
        restrictions=[restriction],
        now=REMOVED,
    )
    adapter.close()
    with factory() as session, session.begin():
        request = session.get(Request, case["id"])
        assert request is not None
        hold = record_content_hold(
            session,
            user=analyst.user,
            request=request,
            preserved=kept,
            settings=settings,
            now=REMOVED,
        )
        hold_id = hold.id

    holds = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    (shown,) = [h for h in holds if h["id"] == hold_id]
    assert datetime.fromisoformat(shown["expires_at"]) == datetime(2027, 5, 24, 8, tzinfo=UTC)
    assert datetime.fromisoformat(shown["as_of"]) == REMOVED
    assert {s["dataset"] for s in shown["snapshots"]} == {"removed_content", "subscriber", "logins"}
    custody = client.get(f"/api/v1/requests/{case['id']}/custody", headers=analyst.headers).json()
    manifest = [e for e in custody if e["sha256"] == kept.manifest_sha256]
    assert [e["event"] for e in manifest] == ["preserved"]

    run_due(factory, deadline_handlers(), now=datetime(2027, 5, 24, 8, tzinfo=UTC) + timedelta(1))
    after = client.get(f"/api/v1/requests/{case['id']}/holds", headers=analyst.headers).json()
    assert next(h for h in after if h["id"] == hold_id)["status"] == "released"
