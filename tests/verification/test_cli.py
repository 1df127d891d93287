"""`exigent assess FILE`: one line per record in input order; bad input writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from exigent.cli import app
from exigent.verification.cli import run_assess

DATA = Path(__file__).parent / "data" / "fraud-dev.jsonl"


def eval_lines(count: int) -> list[str]:
    lines = []
    for line in DATA.read_text(encoding="utf-8").splitlines()[:count]:
        data = json.loads(line)
        data.pop("label"), data.pop("pattern")
        lines.append(json.dumps(data))
    return lines


def test_one_line_per_record_in_input_order(tmp_path: Path) -> None:
    lines = eval_lines(25)
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in out] == [json.loads(line)["id"] for line in lines]
    for row in out:
        assert set(row) == {"id", "risk_score", "risk_level", "verification_required", "signals"}
        assert 0 <= row["risk_score"] <= 100
        assert row["risk_level"] in {"low", "medium", "high", "critical"}
        assert all(set(signal) == {"code", "weight", "detail"} for signal in row["signals"])


def test_history_follows_arrival_not_file_order(tmp_path: Path) -> None:
    first, second = (json.loads(line) for line in eval_lines(2))
    second["requester"] = first["requester"]
    second["received_at"], first["received_at"] = (
        "2026-01-01T10:00:00+00:00",
        "2026-01-01T11:00:00+00:00",
    )
    path = tmp_path / "in.jsonl"
    path.write_text(f"{json.dumps(first)}\n{json.dumps(second)}\n", encoding="utf-8")
    from io import StringIO

    out = StringIO()
    run_assess(path, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "requester_first_seen" in {s["code"] for s in rows[1]["signals"]}
    assert "requester_first_seen" not in {s["code"] for s in rows[0]["signals"]}


def test_bad_input_exits_2_naming_line_and_field_with_nothing_written(tmp_path: Path) -> None:
    lines = eval_lines(3)
    broken = json.loads(lines[2])
    broken["requester"]["phone"] = "555-0100"
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([*lines[:2], json.dumps(broken)]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "line 3" in result.stderr and "requester.phone" in result.stderr


def test_the_same_file_gets_the_same_judgement_in_every_process(tmp_path: Path) -> None:
    # Legal reviews a score long after it was given: a re-run must reproduce it exactly,
    # whatever hash salt the process started with.
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(eval_lines(300)) + "\n", encoding="utf-8")
    outputs = set()
    for seed in ("1", "2"):
        run = subprocess.run(
            [str(Path(sys.executable).with_name("exigent")), "assess", str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert "template_reuse" in outputs.pop()
