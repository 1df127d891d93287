"""Throughput of `exigent legal-check`: parse + judge + serialise, via the CLI and in-process.

Usage: uv run python bench/legal_check.py [--records 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from exigent.cases.jsonl import read_intake_file
from exigent.legal.cli import cycle_collection_paused, run_legal_check
from exigent.legal.engine import judge
from exigent.legal.policy import default_policy

T = TypeVar("T")

KINDS = {
    "emergency": 30,
    "subpoena": 25,
    "court_order": 12,
    "search_warrant": 10,
    "preservation": 12,
    "preservation_extension": 4,
    "consent": 3,
    "real_time": 2,
    "other": 2,
}
CATEGORIES = [
    "subscriber_info",
    "account_activity",
    "connections",
    "message_metadata",
    "location",
    "content",
]
NATURES = [
    "suicide_self_harm",
    "child_safety",
    "kidnapping",
    "violent_threat",
    "terrorism",
    "other_life_threat",
]
AGENCIES = [
    ("Cardington Police Department", "cardington.org", "US", "OH", "-05:00"),
    ("Winters Police Department", "winterspolice.org", "US", "TX", "-06:00"),
    ("Powell Police Department", "powellpolice.com", "US", "WY", "-07:00"),
    ("Puerto Rico Police Bureau", "policia.pr.gov", "PR", None, "-04:00"),
    ("Guam Police Department", "gpd.guam.gov", "GU", None, "+10:00"),
    ("Los Angeles County Sheriff", "lasd.org", "US", "CA", "-08:00"),
    ("Metropolitan Police Service", "met.police.uk", "GB", None, "+00:00"),
    ("Politie Nederland", "politie.nl", "NL", None, "+01:00"),
    ("Australian Federal Police", "afp.gov.au", "AU", None, "+10:00"),
    ("Policia Federal", "policiafederal.gov.br", "BR", None, "-03:00"),
]
CIVIL = ("Harlow & Finch LLP", "harlowfinch.com", "US", "NY", "-05:00")
AUTHORITIES = {
    "subpoena": "18 U.S.C. 2703(c)(2); grand jury subpoena duces tecum",
    "court_order": "18 U.S.C. 2703(d) order",
    "search_warrant": "18 U.S.C. 2703(a); search warrant",
}
NAMES = ["Sean Gallagher", "Vanessa Price", "Jorge Salazar", "Amara Okafor", "Lena Kowalski"]
OPTIONAL = [
    "requester.name",
    "requester.email",
    "requester.phone",
    "requester.agency_name",
    "targets",
    "data_requested",
    "documents",
    "legal_authority",
    "date_range",
    "case_number",
    "emergency",
    "emergency.facts",
    "attestation",
]


def intake_record(rng: random.Random, number: int) -> dict[str, Any]:
    """One plausible request, now and then incomplete, foreign or from a civil party."""
    kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
    civil = rng.random() < 0.05
    agency, domain, country, state, offset = CIVIL if civil else rng.choice(AGENCIES)
    name = rng.choice(NAMES)
    hours, minutes = int(offset[:3]), int(offset[0] + offset[4:])
    zone = timezone(timedelta(hours=hours, minutes=minutes))
    received = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(525_600))
    record: dict[str, Any] = {
        "id": f"BENCH-{number:06d}",
        "kind": kind,
        "received_via": rng.choice(["portal", "api", "email", "phone"]),
        "received_at": received.astimezone(zone).isoformat(),
        "requester": {
            "name": name,
            "title": "Detective",
            "email": f"{name.split()[1].lower()}@{domain}",
            "phone": f"+1415555{rng.randrange(10_000):04d}",
            "agency_name": agency,
            "agency_country": country,
            "agency_state": state,
            "is_government": not civil,
        },
        "case_number": f"25-{rng.randrange(100_000):05d}",
        "targets": [
            {"identifier_type": "username", "value": f"user{rng.randrange(10**6)}"}
            for _ in range(rng.choice([1, 1, 1, 2, 3]))
        ],
        "data_requested": rng.sample(
            CATEGORIES, rng.randint(0 if kind.startswith("pres") else 1, 4)
        ),
    }
    if kind == "emergency":
        record["emergency"] = {
            "nature": rng.choice(NATURES),
            "facts": "Caller reports the account holder posted a plan to harm themselves tonight.",
            "how_data_helps": "Location and subscriber details let officers reach the person.",
        }
        record["attestation"] = {"signed": rng.random() < 0.95}
    if kind in AUTHORITIES:
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        record["date_range"] = {"start": start.isoformat(), "end": str(start + timedelta(90))}
        record["legal_authority"] = AUTHORITIES[kind]
        record["user_notice_permitted"] = rng.random() < 0.5
        record["documents"] = [
            {
                "sha256": hashlib.sha256(str(number).encode()).hexdigest(),
                "filename": f"{kind}-{number}.pdf",
                "media_type": "application/pdf",
            }
        ]
    if kind == "preservation_extension":
        record["prior_extensions"] = rng.choice([0, 0, 1])
    if rng.random() < 0.1:
        expires = (
            None if rng.random() < 0.5 else str(date(2026, 1, 1) + timedelta(rng.randrange(365)))
        )
        record["nondisclosure_order"] = {"present": True, "expires_on": expires}
    if rng.random() < 0.15:
        drop(record, rng.choice(OPTIONAL))
    return record


def drop(record: dict[str, Any], path: str) -> None:
    """Remove one element the way a hurried officer leaves it out."""
    *parents, name = path.split(".")
    holder = record
    for parent in parents:
        holder = holder.get(parent) or {}
    holder.pop(name, None)


def write_records(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps(intake_record(rng, number)) + "\n")


def timed(work: Callable[[], T]) -> tuple[T, float, float]:
    """The result of `work`, its wall-clock seconds and its CPU seconds in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def report(label: str, count: int, wall: float, cpu: float) -> None:
    print(
        f"{label:<36} {wall:7.2f} s wall {count / wall:>9,.0f} records/s"
        f"   ({cpu:6.2f} s CPU {count / cpu:>9,.0f} records/s)"
    )


def run_command(path: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `exigent legal-check`, start-up included, as a user runs it."""
    exigent = Path(sys.executable).with_name("exigent")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with out.open("w") as stream:
        done, wall, _ = timed(lambda: subprocess.run([exigent, "legal-check", path], stdout=stream))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"exigent legal-check exited {done.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def stages(path: Path, count: int) -> dict[str, int]:
    """Each step on its own, with the collector paused as the command pauses it."""
    with cycle_collection_paused():
        return timed_stages(path, count)


def timed_stages(path: Path, count: int) -> dict[str, int]:
    policy = default_policy()
    records, wall, cpu = timed(lambda: read_intake_file(path))
    report("  parse (read_intake_file)", count, wall, cpu)
    checks, wall, cpu = timed(lambda: [judge(record, policy) for record in records])
    report("  judge", count, wall, cpu)
    _, wall, cpu = timed(lambda: [check.model_dump_json() for check in checks])
    report("  serialise", count, wall, cpu)
    routes = Counter(str(check.route) for check in checks)
    return dict(sorted(routes.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    count = args.records
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "intake.jsonl"
        write_records(path, count, args.seed)
        print(
            f"{count:,} records, {path.stat().st_size / 1e6:.1f} MB of JSONL; "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
        )
        wall, cpu = run_command(path, Path(folder) / "out.jsonl")
        report("exigent legal-check (subprocess)", count, wall, cpu)
        _, wall, cpu = timed(lambda: run_legal_check(path, io.StringIO()))
        report("run_legal_check (in-process)", count, wall, cpu)
        routes = stages(path, count)
        print("routes:", ", ".join(f"{route} {n:,}" for route, n in routes.items()))


if __name__ == "__main__":
    main()
