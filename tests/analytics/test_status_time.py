"""The per-case time in each status, kept with the facts, gives the figures the timeline gives
when read directly (`timeline_oracle`), however it was written: in bulk, by a move committed
through the session, by a rebuild or by the demo's history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from analytics import timeline_oracle
from analytics.surge_world import Arrival, write_cases
from exigent.analytics.facts import rebuild_facts
from exigent.analytics.models import StatusTime
from exigent.analytics.time_spent import WaitingOn, time_spent
from exigent.analytics.upkeep import install
from exigent.cases.models import Request, TimelineEvent
from exigent.demo.history import seed_history
from exigent.legal.models import LegalCheckRecord
from exigent.migrate import alembic_config, upgrade

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
START, END = NOW - timedelta(days=10), NOW
PATHS = {
    "need_info_twice": [
        "triaged",
        "need_info",
        "triaged",
        "need_info",
        "under_review",
        "awaiting_approval",
        "approved",
        "producing",
        "delivered",
        "closed",
    ],
    "sent_back_by_the_approver": [
        "triaged",
        "under_review",
        "awaiting_approval",
        "under_review",
        "awaiting_approval",
        "approved",
    ],
    "still_waiting_on_the_requester": ["triaged", "need_info"],
    "still_in_review": ["triaged", "verifying", "under_review"],
    "just_received": [],
    "withdrawn": ["triaged", "need_info", "withdrawn", "closed"],
    # The platform has no merge status: a case folded into another is withdrawn and closed.
    "merged_into_another": ["triaged", "under_review", "withdrawn", "closed"],
    "rejected": ["under_review", "need_info", "under_review", "rejected", "closed"],
}


def _world(db: Session, seed: int, cases: int = 160) -> list[int]:
    """Cases over the period and the one before it, each on a path of the kinds above; moves
    that would fall after now have not happened yet, and a few happen in the same second. The
    facts' upkeep is on, as in the app, so the legal checks reach the summary."""
    install()
    rng = random.Random(seed)
    arrivals, moves = [], {}
    for position in range(cases):
        received = START - (END - START) + timedelta(hours=rng.uniform(0, 20 * 24 + 4))
        kind = rng.choice(["emergency", "subpoena", "preservation"])
        arrivals.append(
            Arrival(received, kind, "suicide_self_harm" if kind == "emergency" else None)
        )
        after, path = timedelta(0), []
        for status in PATHS[rng.choice(sorted(PATHS))]:
            after += timedelta(minutes=rng.choice([0, rng.randint(1, 60 * 40)]))
            if received + after < NOW:
                path.append((status, after))
        moves[position] = path
    ids = write_cases(db, arrivals, moves=moves)
    for request_id in ids[::5]:
        db.add(_legal_check(request_id, "legal_review"))
    db.flush()
    return ids


def _legal_check(request_id: int, route: str) -> LegalCheckRecord:
    return LegalCheckRecord(
        request_id=request_id,
        policy_version=1,
        route=route,
        categories={},
        missing_elements=[],
        obligations=[],
        priority="P1",
        judged_at=NOW - timedelta(days=40),
    )


def _assert_figures_match_the_timeline(db: Session, now: datetime = NOW) -> None:
    found = time_spent(db, start=START, end=END, now=now)
    expected = timeline_oracle.figures(db, START, END, now)
    before = timeline_oracle.figures(db, START - (END - START), START, now)
    got = {(s.kind, s.priority, s.status, s.waiting_on): s for s in found.steps}
    assert set(got) == set(expected)
    for key, figures in expected.items():
        step, earlier = got[key], before.get(key)
        assert step.cases == figures["cases"]
        # The databases subtract instants to the millisecond or better.
        assert step.median_seconds == pytest.approx(figures["median"], abs=0.01)
        assert step.p90_seconds == pytest.approx(figures["p90"], abs=0.01)
        assert step.total_seconds == pytest.approx(figures["total"], abs=0.01)
        assert step.previous_cases == (earlier["cases"] if earlier else 0)
        if earlier is None:
            assert step.previous_median_seconds is None
        else:
            assert step.previous_median_seconds == pytest.approx(earlier["median"], abs=0.01)
            assert step.previous_p90_seconds == pytest.approx(earlier["p90"], abs=0.01)


@pytest.mark.parametrize("seed", [3, 8])
def test_the_kept_summary_gives_the_timelines_figures(db: Session, seed: int) -> None:
    _world(db, seed)
    db.commit()
    _assert_figures_match_the_timeline(db)
    steps = time_spent(db, start=START, end=END, now=NOW).steps
    assert {s.waiting_on for s in steps} == set(WaitingOn)


def test_an_open_visit_counts_up_to_the_time_of_reading(db: Session) -> None:
    _world(db, 4)
    db.commit()
    waiting = time_spent(db, start=START, end=END, now=NOW)
    later = NOW + timedelta(hours=6)
    _assert_figures_match_the_timeline(db, later)
    grown = time_spent(db, start=START, end=END, now=later)
    totals = {(s.kind, s.status, s.waiting_on): s.total_seconds for s in waiting.steps}
    requester = [s for s in grown.steps if s.status == "need_info"]
    assert any(s.total_seconds > totals[(s.kind, s.status, s.waiting_on)] for s in requester)


def test_a_move_committed_through_the_session_moves_the_summary(db: Session) -> None:
    ids = _world(db, 5)
    db.commit()
    waiting = _open_in(db, "need_info")
    assert waiting
    request_id = waiting[0]
    db.add(_move(request_id, "need_info", "under_review", NOW - timedelta(minutes=30)))
    db.execute(update(Request).where(Request.id == request_id).values(status="under_review"))
    db.commit()
    assert request_id not in _open_in(db, "need_info")
    assert request_id in _open_in(db, "under_review")
    _assert_figures_match_the_timeline(db)
    # A newer legal check that no longer sends the case to legal takes review off legal.
    routed = ids[0]
    db.add(_legal_check(routed, "disclose_review"))
    db.commit()
    whom = db.scalars(
        select(StatusTime.waiting_on).where(
            StatusTime.request_id == routed, StatusTime.status == "under_review"
        )
    ).all()
    assert "legal" not in whom
    _assert_figures_match_the_timeline(db)


def test_a_rolled_back_move_leaves_the_summary_as_it_was(db: Session) -> None:
    _world(db, 6)
    db.commit()
    kept = _rows(db)
    request_id = _open_in(db, "need_info")[0]
    db.add(_move(request_id, "need_info", "triaged", NOW - timedelta(minutes=5)))
    db.flush()
    db.rollback()
    assert _rows(db) == kept


def test_a_rebuild_writes_the_rows_the_upkeep_kept(db: Session) -> None:
    _world(db, 7)
    db.commit()
    request_id = _open_in(db, "under_review")[0]
    db.add(_move(request_id, "under_review", "need_info", NOW - timedelta(hours=2)))
    db.commit()
    kept = _rows(db)
    rebuild_facts(db, batch=37)
    db.commit()
    assert _rows(db) == kept


def test_the_demo_history_writes_the_summary_a_rebuild_writes(factory: Any) -> None:
    seed_history(factory, 600, random.Random(9), open_cases=60)
    with factory() as session:
        kept = _rows(session)
        assert len({request_id for request_id, *_ in kept}) == 600
        now = datetime.now(UTC)
        found = time_spent(session, start=now - timedelta(days=60), end=now, now=now)
        expected = timeline_oracle.figures(session, now - timedelta(days=60), now, now)
        assert {(s.kind, s.priority, s.status, s.waiting_on) for s in found.steps} == set(expected)
        for step in found.steps:
            figures = expected[(step.kind, step.priority, step.status, step.waiting_on)]
            assert step.median_seconds == pytest.approx(figures["median"], abs=0.01)
        rebuild_facts(session, batch=250)
        session.commit()
        assert _rows(session) == kept


def test_the_upgrade_that_makes_the_summary_fills_it_from_the_timelines(
    factory: Any, settings: Any
) -> None:
    seed_history(factory, 300, random.Random(4), open_cases=30)
    with factory() as session:
        written = _rows(session)
    command.downgrade(alembic_config(settings.database_url), "0035")
    upgrade(settings.database_url)
    with factory() as session:
        assert _rows(session) == written


def _move(request_id: int, left: str, entered: str, at: datetime) -> TimelineEvent:
    return TimelineEvent(
        request_id=request_id,
        at=at,
        kind="transition",
        actor="test",
        from_status=left,
        to_status=entered,
        data={},
    )


def _open_in(db: Session, status: str) -> list[int]:
    return list(
        db.scalars(
            select(StatusTime.request_id)
            .where(StatusTime.status == status, StatusTime.open_since.is_not(None))
            .order_by(StatusTime.request_id)
        )
    )


def _rows(db: Session) -> list[tuple[Any, ...]]:
    rows = db.execute(
        select(
            StatusTime.request_id,
            StatusTime.status,
            StatusTime.waiting_on,
            StatusTime.kind,
            StatusTime.priority,
            StatusTime.received_at,
            StatusTime.spent_seconds,
            StatusTime.open_since,
            StatusTime.visits,
        ).order_by(StatusTime.request_id, StatusTime.status)
    )
    # Seconds to the millisecond: the databases' subtraction is no finer.
    return [(*row[:6], round(row[6], 3), *row[7:]) for row in rows]
