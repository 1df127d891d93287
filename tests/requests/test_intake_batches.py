"""Submissions that arrive together are built in one batch; each still gets its own answer."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from exigent.audit.models import AuditEvent
from exigent.audit.service import verify_chain
from exigent.auth.models import Role, User
from exigent.cases.models import Request, Target
from exigent.cases.schemas import IntakeRecord
from exigent.errors import BadInput, Conflict, Forbidden
from exigent.files import FileStore
from exigent.intake import intake
from exigent.intake.batcher import Built, build_cases
from exigent.intake.intake import Submission
from exigent.notice.models import UserNotice
from exigent.verification.models import RiskAssessment
from factories import emergency_record, subpoena_record


def _submission(
    user: User, key: str | None = None, body: dict[str, Any] | None = None, **overrides: Any
) -> Submission:
    record = IntakeRecord.model_validate(body or emergency_record(**overrides))
    return Submission(user=user, record=record, raw=record.model_dump_json(), idempotency_key=key)


def _count(factory: sessionmaker[Session], model: type[Any]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_batch_makes_every_case_whole(factory, officer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    batch = [_submission(officer.user, id=f"edr-{n}") for n in range(5)]
    subpoena = IntakeRecord.model_validate(subpoena_record(id="sub-1"))
    batch.append(Submission(user=officer.user, record=subpoena, raw="{}"))

    with factory() as session:
        outcomes = build_cases(session, batch, FileStore(tmp_path))

    assert all(isinstance(o, Built) and o.created for o in outcomes)
    cases = [o.case for o in outcomes if isinstance(o, Built)]
    assert len({case.id for case in cases}) == 6
    assert [case.priority for case in cases] == ["P0"] * 5 + [cases[5].priority]
    assert cases[5].kind == "subpoena" and cases[5].priority != "P0"
    assert _count(factory, RiskAssessment) == 6
    # Each emergency owes a notice to the user behind each of its targets.
    assert _count(factory, UserNotice) == 5 * len(emergency_record()["targets"])
    with factory() as session:
        checked, broken = verify_chain(session)
        creates = session.scalar(select(func.count()).where(AuditEvent.action == "request.create"))
    assert broken is None and checked > 0 and creates == 6


def test_a_retry_inside_the_same_batch_answers_with_the_first_case(factory, officer) -> None:  # type: ignore[no-untyped-def]
    body = emergency_record()
    first, retry = _submission(officer.user, "k-1", body), _submission(officer.user, "k-1", body)

    with factory() as session:
        outcomes = build_cases(session, [first, retry], None)

    made, replayed = outcomes
    assert isinstance(made, Built) and isinstance(replayed, Built)
    assert made.created and not replayed.created and replayed.case.id == made.case.id
    assert _count(factory, Request) == 1


def test_a_reused_key_with_another_body_in_the_same_batch_is_a_conflict(factory, officer) -> None:  # type: ignore[no-untyped-def]
    body = emergency_record()
    first = _submission(officer.user, "k-2", body)
    other = _submission(officer.user, "k-2", {**body, "case_number": "OTHER-1"})

    with factory() as session:
        made, refused = build_cases(session, [first, other], None)

    assert isinstance(made, Built) and made.created
    assert isinstance(refused, Conflict) and made.case.reference in refused.message
    assert _count(factory, Request) == 1


def test_a_bad_record_or_caller_fails_alone(factory, officer, make_account) -> None:  # type: ignore[no-untyped-def]
    auditor = make_account(Role.auditor)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    batch = [
        _submission(officer.user, id="good-1"),
        _submission(officer.user, id="future", received_at=tomorrow),
        _submission(auditor.user, id="not-allowed"),
        _submission(officer.user, id="good-2"),
    ]

    with factory() as session:
        good, future, refused, also_good = build_cases(session, batch, None)

    assert isinstance(good, Built) and isinstance(also_good, Built)
    assert isinstance(future, BadInput) and "received_at" in future.message
    assert isinstance(refused, Forbidden)
    with factory() as session:
        kept = set(session.scalars(select(Request.external_id)))
        assert kept == {"good-1", "good-2"}
        assert session.scalar(select(func.count()).select_from(Target)) == 2 * len(
            emergency_record()["targets"]
        )


def test_when_one_case_spoils_the_batch_the_others_are_still_made(  # type: ignore[no-untyped-def]
    factory, officer, monkeypatch
) -> None:
    """A failure inside the batch's shared statements (a key that raced in from another
    process, say) rolls the batch back; each case is then built alone."""
    real = intake.write_new_cases

    def failing_for_poison(session, cases, **kwargs):  # type: ignore[no-untyped-def]
        if any(case.record.case_number == "POISON" for case in cases):
            raise RuntimeError("the database refused a row")
        return real(session, cases, **kwargs)

    monkeypatch.setattr(intake, "write_new_cases", failing_for_poison)
    batch = [
        _submission(officer.user, id="a"),
        _submission(officer.user, id="poison", case_number="POISON"),
        _submission(officer.user, id="b"),
    ]

    with factory() as session:
        first, poisoned, last = build_cases(session, batch, None)

    assert isinstance(first, Built) and isinstance(last, Built)
    assert isinstance(poisoned, RuntimeError)
    with factory() as session:
        assert set(session.scalars(select(Request.external_id))) == {"a", "b"}
        assert verify_chain(session)[1] is None


def test_concurrent_submissions_over_http_each_get_their_own_committed_case(  # type: ignore[no-untyped-def]
    client, officer, factory
) -> None:
    async def submit_all() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            posts = [
                http.post(
                    "/api/v1/requests",
                    json=emergency_record(id=f"burst-{n}"),
                    headers=officer.headers,
                )
                for n in range(24)
            ]
            return list(await asyncio.gather(*posts))

    # A loop of its own, on a thread of its own: a browser test may leave one running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        responses = thread.submit(asyncio.run, submit_all()).result()

    assert [r.status_code for r in responses] == [201] * 24
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 24
    with factory() as session:
        stored = set(session.scalars(select(Request.id)))
    assert ids == stored
    for response in responses:
        assert response.headers["Location"] == f"/api/v1/requests/{response.json()['id']}"
