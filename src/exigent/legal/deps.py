"""What routes that judge a case need from the application: the other domains' steps after
judging (assembled at start-up, read from the application's state)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exigent.legal.checks import AfterJudging


async def get_after_judging(request: Request) -> tuple[AfterJudging, ...]:
    # `async`: it only reads an attribute, no worker thread needed.
    steps: tuple[AfterJudging, ...] = request.app.state.after_judging
    return steps


AfterJudgingDep = Annotated[tuple[AfterJudging, ...], Depends(get_after_judging)]
