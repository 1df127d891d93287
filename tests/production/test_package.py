"""A sealed package: verify finds every altered, missing or added file; the letter says it all."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from exigent.cli import app
from factories import emergency_record
from production.flows import approved_case, package_dir, produce

runner = CliRunner()


def _built(client, analyst, lead, officer, factory, settings, **outcomes):  # type: ignore[no-untyped-def]
    record = emergency_record(data_requested=["subscriber_info", "account_activity", "location"])
    case = approved_case(
        client, analyst, lead, factory, record, submitter=officer, outcomes=outcomes or None
    )
    production = produce(client, analyst, case["id"]).json()
    return case, production, package_dir(factory, production["id"])


def verify(path: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["production", "verify", str(path), *extra])


def test_verify_names_each_altered_missing_or_added_file(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings, tmp_path
):
    _, production, package = _built(client, analyst, lead, officer, factory, settings)
    intact = verify(package, "--seal", production["manifest_sha256"])
    assert intact.exit_code == 0, intact.output
    assert production["manifest_sha256"] in intact.output
    manifest_sha = hashlib.sha256((package / "manifest.json").read_bytes()).hexdigest()
    assert manifest_sha == production["manifest_sha256"]

    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    logins = next(copy.rglob("logins.csv"))
    with logins.open("a") as handle:
        handle.write("2026-11-21T10:00:00Z,login,10.0.0.1,forged,dev-1,phone\n")
    next(copy.rglob("subscriber.json")).unlink()
    (copy / "data" / "notes.txt").write_text("added later")
    result = verify(copy)
    assert result.exit_code == 1
    relative = logins.relative_to(copy).as_posix()
    assert f"altered: {relative}" in result.output
    assert "missing: data/username_night.owl.77/subscriber.json" in result.output
    assert "unexpected: data/notes.txt" in result.output


def test_a_rewritten_manifest_breaks_the_seal(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings, tmp_path
):
    _, production, package = _built(client, analyst, lead, officer, factory, settings)
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"record_count"', '"record_count" '))
    result = verify(copy, "--seal", production["manifest_sha256"])
    assert result.exit_code == 1
    assert "manifest.json" in result.output
    cover = copy / "cover_letter.pdf"
    cover.write_bytes(cover.read_bytes() + b"%")
    assert "altered: cover_letter.pdf" in verify(copy).output


def test_the_downloaded_zip_verifies_too(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings, tmp_path
):
    _, production, _ = _built(client, analyst, lead, officer, factory, settings)
    issued = client.post(
        f"/api/v1/productions/{production['id']}/deliveries", headers=analyst.headers
    ).json()
    download = client.get(issued["url"], headers=officer.headers)
    assert download.status_code == 200
    assert download.headers["x-manifest-sha256"] == production["manifest_sha256"]
    archive = tmp_path / "download.zip"
    archive.write_bytes(download.content)
    result = verify(archive, "--seal", production["manifest_sha256"])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert f"production-{production['id']}/cover_letter.pdf" in names


def test_the_cover_letter_tells_the_officer_what_they_got_and_why(  # type: ignore[no-untyped-def]
    client, analyst, lead, officer, factory, settings, tmp_path
):
    case, production, package = _built(
        client, analyst, lead, officer, factory, settings, location="withhold"
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(package / "cover_letter.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Springfield Police Department" in flat
    assert case["case_number"] in flat
    assert f"EXG-{case['id']:07d}" in flat
    assert "2702(b)(8)" in flat
    assert "2026-11-20 to 2026-11-24" in flat
    assert "Test lead" in flat and "Test analyst" in flat
    assert "username:night.owl.77" in flat
    logins = next(c for c in production["counts"] if c["dataset"] == "logins")
    assert f"logins {logins['records']:,}" in flat
    assert f"total records {production['record_count']:,}" in flat.lower()
    assert "Location history not needed to locate the user" in flat
    assert production["manifest_sha256"] in flat.replace(" ", "")


def test_verify_refuses_what_is_not_a_package(tmp_path: Path) -> None:
    assert verify(tmp_path / "nowhere").exit_code == 2
    stray = tmp_path / "notes.txt"
    stray.write_text("hello")
    result = verify(stray)
    assert result.exit_code == 2
    assert "neither a package folder nor its zip" in result.output
    empty = verify(tmp_path)
    assert empty.exit_code == 1
    assert "missing: manifest.json" in empty.output
