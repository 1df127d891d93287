"""What the intake route needs from the application: the batcher that builds cases and the
allowance check in front of it (both made by `create_app`, read from its state)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exigent.intake.batcher import IntakeBatcher
from exigent.intake.ratelimit import IntakeLimiter


async def get_intake_batcher(request: Request) -> IntakeBatcher:
    batcher: IntakeBatcher = request.app.state.intake_batcher
    return batcher


async def get_intake_limiter(request: Request) -> IntakeLimiter:
    limiter: IntakeLimiter = request.app.state.intake_limiter
    return limiter


IntakeBatcherDep = Annotated[IntakeBatcher, Depends(get_intake_batcher)]
IntakeLimiterDep = Annotated[IntakeLimiter, Depends(get_intake_limiter)]
