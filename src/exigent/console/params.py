"""The console's query parameters, bounded so a wild number is a 422, not a lookup (its path ids
are `exigent.web.deps`' `CaseId` and `RowId`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

PageNo = Annotated[int, Query(ge=1, le=10_000)]
