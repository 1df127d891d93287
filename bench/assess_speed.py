"""Speed of `exigent assess` on one core, and of the look-alike check against the directory.

Run: uv run python bench/assess_speed.py [N]   (N records, default 20000)
"""

from __future__ import annotations

import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from exigent.verification.cli import run_assess
from exigent.verification.directory_index import default_directory

SAMPLE = (
    Path(__file__).resolve().parent.parent / "tests" / "verification" / "data" / "fraud-dev.jsonl"
)


def varied_records(count: int, seed: int = 7) -> list[str]:
    """Eval records varied in requester, case, targets and time so history keeps growing."""
    rng = random.Random(seed)
    base = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data.pop("label"), data.pop("pattern")
        base.append(data)
    lines = []
    for n in range(count):
        data = json.loads(json.dumps(rng.choice(base)))
        data["id"] = f"bench-{n}"
        data["case_number"] = f"B{n}"
        local, _, domain = data["requester"]["email"].partition("@")
        data["requester"]["email"] = f"{local}{rng.randrange(50)}@{domain}"
        for target in data["targets"]:
            target["value"] = (
                f"{target['value']}{n}"
                if target["identifier_type"] == "username"
                else target["value"]
            )
        day = 1 + n * 28 // count
        data["received_at"] = (
            f"2026-02-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+00:00"
        )
        lines.append(json.dumps(data))
    return lines


def lookalike_timings(samples: int = 3000) -> tuple[float, float]:
    """Mean and p99 ms of the look-alike check for typo'd, swapped and unknown domains."""
    lookalikes = default_directory().lookalikes
    rng = random.Random(3)
    known = sorted(lookalikes.hosts)
    queries = []
    for _ in range(samples):
        label, _, rest = rng.choice(known).partition(".")
        cut = rng.randrange(max(1, len(label)))
        queries.append(
            rng.choice(
                [
                    f"{label[:cut]}x{label[cut + 1 :]}.{rest}",
                    f"{label}.co",
                    f"{label}-police.com",
                    f"zz{rng.randrange(10**6)}.org",
                ]
            )
        )
    timings = []
    for query in queries:
        started = time.perf_counter()
        lookalikes.match(query)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return sum(timings) / len(timings), timings[int(0.99 * len(timings))]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    started = time.perf_counter()
    default_directory()
    print(f"directory index built in {time.perf_counter() - started:.2f} s (once per process)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jsonl"
        path.write_text("\n".join(varied_records(count)) + "\n", encoding="utf-8")
        out = io.StringIO()
        started = time.perf_counter()
        run_assess(path, out)
        elapsed = time.perf_counter() - started
    assert out.getvalue().count("\n") == count
    print(
        f"assess: {count} records in {elapsed:.2f} s = {count / elapsed:,.0f} records/s "
        f"(one core; parsing, history and JSON output included)"
    )
    mean, p99 = lookalike_timings()
    print(
        f"look-alike check against {len(default_directory().lookalikes.hosts):,} known domains: "
        f"mean {mean:.3f} ms, p99 {p99:.3f} ms per request"
    )


if __name__ == "__main__":
    main()
