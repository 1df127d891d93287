"""The console's path and query parameters, bounded so a wild number is a 422, not a lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from exigent.cases.schemas import MAX_ID

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNo = Annotated[int, Query(ge=1, le=10_000)]
