"""One Jinja2 environment for every HTML page: the base layout here, each domain's pages beside it.

A domain keeps its templates in `<domain>/templates/<domain>/`, so a page is named
`requests/queue.html` and two domains never shadow each other's files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from exigent import __version__
from exigent.auth.models import User
from exigent.auth.permissions import Permission, user_can
from exigent.web import header_band, nav_counts
from exigent.web.labels import action_label, label
from exigent.web.places import Place, landing_path, places_for

PACKAGE = Path(__file__).resolve().parent.parent
STATIC = Path(__file__).resolve().parent / "static"


def _template_folders() -> list[Path]:
    domains = sorted(p for p in PACKAGE.glob("*/templates") if p.parent.name != "web")
    return [PACKAGE / "web" / "templates", *domains]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_template_folders()),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["can"] = can
    env.globals["nav_places"] = nav_places
    env.globals["landing"] = landing
    env.globals["nav_count"] = nav_count
    env.globals["console_band"] = console_band
    env.filters["label"] = label
    env.filters["action_label"] = action_label
    return env


def _user(context: Context) -> User | None:
    user: Any = context.get("user")
    return user if isinstance(user, User) else None


@pass_context
def can(context: Context, permission: str) -> bool:
    """Whether the page's signed-in user may do `permission`: the one check templates use to
    offer a form or button, the same `user_can` the routes and services apply."""
    user = _user(context)
    return user is not None and user_can(user, Permission(permission))


@pass_context
def nav_places(context: Context) -> list[Place]:
    """The navigation's places for the page's signed-in user."""
    user = _user(context)
    return places_for(user) if user is not None else []


@pass_context
def landing(context: Context) -> str:
    """Where the brand link takes the page's signed-in user: the page they land on."""
    user = _user(context)
    return landing_path(user) if user is not None else "/"


@pass_context
def nav_count(context: Context, place: Place) -> int | None:
    """The count beside `place`'s link for the page's signed-in user, if it has one."""
    user = _user(context)
    if user is None or place.count is None:
        return None
    return nav_counts.nav_count(context.get("request"), user, place.count)


@pass_context
def console_band(context: Context) -> header_band.Band:
    """Who is on call and the signed-in person's open pages, for the band under the header."""
    user = _user(context)
    if user is None:
        return header_band.Band()
    return header_band.header_band(context.get("request"), user)


templates = Jinja2Templates(env=_environment())
