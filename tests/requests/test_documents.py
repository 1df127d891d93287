"""Uploading documents to a case: stored by digest, refused when too big or not what they claim."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from exigent.cases.models import Document
from factories import emergency_record, subpoena_record

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def new_case(client, account, record=None) -> int:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/requests", json=record or emergency_record(), headers=account.headers
    )
    return response.json()["id"]  # type: ignore[no-any-return]


def upload(client, account, case_id, name, data, media_type):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/requests/{case_id}/documents",
        files={"file": (name, data, media_type)},
        headers=account.headers,
    )


def stored_files(settings) -> list[str]:  # type: ignore[no-untyped-def]
    root = settings.file_store
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_pdf_upload_is_stored_under_its_sha256(client, officer, settings):
    case_id = new_case(client, officer)
    response = upload(client, officer, case_id, "warrant.pdf", PDF, "application/pdf")
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert stored_files(settings) == [hashlib.sha256(PDF).hexdigest()]
    listed = client.get(f"/api/v1/requests/{case_id}/documents", headers=officer.headers).json()
    assert [d["filename"] for d in listed] == ["warrant.pdf"]


def test_document_named_at_intake_is_completed_by_its_upload(client, analyst):
    digest = hashlib.sha256(PDF).hexdigest()
    record = subpoena_record(
        documents=[{"sha256": digest, "filename": "subpoena.pdf", "media_type": "application/pdf"}]
    )
    case_id = new_case(client, analyst, record)
    before = client.get(f"/api/v1/requests/{case_id}/documents", headers=analyst.headers).json()
    assert [d["stored"] for d in before] == [False]
    upload(client, analyst, case_id, "subpoena.pdf", PDF, "application/pdf")
    after = client.get(f"/api/v1/requests/{case_id}/documents", headers=analyst.headers).json()
    assert [(d["stored"], d["size_bytes"]) for d in after] == [(True, len(PDF))]


def test_png_claiming_to_be_pdf_is_refused_and_nothing_kept(client, officer, settings, factory):
    case_id = new_case(client, officer)
    response = upload(client, officer, case_id, "warrant.pdf", PNG, "application/pdf")
    assert response.status_code == 422
    assert response.json()["error"] == "file: content is image/png, not application/pdf"
    assert stored_files(settings) == []
    with factory() as session:
        assert session.execute(select(func.count()).select_from(Document)).scalar_one() == 0


def test_oversize_upload_is_413(client, officer, settings):
    case_id = new_case(client, officer)
    big = b"a" * (settings.max_upload_bytes + 1)
    response = upload(client, officer, case_id, "big.txt", big, "text/plain")
    assert response.status_code == 413
    assert response.json()["error"].startswith("file: larger than")
    assert stored_files(settings) == []


def test_executable_type_is_refused(client, officer):
    case_id = new_case(client, officer)
    response = upload(
        client, officer, case_id, "run.exe", b"MZ\x90\x00", "application/x-msdownload"
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("media_type: application/x-msdownload")


def test_officer_cannot_attach_to_someone_elses_case(client, officer, analyst):
    case_id = new_case(client, analyst)
    response = upload(client, officer, case_id, "x.pdf", PDF, "application/pdf")
    assert response.status_code == 404
