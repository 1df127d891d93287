"""`exigent report transparency --period 2026H1 --format csv|pdf [--layout tiktok|google]`:
the half-year's transparency report, CSV to standard output or PDF to a file, kept like one
generated on the reports page."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from exigent.analytics.report_layouts import Layout
from exigent.analytics.reports import ReportFormat, generate_chosen
from exigent.analytics.transparency import half_year
from exigent.audit.service import Actor
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory
from exigent.errors import ExigentError
from exigent.files import FileStore

report_app = typer.Typer(no_args_is_help=True, help="Reports generated from the case data.")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _write_atomically(path: Path, output: bytes) -> None:
    """Nothing half-written: the file appears whole or not at all."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(output)
    os.replace(partial, path)


@report_app.command("transparency")
def transparency(
    period: Annotated[str, typer.Option(help="A half-year in UTC: 2026H1 or 2026H2.")],
    format: Annotated[ReportFormat, typer.Option("--format", help="csv or pdf.")],
    layout: Annotated[Layout, typer.Option(help="The published layout to follow.")] = (
        Layout.tiktok
    ),
    output: Annotated[
        Path | None, typer.Option(help="Write here (required for pdf; csv goes to stdout).")
    ] = None,
) -> None:
    """The transparency report for a half-year, counted by received time in UTC."""
    try:
        wanted_period = half_year(period)
    except ExigentError as exc:
        _fail(f"--{exc.message}")
    if format is ReportFormat.pdf and output is None:
        _fail("--output: a pdf report is written to a file; name it with --output")
    if output is not None and not output.parent.is_dir():
        _fail(f"--output: {output.parent} is not a directory")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            _, rendered = generate_chosen(
                session,
                FileStore(settings.file_store),
                actor=Actor.system(f"cli:{getpass.getuser()}"),
                settings=settings,
                period=wanted_period,
                layout=layout,
                format=format,
            )
            if output is None:
                sys.stdout.buffer.write(rendered)
                sys.stdout.flush()
            else:
                _write_atomically(output, rendered)
            session.commit()
    finally:
        engine.dispose()
