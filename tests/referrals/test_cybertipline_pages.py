"""The referral's CyberTipline panel as a browser's requests see it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from console.helpers import sign_in
from exigent.audit.models import AuditEvent
from exigent.auth.models import Role
from exigent.db import utcnow
from exigent.referrals.cybertipline.models import CyberTiplineFiling, FilingStatus
from exigent.referrals.models import HarmType
from referrals.flows import media_ids, referral_case, work

PANEL = "/console/cases/{}/referral/cybertipline"


def _form(factory, case_id: int, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "incident_type": "online_enticement",
        "incident_at": (utcnow() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "escalate": "1",
        "escalate_reason": "A meeting is planned tonight.",
        "victim_age": "12",
        "victim_first_name": "",
        "files": [str(i) for i in media_ids(factory, case_id)],
    }
    values.update(overrides)
    return values


def test_an_analyst_files_the_report_and_follows_it_to_finished(  # type: ignore[no-untyped-def]
    client, factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=1)
    csrf = sign_in(client, analyst.user.email)
    panel = client.get(PANEL.format(case_id))
    assert panel.status_code == 200
    assert "File CyberTipline report" in panel.text
    assert "Online Enticement of Children for Sexual Acts" in panel.text
    assert "capture-0.png" in panel.text

    filed = client.post(
        PANEL.format(case_id), data=_form(factory, case_id), headers={"X-CSRF-Token": csrf}
    )
    assert filed.status_code == 200, filed.text
    assert "CyberTipline report filed" in filed.text
    assert "being sent" in filed.text and "Retract" in filed.text
    work(factory, settings)
    after = client.get(PANEL.format(case_id)).text
    [report] = ncmec.finished()
    assert f'NCMEC report <span class="mono" data-report-id>{report.id}</span>' in after
    assert "finished" in after and "data-retract" not in after
    assert "Hold " in after and "2258A(h)" in after
    assert f"by {analyst.user.name}" in after
    with factory() as session:
        actions = set(session.execute(select(AuditEvent.action)).scalars())
    assert {"cybertipline.file", "cybertipline.finished", "cybertipline.read"} <= actions


def test_bad_confirmation_is_named_and_nothing_is_filed(  # type: ignore[no-untyped-def]
    client, factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=1)
    csrf = sign_in(client, analyst.user.email)
    cases = [
        ({"incident_type": "bogus"}, "incident_type: choose one of NCMEC"),
        ({"incident_at": ""}, "incident_at: give the time"),
        ({"incident_at": "2099-01-01T00:00"}, "incident_at: is in the future"),
        ({"escalate_reason": ""}, "escalate_reason: say why"),
        ({"victim_age": "twelve"}, "victim_age: &#39;twelve&#39; is not an age"),
        ({"files": ["999999"]}, "files: 999999 is not a captured file"),
    ]
    for overrides, words in cases:
        answer = client.post(
            PANEL.format(case_id),
            data=_form(factory, case_id, **overrides),
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 200
        assert words in answer.text, (overrides, answer.text)
        assert "File CyberTipline report" in answer.text  # the form again, as it was sent
    with factory() as session:
        assert session.execute(select(CyberTiplineFiling)).first() is None
    assert ncmec.calls == []


def test_retract_from_the_panel_and_not_once_finished(  # type: ignore[no-untyped-def]
    client, factory, settings, analyst, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=0)
    csrf = sign_in(client, analyst.user.email)
    client.post(PANEL.format(case_id), data=_form(factory, case_id), headers={"X-CSRF-Token": csrf})
    work(factory, settings, rounds=1, limit=1)
    retracted = client.post(PANEL.format(case_id) + "/retract", headers={"X-CSRF-Token": csrf})
    assert retracted.status_code == 200
    assert "Retracted. NCMEC retracted report" in retracted.text
    assert "Earlier filings" in retracted.text and "File CyberTipline report" in retracted.text
    client.post(PANEL.format(case_id), data=_form(factory, case_id), headers={"X-CSRF-Token": csrf})
    work(factory, settings)
    refused = client.post(PANEL.format(case_id) + "/retract", headers={"X-CSRF-Token": csrf})
    assert "can no longer be retracted" in refused.text
    with factory() as session:
        statuses = sorted(
            str(f.status) for f in session.execute(select(CyberTiplineFiling)).scalars()
        )
    assert statuses == [FilingStatus.finished, FilingStatus.retracted]


def test_other_harm_types_owe_no_report(client, factory, settings, analyst):  # type: ignore[no-untyped-def]
    case_id = referral_case(factory, settings, analyst.user, harm_type=HarmType.suicide_self_harm)
    sign_in(client, analyst.user.email)
    panel = client.get(PANEL.format(case_id)).text
    assert "No CyberTipline report is due" in panel
    assert "suicide or self-harm" in panel.lower() or "suicide" in panel.lower()
    assert "File CyberTipline report" not in panel


def test_leadership_reads_the_panel_but_cannot_file(  # type: ignore[no-untyped-def]
    client, factory, settings, analyst, make_account, ncmec
):
    case_id = referral_case(factory, settings, analyst.user, files=0)
    boss = make_account(Role.leadership)
    csrf = sign_in(client, boss.user.email)
    panel = client.get(PANEL.format(case_id))
    assert panel.status_code == 200
    assert "File CyberTipline report" not in panel.text
    refused = client.post(
        PANEL.format(case_id), data=_form(factory, case_id), headers={"X-CSRF-Token": csrf}
    )
    assert refused.status_code == 403
    assert ncmec.calls == []
