"""The cover letter: HTML from a Jinja2 template, printed to PDF with WeasyPrint."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from exigent.web.labels import label

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["label"] = label
    return env


def render_html(facts: dict[str, Any]) -> str:
    return _environment().get_template("production/cover_letter.html").render(**facts)


def render_pdf(facts: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only when printing

    pdf: bytes = HTML(string=render_html(facts)).write_pdf()
    return pdf
