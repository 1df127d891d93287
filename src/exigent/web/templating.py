"""One Jinja2 environment for every HTML page: the base layout here, each domain's pages beside it.

A domain keeps its templates in `<domain>/templates/<domain>/`, so a page is named
`requests/queue.html` and two domains never shadow each other's files.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from exigent import __version__

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
    return env


templates = Jinja2Templates(env=_environment())
