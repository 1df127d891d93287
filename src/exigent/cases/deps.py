"""The lifecycle's move guard for routes: assembled by the application, read from its state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from exigent.cases.service import MoveGuard


async def get_move_guard(request: Request) -> MoveGuard:
    # `async`: it only reads an attribute, no worker thread needed.
    guard: MoveGuard = request.app.state.move_guard
    return guard


MoveGuardDep = Annotated[MoveGuard, Depends(get_move_guard)]
