"""`exigent roster ...`: the roster optimizer on benchmark instances."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from exigent.staffing.benchmark_format import InstanceError, read_instance
from exigent.staffing.checker import Roster

roster_app = typer.Typer(no_args_is_help=True, help="The 24/7 roster optimizer.")


def _write_csv(path: Path, roster: Roster) -> None:
    rows = ["employee,day,shift"]
    for emp, days in roster.items():
        rows += [f"{emp},{day},{shift}" for day, shift in sorted(days.items())]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@roster_app.command("benchmark")
def benchmark(
    file: Annotated[Path, typer.Argument(help="Instance in schedulingbenchmarks.org format.")],
    seconds: Annotated[float, typer.Option(help="Time limit in seconds.", min=0.5)] = 60.0,
    output: Annotated[Path | None, typer.Option(help="Write the roster as CSV here.")] = None,
    workers: Annotated[int, typer.Option(help="CP-SAT worker threads.", min=1)] = 2,
    seed: Annotated[
        int,
        typer.Option(help="Random seed of the search; another seed takes another path.", min=0),
    ] = 0,
) -> None:
    """Solve one benchmark instance; print one JSON line with the objective and bound."""
    from exigent.staffing.lns import solve  # ortools loads only when a roster is solved

    started = time.monotonic()
    try:
        inst = read_instance(file)
    except InstanceError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    result = solve(inst, seconds, workers=workers, seed=seed)
    if output is not None and result.roster is not None:
        _write_csv(output, result.roster)
    line = {
        "instance": inst.name,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "feasible": result.roster is not None,
        "seconds": round(time.monotonic() - started, 2),
    }
    typer.echo(json.dumps(line))
