"""`exigent oncall now [--at TIME]`: who is on call at each escalation level, as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import typer

from exigent.config import get_settings
from exigent.db import begin_read_only, make_engine, make_session_factory, utcnow
from exigent.oncall.rota import OnCall, headline_policy, levels_on_call

oncall_app = typer.Typer(no_args_is_help=True, help="Who is on call.")


def _person(p: OnCall) -> dict[str, Any]:
    return {
        "user_id": p.user_id,
        "name": p.name,
        "email": p.email,
        "zone": p.zone,
        "shift_starts_at": p.starts_at.isoformat() if p.starts_at else None,
        "shift_ends_at": p.ends_at.isoformat() if p.ends_at else None,
    }


def _moment(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        typer.echo(f"error: --at: {value!r} is not an ISO 8601 time", err=True)
        raise typer.Exit(code=2) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@oncall_app.command("now")
def now(
    at: Annotated[str | None, typer.Option(help="An ISO 8601 time; UTC if no offset.")] = None,
) -> None:
    """For each escalation level: who is on call now and next, shift times in UTC."""
    moment = _moment(at)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        begin_read_only(session)
        policy = headline_policy(session)
        levels = levels_on_call(
            session, moment, head_email=settings.oncall_head_email, policy=policy
        )
        answer = {
            "at": moment.isoformat(),
            "policy": policy.name if policy else None,
            "levels": [
                {
                    "position": level.position,
                    "target_kind": str(level.target_kind),
                    "target": level.target,
                    "label": level.label,
                    "now": [_person(p) for p in level.now],
                    "next": [_person(p) for p in level.next],
                }
                for level in levels
            ],
        }
    engine.dispose()
    typer.echo(json.dumps(answer))
