"""Every dashboard figure against an independent count over the raw rows, on both databases:
a withdrawn case, a case that moved through states within the period, and cases sent at
23:30 local time either side of the period's ends (they count by their receipt in UTC)."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from analytics.dashboard_world import (
    PERIOD,
    World,
    build,
    in_period,
    last_status,
    raw_cases,
    write_facts,
)
from exigent.auth.models import Role


@pytest.fixture
def world(client, factory, make_account) -> tuple[World, dict[str, Any]]:  # type: ignore[no-untyped-def]
    analyst = make_account(Role.analyst)
    other = make_account(Role.analyst, "second.analyst@example.test")
    found = build(client, analyst, factory, analyst.user.id, other.user.id)
    with factory() as session:
        write_facts(session)
    accounts = {
        "analyst": analyst,
        "other": other,
        "leadership": make_account(Role.leadership),
        "lead": make_account(Role.lead),
    }
    return found, accounts


def _get(client: Any, account: Any, path: str, **params: str) -> dict[str, Any]:
    answer = client.get(
        f"/api/v1/analytics/{path}", params={**PERIOD, **params}, headers=account.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def _raw(factory: Any) -> list[dict[str, Any]]:
    with factory() as session:
        return raw_cases(session)


def test_volume_counts_each_case_in_the_utc_day_it_was_received(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    raw = in_period(_raw(factory))
    for by, key in (("kind", "kind"), ("country", "country"), ("channel", "received_via")):
        volume = _get(client, accounts["leadership"], "volume", by=by)
        assert volume["total"] == len(raw) == 5
        assert {k: sum(v) for k, v in volume["series"].items()} == Counter(str(c[key]) for c in raw)
    volume = _get(client, accounts["leadership"], "volume")
    assert volume["bucket"] == "day" and len(volume["bucket_starts"]) == 30
    by_day = Counter(c["received_at"].date().isoformat() for c in raw)
    for index, start in enumerate(volume["bucket_starts"]):
        day = start[:10]
        assert sum(series[index] for series in volume["series"].values()) == by_day.get(day, 0), day
    # 22:00 UTC on 30 November is in the last bar; 23:30 in New York that evening is not.
    last = sum(series[-1] for series in volume["series"].values())
    assert last == 1
    december = _get(
        client, accounts["leadership"], "volume", **{"from": "2026-12-01", "to": "2026-12-01"}
    )
    assert december["total"] == 1 and december["series"] == {"subpoena": [1]}


def test_filters_narrow_every_count_the_same_way(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    raw = in_period(_raw(factory))
    for params, keep in (
        ({"kind": "subpoena"}, lambda c: c["kind"] == "subpoena"),
        ({"country": "de"}, lambda c: c["country"] == "DE"),
        ({"priority": "P0"}, lambda c: c["priority"] == "P0"),
        (
            {"assignee": str(accounts["analyst"].user.id)},
            lambda c: c["assignee_id"] == accounts["analyst"].user.id,
        ),
    ):
        volume = _get(client, accounts["lead"], "volume", **params)
        assert volume["total"] == sum(1 for c in raw if keep(c)), params


def test_backlog_is_what_is_open_now_by_the_timeline(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    found, accounts = world
    backlog = _get(client, accounts["leadership"], "backlog")
    with factory() as session:
        moved = last_status(session)
    open_ids = {
        c["id"]
        for c in _raw(factory)
        if moved.get(c["id"]) not in {"delivered", "rejected", "withdrawn", "closed", "preserved"}
    }
    assert found.ids["moving"] in open_ids and found.ids["withdrawn"] not in open_ids
    assert backlog["open_cases"] == len(open_ids)
    assert sum(b["open_cases"] for b in backlog["age_bands"]) == len(open_ids)
    now = datetime.now(UTC)
    ages = [
        (now - c["received_at"]).total_seconds() / 86_400
        for c in _raw(factory)
        if c["id"] in open_ids
    ]
    bounds = (0, 1, 3, 7, 30, math.inf)
    expected = [sum(1 for a in ages if low <= a < high) for low, high in itertools.pairwise(bounds)]
    assert [b["open_cases"] for b in backlog["age_bands"]] == expected


def test_clocks_met_and_breached_per_priority(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    now = datetime.now(UTC)
    sla = _get(client, accounts["legal"] if "legal" in accounts else accounts["lead"], "sla")
    expected: Counter[tuple[str, str, str]] = Counter()
    for c in in_period(_raw(factory)):
        for clock, done, due in (
            ("acknowledge", c["acknowledged_at"], c["acknowledge_due_at"]),
            ("decide", c["decided_at"], c["decide_due_at"]),
        ):
            if done is not None and done <= due:
                expected[(c["priority"], clock, "met")] += 1
            elif done is not None or due < now:
                expected[(c["priority"], clock, "breached")] += 1
            else:
                expected[(c["priority"], clock, "running")] += 1
    for row in sla["clocks"]:
        for what in ("met", "breached", "running"):
            assert row[what] == expected[(row["priority"], row["clock"], what)], row
        settled = row["met"] + row["breached"]
        assert row["attainment"] == (round(row["met"] / settled, 4) if settled else None)
    assert sum(r["breached"] for r in sla["clocks"] if r["clock"] == "acknowledge") >= 2


def _nearest_rank(values: list[int], share: float) -> int:
    return sorted(values)[math.ceil(share * len(values)) - 1]


def test_time_to_each_step_is_exact(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    sla = _get(client, accounts["lead"], "sla")
    raw = in_period(_raw(factory))
    with factory() as session:
        delivered = dict(
            session.execute(
                text("SELECT request_id, at FROM timeline_events WHERE to_status = 'delivered'")
            ).all()
        )
    times = {
        "acknowledge": [
            c["acknowledged_at"] - c["received_at"] for c in raw if c["acknowledged_at"]
        ],
        "decide": [c["decided_at"] - c["received_at"] for c in raw if c["decided_at"]],
        "deliver": [
            datetime.fromisoformat(str(delivered[c["id"]])).replace(tzinfo=UTC) - c["received_at"]
            if datetime.fromisoformat(str(delivered[c["id"]])).tzinfo is None
            else datetime.fromisoformat(str(delivered[c["id"]])) - c["received_at"]
            for c in raw
            if c["id"] in delivered
        ],
    }
    for spread in sla["times"]:
        seconds = [int(t.total_seconds()) for t in times[spread["step"]]]
        assert spread["count"] == len(seconds)
        assert spread["median_seconds"] == _nearest_rank(seconds, 0.5)
        assert spread["p90_seconds"] == _nearest_rank(seconds, 0.9)
        assert spread["worst_seconds"] == max(seconds)


def test_breached_cases_are_listed(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    found, accounts = world
    now = datetime.now(UTC)
    answer = _get(client, accounts["leadership"], "breaches", clock="acknowledge")
    expected = {
        c["id"]
        for c in in_period(_raw(factory))
        if (c["acknowledged_at"] or now) > c["acknowledge_due_at"]
    }
    assert {c["request_id"] for c in answer["cases"]} == expected
    assert answer["total"] == len(expected)
    assert found.ids["moving"] in expected and found.ids["delivered"] not in expected


def test_outcomes_per_kind_and_country_follow_each_cases_last_state(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    with factory() as session:
        moved = last_status(session)
    named = {"delivered": "produced_full", "withdrawn": "withdrawn", "rejected": "rejected"}
    for by in ("kind", "country"):
        answer = _get(client, accounts["leadership"], "outcomes", by=by)["outcomes"]
        expected: dict[str, Counter[str]] = {}
        for c in in_period(_raw(factory)):
            outcome = named.get(moved.get(c["id"], ""), "pending")
            expected.setdefault(str(c[by]), Counter())[outcome] += 1
        assert answer == {k: dict(v) for k, v in expected.items()}
    assert _get(client, accounts["leadership"], "outcomes", by="country")["outcomes"]["DE"] == {
        "withdrawn": 1
    }


def test_fraud_attempts_and_how_they_were_caught(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    answer = _get(client, accounts["leadership"], "fraud")
    with factory() as session:
        newest = session.execute(
            text(
                "SELECT request_id, level, signals FROM risk_assessments r WHERE id = "
                "(SELECT MAX(id) FROM risk_assessments WHERE request_id = r.request_id)"
            )
        ).all()
        denied = (
            session.execute(text("SELECT request_id FROM callbacks WHERE outcome = 'denied'"))
            .scalars()
            .all()
        )
    period_ids = {c["id"] for c in in_period(_raw(factory))}
    flagged = {
        rid: signals
        for rid, level, signals in newest
        if rid in period_ids and level in ("high", "critical")
    }
    caught = {rid for rid in denied if rid in period_ids}
    assert answer["flagged"] == len(flagged) >= 1
    assert answer["attempts"] == len(set(flagged) | caught)
    assert answer["caught_flagged"] == len(caught & set(flagged))
    fired = Counter(
        s["code"]
        for rid, _, signals in newest
        if rid in caught
        for s in (json.loads(signals) if isinstance(signals, str) else signals)
        if s["weight"] > 0
    )
    assert answer["caught_by"] == {"callback_denied": len(caught)} == {"callback_denied": 1}
    assert answer["signals"] == dict(fired) and fired["lookalike_domain"] == 1
    # Received 22:00, the agency denied it on the call at 22:40.
    assert answer["catch_median_seconds"] == answer["catch_worst_seconds"] == 40 * 60
    # The impostor posed as a real agency: named, not marked fraudulent.
    assert answer["agencies_impersonated"] == 1
    assert answer["agencies_marked"] == 0


def test_workload_names_people_only_to_themselves_and_their_lead(client, factory, world) -> None:  # type: ignore[no-untyped-def]
    _, accounts = world
    raw = in_period(_raw(factory))
    per_person = Counter(c["assignee_id"] for c in raw if c["assignee_id"])
    decided = Counter(c["assignee_id"] for c in raw if c["assignee_id"] and c["decided_at"])
    lead = _get(client, accounts["lead"], "workload")
    assert lead["team"]["assigned"] == sum(per_person.values())
    assert lead["team"]["decided"] == sum(decided.values())
    assert {p["user_id"]: p["assigned"] for p in lead["people"]} == dict(per_person)
    leadership = _get(client, accounts["leadership"], "workload")
    assert leadership["people"] == [] and leadership["team"] == lead["team"]
    mine = _get(client, accounts["analyst"], "workload")
    assert [p["user_id"] for p in mine["people"]] == [accounts["analyst"].user.id]
    assert mine["people"][0]["assigned"] == per_person[accounts["analyst"].user.id]
