"""Who is on call now and next, from the roster: hand-overs and overrides."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from exigent.auth.models import Role
from exigent.cli import app
from exigent.config import Settings, get_settings
from exigent.oncall.rota import header_line, levels_on_call
from exigent.staffing.models import ShiftSource
from oncall.conftest import OnCallWorld, add_shift


def _names(people: list) -> list[str]:  # type: ignore[type-arg]
    return [p.name for p in people]


def test_now_and_next_per_level(factory: sessionmaker[Session], world: OnCallWorld) -> None:
    with factory() as session:
        levels = levels_on_call(session, world.now, head_email=None)
    emergency, lead, head = levels
    assert _names(emergency.now) == ["Ana"]
    assert _names(emergency.next) == ["Bo"]
    assert emergency.next[0].zone == "Europe/Berlin"
    assert emergency.next[0].starts_at == world.now + timedelta(hours=2)
    assert _names(lead.now) == ["Lee"]
    assert _names(head.now) == ["Hana"]


def test_after_the_hand_over_the_next_one_answers(
    factory: sessionmaker[Session], world: OnCallWorld
) -> None:
    with factory() as session:
        levels = levels_on_call(session, world.now + timedelta(hours=2, minutes=5), head_email=None)
    assert _names(levels[0].now) == ["Bo"]  # Ana's shift ended at +2 h


def test_an_override_stands_in_for_the_rotation(
    factory: sessionmaker[Session], world: OnCallWorld
) -> None:
    with factory() as session:
        bo = world.people["bo"]
        add_shift(
            session, bo, world.now - timedelta(minutes=30), 2, ["emergency"], ShiftSource.override
        )
        session.commit()
        levels = levels_on_call(session, world.now, head_email=None)
        line = header_line(session, world.now, head_email=None)
    assert _names(levels[0].now) == ["Bo"]
    assert line == "Bo (emergency), Lee (lead)"


def test_the_api_answers_with_shift_times_in_utc_and_zones(client, world, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account(Role.analyst, "reader@example.test")
    answer = client.get("/api/v1/oncall/now", headers=account.headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["policy"] == "Emergencies"
    first = body["levels"][0]
    assert [p["name"] for p in first["now"]] == ["Ana"]
    assert first["next"][0]["zone"] == "Europe/Berlin"
    assert (
        first["now"][0]["shift_ends_at"].endswith("Z")
        or "+00:00" in first["now"][0]["shift_ends_at"]
    )


def test_the_command_answers_for_a_given_time_and_refuses_a_bad_one(
    settings: Settings, world: OnCallWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXIGENT_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        later = (world.now + timedelta(hours=3)).isoformat()
        result = CliRunner().invoke(app, ["oncall", "now", "--at", later])
        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert [p["name"] for p in answer["levels"][0]["now"]] == ["Bo"]
        bad = CliRunner().invoke(app, ["oncall", "now", "--at", "yesterday"])
        assert bad.exit_code == 2 and "--at" in bad.output
    finally:
        get_settings.cache_clear()
