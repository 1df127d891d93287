"""An account the platform records as a child's flags the case for COPPA and says so."""

from __future__ import annotations

import subprocess

from factories import emergency_record
from production.flows import approved_case, package_dir, produce


def test_a_childs_account_flags_the_case_and_the_cover_letter(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings
):
    record = emergency_record(targets=[{"identifier_type": "username", "value": "little.fox9"}])
    case = approved_case(client, analyst, lead, factory, record, submitter=officer)
    production = produce(client, analyst, case["id"])
    assert production.status_code == 201, production.text
    legal = client.get(f"/api/v1/requests/{case['id']}/legal", headers=analyst.headers).json()
    assert legal["coppa"] is True
    assert legal["targets"][0]["known_age"] == 10
    letter = package_dir(factory, production.json()["id"]) / "cover_letter.pdf"
    text = subprocess.run(
        ["pdftotext", str(letter), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "under 13" in " ".join(text.split())
