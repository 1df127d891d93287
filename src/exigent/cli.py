"""The `exigent` command. Each subcommand's work lives with its domain; this file only wires."""

from __future__ import annotations

import gc
import os

# A start allocates hundreds of thousands of objects that live as long as the process (modules,
# route tables, the fraud checks' directory index); collecting while they are made costs about
# a sixth of a restart. Collection resumes when the command starts, or for `serve` once the
# server is warm (`exigent.app`), when what was built by then is frozen out of collections.
gc.disable()

import sys
from pathlib import Path
from typing import Annotated

import typer

from exigent.analytics.cli import report_app
from exigent.analytics.facts_cli import analytics_app, backfill_facts
from exigent.analytics.upkeep import install as keep_facts_current
from exigent.app import create_served_app
from exigent.audit.checks import start_check, walk
from exigent.audit.service import Actor
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory, utcnow
from exigent.deadlines import Worker
from exigent.demo.seed import seed_demo
from exigent.directory.service import import_directory
from exigent.errors import ExigentError
from exigent.legal.cli import run_legal_check
from exigent.logs import log_config
from exigent.mail.cli import intake_files, poll_maildir
from exigent.migrate import upgrade
from exigent.oncall.cli import oncall_app
from exigent.production.cli import production_app
from exigent.serving import serve_supervised
from exigent.staffing.cli import roster_app
from exigent.verification.cli import run_assess_with_database
from exigent.verification.weights_cli import weights_app
from exigent.workflow.events import wire_events
from exigent.workflow.jobs import deadline_handlers, start_chains

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Exigent operations platform.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
audit_app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit log.")
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
directory_app = typer.Typer(no_args_is_help=True, help="The agency directory.")
app.add_typer(directory_app, name="directory")
intake_app = typer.Typer(no_args_is_help=True, help="Requests received by email.")
app.add_typer(intake_app, name="intake")
app.add_typer(production_app, name="production")
app.add_typer(roster_app, name="roster")
app.add_typer(oncall_app, name="oncall")
app.add_typer(analytics_app, name="analytics")
app.add_typer(report_app, name="report")
app.add_typer(weights_app, name="risk-weights")

InputFile = Annotated[Path, typer.Argument(help="JSON Lines file of intake records.")]


def fail(message: str) -> None:
    """Bad input: one clear line on stderr and exit code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@app.command("legal-check")
def legal_check(file: InputFile) -> None:
    """Judge each intake record against the current legal policy; one JSON line per record."""
    try:
        run_legal_check(file, sys.stdout)
    except ExigentError as exc:
        fail(exc.message)


@app.command("assess")
def assess(file: InputFile) -> None:
    """Score each intake record for fraud risk, in order of arrival; one JSON line per record."""
    try:
        run_assess_with_database(file, sys.stdout, get_settings().database_url)
    except ExigentError as exc:
        fail(exc.message)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    url = get_settings().database_url
    upgrade(url)
    # The fact table is created empty; a database with cases gets its rows once, here.
    backfill_facts(url)
    typer.echo(f"database is up to date ({_safe_url(url)})")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="web processes (production)")] = 1,
) -> None:
    """Serve the web app and API (with the deadline worker inside, in embedded mode)."""
    if workers == 1:
        # One web process, kept answering by a supervisor that restarts it at once if it dies.
        raise typer.Exit(code=serve_supervised(host, port))
    import uvicorn

    gc.enable()  # this process only supervises; each web process warms up on its own
    uvicorn.run(
        f"{create_served_app.__module__}:{create_served_app.__name__}",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # Delivery and confirmation links carry their secret in the path: never logged.
        log_config=log_config(),
    )


@app.command("worker")
def worker() -> None:
    """Run the deadline worker alone (any number may share one database)."""
    settings = get_settings()
    factory = make_session_factory(make_engine(settings.database_url))
    typer.echo(f"deadline worker polling every {settings.worker_poll_seconds}s")
    wire_events()
    running = Worker(factory, deadline_handlers(), settings.worker_poll_seconds, settings)
    # Urgent work (a new emergency's page) scheduled by other processes wakes this one.
    running.listen(settings.database_url)
    start_chains(factory, utcnow())
    try:
        running.run_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command("demo")
def demo(
    scale: Annotated[int, typer.Option(help="historical requests to generate")] = 0,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
    port: Annotated[int, typer.Option()] = 8000,
    reset: Annotated[bool, typer.Option(help="start from an empty database")] = False,
    platform_accounts: Annotated[
        int, typer.Option(help="bystander accounts in the demo platform store")
    ] = 300,
    platform_records: Annotated[
        int, typer.Option(help="average records per account in the demo platform store")
    ] = 400,
) -> None:
    """Seed realistic demo data (agencies, people, a few hundred cases) and serve."""
    logins = seed_demo(
        scale=scale,
        reset=reset,
        platform_accounts=platform_accounts,
        platform_records=platform_records,
    )
    typer.echo("\nDemo logins:")
    for line in logins:
        typer.echo(f"  {line}")
    if serve_after:
        typer.echo(f"\nExigent is starting on http://127.0.0.1:{port}/  (API docs: /api/docs)")
        sys.stdout.flush()
        # Served from a fresh process: seeding leaves database connections and threads
        # behind, which the server's supervisor must not copy into the web process it forks.
        command = "from exigent.cli import main; main()"
        serving = ["serve", "--host", "127.0.0.1", "--port", str(port)]
        os.execv(sys.executable, [sys.executable, "-c", command, *serving])


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain; exit 1 naming the first broken link if anything was altered.
    The result shows on the audit log page as the last verification."""
    factory = make_session_factory(make_engine(get_settings().database_url))
    with factory() as session:
        started = start_check(session, actor=Actor.system("exigent audit verify"), now=utcnow())
        session.commit()
    check = walk(factory, started.id)
    checked = check.events_checked
    if check.intact is None:
        typer.echo(f"audit chain not verified: {check.reason}", err=True)
        raise typer.Exit(code=1)
    if not check.intact:
        typer.echo(
            f"audit chain BROKEN at event {check.broken_seq}: {check.reason} "
            f"({checked} events verified before it)",
            err=True,
        )
        raise typer.Exit(code=1)
    typer.echo(f"audit chain intact: {checked} events verified")


@directory_app.command("import")
def directory_import(
    fbi: Annotated[Path | None, typer.Option(help="FBI agency list (CSV)")] = None,
    homepages: Annotated[Path | None, typer.Option(help="agency homepages (CSV)")] = None,
    dotgov: Annotated[Path | None, typer.Option(help=".gov domain list (CSV)")] = None,
) -> None:
    """Load agencies and their domains (the shipped copies unless paths are given); idempotent."""
    for path in (fbi, homepages, dotgov):
        if path is not None and not path.is_file():
            fail(f"{path}: no such file")
    engine = make_engine(get_settings().database_url)
    try:
        with make_session_factory(engine)() as session:
            counts = import_directory(
                session,
                actor=Actor.system("directory-import"),
                fbi_path=fbi,
                homepages_path=homepages,
                dotgov_path=dotgov,
            )
            session.commit()
    except ExigentError as exc:
        fail(exc.message)
    finally:
        engine.dispose()
    typer.echo(f"added {counts['agencies']} agencies and {counts['domains']} domains")


@intake_app.command("eml")
def intake_eml(
    files: Annotated[list[Path], typer.Argument(help=".eml files as received")],
) -> None:
    """Turn each message into a case to complete; exit 1 if any could not be taken in."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        failed = intake_files(make_session_factory(engine), settings, files, typer.echo)
    finally:
        engine.dispose()
    if failed:
        raise typer.Exit(code=1)


@intake_app.command("maildir")
def intake_maildir(
    path: Annotated[Path, typer.Argument(help="maildir folder (with new/ and cur/)")],
    once: Annotated[bool, typer.Option(help="one pass, then exit")] = False,
    interval: Annotated[float, typer.Option(help="seconds between passes")] = 30.0,
) -> None:
    """Poll a maildir: each new message becomes a case and is then moved to cur/."""
    if not (path / "new").is_dir():
        fail(f"{path}: not a maildir (no new/ folder)")
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        failed = poll_maildir(
            make_session_factory(engine), settings, path, typer.echo, once=once, interval=interval
        )
    except KeyboardInterrupt:
        failed = 0
    finally:
        engine.dispose()
    if failed:
        raise typer.Exit(code=1)


def main() -> None:
    keep_facts_current()
    if sys.argv[1:2] != ["serve"]:
        gc.enable()
    app()
