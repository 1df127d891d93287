"""The console's escalation form, as a browser posts it."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.cases.models import Request
from exigent.referrals.models import Referral, ReferralContent
from referrals.helpers import picture

FORM = "/console/escalations/new"


def _fields(**changes: str) -> dict[str, str]:
    fields = {
        "harm_type": "violent_threat",
        "imminent": "on",
        "reporting_team": "Trust & Safety, Americas",
        "source_reference": "MOD-88",
        "content": "post:551\nhttps://platform.example/p/551",
        "published_at": "2026-12-05T22:10",
        "published_offset": "-05:00",
        "accounts": "username: angry.neighbour\nemail: an@example.com",
        "location.country": "US",
        "location.city": "Dayton",
        "age_years": "",
        "summary": "Threatens to shoot a named neighbour tonight.",
    }
    fields.update(changes)
    return fields


def test_an_analyst_raises_an_escalation_with_media_and_lands_on_the_new_case(
    client, factory, analyst
):
    csrf = sign_in(client, analyst.user.email)
    page = client.get(FORM)
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    answer = client.post(
        FORM,
        data=_fields(),
        files={"media": ("capture.png", picture(), "image/png")},
        headers={"X-CSRF-Token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    case_id = int(re.findall(r"/console/cases/(\d+)", answer.headers["location"])[0])
    with factory() as session:
        case = session.get(Request, case_id)
        assert case is not None and case.kind == "referral" and case.priority == "P0"
        referral = session.scalars(select(Referral)).one()
        assert referral.raised_via == "console" and referral.raised_by_id == analyst.user.id
        content = list(session.scalars(select(ReferralContent).order_by(ReferralContent.position)))
        assert [c.kind for c in content] == ["content_id", "url", "media"]
        assert all(c.published_offset_minutes == -300 for c in content)
        assert content[2].value == "capture.png" and content[2].file_sha256
    facts = client.get(f"/console/cases/{case_id}/referral/facts").text
    assert "from the console form" in facts and "Test analyst" in facts


def test_problems_are_shown_by_field_and_nothing_is_saved(client, factory, analyst):
    csrf = sign_in(client, analyst.user.email)
    answer = client.post(
        FORM,
        data=_fields(
            harm_type="",
            content="",
            accounts="nickname jo",
            **{"location.country": "QQ", "offence_country": "XX", "published_offset": ""},
        ),
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 422
    html = answer.text
    for field in (
        "accounts",
        "published_offset",
        "harm_type",
        "content",
        "location.country",
        "offence_country",
    ):
        assert f'data-error="{field}"' in html, field
    assert "give at least one content id, URL or captured file" in html
    assert 'value="Trust &amp; Safety, Americas"' in html  # what was typed stays
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Request)) == 0


def test_the_form_is_for_those_who_may_raise(client, make_account):
    auditor = make_account(Role.auditor)
    sign_in(client, auditor.user.email)
    assert client.get(FORM).status_code == 403
    assert 'href="/console/escalations/new"' not in client.get("/console/home").text
