"""A referral's decision: it discloses only on an assessment to refer now and a legal basis,
recorded on the decision, and only with a second person's approval."""

from __future__ import annotations

from sqlalchemy import select

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.legal.models import Decision, DecisionStatus
from exigent.referrals.models import ThreatAssessment
from legal.flows import approve as api_approve
from legal.flows import items_for, legal_view, put_decision
from legal.flows import submit as api_submit
from referrals.decision_flows import REFER_NOW, approve, assess, draft, panel, submit
from referrals.referral_cases import make_referral


def test_the_panel_recommends_live_and_saves_the_assessment_on_the_timeline(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case_id = make_referral(client, analyst, factory)
    csrf = sign_in(client, analyst.user.email)
    page = client.get(f"/console/cases/{case_id}")
    assert f'hx-get="/console/cases/{case_id}/referral/assessment"' in page.text
    html = panel(client, case_id)
    assert "No assessment yet" in html and "Is there a specific threat" in html
    preview = client.post(
        f"/console/cases/{case_id}/referral/assessment/preview",
        data={**REFER_NOW, "csrf_token": csrf},
    )
    assert 'data-advice="refer_now"' in preview.text
    assert "a specific threat, the means and a time frame" in preview.text
    html = assess(client, csrf, case_id)
    assert "Assessment 1 saved: refer now." in html
    assert 'data-latest="refer_now"' in html
    # Legal bases proposed for a police recipient of a violent threat.
    assert (
        "18 U.S.C. 2702(b)(8)" in html
        and "2258A" not in html.split("Legal bases")[1].split("Packages")[0]
    )
    timeline = client.get(f"/api/v1/requests/{case_id}/timeline", headers=analyst.headers).json()
    assert any(e["kind"] == "threat_assessment" and "refer now" in e["body"] for e in timeline)


def test_choosing_another_recommendation_needs_a_reason_and_earlier_ones_stay_listed(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case_id = make_referral(client, analyst, factory)
    csrf = sign_in(client, analyst.user.email)
    html = assess(client, csrf, case_id, {"answer:specific_threat": "yes"})
    assert "Assessment 1 saved: monitor." in html
    html = assess(client, csrf, case_id, {"answer:specific_threat": "yes", "chosen": "refer_now"})
    assert "Not done:" in html and "override_reason: say why you choose refer now" in html
    # What was typed is kept in the form sent back.
    assert 'value="yes" checked' in html
    html = assess(
        client,
        csrf,
        case_id,
        {
            "answer:specific_threat": "yes",
            "chosen": "refer_now",
            "override_reason": "He has done this before; the local police know him.",
        },
    )
    assert "Assessment 2 saved: refer now." in html
    assert "Chosen instead of the checklist's monitor" in html
    assert "Earlier assessments (1)" in html
    with factory() as session:
        rows = session.execute(select(ThreatAssessment).order_by(ThreatAssessment.id)).scalars()
        assert [(r.recommendation, r.suggested) for r in rows] == [
            ("monitor", "monitor"),
            ("refer_now", "monitor"),
        ]


def test_a_decision_to_disclose_is_refused_without_an_assessment_or_a_basis(  # type: ignore[no-untyped-def]
    client, analyst, factory
):
    case_id = make_referral(client, analyst, factory)
    csrf = sign_in(client, analyst.user.email)
    response = draft(client, analyst, csrf, case_id, bases=["2702b8"])
    assert response.status_code == 422
    assert "no threat assessment is saved" in response.text
    assess(client, csrf, case_id, {"answer:specific_threat": "no", "answer:means": "no",
                                   "answer:time_frame": "no"})  # fmt: skip
    response = draft(client, analyst, csrf, case_id, bases=["2702b8"])
    assert response.status_code == 422
    assert "recommends no action, not refer now" in response.text
    assess(client, csrf, case_id)
    response = draft(client, analyst, csrf, case_id, bases=[])
    assert response.status_code == 422
    assert "no legal basis is recorded on the decision" in response.text
    # Over the API too: the legal bases are the decision's own data.
    view = legal_view(client, analyst, case_id)
    items = [
        i
        | {
            "outcome": "disclose"
            if view["categories"][i["category"]] == "permitted"
            else "withhold"
        }
        for i in items_for(view)
    ]
    answer = put_decision(client, analyst, case_id, items, legal_bases=["2702b9"])
    assert answer.status_code == 422
    assert "2702b9 is not a legal basis of the policy" in answer.text


def test_the_bases_are_recorded_on_the_decision_and_a_second_person_approves(  # type: ignore[no-untyped-def]
    client, make_account, lead, factory
):
    # A lead drafts, so that the rule refused is the second person's, not the role's.
    drafter = make_account(Role.lead, "drafting.lead@example.test")
    case_id = make_referral(client, drafter, factory)
    csrf = sign_in(client, drafter.user.email)
    assess(client, csrf, case_id)
    response = draft(client, drafter, csrf, case_id, bases=["2702b8"], attest=False)
    assert response.status_code == 422
    assert "attest the good-faith belief, from the threat assessment" in response.text
    assert draft(client, drafter, csrf, case_id, bases=["2702b8", "2702c4"]).status_code == 303
    assert submit(client, csrf, case_id).status_code == 303
    page = client.get(f"/console/cases/{case_id}")
    assert "data-approval-bases" in page.text and "18 U.S.C. 2702(c)(4)" in page.text
    assert "you drafted, edited or submitted this decision" in page.text
    refused = approve(client, csrf, case_id)
    assert refused.status_code in (303, 403, 409)
    refused = api_approve(client, drafter, case_id)
    assert refused.status_code == 403
    assert "a second person must approve" in refused.json()["error"]
    client.cookies.clear()
    csrf = sign_in(client, lead.user.email)
    response = approve(client, csrf, case_id)
    assert response.status_code == 303, response.text[response.text.find("Not done") :][:600]
    with factory() as session:
        decision = session.execute(select(Decision)).scalar_one()
        assert decision.status == DecisionStatus.approved
        assert decision.legal_bases == ["2702b8", "2702c4"]
        assert decision.emergency_attested
        assert {a.user_id for a in decision.approvals} == {lead.user.id}


def test_approval_is_refused_when_the_latest_assessment_no_longer_says_refer_now(  # type: ignore[no-untyped-def]
    client, analyst, lead, factory
):
    case_id = make_referral(client, analyst, factory)
    csrf = sign_in(client, analyst.user.email)
    assess(client, csrf, case_id)
    assert draft(client, analyst, csrf, case_id, bases=["2702b8", "2702c4"]).status_code == 303
    assert api_submit(client, analyst, case_id).status_code == 200
    assess(client, csrf, case_id, {"answer:specific_threat": "yes"})  # now: monitor
    refused = api_approve(client, lead, case_id)
    assert refused.status_code == 409
    assert "recommends monitor, not refer now" in refused.json()["error"]
