"""Start-up: from `exigent serve` starting to the first intake answered with 201.

A restart should be a blip: this starts the server as operators do, on a migrated SQLite
database with a staff token, and sends an emergency to POST /api/v1/requests as soon as the
port answers, again and again until the first 201. Each run restarts the same database and
cache directory, as a real restart would; the first run also builds the caches.
Usage: uv run python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from _server import free_port, fresh_database, migrated_with_token

from factories import emergency_record

EXIGENT = Path(sys.executable).parent / "exigent"
# Give up on a run after this long: a start-up this slow is a failure to report, not a figure.
GIVE_UP_SECONDS = 120


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, all threads) a process has used so far: unlike the wall
    clock, it does not grow when others load the machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_intake(env: dict[str, str], token: str, port: int) -> tuple[float, float, float]:
    """Seconds from process start to the port answering and to the first 201, and the CPU
    seconds the server had used by then."""
    url = f"http://127.0.0.1:{port}/api/v1/requests"
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    process = subprocess.Popen(
        [str(EXIGENT), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    listening = None
    try:
        while time.monotonic() - started < GIVE_UP_SECONDS:
            if process.poll() is not None:
                raise RuntimeError(f"exigent serve exited with {process.returncode}")
            try:
                answer = httpx.post(url, json=emergency_record(), headers=headers, timeout=60)
            except httpx.TransportError:
                time.sleep(0.01)
                continue
            listening = listening or time.monotonic() - started
            if answer.status_code == 201:
                return listening, time.monotonic() - started, cpu_seconds(process.pid)
            raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:200]}")
        raise RuntimeError(f"no 201 within {GIVE_UP_SECONDS}s")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = fresh_database("sqlite", work)
        token = migrated_with_token(url)
        env = {
            "EXIGENT_DATABASE_URL": url,
            "EXIGENT_FILE_STORE": str(work / "files"),
            "EXIGENT_CACHE_DIR": str(work / "cache"),
            "EXIGENT_PLATFORM_STORE": str(work / "platform.db"),
        }
        print(f"{'run':<6}{'listening s':>14}{'first 201 s':>14}{'server cpu s':>14}", flush=True)
        firsts, cpus = [], []
        for run in range(1, args.runs + 1):
            listening, first, cpu = first_intake(env, token, free_port())
            firsts.append(first)
            cpus.append(cpu)
            print(f"{run:<6}{listening:>14.2f}{first:>14.2f}{cpu:>14.2f}", flush=True)
        print(
            f"first 201 after start: median {statistics.median(firsts):.2f}s, "
            f"best {min(firsts):.2f}s, worst {max(firsts):.2f}s (goal < 2 s); "
            f"server CPU by then: median {statistics.median(cpus):.2f}s"
        )


if __name__ == "__main__":
    main()
