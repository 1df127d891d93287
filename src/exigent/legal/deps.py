"""What routes that judge a case need from the application: the other domains' steps after
judging and the approval checks (both assembled at start-up, read from the application's
state here and nowhere else)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exigent.legal.approval import ApprovalCheck
from exigent.legal.checks import AfterJudging


async def get_after_judging(request: Request) -> tuple[AfterJudging, ...]:
    # `async`: it only reads an attribute, no worker thread needed.
    steps: tuple[AfterJudging, ...] = request.app.state.after_judging
    return steps


AfterJudgingDep = Annotated[tuple[AfterJudging, ...], Depends(get_after_judging)]


def approval_checks_of(request: Request) -> tuple[ApprovalCheck, ...]:
    """The checks approval runs, for a page that shows whether an approval would pass."""
    checks: tuple[ApprovalCheck, ...] = request.app.state.approval_checks
    return checks
