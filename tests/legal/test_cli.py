"""`exigent legal-check FILE` as an integrator runs it: lines in input order, all or nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from exigent.cli import app
from legal.intake import complete

DEV_SAMPLE = Path(__file__).parent / "data" / "legal-dev.jsonl"
EXIGENT = Path(sys.executable).with_name("exigent")


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def small_file(tmp_path: Path) -> Path:
    records = [
        complete("subpoena", "subscriber_info", "content", id="C-1", user_notice_permitted=True),
        complete("emergency", "location", id="C-2", requester__phone=None),
        complete("preservation_extension", id="C-3", prior_extensions=1),
        complete("court_order", "location", id="C-4", requester__agency_country="CA"),
    ]
    return write_jsonl(tmp_path / "intake.jsonl", [json.dumps(r) for r in records])


def test_the_installed_command_prints_one_compact_line_per_record_in_input_order(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [str(EXIGENT), "legal-check", str(small_file(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["C-1", "C-2", "C-3", "C-4"]
    assert lines[0] == (
        '{"id":"C-1","route":"disclose_review",'
        '"categories":{"subscriber_info":"permitted","content":"not_permitted"},'
        '"missing_elements":[],'
        '"obligations":[{"kind":"user_notice_before_disclosure","due":"2025-01-27T10:05:00-05:00"}],'
        '"priority":"P3"}'
    )
    assert [json.loads(line)["route"] for line in lines[1:]] == [
        "request_info",
        "reject",
        "legal_review",
    ]
    assert json.loads(lines[1])["obligations"] == [
        {"kind": "user_notice_review", "due": "2025-04-27T10:05:00-05:00"}
    ]


def test_the_labelled_sample_comes_out_as_labelled(tmp_path: Path) -> None:
    records = [json.loads(line) for line in DEV_SAMPLE.read_text(encoding="utf-8").splitlines()]
    expected = [{"id": r["id"], **r.pop("expected")} for r in records]
    intake = write_jsonl(tmp_path / "dev.jsonl", [json.dumps(r) for r in records])
    result = CliRunner().invoke(app, ["legal-check", str(intake)])
    assert result.exit_code == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in got] == [line["id"] for line in expected]
    assert [line["route"] for line in got] == [line["route"] for line in expected]
    assert [line["categories"] for line in got] == [line["categories"] for line in expected]


def bad(line: str) -> list[str]:
    """Two good records, then `line` as line 3, then a good one."""
    good = [json.dumps(complete("subpoena", id=f"G-{n}")) for n in range(3)]
    return [good[0], good[1], line, good[2]]


def with_change(**changes: Any) -> str:
    return json.dumps(complete("subpoena", **changes))


@pytest.mark.parametrize(
    ("line", "named"),
    [
        (with_change(officer_rank="Sergeant"), "line 3: officer_rank: is not a field"),
        (with_change(requester__agency_badge="x"), "line 3: requester.agency_badge"),
        (with_change(kind="warrant"), "line 3: kind:"),
        (with_change(data_requested=["subscriber_info", "dms"]), "line 3: data_requested[1]:"),
        (with_change(received_at="27/01/2025 10:05"), "line 3: received_at:"),
        (with_change(received_at="2025-01-27T10:05:00"), "line 3: received_at:"),
        (with_change(date_range={"start": "2025-13-01", "end": "2025-12-31"}), "date_range.start"),
        (
            with_change(date_range={"start": "2025-02-01", "end": "2025-01-01"}),
            "line 3: date_range: start must not be after end",
        ),
        ('{"id": "G-9", "kind": "subpoena",', "line 3: not valid JSON"),
    ],
)
def test_bad_input_exits_2_names_line_and_field_and_prints_nothing(
    tmp_path: Path, line: str, named: str
) -> None:
    intake = write_jsonl(tmp_path / "intake.jsonl", bad(line))
    result = CliRunner().invoke(app, ["legal-check", str(intake)])
    assert result.exit_code == 2
    assert named in result.stderr
    assert result.stdout == ""


def test_the_installed_command_fails_cleanly_on_bad_input(tmp_path: Path) -> None:
    intake = write_jsonl(tmp_path / "intake.jsonl", bad(with_change(kind="warrant")))
    done = subprocess.run(
        [str(EXIGENT), "legal-check", str(intake)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert "line 3: kind:" in done.stderr


def test_a_file_that_does_not_exist_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["legal-check", str(tmp_path / "nowhere.jsonl")])
    assert result.exit_code == 2
    assert "nowhere.jsonl" in result.stderr
    assert result.stdout == ""
