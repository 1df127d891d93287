"""The front page and the interactive API documentation, served without any outside host."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from exigent import __version__
from exigent.auth.models import Role
from exigent.auth.permissions import Permission, user_can
from exigent.web.deps import PageUser
from exigent.web.places import HOME, ROLE_WORK, things_to_do
from exigent.web.render import render
from exigent.web.security_headers import API_DOCS_POLICY
from exigent.web.templating import STATIC, templates

# npm installs into the project root, beside src/ (not the migrations' Alembic, a slow import).
NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules"
VENDOR = {
    "swagger-ui": "swagger-ui-dist",
    "htmx": "htmx.org/dist",
    # The build that evaluates expressions without eval, so pages need no 'unsafe-eval'.
    "alpine": "@alpinejs/csp/dist",
    "chart": "chart.js/dist",
}

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def front_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html", {"version": __version__})


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    """Pages name their icon; this answers what asks without reading a page (feed readers,
    a PDF opened in a tab) instead of a 404 in every log."""
    return RedirectResponse("/static/app/favicon.svg", status_code=301)


@router.get(HOME, response_class=HTMLResponse)
def start_page(request: Request, user: PageUser) -> HTMLResponse:
    """What the signed-in person's role can do, and where: the landing page of roles whose own
    pages are still to come, and a map for everyone else."""
    return render(
        request,
        user,
        "home.html",
        {
            "work": ROLE_WORK.get(Role(user.role), ""),
            "places": things_to_do(user),
            # Reading cases without changing them: leadership and auditors.
            "reads_only": user_can(user, Permission.request_read_all)
            and not user_can(user, Permission.request_note),
        },
    )


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI, started from a static file: FastAPI's own page starts it inline."""
    response = templates.TemplateResponse(request, "api_docs.html")
    response.headers["Content-Security-Policy"] = API_DOCS_POLICY
    return response


def mount_vendor(app: FastAPI) -> None:
    """Serve Exigent's own assets and the npm packages installed at setup."""
    app.mount("/static/app", StaticFiles(directory=STATIC), name="app-static")
    for name, folder in VENDOR.items():
        path = NODE_MODULES / folder
        if path.is_dir():
            app.mount(f"/static/vendor/{name}", StaticFiles(directory=path), name=name)
