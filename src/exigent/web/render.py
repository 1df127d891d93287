"""`render`: a staff page from its template, with what every page's layout needs to know.

Every staff page (console, admin, risk weights, exposure, account) renders through here, so
the layout always gets the signed-in user, the form token and the user's permissions.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from exigent.auth.models import Role, User
from exigent.auth.permissions import Permission, has_permission
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
            "can": lambda p: has_permission(Role(user.role), Permission(p)),
            "now": utcnow(),
            **context,
        },
        status_code=status_code,
    )
