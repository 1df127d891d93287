"""Intake throughput and latency under load on loopback, beside the framework floor.

Runs wrk against (1) Exigent's POST /api/v1/requests, served as `exigent serve` serves it,
and (2) a minimal FastAPI endpoint that inserts one row, each on SQLite and on PostgreSQL,
taking turns, and prints requests/second and p50/p99 latency.
Usage: uv run python bench/intake.py [--seconds 60] [--rounds 3] [--connections 16]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from _server import drop_database, ensure_wrk, fresh_database, migrated_with_token, start_server

from factories import emergency_record

HERE = Path(__file__).parent


def parse_wrk(output: str) -> dict[str, float]:
    def latency_ms(label: str) -> float:
        match = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": latency_ms(" 50"),
        "p99_ms": latency_ms(" 99"),
        "errors": float(non2xx.group(1)) if non2xx else 0.0,
    }


WARM_UP_SECONDS = 5


def wrk(token: str, template: Path, seconds: int, connections: int) -> str:
    return subprocess.run(
        [
            ensure_wrk(),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(HERE / "intake.lua"),
            "http://127.0.0.1:8765",
            "--",
            token,
            str(template),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run_case(app: str, backend: str, seconds: int, connections: int, work: Path) -> dict:
    url = fresh_database(backend, work)
    try:
        token = migrated_with_token(url)
        template = work / "record.json"
        template.write_text(json.dumps(emergency_record(id="__ID__")))
        server = start_server(
            app,
            {
                "EXIGENT_DATABASE_URL": url,
                "EXIGENT_EMBEDDED_WORKER": "false",
                "EXIGENT_FILE_STORE": str(work / "files"),
            },
            8765,
        )
        try:
            # Both servers get the same few seconds of load before the measured run, so that
            # neither is timed loading its caches or warming the database.
            wrk(token, template, WARM_UP_SECONDS, connections)
            output = wrk(token, template, seconds, connections)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return parse_wrk(output)
    finally:
        drop_database(url)


APPS = (
    ("exigent", "exigent_bench_app:create_app"),
    ("floor (insert one row)", "floor_app:create_app"),
)


def measure(backend: str, seconds: int, rounds: int, connections: int, work: Path) -> None:
    """Exigent and the floor take turns, `rounds` times, so that a slow minute of a shared
    machine weighs on both alike; each gets `seconds` of load in all."""
    runs: dict[str, list[dict[str, float]]] = {label: [] for label, _ in APPS}
    for _ in range(rounds):
        for label, app in APPS:
            runs[label].append(run_case(app, backend, seconds // rounds, connections, work))
    for label, _ in APPS:
        r = runs[label]
        print(
            f"{label + ' / ' + backend:<36}{statistics.fmean(x['rps'] for x in r):>10.1f}"
            f"{statistics.median(x['p50_ms'] for x in r):>10.1f}"
            f"{statistics.median(x['p99_ms'] for x in r):>10.1f}"
            f"{sum(x['errors'] for x in r):>10.0f}",
            flush=True,
        )
    ratios = [e["rps"] / f["rps"] for e, f in zip(runs["exigent"], runs[APPS[1][0]], strict=True)]
    each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
    overall = statistics.fmean(x["rps"] for x in runs["exigent"]) / statistics.fmean(
        x["rps"] for x in runs[APPS[1][0]]
    )
    print(f"{'exigent / floor, ' + backend:<36}{overall:>10.2f}  (goal >= 0.50; rounds: {each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60, help="load per server, in all")
    parser.add_argument("--rounds", type=int, default=3, help="turns the servers take")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    print(
        f"intake load: {args.seconds}s per server in {args.rounds} turns, "
        f"{args.connections} connections, wrk -t2 (p50/p99: median of the turns)"
    )
    print(f"{'target':<36}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            measure(backend, args.seconds, args.rounds, args.connections, Path(tmp))


if __name__ == "__main__":
    main()
