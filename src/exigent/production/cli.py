"""`exigent production ...`: verify a package, build a production from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from exigent.auth.models import User
from exigent.cases.models import parse_reference
from exigent.config import get_settings
from exigent.db import make_engine, make_session_factory
from exigent.errors import ExigentError
from exigent.platform_data.registry import get_adapter
from exigent.production.models import Production
from exigent.production.package import verify
from exigent.production.service import build_production

production_app = typer.Typer(no_args_is_help=True, help="Productions: sealed packages of data.")


@production_app.command("verify")
def verify_command(
    path: Annotated[Path, typer.Argument(help="a package folder, or the zip as downloaded")],
    seal: Annotated[
        str | None, typer.Option(help="the manifest SHA-256 printed on the cover letter")
    ] = None,
) -> None:
    """Check every file against the manifest; exit 1 naming each altered, missing or extra one."""
    import zipfile

    if not path.exists():
        typer.echo(f"error: PATH: {path} does not exist", err=True)
        raise typer.Exit(code=2)
    if path.is_file() and not zipfile.is_zipfile(path):
        typer.echo(f"error: PATH: {path} is neither a package folder nor its zip", err=True)
        raise typer.Exit(code=2)
    result = verify(path, seal=seal)
    if result.intact:
        typer.echo(f"package intact: {result.checked} files verified; seal {result.seal}")
        return
    for problem in result.problems:
        typer.echo(f"{problem.what}: {problem.path}", err=True)
    typer.echo(
        f"package NOT intact: {len(result.problems)} problem(s), {result.checked} files checked",
        err=True,
    )
    raise typer.Exit(code=1)


@production_app.command("build")
def build_command(
    case: Annotated[str, typer.Argument(help="the case (EXG-0001234 or its number)")],
    as_user: Annotated[str, typer.Option("--as", help="email of the staff member building it")],
) -> None:
    """Collect and package an approved case, as the named staff member."""
    from sqlalchemy import select

    request_id = parse_reference(case)
    if request_id is None:
        typer.echo(f"error: case: {case!r} is not a case reference", err=True)
        raise typer.Exit(code=2)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine)
    adapter = get_adapter(settings)
    try:
        with factory() as session:
            user = session.execute(select(User).where(User.email == as_user)).scalar_one_or_none()
            if user is None:
                typer.echo(f"error: --as: no user {as_user}", err=True)
                raise typer.Exit(code=2)
            session.expunge(user)
        production_id = build_production(
            factory, user=user, request_id=request_id, settings=settings, adapter=adapter
        )
        with factory() as session:
            production = session.get(Production, production_id)
            assert production is not None
            typer.echo(
                f"production {production.id}: {production.record_count} records in "
                f"{production.package_path}\nseal (manifest SHA-256) {production.manifest_sha256}"
            )
    except ExigentError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=2 if exc.status_code == 422 else 1) from None
    finally:
        adapter.close()
        engine.dispose()
