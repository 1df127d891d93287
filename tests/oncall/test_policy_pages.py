"""Leads and admins edit escalation policies and triggers on a page; others read them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from conftest import PASSWORD
from console.helpers import csrf_of, post_login
from exigent.auth.models import Role
from exigent.oncall.models import EscalationPolicy, PagingTrigger
from oncall.conftest import OnCallWorld


def _policy(factory: sessionmaker[Session]) -> EscalationPolicy:
    with factory() as session:
        return session.scalars(
            select(EscalationPolicy).where(EscalationPolicy.name == "Emergencies")
        ).one()


def test_a_lead_edits_levels_and_a_bad_field_is_named(
    client,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    make_account(Role.lead, "policy.lead@example.test")
    post_login(client, email="policy.lead@example.test", password=PASSWORD)
    page = client.get("/oncall/policies")
    assert page.status_code == 200 and "Save Emergencies" in page.text
    policy = _policy(factory)
    form = {
        "csrf_token": csrf_of(page.text),
        "kind_0": "skill",
        "target_0": "emergency",
        "timeout_0": "3",
        "kind_1": "person",
        "target_1": "hana@example.test",
        "timeout_1": "7",
        "repeat_count": "3",
        "fallback_kind": "head",
        "fallback_target": "",
    }
    saved = client.post(f"/oncall/policies/{policy.id}", data=form, follow_redirects=False)
    assert saved.status_code == 303
    policy = _policy(factory)
    assert [(str(lv.target_kind), lv.target, lv.timeout_minutes) for lv in policy.levels] == [
        ("skill", "emergency", 3),
        ("person", "hana@example.test", 7),
    ]
    assert policy.repeat_count == 3
    bad = client.post(
        f"/oncall/policies/{policy.id}", data={**form, "target_1": "nobody@example.test"}
    )
    assert bad.status_code == 422
    assert "levels[1].target: no account with the email nobody@example.test" in bad.text
    assert len(_policy(factory).levels) == 2  # nothing of the refused edit was kept


def test_a_trigger_is_turned_off_and_an_analyst_only_reads(
    client,
    factory: sessionmaker[Session],
    world: OnCallWorld,
    make_account,  # type: ignore[no-untyped-def]
) -> None:
    admin = make_account(Role.admin, "policy.admin@example.test")
    post_login(client, email=admin.user.email, password=PASSWORD)
    page = client.get("/oncall/policies")
    with factory() as session:
        trigger = session.scalars(
            select(PagingTrigger).where(PagingTrigger.name == "sla_warning")
        ).one()
    done = client.post(
        f"/oncall/triggers/{trigger.id}",
        data={"csrf_token": csrf_of(page.text), "policy_id": str(trigger.policy_id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with factory() as session:
        assert session.get(PagingTrigger, trigger.id).enabled is False  # type: ignore[union-attr]
    make_account(Role.analyst, "policy.analyst@example.test")
    reader = client.__class__(client.app)
    post_login(reader, email="policy.analyst@example.test", password=PASSWORD)
    read = reader.get("/oncall/policies")
    assert read.status_code == 200 and "Save Emergencies" not in read.text
