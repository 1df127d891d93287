"""Start-up: from `exigent serve` starting, and from its web process being killed, to the
first intake answered with 201.

A restart should be a blip: this starts the server as operators do, on a migrated SQLite
database with a staff token, and sends an emergency to POST /api/v1/requests as soon as the
port answers, again and again until the first 201 (a cold start: the whole program loads).
Then it kills the web process with SIGKILL, as the out-of-memory killer would, and sends an
emergency at once: the supervisor forks a new web process from itself, already loaded, and
the port holds the caller meanwhile. Each run restarts the same database and cache
directory, as a real restart would; the first run also builds the caches.
Usage: uv run python bench/startup.py [--runs 5] [--kills 3]
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


def _post_until_201(url: str, headers: dict[str, str], process: subprocess.Popen[bytes]) -> None:
    started = time.monotonic()
    while time.monotonic() - started < GIVE_UP_SECONDS:
        if process.poll() is not None:
            raise RuntimeError(f"exigent serve exited with {process.returncode}")
        try:
            answer = httpx.post(url, json=emergency_record(), headers=headers, timeout=60)
        except httpx.TransportError:
            time.sleep(0.01)
            continue
        if answer.status_code == 201:
            return
        raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:200]}")
    raise RuntimeError(f"no 201 within {GIVE_UP_SECONDS}s")


def _web_process(supervisor: int) -> int:
    return int(Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()[0])


def one_run(
    env: dict[str, str], token: str, port: int, kills: int
) -> tuple[float, float, list[float]]:
    """Seconds from process start to the first 201, the CPU seconds the server had used by
    then, and for each kill of the web process the seconds from the kill to the next 201."""
    url = f"http://127.0.0.1:{port}/api/v1/requests"
    headers = {"Authorization": f"Bearer {token}"}
    started = time.monotonic()
    process = subprocess.Popen(
        [str(EXIGENT), "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _post_until_201(url, headers, process)
        cold = time.monotonic() - started
        cpu = cpu_seconds(process.pid) + cpu_seconds(_web_process(process.pid))
        restarts = []
        for _ in range(kills):
            time.sleep(1)  # let the worker and warm-up settle, as between real incidents
            killed = time.monotonic()
            os.kill(_web_process(process.pid), signal.SIGKILL)
            _post_until_201(url, headers, process)
            restarts.append(time.monotonic() - killed)
        return cold, cpu, restarts
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kills", type=int, default=3)
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
        print(f"{'run':<6}{'cold start s':>14}{'server cpu s':>14}   kill -> 201 s", flush=True)
        colds, cpus, restarts = [], [], []
        for run in range(1, args.runs + 1):
            cold, cpu, after_kills = one_run(env, token, free_port(), args.kills)
            colds.append(cold)
            cpus.append(cpu)
            restarts.extend(after_kills)
            figures = " ".join(f"{r:.2f}" for r in after_kills)
            print(f"{run:<6}{cold:>14.2f}{cpu:>14.2f}   {figures}", flush=True)
        print(
            f"cold start to the first 201: median {statistics.median(colds):.2f}s, best "
            f"{min(colds):.2f}s, worst {max(colds):.2f}s; server CPU by then: median "
            f"{statistics.median(cpus):.2f}s"
        )
        if restarts:
            print(
                f"web process killed to the next 201 (goal < 2 s): median "
                f"{statistics.median(restarts):.2f}s, best {min(restarts):.2f}s, worst "
                f"{max(restarts):.2f}s over {len(restarts)} kills"
            )


if __name__ == "__main__":
    main()
