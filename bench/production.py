"""Production of one account with 1,000,000 records: collect + package, time and peak memory.

Generates a demo platform store holding one account whose records (across every category)
number `--records`, then, in a fresh child process, collects every category over the whole
range through the scoped collector and writes the sealed package (CSV + JSON per dataset,
manifest, cover letter PDF, SHA256SUMS), then verifies it. The child reports its wall time
and peak resident memory (VmHWM). Goal: under 10 s and under 300 MB.

Usage: uv run python bench/production.py [--records 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

USERNAME = "bench.subject1"
CATEGORIES = [
    "subscriber_info",
    "account_activity",
    "connections",
    "message_metadata",
    "location",
    "content",
]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(store: Path, out: Path) -> None:
    """Collect and package in this process; print one JSON line of figures."""
    from exigent.files import FileStore
    from exigent.platform_data.demo import DemoAdapter
    from exigent.production.build import Prepared, run_build
    from exigent.production.scope import Scope, ScopeItem

    adapter = DemoAdapter(store)
    scope = Scope(
        request_id=1,
        decision_id=1,
        start=date(2000, 1, 1),
        end=date(2100, 1, 1),
        range_source="benchmark: the whole history",
        items=tuple(
            ScopeItem(1, f"username:{USERNAME}", "username", USERNAME, c, "disclose", "bench")
            for c in CATEGORIES
        ),
        withheld=(),
    )
    now = datetime.now(UTC)
    facts = {
        "production_id": 1,
        "production_reference": "EXG-0000001-P1",
        "platform_name": "Exigent Demo Platform",
        "reference": "EXG-0000001",
        "case_number": "BENCH-1",
        "kind": "search_warrant",
        "kind_label": "search warrant",
        "emergency_nature": None,
        "received_at": now.strftime("%Y-%m-%d %H:%M UTC"),
        "requester": {"name": "Bench Officer", "title": "Detective", "email": "b@pd.example"},
        "agency": "Bench Police Department",
        "legal_authority": "18 U.S.C. 2703",
        "legal_basis": "18 U.S.C. 2703(a), (b) and (c)",
        "start": scope.start.isoformat(),
        "end": scope.end.isoformat(),
        "range_source": scope.range_source,
        "decision_id": 1,
        "drafted_by": "Analyst (analyst)",
        "approved_by": "Lead (lead)",
        "approved_at": now.strftime("%Y-%m-%d %H:%M UTC"),
        "signed_off_by": None,
        "withheld": [],
        "generated_at": now.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "generated_on": now.strftime("%B %d, %Y"),
        "preserved_as_of": None,
        "adapter": "demo",
    }
    prepared = Prepared(1, scope, {}, facts, out)
    # WeasyPrint is imported by the first letter; import it first so the timing is the work.
    import weasyprint  # noqa: F401

    started_rss = peak_rss_mb()

    begin = time.perf_counter()
    result = run_build(prepared, adapter, FileStore(out / "files"))
    build_seconds = time.perf_counter() - begin
    build_peak = peak_rss_mb()
    from exigent.production.package import verify

    begin = time.perf_counter()
    check = verify(result.directory)
    verify_seconds = time.perf_counter() - begin
    size = sum(p.stat().st_size for p in result.directory.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "records": result.record_count,
                "files": len(result.files) + 3,
                "package_mb": round(size / 1e6, 1),
                "collect_package_seconds": round(build_seconds, 2),
                "peak_rss_mb": round(build_peak, 1),
                "rss_before_mb": round(started_rss, 1),
                "verify_seconds": round(verify_seconds, 2),
                "intact": check.intact,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the store and package here")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    from exigent.platform_data.generate import generate_one

    work = args.keep or Path(tempfile.mkdtemp(prefix="exigent-bench-production-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "platform.db"
    store.unlink(missing_ok=True)
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    begin = time.perf_counter()
    made = generate_one(store, username=USERNAME, records=args.records)
    print(
        f"generated {made.records:,} records for {USERNAME} in {time.perf_counter() - begin:.1f} s"
    )
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(store), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(
        f"collect + package: {figures['records']:,} records, {figures['files']} files, "
        f"{figures['package_mb']} MB in {figures['collect_package_seconds']} s; "
        f"peak RSS {figures['peak_rss_mb']} MB (of which interpreter and imports "
        f"{figures['rss_before_mb']} MB)"
    )
    print(f"verify: {figures['verify_seconds']} s, intact={figures['intact']}")
    ok = figures["collect_package_seconds"] < 10 and figures["peak_rss_mb"] < 300
    print(f"goal (< 10 s, < 300 MB): {'met' if ok else 'NOT met'}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
