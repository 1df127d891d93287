"""A scheduler edits the coverage requirements on their page: add, change, delete, and apply
a template after seeing what it changes; bad values are refused beside their field."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.staffing.coverage import TEMPLATES
from exigent.staffing.models import CoverageRequirement
from staffing.roster_world import person

LEGAL = {
    "skill": "legal_process",
    "minimum": "1",
    "zone": "America/New_York",
    "start": "08:00",
    "end": "20:00",
    "weekdays": ["0", "1", "2", "3", "4"],
}


def _signed_in(client, factory) -> str:  # type: ignore[no-untyped-def]
    with factory() as session:
        person(session, "kim", "Europe/Dublin", [], role=Role.scheduler)
        session.commit()
    assert post_login(client, email="kim@example.test", password=PASSWORD).status_code == 303
    page = client.get("/staffing/coverage")
    assert page.status_code == 200 and "No requirements yet" in page.text
    return csrf_of(page.text)


def _rows(factory) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    with factory() as session:
        rows = session.scalars(select(CoverageRequirement).order_by(CoverageRequirement.id))
        return [(r.skill, r.minimum, r.zone) for r in rows]


def test_a_requirement_is_added_changed_and_deleted_and_bad_values_name_their_field(
    client, factory
) -> None:  # type: ignore[no-untyped-def]
    csrf = _signed_in(client, factory)
    for wrong, field in (
        ({"zone": "Moon/Base"}, "zone"),
        ({"minimum": "0"}, "minimum"),
        ({"skill": "juggling"}, "skill"),
        ({"start": "25:00"}, "start"),
        ({"weekdays": []}, "weekdays"),
    ):
        refused = client.post("/staffing/coverage", data={**LEGAL, **wrong, "csrf_token": csrf})
        assert refused.status_code == 422, wrong
        assert f'data-error="add.{field}"' in refused.text
    assert _rows(factory) == []
    added = client.post(
        "/staffing/coverage", data={**LEGAL, "csrf_token": csrf}, follow_redirects=False
    )
    assert added.status_code == 303
    page = client.get(added.headers["location"]).text
    assert "Requirement added." in page and "08:00\u201320:00 America/New_York, weekdays" in page
    with factory() as session:
        row = session.scalars(select(CoverageRequirement)).one()
        row_id = row.id
        assert (row.start, row.end, row.weekdays) == (time(8), time(20), [0, 1, 2, 3, 4])
    changed = client.post(
        f"/staffing/coverage/{row_id}",
        data={**LEGAL, "minimum": "2", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert _rows(factory) == [("legal_process", 2, "America/New_York")]
    refused = client.post(
        f"/staffing/coverage/{row_id}", data={**LEGAL, "zone": "Nowhere", "csrf_token": csrf}
    )
    assert refused.status_code == 422 and f'data-error="row-{row_id}.zone"' in refused.text
    assert _rows(factory) == [("legal_process", 2, "America/New_York")]
    deleted = client.post(
        f"/staffing/coverage/{row_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert deleted.status_code == 303 and _rows(factory) == []
    with factory() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("coverage.%"))
        ).all()
        assert actions == ["coverage.add", "coverage.change", "coverage.delete"]


def test_a_template_is_previewed_then_applied_in_place_of_the_requirements(client, factory) -> None:  # type: ignore[no-untyped-def]
    csrf = _signed_in(client, factory)
    client.post("/staffing/coverage", data={**LEGAL, "csrf_token": csrf})
    preview = client.get("/staffing/coverage?template=follow_the_sun").text
    # The Eastern legal hours are in the template already; the rest is new.
    assert preview.count("data-kept") == 1 and preview.count("data-added") == 3
    assert preview.count("data-removed") == 0
    assert _rows(factory) == [("legal_process", 1, "America/New_York")]
    applied = client.post(
        "/staffing/coverage/template",
        data={"template": "us_only", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    assert len(_rows(factory)) == len(TEMPLATES["us_only"])
    refused = client.post(
        "/staffing/coverage/template", data={"template": "moon_base", "csrf_token": csrf}
    )
    assert refused.status_code == 422 and 'data-error="templates.template"' in refused.text
    assert len(_rows(factory)) == len(TEMPLATES["us_only"])
