"""`render`: a staff page from its template, with what every page's layout needs to know.

Every staff page (console, admin, risk weights, exposure, account) renders through here, so
the layout always gets the signed-in user and the form token; the templates' `can` and
`nav_places` read the user's permissions from it (`web.templating`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from exigent.auth.models import User
from exigent.db import utcnow
from exigent.web.templating import templates


def render(
    request: Request,
    user: User,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "csrf_token": getattr(request.state, "csrf_token", None),
            "now": utcnow(),
            **context,
        },
        status_code=status_code,
    )
