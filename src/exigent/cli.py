"""The `exigent` command. Each subcommand's work lives with its domain; this file only wires."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from exigent.errors import ExigentError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Exigent operations platform.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit log.")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")

InputFile = Annotated[Path, typer.Argument(help="JSON Lines file of intake records.")]


def fail(message: str) -> None:
    """Bad input: one clear line on stderr and exit code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command("legal-check")
def legal_check(file: InputFile) -> None:
    """Judge each intake record against the current legal policy; one JSON line per record."""
    from exigent.legal.cli import run_legal_check

    try:
        run_legal_check(file, sys.stdout)
    except ExigentError as exc:
        fail(exc.message)


@app.command("assess")
def assess(file: InputFile) -> None:
    """Score each intake record for fraud risk, in order of arrival; one JSON line per record."""
    from exigent.verification.cli import run_assess

    try:
        run_assess(file, sys.stdout)
    except ExigentError as exc:
        fail(exc.message)


def main() -> None:
    app()
