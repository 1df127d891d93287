"""A target the platform has no account for: shown on the case, refused by name when built."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from console.helpers import sign_in
from exigent.cases.models import TimelineEvent
from exigent.production import letter
from exigent.production.models import Production
from factories import emergency_record
from legal.flows import items_for, legal_view, move, put_decision
from production.flows import approved_case

MISTYPED = [
    {"identifier_type": "username", "value": "night.owl.77"},
    {"identifier_type": "username", "value": "night.owl.7"},
]


def _leftovers(root: Path) -> list[str]:
    """Anything in the productions folder: a package, or a half-built `.building` folder."""
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _lookups(factory, case_id: int) -> list[TimelineEvent]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(
            session.execute(
                select(TimelineEvent).where(
                    TimelineEvent.request_id == case_id, TimelineEvent.kind == "targets"
                )
            ).scalars()
        )


def test_triage_finds_the_mistyped_target_and_the_case_page_says_so(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case = client.post(
        "/api/v1/requests", json=emergency_record(targets=MISTYPED), headers=analyst.headers
    ).json()
    sign_in(client, analyst.user.email)
    before = client.get(f"/console/cases/{case['id']}").text
    assert "no such account on the platform" not in before  # not looked up until triage

    assert move(client, analyst, case["id"], "triaged").status_code == 200
    page = client.get(f"/console/cases/{case['id']}").text
    row = page.split('id="h-targets"')[1].split("</table>")[0]
    lines = {line for line in row.split("<tr>") if "night.owl" in line}
    assert any("night.owl.7<" in x and "no such account on the platform" in x for x in lines)
    assert not any("night.owl.77<" in x and "no such account" in x for x in lines)
    assert "a production for it is refused" in page
    [entry] = _lookups(factory, case["id"])
    assert entry.data["unknown"] == ["username:night.owl.7"]

    # Drafting the decision looks again; the same answer is not written twice.
    assert move(client, analyst, case["id"], "under_review").status_code == 200
    view = legal_view(client, analyst, case["id"])
    assert put_decision(client, analyst, case["id"], items_for(view)).status_code == 200
    assert len(_lookups(factory, case["id"])) == 1


def test_building_for_a_mistyped_target_is_refused_next_to_the_button(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings
):
    record = emergency_record(targets=[{"identifier_type": "username", "value": "night.owl.7"}])
    case = approved_case(client, analyst, lead, factory, record, submitter=officer)
    csrf = sign_in(client, analyst.user.email)
    panel = client.get(f"/console/cases/{case['id']}/production").text
    assert "data-unknown-target" in panel  # looked up when the decision was drafted

    response = client.post(
        f"/console/cases/{case['id']}/production/build", headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200  # htmx swaps only a 2xx answer
    assert 'data-error="build"' in response.text
    assert "username:night.owl.7: no such account on the platform" in response.text
    assert "No production yet." in response.text
    assert _leftovers(settings.productions_root) == []
    with factory() as session:
        assert session.execute(select(Production)).first() is None
    status = client.get(f"/api/v1/requests/{case['id']}", headers=analyst.headers).json()
    assert status["status"] == "approved"


def test_a_package_that_cannot_be_written_says_why_and_leaves_nothing_half_built(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings, monkeypatch: pytest.MonkeyPatch
):
    case = approved_case(client, analyst, lead, factory, emergency_record(), submitter=officer)

    def broken_printer(facts: object) -> bytes:
        raise OSError(28, "No space left on device", "/srv/exigent/productions/x")

    monkeypatch.setattr(letter, "render_pdf", broken_printer)
    csrf = sign_in(client, analyst.user.email)
    response = client.post(
        f"/console/cases/{case['id']}/production/build", headers={"X-CSRF-Token": csrf}
    )
    assert response.status_code == 200
    assert 'data-error="build"' in response.text
    assert "the package could not be built (OSError)" in response.text
    assert "/srv/exigent" not in response.text and "Traceback" not in response.text
    assert _leftovers(settings.productions_root) == []
    with factory() as session:
        [production] = session.execute(select(Production)).scalars()
        assert production.status == "failed" and production.package_path is None
