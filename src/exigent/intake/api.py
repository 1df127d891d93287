"""The intake route: POST /api/v1/requests hands the record to the batcher and answers once
the case is committed.

The one `async` route that touches the database, and only through other threads: the
allowance check and the flag run in worker threads, the case is built by the batcher's
thread, and the route awaits their results, so the event loop never waits for a lock."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from exigent.cases.schemas import IntakeRecord, RequestRead
from exigent.intake.deps import IntakeBatcherDep, IntakeLimiterDep
from exigent.intake.intake import Submission
from exigent.intake.ratelimit import FLAGGED_HEADER
from exigent.web.deps import CurrentUser

router = APIRouter(prefix="/api/v1/requests", tags=["requests"])


@router.post(
    "",
    status_code=201,
    response_model=RequestRead,
    responses={200: {"description": "a retry of an earlier submission"}},
)
async def create_request(
    record: IntakeRecord,
    user: CurrentUser,
    request: Request,
    batcher: IntakeBatcherDep,
    limiter: IntakeLimiterDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Submit a request (the intake record). Retrying with the same key returns the same case.

    The answer comes once the case is committed: a crash after it loses nothing.
    """
    raw = (await request.body()).decode("utf-8", "replace")  # already read: FastAPI keeps it
    submission = Submission(user=user, record=record, raw=raw, idempotency_key=idempotency_key)
    verdict = await limiter.admit(user, record, idempotency_key)  # 429 when over, unless P0
    try:
        built = await asyncio.wrap_future(batcher.submit(submission))
    finally:
        limiter.done(user, verdict)
    headers = {"Location": f"/api/v1/requests/{built.case.id}"}
    if not built.created:
        headers["Idempotent-Replayed"] = "true"
    elif verdict.over:
        await limiter.flag(request_id=built.case.id, user=user, verdict=verdict)
        headers[FLAGGED_HEADER] = verdict.flag_text()
    # Serialised here, once: the model was built from the committed row and needs no second
    # validation on the way out.
    return Response(
        built.case.model_dump_json(),
        status_code=201 if built.created else 200,
        media_type="application/json",
        headers=headers,
    )
