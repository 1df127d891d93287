"""A referral's steps as the team takes them in the console: assess, decide, approve, send."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from console.helpers import sign_in
from legal.flows import legal_view

REFER_NOW = {
    "answer:specific_threat": "yes",
    "answer:means": "yes",
    "answer:time_frame": "yes",
    "note:specific_threat": "names the manager and the depot",
    "note:means": "photo of a rifle he owns",
    "note:time_frame": "tomorrow morning",
    "summary": "He says he will shoot his former manager at the depot tomorrow morning.",
}


def panel(client: TestClient, case_id: int) -> str:
    response = client.get(f"/console/cases/{case_id}/referral/assessment")
    assert response.status_code == 200, response.text
    return response.text


def post(client: TestClient, path: str, csrf: str, data: dict[str, Any]) -> str:
    response = client.post(path, data={**data, "csrf_token": csrf})
    assert response.status_code == 200, response.text
    return response.text


def assess(
    client: TestClient, csrf: str, case_id: int, answers: dict[str, str] | None = None
) -> str:
    return post(client, f"/console/cases/{case_id}/referral/assessment", csrf, answers or REFER_NOW)


def decision_form(client, account, case_id: int, *, bases: list[str], attest: bool = True):  # type: ignore[no-untyped-def]
    """The console's decision form for a referral, disclosing every permitted category."""
    view = legal_view(client, account, case_id)
    data: dict[str, Any] = {
        "rationale": "An imminent threat to life: the police need to find him tonight.",
        "legal_bases": bases,
    }
    for target in view["targets"]:
        for category, ruling in view["categories"].items():
            key = f"{target['id']}:{category}"
            data[f"outcome:{key}"] = "disclose" if ruling == "permitted" else "withhold"
            data[f"reason:{key}"] = "to locate him"
    if attest:
        data["emergency_attested"] = "yes"
    return data


def draft(client: TestClient, account, csrf: str, case_id: int, **kwargs: Any):  # type: ignore[no-untyped-def]
    data = {**decision_form(client, account, case_id, **kwargs), "csrf_token": csrf}
    return client.post(f"/console/cases/{case_id}/decision", data=data, follow_redirects=False)


def submit(client: TestClient, csrf: str, case_id: int):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/cases/{case_id}/decision/submit",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )


def approve(client: TestClient, csrf: str, case_id: int):  # type: ignore[no-untyped-def]
    return client.post(
        f"/console/cases/{case_id}/decision/approve",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )


def approved_referral(client, analyst, lead, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """Assessed and drafted by `analyst`, approved by `lead`, both in the console."""
    csrf = sign_in(client, analyst.user.email)
    assess(client, csrf, case_id)
    response = draft(client, analyst, csrf, case_id, bases=["2702b8", "2702c4"])
    assert response.status_code == 303, response.text
    assert submit(client, csrf, case_id).status_code == 303
    client.cookies.clear()
    csrf = sign_in(client, lead.user.email)
    response = approve(client, csrf, case_id)
    assert response.status_code == 303, response.text
