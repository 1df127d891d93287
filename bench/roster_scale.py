"""How `exigent roster benchmark` copes with instances far larger than Instance1-10.

uv run python bench/roster_scale.py [--base 10] [--staff 2] [--blocks 6] [--copies 2]
    [--one-copy] [--seconds 60]

The family's later instances run to a year, 150 staff and 32 shift types, and none of them is
in ../shared/data. This tiles one that is: `--staff` times the staff, `--blocks` times the
horizon (days off and requests repeat in each block), and `--copies` copies of each shift type
(cover split between them). With `--one-copy` each employee may work only one copy of each
type, as staff on the large instances may work only a few of the types. It runs the command
on the result, checks the roster independently, and prints the wall time (which should stay
near `--seconds`), the peak memory and the objective.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import tempfile
import time
from pathlib import Path

from exigent.staffing.benchmark_format import read_instance, sections
from exigent.staffing.checker import check, read_roster_csv

DATA = Path("/work/shared/data/rostering/curtois")


class Tiler:
    def __init__(self, text: str, staff: int, blocks: int, copies: int, one_copy: bool) -> None:
        # the project's own reader splits the sections; line numbers are not needed here
        self.s = {name: [line for _, line in rows] for name, rows in sections(text).items()}
        self.staff, self.blocks, self.copies, self.one_copy = staff, blocks, copies, one_copy
        self.horizon = int(self.s["SECTION_HORIZON"][0])

    def names(self, shift: str) -> list[str]:
        return [f"{shift}{c}" for c in range(self.copies)] if self.copies > 1 else [shift]

    def shifts(self) -> list[str]:
        out = []
        for line in self.s["SECTION_SHIFTS"]:
            shift, minutes, banned = line.split(",")
            after = [n for b in banned.split("|") if b for n in self.names(b)]
            out += [f"{n},{minutes},{'|'.join(after)}" for n in self.names(shift)]
        return out

    def staff_rows(self) -> list[str]:
        out = []
        for copy in range(self.staff):
            for row_no, line in enumerate(self.s["SECTION_STAFF"]):
                emp, limits, most, least, longest, shortest, rest, weekends = line.split(",")
                mine = (copy + row_no) % self.copies
                caps = []
                for part in limits.split("|"):
                    shift, cap = part.split("=")
                    for n_no, name in enumerate(self.names(shift)):
                        allowed = not self.one_copy or n_no == mine
                        caps.append(f"{name}={int(cap) * self.blocks if allowed else 0}")
                out.append(
                    f"{emp}x{copy},{'|'.join(caps)},{int(most) * self.blocks},"
                    f"{int(least) * self.blocks},{longest},{shortest},{rest},"
                    f"{int(weekends) * self.blocks}"
                )
        return out

    def days_off(self) -> list[str]:
        out = []
        for copy in range(self.staff):
            for line in self.s.get("SECTION_DAYS_OFF", []):
                emp, *days = line.split(",")
                shifted = [int(d) + b * self.horizon for b in range(self.blocks) for d in days]
                out.append(",".join([f"{emp}x{copy}", *map(str, shifted)]))
        return out

    def requests(self, section: str) -> list[str]:
        out = []
        for copy in range(self.staff):
            for block in range(self.blocks):
                for line in self.s.get(section, []):
                    emp, day, shift, weight = line.split(",")
                    names = self.names(shift)
                    name = names[(copy + block) % len(names)]
                    out.append(f"{emp}x{copy},{int(day) + block * self.horizon},{name},{weight}")
        return out

    def covers(self) -> list[str]:
        out = []
        for block in range(self.blocks):
            for line in self.s["SECTION_COVER"]:
                day, shift, need, under, over = line.split(",")
                total, names = int(need) * self.staff, self.names(shift)
                for n_no, name in enumerate(names):
                    share = total // len(names) + (n_no < total % len(names))
                    out.append(f"{int(day) + block * self.horizon},{name},{share},{under},{over}")
        return out

    def text(self) -> str:
        parts = [
            ("SECTION_HORIZON", [str(self.horizon * self.blocks)]),
            ("SECTION_SHIFTS", self.shifts()),
            ("SECTION_STAFF", self.staff_rows()),
            ("SECTION_DAYS_OFF", self.days_off()),
            ("SECTION_SHIFT_ON_REQUESTS", self.requests("SECTION_SHIFT_ON_REQUESTS")),
            ("SECTION_SHIFT_OFF_REQUESTS", self.requests("SECTION_SHIFT_OFF_REQUESTS")),
            ("SECTION_COVER", self.covers()),
        ]
        return "\n\n".join("\n".join([name, *rows]) for name, rows in parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=int, default=10)
    parser.add_argument("--staff", type=int, default=2)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--one-copy", action="store_true")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    base = (DATA / f"Instance{args.base}.txt").read_text(encoding="utf-8")
    tiled = Tiler(base, args.staff, args.blocks, args.copies, args.one_copy).text()
    with tempfile.TemporaryDirectory() as tmp:
        path, csv = Path(tmp) / "tiled.txt", Path(tmp) / "roster.csv"
        path.write_text(tiled, encoding="utf-8")
        inst = read_instance(path)
        cmd = ["exigent", "roster", "benchmark", str(path), "--seconds", str(args.seconds)]
        started = time.monotonic()
        done = subprocess.run([*cmd, "--output", str(csv)], capture_output=True, text=True)
        wall = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        line = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-300:]}
        verdict = check(inst, read_roster_csv(csv.read_text())) if csv.exists() else None
    shape = f"{len(inst.employees)} staff, {inst.horizon} days, {len(inst.shifts)} shift types"
    print(f"Instance{args.base} tiled: {shape}")
    print(json.dumps(line))
    print(f"wall {wall:.1f} s for a limit of {args.seconds:g} s; peak memory {peak_mb} MB")
    if verdict is not None:
        agrees = verdict.objective == line.get("objective")
        print(f"checker: feasible {verdict.feasible}, objective agrees {agrees}")


if __name__ == "__main__":
    main()
