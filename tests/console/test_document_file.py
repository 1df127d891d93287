"""Opening a case document in the console: served as what its bytes are, never as claimed."""

from __future__ import annotations

import hashlib

import pytest

from console.helpers import sign_in
from exigent.demo.media import png
from exigent.web.security_headers import DOCUMENT_POLICY
from factories import emergency_record

PAGE = b"<!doctype html><h1>Evidence</h1><script>fetch('/console')</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
XML = b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">1</x:script>'
TEXT = b"Officer's notes: the caller said <3 o'clock>, x < 5.\n"


def submitted_document(  # type: ignore[no-untyped-def]
    client, officer, data: bytes, claimed: str, sent_as: str
) -> tuple[int, int]:
    """An officer's case naming a document as `claimed`, whose bytes arrive as `sent_as`:
    (case id, document id)."""
    digest = hashlib.sha256(data).hexdigest()
    record = emergency_record(
        documents=[{"sha256": digest, "filename": "evidence.html", "media_type": claimed}]
    )
    case = client.post("/api/v1/requests", json=record, headers=officer.headers)
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    upload = client.post(
        f"/api/v1/requests/{case_id}/documents",
        files={"file": ("evidence.html", data, sent_as)},
        headers=officer.headers,
    )
    assert upload.status_code == 201, upload.text
    listed = client.get(f"/api/v1/requests/{case_id}/documents", headers=officer.headers).json()
    [document] = [d for d in listed if d["sha256"] == digest]
    return case_id, document["id"]


@pytest.mark.parametrize("data", [PAGE, SVG, XML], ids=["html", "svg", "xml"])
def test_markup_claimed_as_a_page_is_only_downloaded(client, officer, lead, data) -> None:  # type: ignore[no-untyped-def]
    _, document_id = submitted_document(client, officer, data, "text/html", "text/plain")
    sign_in(client, lead.user.email)
    response = client.get(f"/console/documents/{document_id}/file")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]


def test_an_image_is_shown_as_what_it_is_in_a_sandbox(client, officer, lead) -> None:  # type: ignore[no-untyped-def]
    picture = png(40, 30, 1.0)
    _, document_id = submitted_document(client, officer, picture, "text/html", "image/png")
    sign_in(client, lead.user.email)
    response = client.get(f"/console/documents/{document_id}/file")
    assert response.status_code == 200
    assert response.content == picture
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["content-security-policy"] == DOCUMENT_POLICY
    assert response.headers["content-security-policy"].startswith("sandbox;")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_plain_text_is_shown_as_utf8_text(client, officer, lead) -> None:  # type: ignore[no-untyped-def]
    _, document_id = submitted_document(client, officer, TEXT, "text/html", "text/plain")
    sign_in(client, lead.user.email)
    response = client.get(f"/console/documents/{document_id}/file")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["content-security-policy"] == DOCUMENT_POLICY
    assert response.text == TEXT.decode()
