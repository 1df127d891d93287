"""The risk-weights page: who sees it, what it shows, publishing with a reason, field errors."""

from __future__ import annotations

import re

from console.helpers import sign_in
from exigent.auth.models import Role
from exigent.verification.scoring import default_weights

FREE_MAIL = default_weights().signals["free_mail_domain"]
NEW_FREE_MAIL = FREE_MAIL - 1  # the shipped weight is positive, at most 100
HIGH = default_weights().high

INPUT = re.compile(r"<input ([^>]*)>")
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_of(html: str) -> list[tuple[str, str]]:
    """The weights form as the browser would send it unchanged."""
    fields = []
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox" and " checked" not in f" {tag}":
            continue
        fields.append((attrs["name"], attrs.get("value", "")))
    return fields


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def changed(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    return [(name, values.get(name.replace(".", "__"), value)) for name, value in fields]


def test_lead_sees_signals_thresholds_and_history_and_publishes(client, lead) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, lead.user.email)
    console = client.get("/console")
    assert 'href="/console/risk-weights"' in console.text
    page = client.get("/console/risk-weights")
    assert page.status_code == 200, page.text
    assert "free_mail_domain" in page.text
    assert "Sent from a free-mail provider anyone can sign up to." in page.text
    assert 'name="signals.free_mail_domain"' in page.text and 'type="number"' in page.text
    assert 'name="levels.high"' in page.text
    assert "Version 1" in page.text and "the weights shipped with Exigent" in page.text

    fields = changed(
        form_of(page.text), signals__free_mail_domain=str(NEW_FREE_MAIL), levels__high=str(HIGH + 5)
    )
    fields.append(("reason", "free-mail fraud doubled this quarter"))
    response = client.post("/console/risk-weights", data=as_data(fields), follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console/risk-weights?published=2"

    after = client.get(response.headers["location"]).text
    assert "Version 2 published." in after
    assert 'data-current-version="2"' in after
    assert "free-mail fraud doubled this quarter" in after
    assert f"free_mail_domain from {FREE_MAIL} to {NEW_FREE_MAIL}" in after
    assert f"high level from {HIGH} to {HIGH + 5}" in after
    assert lead.user.email in after
    api = client.get("/api/v1/risk-weights", headers=lead.headers).json()
    assert api["version"] == 2


def test_errors_are_shown_next_to_the_field_and_nothing_is_published(client, lead) -> None:  # type: ignore[no-untyped-def]
    csrf = sign_in(client, lead.user.email)
    fields = form_of(client.get("/console/risk-weights").text)

    no_reason = client.post(
        "/console/risk-weights", data=as_data(changed(fields, signals__idn_domain="9"))
    )
    assert no_reason.status_code == 422
    assert 'data-error="reason"' in no_reason.text
    # What was typed is kept.
    assert 'name="signals.idn_domain" type="number"' in no_reason.text
    assert 'value="9"' in no_reason.text

    emptied = [*changed(fields, levels__medium=""), ("reason", "try")]
    response = client.post("/console/risk-weights", data=as_data(emptied))
    assert response.status_code == 422
    assert "levels.medium: give a number" in response.text
    assert 'name="levels.medium" type="number" step="1" min="1" max="100" value=""' in response.text

    too_big = [*changed(fields, signals__idn_domain="500"), ("reason", "try")]
    response = client.post("/console/risk-weights", data=as_data(too_big))
    assert response.status_code == 422
    assert re.search(
        r'data-error="signals.idn_domain">weights.signals.idn_domain: [^<]*100', response.text
    )

    falling = [*changed(fields, levels__high="20"), ("reason", "try")]
    response = client.post("/console/risk-weights", data=as_data(falling))
    assert response.status_code == 422
    assert 'data-error="levels"' in response.text and "must rise" in response.text

    words = [*changed(fields, levels__critical="lots"), ("reason", "try")]
    response = client.post("/console/risk-weights", data=as_data(words))
    assert response.status_code == 422
    assert "levels.critical: &#39;lots&#39; is not a whole number" in response.text

    same = [*fields, ("reason", "no change")]
    response = client.post("/console/risk-weights", data=as_data(same))
    assert response.status_code == 409
    assert "identical to version 1" in response.text

    forged = client.post(
        "/console/risk-weights",
        data=as_data([f for f in [*fields, ("reason", "x")] if f[0] != "csrf_token"]),
    )
    assert csrf and forged.status_code == 403
    page = client.get("/console/risk-weights").text
    assert 'data-current-version="1"' in page


def test_analysts_get_no_link_and_no_page(client, make_account) -> None:  # type: ignore[no-untyped-def]
    analyst = make_account(Role.analyst)
    sign_in(client, analyst.user.email)
    assert "/console/risk-weights" not in client.get("/console").text
    page = client.get("/console/risk-weights")
    assert page.status_code == 403
    assert "weights.read" in page.text


def test_legal_and_admin_may_open_it(client, make_account) -> None:  # type: ignore[no-untyped-def]
    for role in (Role.legal, Role.admin):
        account = make_account(role)
        sign_in(client, account.user.email)
        assert client.get("/console/risk-weights").status_code == 200


def test_the_learned_scale_is_explained_and_the_starting_score_can_be_changed(client, lead) -> None:  # type: ignore[no-untyped-def]
    sign_in(client, lead.user.email)
    page = client.get("/console/risk-weights").text
    assert "points double the odds of fraud" in page
    assert "high at 50%" in page  # the high level starts at even odds
    fields = changed(form_of(page), baseline=str(default_weights().baseline + 3))
    fields.append(("reason", "more caution this month"))
    response = client.post("/console/risk-weights", data=as_data(fields), follow_redirects=False)
    assert response.status_code == 303, response.text
    after = client.get(response.headers["location"]).text
    old = default_weights().baseline
    assert f"starting score from {old} to {old + 3}" in after


def test_the_case_page_explains_the_score(client, lead, analyst) -> None:  # type: ignore[no-untyped-def]
    from factories import emergency_record

    record = emergency_record()
    record["requester"] = {**record["requester"], "email": "springfield.detective@gmail.com"}
    case = client.post("/api/v1/requests", json=record, headers=analyst.headers).json()
    sign_in(client, lead.user.email)
    page = client.get(f"/console/cases/{case['id']}").text
    assert "Starting score" in page
    assert re.search(r"a score of \d+ stands for about a \d+% chance", page)
