"""A PostgreSQL outage under intake load: what callers got and what the server logged.

Starts a throwaway PostgreSQL cluster (initdb, a free port), serves Exigent on it as
`exigent serve` does, keeps a few clients submitting emergencies over keep-alive connections
and a probe polling /api/v1/health, stops PostgreSQL for `--seconds` and starts it again
(see tests/outage_drill.py, which tests/test_database_outage.py checks), then prints counts.
Usage: uv run python bench/outage.py [--seconds 10] [--clients 4]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from outage_drill import DrillResult, run_drill


def summary(result: DrillResult) -> list[str]:
    def status(code: int) -> int:
        return result.count(lambda a: a.status == code)

    unavailable = [a for a in result.answers if a.status == 503]
    after = [a.at for a in result.answers if a.status == 201 and a.at > result.up_at]
    during = [r for r in result.health if result.down_at < r.at < result.up_at]
    lines = result.log_lines
    return [
        f"answers: {len(result.answers)}  201: {status(201)}  200 (replays): {status(200)}  "
        f"503: {status(503)}  other 5xx: {result.count(lambda a: a.status >= 500) - status(503)}"
        f"  no answer: {status(0)}",
        f"503s with Retry-After: {sum(1 for a in unavailable if a.retry_after)} of "
        f"{len(unavailable)}; connections closed by an answer: "
        f"{result.count(lambda a: (a.connection or '').lower() == 'close')}; "
        f"next request after a 503 on another connection: {len(result.moved_after_503())}",
        f"acknowledged cases: {len(result.acknowledged)}, missing from the database: "
        f"{len(result.acknowledged - result.stored_ids)}",
        f"health during the outage: {len(during)} readings, "
        f"{sum(1 for r in during if r.database == 'unreachable')} said unreachable, "
        f"{sum(1 for r in during if r.status >= 500 and r.database != 'unreachable')} other "
        f"errors; last reading: {result.health[-1].status if result.health else '-'}",
        f"server log lines (access log aside): {len(lines)}, tracebacks: "
        f"{sum(1 for line in lines if line.startswith('Traceback'))}, "
        f"about the database: {len(result.outage_lines())}",
        "first 201 after PostgreSQL was back: "
        + (f"{min(after) - result.up_at:.2f} s" if after else "none"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="how long PostgreSQL is down")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--show-log", action="store_true", help="print the server's log lines")
    args = parser.parse_args()
    print(
        f"PostgreSQL outage of {args.seconds:g} s under intake load from {args.clients} "
        "keep-alive clients",
        flush=True,
    )
    result = run_drill(
        outage_seconds=args.seconds,
        clients=args.clients,
        report=lambda line: print(f"  ({line})", flush=True),
    )
    for line in summary(result):
        print(line)
    if args.show_log:
        print("\n".join(result.log_lines))


if __name__ == "__main__":
    main()
